import Foundation
import ManageCore

/// When a task runs on its own: `schedule:` (cron, in manage.yaml's `time_zone`) or `every:`
/// (an interval, its ticks whole multiples of it since the Unix epoch, so every worker agrees
/// on them without talking).
public enum TaskSchedule: Sendable, Equatable {
  case cron(CronExpression, TimeZone)
  case every(Double)

  /// The shortest interval: a scheduler checks about once a second.
  public static let shortestInterval: Double = 1

  /// As written: `*/15 * * * * (Europe/Paris)` or `every 1h`.
  public var description: String {
    switch self {
    // Foundation on Linux names UTC "GMT"; manage.yaml (and Django) say UTC.
    case .cron(let expression, let zone): "\(expression.text) (\(zone.identifier == "GMT" ? "UTC" : zone.identifier))"
    case .every(let seconds): "every \(DurationText.format(seconds))"
    }
  }

  /// The last tick at or before `date`.
  public func previous(atOrBefore date: Date) -> Date? {
    switch self {
    case .cron(let expression, let zone): return expression.previous(atOrBefore: date, in: zone)
    case .every(let seconds):
      return Date(timeIntervalSince1970: (date.timeIntervalSince1970 / seconds).rounded(.down) * seconds)
    }
  }

  /// The first tick after `date`.
  public func next(after date: Date) -> Date? {
    switch self {
    case .cron(let expression, let zone): return expression.next(after: date, in: zone)
    case .every(let seconds):
      return Date(timeIntervalSince1970: ((date.timeIntervalSince1970 / seconds).rounded(.down) + 1) * seconds)
    }
  }

  /// The unique key of a task's tick: two schedulers enqueueing it are one job.
  public static func uniqueKey(task: String, tick: Date) -> String {
    "schedule:\(task):" + CivilDateTime(microsecondsSinceEpoch: Int64((tick.timeIntervalSince1970 * 1_000_000).rounded())).iso
  }
}
