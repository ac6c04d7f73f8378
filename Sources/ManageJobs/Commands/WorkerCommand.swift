import ArgumentParser
import Foundation
import ManageCore

nonisolated(unsafe) private var stopSignals: sig_atomic_t = 0

/// `manage worker`: claims and runs jobs until SIGTERM/SIGINT (or, with --burst, until the
/// queue is empty).
public struct WorkerCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "worker",
    abstract: "Runs queued jobs: claims them, runs their tasks, retries failures, until stopped.",
    discussion: """
      Each job is leased for --lease and the lease renewed while it runs; a job whose worker \
      was killed is claimed again once its lease expires, and that run counts as an attempt. \
      SIGTERM or Ctrl-C stops claiming and gives running jobs --grace to finish; a second one \
      stops at once. Running jobs that are left are killed and put back in the queue. Every \
      worker also enqueues the runs of tasks with `schedule:` or `every:` (each tick once, \
      however many workers there are); --no-schedules leaves that to others.
      """)
  public static let group = "jobs"

  @Option(name: .customLong("queue"), help: "A queue to take jobs from (repeatable; default: all).", completion: .queueNames)
  var queues: [String] = []

  @Option(help: "Jobs run at the same time.")
  var concurrency = 4

  @Flag(help: "Exit when no job is ready instead of waiting for more.")
  var burst = false

  @Option(help: "Exit after this many jobs.")
  var maxJobs: Int?

  @Option(help: "How long a claim lasts without a heartbeat (30s).")
  var lease = "30s"

  @Option(help: "How long running jobs get to finish after a stop (30s).")
  var grace = "30s"

  @Flag(help: "Do not enqueue scheduled tasks' runs (another worker does).")
  var noSchedules = false

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func validate() throws {
    guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    if let maxJobs, maxJobs < 1 { throw ValidationError("--max-jobs must be at least 1") }
  }

  public func run(context: CommandContext) async throws {
    let project = try JobsProject(context)
    var options = Worker.Options()
    options.queues = queues.isEmpty ? nil : queues
    options.concurrency = concurrency
    options.burst = burst
    options.maxJobs = maxJobs
    options.schedules = !noSchedules
    guard let leaseSeconds = DurationText.seconds(lease), leaseSeconds >= 1 else {
      throw UsageError("--lease must be a duration of at least 1s, such as 30s")
    }
    guard let graceSeconds = DurationText.seconds(grace) else { throw UsageError("--grace must be \(DurationText.expectation), not '\(grace)'") }
    options.lease = leaseSeconds
    options.grace = graceSeconds
    let console = context.console
    let verbosity = context.verbosity
    // Task commands find the database the way manage does: told, not guessed.
    var environment = context.environment
    environment["MANAGE_DATABASE_PATH"] = project.settings.database.path
    environment["MANAGE_PROJECT_DIR"] = project.settings.projectDirectory
    // A task that runs manage itself (evals.run) finds the same settings.
    if let file = project.settings.file { environment["MANAGE_SETTINGS"] = file }
    let schema = project.tasks.needsSchema ? try context.registry().loadSchema() : nil
    let gates = ProviderGates(database: project.settings.database, displayName: project.settings.databaseDisplay)
    let worker = Worker(queue: project.queue, tasks: project.tasks, options: options, environment: environment, schema: schema, gates: gates) { line in
      guard verbosity >= 1 else { return }
      console.printError("[\(CivilDateTime.now().iso.prefix(19))] \(line)")
    }
    if verbosity >= 1 {
      let names = queues.isEmpty ? "all queues" : "queue\(queues.count == 1 ? "" : "s") " + queues.joined(separator: ", ")
      console.printError("[\(CivilDateTime.now().iso.prefix(19))] worker \(worker.owner) on \(names), concurrency \(concurrency), \(project.tasks.tasks.count) task(s)")
    }
    stopSignals = 0
    for signalNumber in [SIGTERM, SIGINT] {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = { _ in stopSignals += 1 }
      sigemptyset(&action.sa_mask)
      action.sa_flags = SA_RESTART
      sigaction(signalNumber, &action, nil)
    }
    // The loop blocks: it gets a thread of its own rather than one of the concurrency pool's.
    let summary: Worker.Summary = try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        do {
          continuation.resume(returning: try worker.run(shouldStop: { stopSignals > 0 }, shouldStopNow: { stopSignals > 1 }))
        } catch {
          continuation.resume(throwing: error)
        }
      }
      thread.start()
    }
    if verbosity >= 1 {
      console.printError(
        "[\(CivilDateTime.now().iso.prefix(19))] worker done: \(summary.succeeded) succeeded, \(summary.retried) to retry, \(summary.dead) dead, \(summary.released) released")
    }
  }
}
