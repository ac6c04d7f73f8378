import Foundation

/// A calendar date without a time zone: what a DateField holds (`2026-01-31`).
public struct CivilDate: Sendable, Hashable, Comparable {
  public var year: Int, month: Int, day: Int

  /// Validates the parts, so `date(2026, 2, 30)` fails as Python's does.
  public init(year: Int, month: Int, day: Int) throws {
    guard (1...9999).contains(year) else { throw QueryError("year \(year) is out of range", kind: "ValueError") }
    guard (1...12).contains(month) else { throw QueryError("month must be in 1..12", kind: "ValueError") }
    guard (1...CivilDate.daysIn(month: month, year: year)).contains(day) else {
      throw QueryError("day is out of range for month", kind: "ValueError")
    }
    self.year = year
    self.month = month
    self.day = day
  }

  init(unchecked year: Int, _ month: Int, _ day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// `YYYY-MM-DD`, as Django stores it.
  public var iso: String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(10)
    appendDigits(year, 4, to: &bytes)
    bytes.append(UInt8(ascii: "-"))
    appendDigits(month, 2, to: &bytes)
    bytes.append(UInt8(ascii: "-"))
    appendDigits(day, 2, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Parses `YYYY-MM-DD`.
  public init?(iso text: Substring) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
      let day = Int(parts[2]), let date = try? CivilDate(year: year, month: month, day: day)
    else { return nil }
    self = date
  }

  /// Days since 1970-01-01 (negative before), for date arithmetic.
  public var daysSinceEpoch: Int {
    // Howard Hinnant's days_from_civil.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146097 + dayOfEra - 719468
  }

  /// 0001-01-01 and 9999-12-31, the range of Python's date, as days since 1970-01-01.
  public static let firstDaysSinceEpoch = -719_162
  public static let lastDaysSinceEpoch = 2_932_896

  public init(daysSinceEpoch days: Int) {
    let z = days + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let dayOfEra = z - era * 146097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    self.init(unchecked: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.iso < rhs.iso }
}

/// A time of day (`14:30:00`), what a TimeField holds.
public struct CivilTime: Sendable, Hashable, Comparable {
  public var hour: Int, minute: Int, second: Int, microsecond: Int

  public init(hour: Int, minute: Int = 0, second: Int = 0, microsecond: Int = 0) throws {
    guard (0..<24).contains(hour) else { throw QueryError("hour must be in 0..23", kind: "ValueError") }
    guard (0..<60).contains(minute) else { throw QueryError("minute must be in 0..59", kind: "ValueError") }
    guard (0..<60).contains(second) else { throw QueryError("second must be in 0..59", kind: "ValueError") }
    guard (0..<1_000_000).contains(microsecond) else { throw QueryError("microsecond must be in 0..999999", kind: "ValueError") }
    self.hour = hour
    self.minute = minute
    self.second = second
    self.microsecond = microsecond
  }

  /// `HH:MM:SS[.ffffff]`, as Django stores it.
  public var iso: String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(15)
    appendDigits(hour, 2, to: &bytes)
    bytes.append(UInt8(ascii: ":"))
    appendDigits(minute, 2, to: &bytes)
    bytes.append(UInt8(ascii: ":"))
    appendDigits(second, 2, to: &bytes)
    if microsecond != 0 {
      bytes.append(UInt8(ascii: "."))
      appendDigits(microsecond, 6, to: &bytes)
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  public init?(iso text: Substring) {
    let (clock, fraction) = splitFraction(text)
    let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 2, parts.count <= 3, let hour = Int(parts[0]), let minute = Int(parts[1]),
      let second = parts.count == 3 ? Int(parts[2]) : 0, let micro = fraction,
      let time = try? CivilTime(hour: hour, minute: minute, second: second, microsecond: micro)
    else { return nil }
    self = time
  }

  var microsecondsOfDay: Int64 { Int64(((hour * 60 + minute) * 60 + second) * 1_000_000 + microsecond) }

  public static func < (lhs: CivilTime, rhs: CivilTime) -> Bool { lhs.microsecondsOfDay < rhs.microsecondsOfDay }
}

/// An instant in UTC, what a DateTimeField holds (Django with USE_TZ stores UTC in SQLite).
public struct CivilDateTime: Sendable, Hashable, Comparable {
  public var date: CivilDate
  public var time: CivilTime

  public init(date: CivilDate, time: CivilTime) {
    self.date = date
    self.time = time
  }

  /// Now, in UTC, to the microsecond.
  public static func now() -> CivilDateTime {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return CivilDateTime(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec / 1000))
  }

  public init(microsecondsSinceEpoch value: Int64) {
    let perDay: Int64 = 86_400_000_000
    var days = value / perDay
    var rest = value % perDay
    if rest < 0 {
      rest += perDay
      days -= 1
    }
    let micro = Int(rest)
    date = CivilDate(daysSinceEpoch: Int(days))
    time = try! CivilTime(
      hour: micro / 3_600_000_000, minute: micro / 60_000_000 % 60, second: micro / 1_000_000 % 60,
      microsecond: micro % 1_000_000)
  }

  public var microsecondsSinceEpoch: Int64 { Int64(date.daysSinceEpoch) * 86_400_000_000 + time.microsecondsOfDay }

  /// `YYYY-MM-DD HH:MM:SS[.ffffff]`, as Django stores an aware datetime in SQLite (UTC, no offset).
  public var iso: String { date.iso + " " + time.iso }

  /// Parses Django's stored form and ISO 8601 (`T` separator, `Z` or `+HH:MM` converted to UTC).
  public init?(iso text: Substring) {
    guard text.count >= 10, let date = CivilDate(iso: text.prefix(10)) else { return nil }
    var rest = text.dropFirst(10)
    if rest.isEmpty {
      self.init(date: date, time: try! CivilTime(hour: 0))
      return
    }
    guard rest.first == " " || rest.first == "T" else { return nil }
    rest = rest.dropFirst()
    var offsetMinutes = 0
    if rest.hasSuffix("Z") {
      rest = rest.dropLast()
    } else if rest.count > 6, let signIndex = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
      let zone = rest[rest.index(after: signIndex)...].split(separator: ":")
      guard zone.count == 2, let hours = Int(zone[0]), let minutes = Int(zone[1]) else { return nil }
      offsetMinutes = (hours * 60 + minutes) * (rest[signIndex] == "-" ? -1 : 1)
      rest = rest[..<signIndex]
    }
    guard let time = CivilTime(iso: rest) else { return nil }
    self.init(date: date, time: time)
    if offsetMinutes != 0 {
      self = CivilDateTime(microsecondsSinceEpoch: microsecondsSinceEpoch - Int64(offsetMinutes) * 60_000_000)
    }
  }

  public static func < (lhs: CivilDateTime, rhs: CivilDateTime) -> Bool {
    lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
  }
}

private func pad(_ number: Int, _ width: Int) -> String {
  let text = String(number)
  return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// Appends `number` as at least `width` decimal digits, zero-padded: the ISO forms are written
/// for every date a query reads or a page prints, so they avoid string interpolation.
private func appendDigits(_ number: Int, _ width: Int, to bytes: inout [UInt8]) {
  if number < 0 {
    bytes.append(contentsOf: Array(pad(number, width).utf8))
    return
  }
  var digits: [UInt8] = []
  var rest = number
  repeat {
    digits.append(UInt8(48 + rest % 10))
    rest /= 10
  } while rest > 0
  for _ in digits.count..<max(width, digits.count) { bytes.append(48) }
  bytes.append(contentsOf: digits.reversed())
}

/// `12:30:00.25` → (`12:30:00`, 250000); the fraction is nil when it is not digits.
private func splitFraction(_ text: Substring) -> (Substring, Int?) {
  guard let dot = text.firstIndex(of: ".") else { return (text, 0) }
  let digits = text[text.index(after: dot)...]
  guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCII), let value = Int(digits) else {
    return (text[..<dot], nil)
  }
  var micro = value
  for _ in digits.count..<6 { micro *= 10 }
  return (text[..<dot], micro)
}
