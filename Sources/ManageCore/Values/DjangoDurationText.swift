import Foundation

/// Durations as Django writes and reads them in text: `parse_duration`'s three forms
/// (`"3 days, 04:05:06.5"`, ISO 8601 `"P3DT04H05M06.5S"`, PostgreSQL's `"3 days 04:05:06"`)
/// and `duration_string` for output, so a fixture dumped by Django loads here and one
/// dumped here loads in Django. Every number is checked: past Int64 microseconds is an
/// overflow, never a trap.
public enum DjangoDurationText {
  public enum Parsed: Equatable {
    case microseconds(Int64)
    /// The text is not a duration in any of Django's forms.
    case invalid
    /// A duration, but longer than 64-bit microseconds hold (about 292,000 years).
    case overflow
  }

  // django/utils/dateparse.py: standard_duration_re, iso8601_duration_re, postgres_interval_re.
  private static let standard = try! NSRegularExpression(
    pattern: #"^(?:(?<days>-?\d+) (?:days?, )?)?(?<sign>-?)(?:(?<hours>\d+):(?=\d+:\d+))?(?:(?<minutes>\d+):)?(?<seconds>\d+)(?:[.,](?<micro>\d{1,6})\d{0,6})?$"#)
  private static let iso8601 = try! NSRegularExpression(
    pattern: #"^(?<sign>[-+]?)P(?:(?<days>\d+(?:[.,]\d+)?)D)?(?:T(?:(?<hours>\d+(?:[.,]\d+)?)H)?(?:(?<minutes>\d+(?:[.,]\d+)?)M)?(?:(?<seconds>\d+(?:[.,]\d+)?)S)?)?$"#)
  private static let postgres = try! NSRegularExpression(
    pattern: #"^(?:(?<days>-?\d+) (?:days? ?))?(?:(?<sign>[-+])?(?<hours>\d+):(?<minutes>\d\d):(?<seconds>\d\d)(?:\.(?<micro>\d{1,6}))?)?$"#)

  /// The duration `text` means, in microseconds.
  public static func parse(_ text: String) -> Parsed {
    guard text.utf8.count <= 200 else { return .invalid }
    for pattern in [standard, iso8601, postgres] {
      let range = NSRange(text.startIndex..., in: text)
      guard let match = pattern.firstMatch(in: text, range: range) else { continue }
      func group(_ name: String) -> String? {
        let found = match.range(withName: name)
        guard found.location != NSNotFound, let span = Range(found, in: text) else { return nil }
        return String(text[span]).replacingOccurrences(of: ",", with: ".")
      }
      // As in Django, a form with no parts ("", "P", "PT") is a zero duration.
      let negative = group("sign") == "-"
      var micro = Decimal(0)
      for (name, scale) in [("days", 86_400_000_000), ("hours", 3_600_000_000), ("minutes", 60_000_000), ("seconds", 1_000_000)] as [(String, Int64)] {
        guard let part = group(name) else { continue }
        guard let number = Decimal(string: part, locale: Locale(identifier: "en_US_POSIX")) else { return .invalid }
        // Django applies the sign to the time part, and to the days only in the ISO form.
        micro += (negative && (name != "days" || pattern === iso8601) ? -number : number) * Decimal(scale)
      }
      if let digits = group("micro") {
        let padded = digits.padding(toLength: 6, withPad: "0", startingAt: 0)
        guard let number = Decimal(string: padded) else { return .invalid }
        micro += negative ? -number : number
      }
      var rounded = Decimal()
      var exact = micro
      NSDecimalRound(&rounded, &exact, 0, .plain)
      guard rounded <= Decimal(Int64.max), rounded >= Decimal(Int64.min + 1) else { return .overflow }
      return .microseconds(NSDecimalNumber(decimal: rounded).int64Value)
    }
    return .invalid
  }

  /// Python's timedelta split: signed days, and the microseconds of the day in 0..<86,400,000,000.
  public static func daysAndRest(_ microseconds: Int64) -> (days: Int64, rest: Int64) {
    let perDay: Int64 = 86_400_000_000
    // Floor division, done on the quotient so Int64.min cannot overflow.
    var days = microseconds / perDay
    var rest = microseconds % perDay
    if rest < 0 {
      days -= 1
      rest += perDay
    }
    return (days, rest)
  }

  /// Django's `duration_string`, as its serializer writes a DurationField: `3 04:05:06.500000`,
  /// `-1 23:59:59` for minus one second (Python's timedelta keeps the days signed, the rest not).
  public static func string(microseconds: Int64) -> String {
    let (days, rest) = daysAndRest(microseconds)
    let hours = rest / 3_600_000_000
    let minutes = rest % 3_600_000_000 / 60_000_000
    let seconds = rest % 60_000_000 / 1_000_000
    let micro = rest % 1_000_000
    var text = String(format: "%02lld:%02lld:%02lld", hours, minutes, seconds)
    if days != 0 { text = "\(days) " + text }
    if micro != 0 { text += String(format: ".%06lld", micro) }
    return text
  }
}
