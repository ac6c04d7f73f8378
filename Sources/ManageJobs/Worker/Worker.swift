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
    /// Enqueue the ticks of scheduled tasks (any number of workers may: each tick is one job).
    public var schedules = true

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

  /// The project's models, for llm tasks' input and write; nil when no task needs them.
  let schema: ProjectSchema?
  /// The shared limits of providers and tasks; nil for none.
  let gates: ProviderGates?

  /// A run's end, handed from its thread to the main loop.
  private struct Finished {
    var id: Int64
    var outcome: JobQueue.Outcome
    var words: String
    /// The job's new `details` (llm and webhook tasks).
    var details: ModelValue?
    /// A write to commit with the job's success (llm tasks), on the main loop's connection.
    var write: (@Sendable (Connection) throws -> ModelValue)?
  }

  private let lock = NSLock()
  private var finished: [Finished] = []
  private let wake = DispatchSemaphore(value: 0)
  private var running: [Int64: (job: Job, started: Date, pid: pid_t?)] = [:]
  /// `protocol: jsonl` processes waiting for their next job, by task.
  private var idleProcesses: [String: [JSONLinesProcess]] = [:]

  public init(
    queue: JobQueue, tasks: TaskRegistry, options: Options = Options(), environment: [String: String] = ProcessInfo.processInfo.environment,
    schema: ProjectSchema? = nil, gates: ProviderGates? = nil,
    log: @escaping (String) -> Void = { _ in }, random: @escaping () -> Double = { Double.random(in: 0..<1) }
  ) {
    self.queue = queue
    self.schema = schema
    self.gates = gates
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
    var lastScheduleCheck = Date.distantPast
    var stopRequestedAt: Date?
    while true {
      // `locked`: another process held the database past the busy timeout this turn; the turn
      // claims nothing and cannot end a burst, and the next one tries again.
      var locked = try waitedOnLock { try recordFinished(&summary) }
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
      if !locked && options.schedules && stopRequestedAt == nil && Date().timeIntervalSince(lastScheduleCheck) >= 1 {
        locked = try waitedOnLock { try enqueueDueTicks() }
        if !locked { lastScheduleCheck = Date() }
      }
      if !locked && Date().timeIntervalSince(lastHeartbeat) >= options.lease / 3 {
        locked = try waitedOnLock { try queue.renew(runningIDs, owner: owner, lease: options.lease) }
        if !locked { lastHeartbeat = Date() }
      }
      var claimed: [Job] = []
      let free = options.concurrency - runningCount
      let allowance = options.maxJobs.map { $0 - claimedCount } ?? Int.max
      if !locked && stopRequestedAt == nil && free > 0 && allowance > 0 {
        locked = try waitedOnLock { claimed = try queue.claim(owner: owner, queues: options.queues, limit: min(free, allowance), lease: options.lease) }
        claimedCount += claimed.count
        for job in claimed { start(job) }
      }
      if claimed.isEmpty {
        if !locked && runningCount == 0 && (options.burst || allowance <= 0) {
          if try !waitedOnLock({ try recordFinished(&summary) }) { break }
        }
        _ = wake.wait(timeout: .now() + min(options.idleInterval, 0.1))
      }
    }
    try recordFinished(&summary)
    for process in lock.withLock({ defer { idleProcesses = [:] }; return idleProcesses.values.flatMap { $0 } }) { process.stop() }
    return summary
  }

  /// The tick each scheduled task last had enqueued (by this worker or another).
  private var enqueuedTicks: [String: Date] = [:]

  /// Enqueues each scheduled task's latest due tick, once: after downtime only the newest
  /// missed tick runs, not one per missed tick.
  private func enqueueDueTicks() throws {
    let now = Date(timeIntervalSince1970: Double(queue.now().microsecondsSinceEpoch) / 1_000_000)
    for task in tasks.scheduled {
      guard let schedule = task.schedule, let tick = schedule.previous(atOrBefore: now), enqueuedTicks[task.name] != tick else { continue }
      let moment = CivilDateTime(microsecondsSinceEpoch: Int64((tick.timeIntervalSince1970 * 1_000_000).rounded()))
      if let id = try queue.enqueueTick(task, tick: moment) {
        log("scheduled job \(id) \(task.name) for \(moment.iso.prefix(19)) UTC (\(schedule.description))")
      }
      enqueuedTicks[task.name] = tick
    }
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
    case .llm(let llm):
      runLLM(job, task: task, llm: llm)
    case .webhook(let webhook):
      var configured = webhook
      configured.timeout = task.timeout ?? webhook.timeout
      let webhook = configured
      let thread = Thread { [self] in
        let delivery = webhook.deliver(job, environment: environment)
        let details = mergedDetails(job, delivery.details, error: delivery.error)
        if let error = delivery.error {
          finish(job, .failure(error), retryable: delivery.retryable, details: details)
        } else {
          finish(job, .success(.dict(OrderedDictionary([("status", .int(Int64(delivery.status ?? 0)))]))), retryable: true, details: details)
        }
      }
      thread.stackSize = 1 << 20
      thread.start()
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

  /// An llm task's run: the input row is read and the prompt rendered here, on the main
  /// loop's connection; the provider is asked on the job's thread; the write is committed
  /// with the job's success back on the main loop (`recordFinished`).
  private func runLLM(_ job: Job, task: TaskDefinition, llm: LLMTask) {
    guard let schema else {
      finish(job, .failure("this worker was started without the project's models, which llm tasks need"), retryable: true)
      return
    }
    let prepared: LLMAttempt
    do {
      prepared = try llm.prepare(job, schema: schema, connection: queue.connection)
    } catch {
      // The input row is gone, or a template names what the row lacks: asking again will not mend it.
      let message = (error as? ManageError)?.message ?? "\(error)"
      finish(job, .failure(message), retryable: false, details: mergedDetails(job, [], error: message))
      return
    }
    let gate = gates?.gate(provider: llm.provider, task: task.name, taskLimits: llm.limits, timeout: task.timeout)
    let thread = Thread { [self] in
      let attempt = llm.ask(prepared, environment: environment, gate: gate)
      let details = mergedDetails(job, attempt.details, error: attempt.error)
      if let error = attempt.error {
        finish(job, .failure(error), retryable: true, details: details)
        return
      }
      let output = attempt.output ?? .null
      guard let write = llm.write else {
        finish(job, .success(output), retryable: true, details: details)
        return
      }
      finish(job, .success(output), retryable: true, details: details) { connection in
        try llm.perform(write, attempt, schema: schema, connection: connection)
      }
    }
    thread.stackSize = 1 << 20
    thread.start()
  }

  /// `details` with its newest attempt marked failed with `error` (a write rolled back).
  private static func settingLastAttemptError(_ details: ModelValue, _ error: String) -> ModelValue {
    guard case .dict(var fields) = details, case .list(var attempts)? = fields["attempts"], case .dict(var last)? = attempts.last else { return details }
    last["error"] = .text(error)
    attempts[attempts.count - 1] = .dict(last)
    fields["attempts"] = .list(attempts)
    fields["wrote"] = nil
    return .dict(fields)
  }

  /// The job's `details` with this attempt's fields on top and the attempt added to its
  /// `attempts` list (each with its error, so a page shows why every failed attempt failed).
  private func mergedDetails(_ job: Job, _ fields: [(String, ModelValue)], error: String?) -> ModelValue {
    var details: OrderedDictionary
    if case .dict(let existing) = job.details { details = existing } else { details = OrderedDictionary() }
    for key in ["prompt", "system", "answer", "output", "tokens_in", "tokens_out", "latency_ms", "status", "response", "url", "wrote"] { details[key] = nil }
    for (key, value) in fields { details[key] = value }
    var entry = OrderedDictionary([("attempt", .int(Int64(job.attempts))), ("at", .datetime(queue.now()))])
    for (key, value) in fields where ["tokens_in", "tokens_out", "latency_ms", "status"].contains(key) { entry[key] = value }
    entry["error"] = error.map(ModelValue.text) ?? .null
    var attempts: [ModelValue] = []
    if case .list(let earlier)? = details["attempts"] { attempts = earlier }
    attempts.append(.dict(entry))
    // Past fifty attempts the oldest go: a job retried a thousand times keeps a readable row.
    details["attempts"] = .list(Array(attempts.suffix(50)))
    return .dict(details)
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
  private func finish(
    _ job: Job, _ result: RunResult, retryable: Bool, details: ModelValue? = nil, write: (@Sendable (Connection) throws -> ModelValue)? = nil
  ) {
    let outcome: JobQueue.Outcome
    let words: String
    switch result {
    case .success(let value):
      outcome = .succeeded(value)
      words = write == nil ? "succeeded" : "succeeded, wrote"
    case .failure(let error):
      (outcome, words) = failure(job, error, retryable: retryable)
    }
    lock.withLock { finished.append(Finished(id: job.id, outcome: outcome, words: words, details: details, write: write)) }
    wake.signal()
  }

  /// A failed attempt: retried at the task's backoff while attempts remain, else dead.
  private func failure(_ job: Job, _ error: String, retryable: Bool) -> (JobQueue.Outcome, String) {
    if retryable, job.attempts <= job.maxRetries, let task = tasks.tasks[job.task] {
      let delay = task.retryDelay(afterAttempt: job.attempts, random: random())
      let at = CivilDateTime(microsecondsSinceEpoch: queue.now().microsecondsSinceEpoch + Int64(delay * 1_000_000))
      return (.failed(error, retryAt: at), "failed, retry in \(DurationText.format(delay)): \(error.prefix(200))")
    }
    return (.failed(error, retryAt: nil), "failed, dead: \(error.prefix(200))")
  }

  /// Runs `body`; when another writer holds the database past the busy timeout, says so (once
  /// every ten seconds) and returns true, so the loop goes round again: running jobs go on, and
  /// what they finish is committed once the lock is free. A worker that waits rather than exits
  /// keeps serving through a long migrate or a backup.
  private func waitedOnLock(_ body: () throws -> Void) throws -> Bool {
    do {
      try body()
      return false
    } catch let error as SQLiteError where error.isBusy {
      let now = Date()
      if now.timeIntervalSince(lastLockReport) >= 10 {
        log("waiting: the database is locked by another process (SQLITE_BUSY past the busy timeout); running jobs go on, and what they finish is committed when it is free")
        lastLockReport = now
      }
      return true
    }
  }

  private var lastLockReport = Date.distantPast

  private func recordFinished(_ summary: inout Summary) throws {
    let batch: [Finished] = lock.withLock {
      defer { finished.removeAll() }
      return finished
    }
    // A job released after the grace period was counted and given back already; its killed
    // run finishing afterwards is not an outcome (it counted twice after a second SIGTERM).
    var current = batch.filter { item in lock.withLock { running[item.id] != nil } }
    guard !current.isEmpty else { return }
    // Writes commit one job at a time, each with its job's success; a write that fails
    // (the model's answer broke a field's rule) is rolled back and becomes a failed attempt.
    var committed: Set<Int64> = []
    var lost: Set<Int64> = []
    do {
      try commitAndRecord(&current, committed: &committed, lost: &lost)
    } catch let error as SQLiteError where error.isBusy {
      // The database is locked: what was not committed goes back, to be recorded on a later
      // turn; what was committed is counted now.
      let settled = committed.union(lost)
      lock.withLock { finished.insert(contentsOf: current.filter { !settled.contains($0.id) }, at: 0) }
      account(current.filter { settled.contains($0.id) }, lost: lost, &summary)
      throw error
    }
    account(current, lost: lost, &summary)
  }

  /// Commits the writes with their jobs' successes, then records every other outcome in one
  /// transaction. `committed` and `lost` say which writes are settled, if it throws midway.
  private func commitAndRecord(_ current: inout [Finished], committed: inout Set<Int64>, lost: inout Set<Int64>) throws {
    for index in current.indices {
      guard let write = current[index].write, case .succeeded(let result) = current[index].outcome else { continue }
      let item = current[index]
      switch try queue.complete(item.id, owner: owner, result: result, details: item.details ?? .null, write: write) {
      case .committed: committed.insert(item.id)
      case .leaseLost: lost.insert(item.id)
      case .writeFailed(let error):
        let message = "the write failed: " + ((error as? ManageError)?.message ?? "\(error)")
        guard let job = lock.withLock({ running[item.id]?.job }) else { continue }
        (current[index].outcome, current[index].words) = failure(job, message, retryable: true)
        current[index].details = item.details.map { Self.settingLastAttemptError($0, message) }
        current[index].write = nil  // rolled back: a retry of the recording must not write
      }
    }
    let toRecord = current.filter { !committed.contains($0.id) && !lost.contains($0.id) }
    var details: [Int64: ModelValue] = [:]
    for item in toRecord { details[item.id] = item.details }
    try queue.record(toRecord.map { ($0.id, $0.outcome) }, owner: owner, details: details)
    for item in toRecord { committed.insert(item.id) }
  }

  /// Logs and counts recorded outcomes, and forgets their runs.
  private func account(_ current: [Finished], lost: Set<Int64>, _ summary: inout Summary) {
    for item in current {
      let (id, outcome, words) = (item.id, item.outcome, item.words)
      if lost.contains(id) {
        lock.withLock { running[id] = nil }
        log("job \(id): another worker holds it now (this one was presumed dead); its run here is not recorded")
        continue
      }
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
