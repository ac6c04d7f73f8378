import Foundation
import ManageCore

/// Claims jobs and runs them until told to stop: each run outside any transaction on its own
/// thread, leases renewed by a heartbeat, outcomes recorded as they finish (succeeded;
/// retrying at the task's backoff; dead after max_retries). On stop it claims nothing more,
/// lets running jobs finish within the grace period, then kills what is left and gives those
/// jobs back.
///
/// `@unchecked Sendable`: the job threads touch only `finished` and `running`, under `lock`;
/// the queue and its connection are used by the thread that calls `run` alone.
public final class Worker: @unchecked Sendable {
  public struct Options: Sendable {
    public var queues: [String]?
    public var concurrency = 4
    /// Exit when nothing is left to claim.
    public var burst = false
    /// Exit after claiming this many jobs.
    public var maxJobs: Int?
    /// Seconds a claim lasts without a heartbeat; a worker silent that long is presumed dead.
    public var lease: Double = 30
    /// Longest sleep when there is nothing to do.
    public var idleInterval: Double = 0.5
    /// Seconds running jobs get to finish after a stop.
    public var grace: Double = 30

    public init() {}
  }

  /// What the worker did.
  public struct Summary: Sendable, Equatable {
    public var succeeded = 0
    public var retried = 0
    public var dead = 0
    public var released = 0
    public var claimed: Int { succeeded + retried + dead + released }

    public init(succeeded: Int = 0, retried: Int = 0, dead: Int = 0, released: Int = 0) {
      self.succeeded = succeeded
      self.retried = retried
      self.dead = dead
      self.released = released
    }
  }

  let queue: JobQueue
  let tasks: TaskRegistry
  let options: Options
  /// Who holds the leases: host, process and a random tag.
  public let owner: String
  let log: (String) -> Void
  let random: () -> Double
  let environment: [String: String]

  private let lock = NSLock()
  private var finished: [(Int64, JobQueue.Outcome, String)] = []
  private let wake = DispatchSemaphore(value: 0)
  private var running: [Int64: (job: Job, started: Date, pid: pid_t?)] = [:]
  /// `protocol: jsonl` processes waiting for their next job, by task.
  private var idleProcesses: [String: [JSONLinesProcess]] = [:]

  public init(
    queue: JobQueue, tasks: TaskRegistry, options: Options = Options(), environment: [String: String] = ProcessInfo.processInfo.environment,
    log: @escaping (String) -> Void = { _ in }, random: @escaping () -> Double = { Double.random(in: 0..<1) }
  ) {
    self.queue = queue
    self.tasks = tasks
    self.options = options
    self.log = log
    self.random = random
    self.environment = environment
    var host = [CChar](repeating: 0, count: 256)
    gethostname(&host, 255)
    let name = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    owner = "\(name):\(getpid()):\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
  }

  /// Runs until `shouldStop` turns true (checked every 100 ms), `burst` finds nothing, or
  /// `maxJobs` have been claimed. `shouldStopNow` skips the grace period.
  public func run(shouldStop: () -> Bool = { false }, shouldStopNow: () -> Bool = { false }) throws -> Summary {
    var summary = Summary()
    var claimedCount = 0
    var lastHeartbeat = Date()
    var stopRequestedAt: Date?
    while true {
      try recordFinished(&summary)
      if stopRequestedAt == nil && shouldStop() {
        stopRequestedAt = Date()
        log("stopping: no new jobs; \(runningCount) running get \(DurationText.format(options.grace)) to finish")
      }
      if let since = stopRequestedAt {
        if runningCount == 0 { break }
        if shouldStopNow() || Date().timeIntervalSince(since) >= options.grace {
          try releaseRunning(&summary)
          break
        }
      }
      if Date().timeIntervalSince(lastHeartbeat) >= options.lease / 3 {
        try queue.renew(runningIDs, owner: owner, lease: options.lease)
        lastHeartbeat = Date()
      }
      var claimed: [Job] = []
      let free = options.concurrency - runningCount
      let allowance = options.maxJobs.map { $0 - claimedCount } ?? Int.max
      if stopRequestedAt == nil && free > 0 && allowance > 0 {
        claimed = try queue.claim(owner: owner, queues: options.queues, limit: min(free, allowance), lease: options.lease)
        claimedCount += claimed.count
        for job in claimed { start(job) }
      }
      if claimed.isEmpty {
        if runningCount == 0 && (options.burst || allowance <= 0) { try recordFinished(&summary); break }
        _ = wake.wait(timeout: .now() + min(options.idleInterval, 0.1))
      }
    }
    try recordFinished(&summary)
    for process in lock.withLock({ defer { idleProcesses = [:] }; return idleProcesses.values.flatMap { $0 } }) { process.stop() }
    return summary
  }

  private var runningCount: Int { lock.withLock { running.count } }
  private var runningIDs: [Int64] { lock.withLock { Array(running.keys) } }

  /// Starts one job on its own thread.
  private func start(_ job: Job) {
    lock.withLock { running[job.id] = (job, Date(), nil) }
    // A run whose worker died during every attempt is not started again past its budget.
    if job.attempts > job.maxRetries + 1 {
      finish(job, .failure("its worker was lost during every attempt (lease expired \(job.attempts - 1) times)"), retryable: false)
      return
    }
    guard let task = tasks.tasks[job.task] else {
      finish(job, .failure("unknown task '\(job.task)': it is in no tasks.yaml and registered by no code"), retryable: false)
      return
    }
    switch task.body {
    case .closure(let body):
      let payload = job.payload
      Task.detached { [self] in
        do { finish(job, .success(try await body(payload)), retryable: true) } catch {
          finish(job, .failure("\(error)"), retryable: true)
        }
      }
    case .command(let argv, let directory) where task.commandProtocol == .jsonl:
      runOverJSONLines(job, task: task, argv: argv, directory: directory)
    case .command(let argv, let directory):
      let thread = Thread { [self] in
        var variables = environment
        variables["MANAGE_JOB_ID"] = String(job.id)
        variables["MANAGE_JOB_ATTEMPT"] = String(job.attempts)
        variables["MANAGE_JOB_TASK"] = job.task
        do {
          let result = try CommandRunner.run(
            argv, workingDirectory: directory, input: job.payload.jsonText, environment: variables, timeout: task.timeout
          ) { pid in self.lock.withLock { self.running[job.id]?.pid = pid } }
          if result.timedOut {
            finish(job, .failure("timed out after \(DurationText.format(task.timeout ?? 0)) and was killed" + tail(result.stderr)), retryable: true)
          } else if result.status != 0 {
            let how = result.status < 0 ? "killed by signal \(-result.status)" : "exited with status \(result.status)"
            finish(job, .failure(how + tail(result.stderr)), retryable: true)
          } else {
            let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let value = text.isEmpty ? ModelValue.null : ((try? ModelValue(json: text)) ?? .text(result.stdout))
            finish(job, .success(value), retryable: true)
          }
        } catch let error as JobsError {
          finish(job, .failure(error.message), retryable: true)
        } catch {
          finish(job, .failure("\(error)"), retryable: true)
        }
      }
      thread.stackSize = 1 << 20
      thread.start()
    }
  }

  /// Runs `job` on an idle long-lived process of its task (started here, on the worker's own
  /// thread, so the kernel ties its life to the worker's), exchanging one JSON line each way.
  private func runOverJSONLines(_ job: Job, task: TaskDefinition, argv: [String], directory: String) {
    let process: JSONLinesProcess
    do {
      if let idle = lock.withLock({ idleProcesses[task.name]?.popLast() }) {
        process = idle
      } else {
        var variables = environment
        variables["MANAGE_JOB_TASK"] = task.name
        variables["MANAGE_TASK_PROTOCOL"] = "jsonl"
        process = try JSONLinesProcess(argv, workingDirectory: directory, environment: variables)
      }
    } catch {
      finish(job, .failure((error as? JobsError)?.message ?? "\(error)"), retryable: true)
      return
    }
    lock.withLock { running[job.id]?.pid = process.pid }
    let request = ModelValue.dict(OrderedDictionary([
      ("id", .int(job.id)), ("attempt", .int(Int64(job.attempts))), ("task", .text(job.task)), ("payload", job.payload),
    ])).jsonText
    let thread = Thread { [self] in
      switch process.exchange(request, timeout: task.timeout) {
      case .line(let line, let stderr):
        guard case .dict(let reply)? = try? ModelValue(json: line), reply["result"] != nil || reply["error"] != nil else {
          process.discard()
          finish(job, .failure("the task process answered with a line that is not {\"result\": …} or {\"error\": …}: \(line.prefix(500))" + tail(stderr)
                               + " (the process is restarted for the next job)"), retryable: true)
          return
        }
        lock.withLock { idleProcesses[task.name, default: []].append(process) }
        if let error = reply["error"], error != .null {
          finish(job, .failure(error.plain + tail(stderr)), retryable: true)
        } else {
          finish(job, .success(reply["result"] ?? .null), retryable: true)
        }
      case .exited(let status, let stderr):
        let how = status < 0 ? "was killed by signal \(-status)" : "exited with status \(status)"
        finish(job, .failure("the task process \(how) before answering (it is restarted for the next job)" + tail(stderr)), retryable: true)
      case .timedOut(let stderr):
        finish(job, .failure("timed out after \(DurationText.format(task.timeout ?? 0)) and was killed (the task process is restarted for the next job)" + tail(stderr)), retryable: true)
      }
    }
    thread.stackSize = 1 << 20
    thread.start()
  }

  private func tail(_ text: String) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { return "" }
    return ": " + (trimmed.count > 2000 ? "…" + String(trimmed.suffix(2000)) : trimmed)
  }

  private enum RunResult {
    case success(ModelValue)
    case failure(String)
  }

  /// Called on the job's thread: turns the result into an outcome for the main loop.
  private func finish(_ job: Job, _ result: RunResult, retryable: Bool) {
    let outcome: JobQueue.Outcome
    let words: String
    switch result {
    case .success(let value):
      outcome = .succeeded(value)
      words = "succeeded"
    case .failure(let error):
      if retryable, job.attempts <= job.maxRetries, let task = tasks.tasks[job.task] {
        let delay = task.retryDelay(afterAttempt: job.attempts, random: random())
        let at = CivilDateTime(microsecondsSinceEpoch: queue.now().microsecondsSinceEpoch + Int64(delay * 1_000_000))
        outcome = .failed(error, retryAt: at)
        words = "failed, retry in \(DurationText.format(delay)): \(error.prefix(200))"
      } else {
        outcome = .failed(error, retryAt: nil)
        words = "failed, dead: \(error.prefix(200))"
      }
    }
    lock.withLock { finished.append((job.id, outcome, words)) }
    wake.signal()
  }

  private func recordFinished(_ summary: inout Summary) throws {
    let batch: [(Int64, JobQueue.Outcome, String)] = lock.withLock {
      defer { finished.removeAll() }
      return finished
    }
    // A job released after the grace period was counted and given back already; its killed
    // run finishing afterwards is not an outcome (it counted twice after a second SIGTERM).
    let current = batch.filter { item in lock.withLock { running[item.0] != nil } }
    guard !current.isEmpty else { return }
    try queue.record(current.map { ($0.0, $0.1) }, owner: owner)
    for (id, outcome, words) in current {
      let entry = lock.withLock { running.removeValue(forKey: id) }
      let seconds = entry.map { Date().timeIntervalSince($0.started) } ?? 0
      if let job = entry?.job {
        log("job \(id) \(job.task) attempt \(job.attempts)/\(job.maxRetries + 1): \(words) (\(DurationText.format(seconds)))")
      }
      switch outcome {
      case .succeeded: summary.succeeded += 1
      case .failed(_, retryAt: .some): summary.retried += 1
      case .failed(_, retryAt: nil): summary.dead += 1
      case .released: summary.released += 1
      }
    }
  }

  /// Past the grace period: the jobs still running go back to the queue, unrun.
  private func releaseRunning(_ summary: inout Summary) throws {
    let left = lock.withLock { Array(running.keys) }
    guard !left.isEmpty else { return }
    // Their processes go first, so no run outlives the worker that gave it back.
    for pid in lock.withLock({ running.values.compactMap(\.pid) }) {
      kill(-pid, SIGKILL)
      kill(pid, SIGKILL)
    }
    try queue.record(left.map { ($0, .released) }, owner: owner)
    lock.withLock { for id in left { running[id] = nil } }
    summary.released += left.count
    log("released \(left.count) job(s) still running after the grace period: \(left.map(String.init).joined(separator: ", "))")
  }
}
