import ManageCore

/// Bounds on what one shell statement may build, so `[0] * 10**9`, `'a' * 10**9` or
/// `range(10**18)` is Python's MemoryError at once rather than an allocation that kills the
/// process or a loop that never ends. CPython would try (and usually swap or die); an ORM
/// shell has no use for a list of ten million items.
enum ShellLimits {
  /// Items in one list, tuple, dict or range.
  static let maximumItems = 10_000_000
  /// UTF-8 bytes in one string.
  static let maximumTextBytes = 100_000_000

  static func memoryError(_ what: String) -> PythonError {
    PythonError("MemoryError", "\(what) is past manage shell's limit (\(maximumItems) items, \(maximumTextBytes / 1_000_000) MB of text)")
  }

  /// The item count for `count` copies of `length` items, or MemoryError.
  static func repeatedCount(_ length: Int, _ count: ShellValue) throws -> Int {
    guard let operand = count.integerOperand else { throw PythonError("TypeError", "can't multiply sequence by non-int") }
    let times: Int64
    switch operand {
    case .small(let number): times = number
    case .large(let number):
      if number.negative { return 0 }
      throw PythonError("OverflowError", "cannot fit 'int' into an index-sized integer")
    }
    if times <= 0 || length == 0 { return 0 }
    guard let total = CheckedArithmetic.multiply(Int(times), length), total <= maximumItems else {
      throw memoryError("a sequence of \(length) × \(times) items")
    }
    return Int(times)
  }

  static func repeated(_ items: [ShellValue], _ count: ShellValue) throws -> [ShellValue] {
    let times = try repeatedCount(items.count, count)
    var result: [ShellValue] = []
    result.reserveCapacity(items.count * times)
    for _ in 0..<times { result += items }
    return result
  }

  static func repeated(_ text: String, _ count: ShellValue) throws -> String {
    let bytes = text.utf8.count
    guard let operand = count.integerOperand else { throw PythonError("TypeError", "can't multiply sequence by non-int") }
    if case .small(let times) = operand, times > 0, bytes > 0 {
      guard let total = CheckedArithmetic.multiply(Int(times), bytes), total <= maximumTextBytes else {
        throw memoryError("a string of \(bytes) × \(times) bytes")
      }
      return String(repeating: text, count: Int(times))
    }
    if case .large(let times) = operand, !times.negative, bytes > 0 {
      throw PythonError("OverflowError", "cannot fit 'int' into an index-sized integer")
    }
    return ""
  }

  static func joined(_ a: [ShellValue], _ b: [ShellValue]) throws -> [ShellValue] {
    guard a.count + b.count <= maximumItems else { throw memoryError("a sequence of \(a.count + b.count) items") }
    return a + b
  }

  static func joined(_ a: String, _ b: String) throws -> String {
    guard a.utf8.count + b.utf8.count <= maximumTextBytes else { throw memoryError("a string of \(a.utf8.count + b.utf8.count) bytes") }
    return a + b
  }

  /// The number of items in `range(start, stop, step)` (step not zero), or MemoryError past
  /// `maximumItems`: counted before anything is made.
  static func rangeCount(_ start: Int64, _ stop: Int64, _ step: Int64) throws -> Int {
    let (span, overflow) = step > 0 ? stop.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(stop)
    if overflow { throw memoryError("range(\(start), \(stop), \(step))") }
    if span <= 0 { return 0 }
    let stride = step.magnitude
    let count = (UInt64(span) - 1) / stride + 1
    guard count <= UInt64(maximumItems) else { throw memoryError("range(\(start), \(stop), \(step)) of \(count) items") }
    return Int(count)
  }
}

/// Date and duration arithmetic with Python's range checks: a date stays in years 1–9999
/// ("date value out of range") and a duration in 64-bit microseconds.
enum DateArithmetic {
  static var dateOverflow: PythonError { PythonError("OverflowError", "date value out of range") }
  static var durationOverflow: PythonError {
    PythonError("OverflowError", "days=…; must have magnitude <= \(Int64.max / 86_400_000_000) (manage stores a timedelta in 64-bit microseconds)")
  }

  static let firstDay = CivilDate.firstDaysSinceEpoch
  static let lastDay = CivilDate.lastDaysSinceEpoch

  static func date(_ day: CivilDate, plusDays days: Int) throws -> CivilDate {
    guard let result = CheckedArithmetic.add(day.daysSinceEpoch, days), (firstDay...lastDay).contains(result) else { throw dateOverflow }
    return CivilDate(daysSinceEpoch: result)
  }

  static func moment(_ moment: CivilDateTime, plus micro: Int64, negated: Bool) throws -> CivilDateTime {
    let (change, negationOverflow) = negated ? Int64(0).subtractingReportingOverflow(micro) : (micro, false)
    guard !negationOverflow, let result = CheckedArithmetic.add(moment.microsecondsSinceEpoch, change) else { throw dateOverflow }
    let perDay: Int64 = 86_400_000_000
    let days = result >= 0 ? result / perDay : (result + 1) / perDay - 1
    guard (Int64(firstDay)...Int64(lastDay)).contains(days) else { throw dateOverflow }
    return CivilDateTime(microsecondsSinceEpoch: result)
  }

  static func duration(_ a: Int64, plus b: Int64) throws -> Int64 {
    guard let result = CheckedArithmetic.add(a, b) else { throw durationOverflow }
    return result
  }

  static func duration(_ a: Int64, minus b: Int64) throws -> Int64 {
    let (result, overflow) = a.subtractingReportingOverflow(b)
    if overflow { throw durationOverflow }
    return result
  }
}
