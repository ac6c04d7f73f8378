import Foundation

/// A five-field cron expression (`minute hour day-of-month month day-of-week`) as Vixie cron
/// reads it: `*`, `*/15`, `1-5`, `0-30/10`, lists (`1,15`), month and weekday names
/// (`jan`, `mon-fri`), 0 or 7 for Sunday, and the shorthands @hourly, @daily (@midnight),
/// @weekly, @monthly, @yearly (@annually). When both day fields are restricted a day
/// matching either runs, as cron does.
///
/// Times are wall-clock times in a time zone: a time a spring-forward gap skips does not run
/// that day; a time an autumn repeat shows twice runs once, at its first occurrence.
public struct CronExpression: Sendable, Equatable {
  public let minutes: Set<Int>
  public let hours: Set<Int>
  public let days: Set<Int>
  public let months: Set<Int>
  /// 0 = Sunday … 6 = Saturday.
  public let weekdays: Set<Int>
  let daysRestricted: Bool
  let weekdaysRestricted: Bool
  public let text: String

  /// What is wrong with an expression: the message names the field and the token.
  public struct Problem: Error, Equatable {
    public var message: String
  }

  static let shorthands = [
    "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
  ]
  static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
  static let weekdayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

  public init(_ text: String) throws {
    self.text = text
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    let expanded: String
    if trimmed.hasPrefix("@") {
      guard let known = Self.shorthands[trimmed] else {
        throw Problem(message: "unknown shorthand '\(trimmed)': use @hourly, @daily, @weekly, @monthly or @yearly")
      }
      expanded = known
    } else {
      expanded = trimmed
    }
    let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    guard fields.count == 5 else {
      throw Problem(message: "a cron schedule has 5 fields (minute hour day-of-month month day-of-week), not \(fields.count)")
    }
    minutes = try Self.field(fields[0], "minute", 0...59, names: [])
    hours = try Self.field(fields[1], "hour", 0...23, names: [])
    days = try Self.field(fields[2], "day-of-month", 1...31, names: [])
    months = try Self.field(fields[3], "month", 1...12, names: Self.monthNames, nameBase: 1)
    // 7 is Sunday too.
    weekdays = Set(try Self.field(fields[4], "day-of-week", 0...7, names: Self.weekdayNames).map { $0 % 7 })
    daysRestricted = !fields[2].hasPrefix("*")
    weekdaysRestricted = !fields[4].hasPrefix("*")
  }

  private static func field(_ text: String, _ name: String, _ range: ClosedRange<Int>, names: [String], nameBase: Int = 0) throws -> Set<Int> {
    var values = Set<Int>()
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let parts = item.split(separator: "/", omittingEmptySubsequences: false)
      guard parts.count <= 2, !parts[0].isEmpty else { throw Problem(message: "\(name): '\(item)' is not a value, range or */step") }
      var step = 1
      if parts.count == 2 {
        // Checked, not converted: a step past Int's range is an error, not a trap.
        guard let parsed = Int(parts[1]), (1...range.upperBound + 1).contains(parsed) else {
          throw Problem(message: "\(name): the step in '\(item)' must be a whole number from 1 to \(range.upperBound + 1)")
        }
        step = parsed
      }
      let lower: Int
      let upper: Int
      if parts[0] == "*" {
        (lower, upper) = (range.lowerBound, range.upperBound)
      } else {
        let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count <= 2 else { throw Problem(message: "\(name): '\(item)' is not a value or a range") }
        lower = try value(String(bounds[0]), name, range, names: names, nameBase: nameBase)
        upper = bounds.count == 2 ? try value(String(bounds[1]), name, range, names: names, nameBase: nameBase) : (parts.count == 2 ? range.upperBound : lower)
        guard lower <= upper else { throw Problem(message: "\(name): the range '\(parts[0])' runs backwards") }
      }
      values.formUnion(stride(from: lower, through: upper, by: step))
    }
    return values
  }

  private static func value(_ text: String, _ name: String, _ range: ClosedRange<Int>, names: [String], nameBase: Int) throws -> Int {
    if let index = names.firstIndex(of: text) { return index + nameBase }
    guard let number = Int(text), range.contains(number) else {
      throw Problem(message: "\(name): '\(text)' is not \(names.isEmpty ? "" : "a name or ")a number from \(range.lowerBound) to \(range.upperBound)")
    }
    return number
  }

  /// Whether a day runs, by cron's rule for the two day fields.
  func runs(day: Int, month: Int, weekday: Int) -> Bool {
    guard months.contains(month) else { return false }
    switch (daysRestricted, weekdaysRestricted) {
    case (true, true): return days.contains(day) || weekdays.contains(weekday)
    case (true, false): return days.contains(day)
    case (false, true): return weekdays.contains(weekday)
    case (false, false): return true
    }
  }

  /// The first run strictly after `date`; nil when none comes within eight years (`0 0 30 2 *`).
  public func next(after date: Date, in zone: TimeZone) -> Date? { search(from: date, forward: true, zone: zone) }

  /// The last run at or before `date`; nil when none within eight years.
  public func previous(atOrBefore date: Date, in zone: TimeZone) -> Date? { search(from: date, forward: false, zone: zone) }

  private func search(from date: Date, forward: Bool, zone: TimeZone) -> Date? {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let sortedHours = hours.sorted(by: forward ? (<) : (>))
    let sortedMinutes = minutes.sorted(by: forward ? (<) : (>))
    guard var day = calendar.dateInterval(of: .day, for: date)?.start else { return nil }
    for _ in 0..<(366 * 8) {
      let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
      if let year = parts.year, let month = parts.month, let dayOfMonth = parts.day, let weekday = parts.weekday,
        runs(day: dayOfMonth, month: month, weekday: weekday - 1)
      {
        for hour in sortedHours {
          for minute in sortedMinutes {
            let wanted = DateComponents(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute)
            // A wall time a DST gap skips comes back as another hour: it does not run.
            guard let candidate = calendar.date(from: wanted),
              calendar.component(.hour, from: candidate) == hour, calendar.component(.minute, from: candidate) == minute
            else { continue }
            if forward ? candidate > date : candidate <= date { return candidate }
          }
        }
      }
      guard let moved = calendar.date(byAdding: .day, value: forward ? 1 : -1, to: day) else { return nil }
      day = calendar.dateInterval(of: .day, for: moved)?.start ?? moved
    }
    return nil
  }
}
