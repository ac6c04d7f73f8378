import Foundation
import FuzzSupport
import Testing
import ManageCore
@testable import ManageJobs

/// Cron expressions as Vixie cron reads them, in a time zone, and `every:` ticks.
@Suite("schedules")
struct ScheduleTests {
  let utc = TimeZone(identifier: "UTC")!
  let paris = TimeZone(identifier: "Europe/Paris")!

  func date(_ text: String, _ zone: TimeZone) -> Date {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = zone
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.date(from: text)!
  }

  func text(_ date: Date?, _ zone: TimeZone) -> String {
    guard let date else { return "none" }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = zone
    formatter.dateFormat = "yyyy-MM-dd HH:mm EEE"
    return formatter.string(from: date)
  }

  @Test(arguments: [
    ("*/15 * * * *", "2026-12-02 10:07", "2026-12-02 10:15 Wed", "2026-12-02 10:00 Wed"),
    ("0 9 * * mon-fri", "2026-12-04 10:00", "2026-12-07 09:00 Mon", "2026-12-04 09:00 Fri"),
    ("30 2 1 * *", "2026-12-02 00:00", "2027-01-01 02:30 Fri", "2026-12-01 02:30 Tue"),
    // Both day fields restricted: either matches (the 13th, or any Friday).
    ("0 0 13 * fri", "2026-12-05 12:00", "2026-12-11 00:00 Fri", "2026-12-04 00:00 Fri"),
    ("0 12 * jan,jul sun", "2026-12-02 00:00", "2027-01-03 12:00 Sun", "2026-07-26 12:00 Sun"),
    ("@daily", "2026-12-02 10:07", "2026-12-03 00:00 Thu", "2026-12-02 00:00 Wed"),
    ("0 0 29 2 *", "2026-12-02 00:00", "2028-02-29 00:00 Tue", "2024-02-29 00:00 Thu"),
    ("5-10/5 1 * * 7", "2026-12-02 00:00", "2026-12-06 01:05 Sun", "2026-11-29 01:10 Sun"),
  ])
  func nextAndPreviousRuns(_ expression: String, _ now: String, _ next: String, _ previous: String) throws {
    let cron = try CronExpression(expression)
    #expect(text(cron.next(after: date(now, utc), in: utc), utc) == next)
    #expect(text(cron.previous(atOrBefore: date(now, utc), in: utc), utc) == previous)
  }

  @Test func wallTimesFollowTheTimeZoneAcrossDaylightSaving() throws {
    // 2026-03-29: Paris skips 02:00–03:00. A 02:30 run does not happen that day.
    let cron = try CronExpression("30 2 * * *")
    #expect(text(cron.next(after: date("2026-03-28 03:00", paris), in: paris), paris) == "2026-03-30 02:30 Mon")
    // 2026-10-25: 02:30 happens twice; it runs once, at the first.
    let first = try #require(cron.next(after: date("2026-10-25 00:00", paris), in: paris))
    let second = try #require(cron.next(after: first, in: paris))
    #expect(text(second, paris) == "2026-10-26 02:30 Mon")
    // 09:00 in Paris is 08:00 UTC in winter, 07:00 in summer.
    let nine = try CronExpression("0 9 * * *")
    #expect(text(nine.next(after: date("2026-12-02 00:00", utc), in: paris), utc) == "2026-12-02 08:00 Wed")
    #expect(text(nine.next(after: date("2026-07-02 00:00", utc), in: paris), utc) == "2026-07-02 07:00 Thu")
  }

  @Test(arguments: [
    ("* * * *", "a cron schedule has 5 fields (minute hour day-of-month month day-of-week), not 4"),
    ("60 * * * *", "minute: '60' is not a number from 0 to 59"),
    ("*/0 * * * *", "minute: the step in '*/0' must be a whole number from 1 to 60"),
    ("*/99999999999999999999 * * * *", "minute: the step in '*/99999999999999999999' must be a whole number from 1 to 60"),
    ("0 0 * foo *", "month: 'foo' is not a name or a number from 1 to 12"),
    ("0 10-2 * * *", "hour: the range '10-2' runs backwards"),
    ("@sometimes", "unknown shorthand '@sometimes': use @hourly, @daily, @weekly, @monthly or @yearly"),
    ("1,,2 * * * *", "minute: '' is not a value, range or */step"),
  ])
  func mistakesSayWhichFieldAndToken(_ expression: String, _ message: String) {
    let problem = #expect(throws: CronExpression.Problem.self) { try CronExpression(expression) }
    #expect(problem?.message == message)
  }

  @Test func aCronThatNeverMatchesHasNoNextRun() throws {
    #expect(try CronExpression("0 0 31 2 *").next(after: Date(), in: utc) == nil)
  }

  @Test func everyTicksAreMultiplesSinceTheEpoch() {
    let every = TaskSchedule.every(7200)
    let now = Date(timeIntervalSince1970: 7200 * 100 + 13)
    #expect(every.previous(atOrBefore: now) == Date(timeIntervalSince1970: 7200 * 100))
    #expect(every.next(after: now) == Date(timeIntervalSince1970: 7200 * 101))
    #expect(TaskSchedule.uniqueKey(task: "t", tick: Date(timeIntervalSince1970: 0)) == "schedule:t:1970-01-01 00:00:00")
  }

  @Test func randomExpressionsParseOrSayWhyAndRunsLieOnTheRightSide() throws {
    var generator = SeededGenerator(seed: Fuzz.seed(15))
    let seeds = ["*/15 * * * *", "0 9 * * mon-fri", "5-10/5 1 * * 7", "0 0 13 * fri", "@weekly", "1,2,3 4-5 6 7 sun"]
    let alphabet = Array("0123456789*/-, @monfriauesdjlgtv\t")
    let now = Date(timeIntervalSince1970: 1_796_200_000)
    for _ in 0..<Fuzz.iterations(default: 300) {
      let text = Fuzz.mutate(seeds, alphabet: alphabet, using: &generator)
      guard let cron = try? CronExpression(text) else { continue }
      if let next = cron.next(after: now, in: paris) { #expect(next > now, "\(text)") }
      if let previous = cron.previous(atOrBefore: now, in: paris) { #expect(previous <= now, "\(text)") }
    }
  }
}
