import ArgumentParser
import Foundation
import ManageCore

/// `manage jobs list|show|retry|cancel|purge|schedule`: what the operator needs to see and do.
public struct JobsCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "jobs",
    abstract: "Lists, shows, retries, cancels and purges queued jobs, and shows the schedules.",
    subcommands: [JobsListCommand.self, JobsShowCommand.self, JobsRetryCommand.self, JobsCancelCommand.self, JobsPurgeCommand.self, JobsScheduleCommand.self],
    defaultSubcommand: JobsListCommand.self)
  public static let group = "jobs"

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    try await JobsListCommand().run(context: context)
  }
}

struct JobsListCommand: ManageCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "Lists jobs, newest first, with counts per state.")
  static let group = "jobs"

  @Option(help: "Only jobs in this state.")
  var state: Job.State?

  @Option(help: "Only jobs of this task.")
  var task: String?

  @Option(help: "At most this many jobs.")
  var limit = 50

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  @OptionGroup(title: "Global Options")
  var global: GlobalOptions

  init() {}

  func run(context: CommandContext) async throws {
    let project = try JobsProject(context, needsTasks: false)
    let jobs = try project.queue.list(state: state, task: task, limit: limit)
    if format == .json {
      context.console.print(ModelValue.list(jobs.map { .dict($0.record) }).jsonText)
      return
    }
    let counts = try project.queue.counts().filter { $0.1 > 0 }
    context.console.print(counts.isEmpty ? "No jobs." : counts.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", "))
    guard !jobs.isEmpty else { return }
    let rows = jobs.map { job in
      [String(job.id), job.task, job.queue, job.state.rawValue, "\(job.attempts)/\(job.maxRetries + 1)", job.runAt.iso.prefix(19).description,
       String(job.lastError.replacingOccurrences(of: "\n", with: " ").prefix(60))]
    }
    context.console.print(TextTable.render(["id", "task", "queue", "state", "attempts", "run_at (UTC)", "last error"], rows))
  }
}

struct JobsShowCommand: ManageCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Shows one job: payload, result, last error, lease.")
  static let group = "jobs"

  @Argument(help: "The job's id.", completion: .jobIDs)
  var id: Int64

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  @OptionGroup(title: "Global Options")
  var global: GlobalOptions

  init() {}

  func run(context: CommandContext) async throws {
    let project = try JobsProject(context, needsTasks: false)
    guard let job = try project.queue.job(id) else {
      throw JobsError("There is no job \(id).", hint: "`manage jobs list` shows the jobs.")
    }
    if format == .json {
      context.console.print(ModelValue.dict(job.record).jsonText)
      return
    }
    for (key, value) in job.record.pairs {
      let text: String
      switch value {
      case .null: text = "-"
      case .text(let string): text = string.isEmpty ? "-" : string
      case .datetime(let moment): text = moment.iso + " UTC"
      case .dict, .list: text = value.jsonText
      default: text = value.str
      }
      context.console.print("\(key.padding(toLength: 17, withPad: " ", startingAt: 0))\(text)")
    }
  }
}

struct JobsRetryCommand: ManageCommand {
  static let configuration = CommandConfiguration(commandName: "retry", abstract: "Runs a finished job again, or every dead job with --dead.")
  static let group = "jobs"

  @Argument(help: "The job's id.", completion: .jobIDs)
  var id: Int64?

  @Flag(help: "Retry every dead job.")
  var dead = false

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  @OptionGroup(title: "Global Options")
  var global: GlobalOptions

  init() {}

  func validate() throws {
    if (id == nil) == !dead { throw ValidationError("Give a job id or --dead.") }
  }

  func run(context: CommandContext) async throws {
    let project = try JobsProject(context, needsTasks: false)
    if let id {
      try project.queue.retry(id)
      if format == .json {
        context.console.print(ModelValue.dict(OrderedDictionary([("id", .int(id)), ("state", .text("ready"))])).jsonText)
      } else {
        context.console.print("Job \(id) is ready to run again.")
      }
    } else {
      let count = try project.queue.retryDead()
      if format == .json {
        context.console.print(ModelValue.dict(OrderedDictionary([("retried", .int(Int64(count)))])).jsonText)
      } else {
        context.console.print(count == 0 ? "No dead jobs." : "\(count) dead job(s) are ready to run again.")
      }
    }
  }
}

struct JobsCancelCommand: ManageCommand {
  static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancels a job that has not finished.")
  static let group = "jobs"

  @Argument(help: "The job's id.", completion: .jobIDs)
  var id: Int64

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  @OptionGroup(title: "Global Options")
  var global: GlobalOptions

  init() {}

  func run(context: CommandContext) async throws {
    let project = try JobsProject(context, needsTasks: false)
    try project.queue.cancel(id)
    if format == .json {
      context.console.print(ModelValue.dict(OrderedDictionary([("id", .int(id)), ("state", .text("cancelled"))])).jsonText)
    } else {
      context.console.print("Job \(id) cancelled.")
    }
  }
}

struct JobsPurgeCommand: ManageCommand {
  static let configuration = CommandConfiguration(commandName: "purge", abstract: "Deletes finished jobs older than a given age.")
  static let group = "jobs"

  @Option(help: "Delete succeeded, dead and cancelled jobs that finished longer ago than this: 7d, 12h.")
  var olderThan: String

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  @OptionGroup(title: "Global Options")
  var global: GlobalOptions

  init() {}

  func run(context: CommandContext) async throws {
    guard let seconds = DurationText.seconds(olderThan) else {
      throw UsageError("--older-than must be \(DurationText.expectation), not '\(olderThan)'")
    }
    let project = try JobsProject(context, needsTasks: false)
    let count = try project.queue.purge(olderThan: seconds)
    if format == .json {
      context.console.print(ModelValue.dict(OrderedDictionary([("deleted", .int(Int64(count)))])).jsonText)
    } else {
      context.console.print("Deleted \(count) finished job(s) older than \(olderThan).")
    }
  }
}

/// The commands this module adds to the dispatcher.
public enum JobCommands {
  public static let all: [any ManageCommand.Type] = [EnqueueCommand.self, WorkerCommand.self, JobsCommand.self]
}

extension Job.State: ExpressibleByArgument {}
