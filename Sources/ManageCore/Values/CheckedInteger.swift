/// The one conversion from an outside number (a JSON number, a query-string value, a YAML
/// scalar, a shell value, a decimal's text) to a 64-bit integer. Outside values are never
/// handed to `Int64(_:)` or to trapping arithmetic: they come here, and a value past the range
/// is a case to answer, not a crash.
public enum CheckedInteger: Sendable, Equatable {
  /// The value fits in SQLite's INTEGER (and PostgreSQL's bigint).
  case exact(Int64)
  /// The value is below `Int64.min`.
  case below
  /// The value is above `Int64.max`.
  case above

  /// Python's `int()` of a float: truncated toward zero; nil for NaN and infinities.
  public init?(truncating number: Double) {
    guard number.isFinite else { return nil }
    let whole = number.rounded(.towardZero)
    // 2^63 is exactly representable; every double below it in magnitude fits.
    if whole >= 9_223_372_036_854_775_808.0 {
      self = .above
    } else if whole < -9_223_372_036_854_775_808.0 {
      self = .below
    } else {
      self = .exact(Int64(whole))
    }
  }

  /// A decimal integer or decimal fraction in text (`-12`, `+7`, `12.90`, `1e3`), truncated
  /// toward zero as Python's `int(Decimal(text))`; nil when the text is not a number.
  public init?(parsing text: Substring) {
    var digits = text.utf8[...]
    let negative = digits.first == UInt8(ascii: "-")
    if negative || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
    if digits.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
      guard let number = Double(text) else { return nil }
      self.init(truncating: number)
      return
    }
    var fractionDigits = 0
    if let point = digits.firstIndex(of: UInt8(ascii: ".")) {
      let fraction = digits[digits.index(after: point)...]
      guard fraction.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
      fractionDigits = fraction.count
      digits = digits[..<point]
    }
    guard digits.count + fractionDigits > 0, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
    var value: Int64 = 0
    for digit in digits {
      let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflowSum) = negative
        ? times.subtractingReportingOverflow(Int64(digit - 48)) : times.addingReportingOverflow(Int64(digit - 48))
      if overflowTimes || overflowSum {
        self = negative ? .below : .above
        return
      }
      value = sum
    }
    self = .exact(value)
  }

  public init?(parsing text: String) { self.init(parsing: Substring(text)) }

  /// The integer, or nil when it is out of range.
  public var value: Int64? {
    if case .exact(let number) = self { return number }
    return nil
  }

  /// The integer, or the error Python's sqlite3 module raises for an int it cannot bind.
  public func require() throws -> Int64 {
    guard let value else { throw QueryError.integerOverflow }
    return value
  }
}

extension QueryError {
  /// What Python's sqlite3 module raises for an int past 64 bits, word for word.
  public static var integerOverflow: QueryError {
    QueryError("Python int too large to convert to SQLite INTEGER", kind: "OverflowError")
  }
}

/// Arithmetic on counts and sizes derived from outside values (pages, offsets, durations)
/// that answers nil instead of trapping.
public enum CheckedArithmetic {
  public static func multiply(_ a: Int, _ b: Int) -> Int? {
    let (result, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? nil : result
  }

  public static func add(_ a: Int, _ b: Int) -> Int? {
    let (result, overflow) = a.addingReportingOverflow(b)
    return overflow ? nil : result
  }

  public static func add(_ a: Int64, _ b: Int64) -> Int64? {
    let (result, overflow) = a.addingReportingOverflow(b)
    return overflow ? nil : result
  }

  public static func multiply(_ a: Int64, _ b: Int64) -> Int64? {
    let (result, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? nil : result
  }
}
