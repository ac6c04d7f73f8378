import ArgumentParser
import Foundation
import ManageCore

/// `manage jobs schedule`: the tasks with `schedule:` or `every:`, their next runs, and the
/// last tick enqueued.
struct JobsScheduleCommand: ManageCommand {
  static let configuration = CommandConfiguration(
    commandName: "schedule", abstract: "Lists scheduled tasks with their next runs and the last run enqueued.",
    discussion: "Times are shown in manage.yaml's time_zone. Workers enqueue each tick once, whichever of them sees it first.")
  static let group = "jobs"

  @Option(help: "How many next runs to show per task (1 to 100).")
  var next = 1

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  @OptionGroup(title: "Global Options")
  var global: GlobalOptions

  init() {}

  func validate() throws {
    guard (1...100).contains(next) else { throw ValidationError("--next must be from 1 to 100") }
  }

  func run(context: CommandContext) async throws {
    let project = try JobsProject(context)
    let zone = TimeZone(identifier: project.settings.timeZone) ?? TimeZone(identifier: "UTC")!
    let now = Date()
    var records: [ModelValue] = []
    var rows: [[String]] = []
    for task in project.tasks.scheduled {
      guard let schedule = task.schedule else { continue }
      var runs: [Date] = []
      var cursor = now
      while runs.count < next, let upcoming = schedule.next(after: cursor) {
        runs.append(upcoming)
        cursor = upcoming
      }
      let last = try project.queue.lastTick(of: task.name)
      let shown = runs.map { Self.local($0, zone) }
      records.append(.dict(OrderedDictionary([
        ("task", .text(task.name)), ("schedule", .text(schedule.description)),
        ("next_runs", .list(runs.map { .datetime(CivilDateTime(microsecondsSinceEpoch: Int64($0.timeIntervalSince1970 * 1_000_000))) })),
        ("last_job", last.map { .dict(OrderedDictionary([("id", .int($0.id)), ("state", .text($0.state.rawValue)), ("scheduled_for", Self.scheduledFor($0))])) } ?? .null),
      ])))
      rows.append([task.name, schedule.description, shown.joined(separator: ", "), last.map { "job \($0.id) (\($0.state.rawValue))" } ?? "-"])
    }
    if format == .json {
      context.console.print(ModelValue.list(records).jsonText)
      return
    }
    guard !rows.isEmpty else {
      context.console.print("No scheduled tasks. Give a task `schedule: \"*/15 * * * *\"` or `every: 1h` in its tasks.yaml.")
      return
    }
    context.console.print(TextTable.render(["task", "schedule", "next run (\(project.settings.timeZone))", "last enqueued"], rows))
  }

  static func scheduledFor(_ job: Job) -> ModelValue {
    if case .dict(let fields) = job.payload { return fields["scheduled_for"] ?? .null }
    return .null
  }

  static func local(_ date: Date, _ zone: TimeZone) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = zone
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: date)
  }
}
