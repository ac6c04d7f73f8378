import Foundation
import ManageCore

/// The durable queue in the project's database (`jobs_job`): enqueue, claim with a lease,
/// renew, record outcomes, and the operator's retry/cancel/purge. Every change is one
/// short transaction; claims are `BEGIN IMMEDIATE`, so two workers never take the same job.
public final class JobQueue {
  public let connection: Connection
  /// The clock; tests move it by hand.
  public let now: @Sendable () -> CivilDateTime

  public init(connection: Connection, now: @escaping @Sendable () -> CivilDateTime = { CivilDateTime.now() }) {
    self.connection = connection
    self.now = now
  }

  /// What to enqueue: a task and its payload, with overrides of the task's queue and priority.
  public struct Request: Sendable {
    public var task: TaskDefinition
    public var payload: ModelValue
    public var queue: String?
    public var priority: Int?
    public var runAt: CivilDateTime?
    public var uniqueKey: String?

    public init(task: TaskDefinition, payload: ModelValue = .dict(OrderedDictionary()), queue: String? = nil, priority: Int? = nil, runAt: CivilDateTime? = nil, uniqueKey: String? = nil) {
      self.task = task
      self.payload = payload
      self.queue = queue
      self.priority = priority
      self.runAt = runAt
      self.uniqueKey = uniqueKey
    }

    /// The key that deduplicates: the one given, or the task and payload when the task is unique.
    var effectiveUniqueKey: String? { uniqueKey ?? (task.unique ? "\(task.name):\(payload.jsonText)" : nil) }
  }

  static let insertSQL = "INSERT INTO jobs_job (task, queue, payload, state, priority, attempts, max_retries, run_at, unique_key, last_error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, '', ?, ?)"

  private func insertArguments(_ request: Request, at moment: CivilDateTime) -> [SQLValue] {
    let runAt = request.runAt ?? moment
    let state = runAt > moment ? Job.State.scheduled : .ready
    let stamp = SQLValue.text(moment.iso)
    return [
      .text(request.task.name), .text(request.queue ?? request.task.queue), .text(request.payload.jsonText),
      .text(state.rawValue), .integer(Int64(request.priority ?? request.task.priority)),
      .integer(Int64(request.task.maxRetries)), .text(runAt.iso),
      request.effectiveUniqueKey.map(SQLValue.text) ?? .null, stamp, stamp,
    ]
  }

  static let unfinishedWithKeySQL =
    "SELECT id FROM jobs_job WHERE unique_key = ? AND state IN ('scheduled', 'ready', 'running', 'retrying') ORDER BY id LIMIT 1"

  /// Adds a job; with a unique key that matches an unfinished job, returns that job's id
  /// instead (`existing` true).
  @discardableResult
  public func enqueue(_ request: Request) throws -> (id: Int64, existing: Bool) {
    try enqueue(batch: [request])[0]
  }

  /// Adds many jobs in one transaction through one prepared statement, each as `enqueue` adds
  /// one: a unique key that matches an unfinished job (one added earlier in the batch too)
  /// returns that job instead. All or none are committed.
  @discardableResult
  public func enqueue(batch requests: [Request]) throws -> [(id: Int64, existing: Bool)] {
    let moment = now()
    // Inside a write's transaction (models' `on:` events) the jobs join it as a savepoint.
    let connection = self.connection
    let atomic: (() throws -> [(id: Int64, existing: Bool)]) throws -> [(id: Int64, existing: Bool)] = connection.isInTransaction
      ? { try connection.savepoint("manage_enqueue", $0) } : { try connection.transaction(.immediate, $0) }
    return try atomic {
      let insert = try connection.prepare(Self.insertSQL)
      var lookup: Statement?
      var outcomes: [(id: Int64, existing: Bool)] = []
      outcomes.reserveCapacity(requests.count)
      for request in requests {
        if let key = request.effectiveUniqueKey {
          if lookup == nil { lookup = try connection.prepare(Self.unfinishedWithKeySQL) }
          try lookup!.bind([.text(key)])
          let found = try lookup!.step() ? lookup!.column(0).int : nil
          // LIMIT 1: a second step finishes the statement, so no read is left open.
          if found != nil { _ = try lookup!.step() }
          if let found {
            outcomes.append((Int64(found), true))
            continue
          }
        }
        try insert.bind(insertArguments(request, at: moment))
        try insert.step()
        outcomes.append((connection.lastInsertRowID, false))
      }
      return outcomes
    }
  }

  /// Enqueues `task`'s run for the schedule tick `tick` unless one was ever enqueued (in any
  /// state: a finished tick is not run again), in one IMMEDIATE transaction, so of any number
  /// of schedulers exactly one adds it. Returns the new job's id, or nil when it existed.
  public func enqueueTick(_ task: TaskDefinition, tick: CivilDateTime) throws -> Int64? {
    let key = TaskSchedule.uniqueKey(task: task.name, tick: Date(timeIntervalSince1970: Double(tick.microsecondsSinceEpoch) / 1_000_000))
    let moment = now()
    return try connection.transaction(.immediate) {
      guard try connection.scalar("SELECT 1 FROM jobs_job WHERE unique_key = ? LIMIT 1", [.text(key)]) == nil else { return nil }
      var request = Request(task: task, payload: .dict(OrderedDictionary([("scheduled_for", .datetime(tick))])))
      request.uniqueKey = key
      try connection.run(Self.insertSQL, insertArguments(request, at: moment))
      return connection.lastInsertRowID
    }
  }

  /// The newest job of a schedule's ticks for `task`, if any.
  public func lastTick(of task: String) throws -> Job? {
    try connection.query(
      "SELECT \(Job.columns) FROM jobs_job WHERE task = ? AND unique_key LIKE ? ORDER BY id DESC LIMIT 1", [.text(task), .text("schedule:\(task):%")]
    ).first.map(Job.init)
  }

  /// Takes up to `limit` runnable jobs (ready, scheduled or retrying whose time has come, and
  /// running ones whose lease expired because their worker died), highest priority first
  /// then oldest `run_at`, and leases them to `owner` for `lease` seconds. The attempt is
  /// counted here, so a run lost with its worker counts too.
  public func claim(owner: String, queues: [String]? = nil, limit: Int, lease: Double) throws -> [Job] {
    guard limit > 0 else { return [] }
    let moment = now()
    let expires = CivilDateTime(microsecondsSinceEpoch: moment.microsecondsSinceEpoch + Int64(lease * 1_000_000))
    var queueFilter = ""
    var arguments: [SQLValue] = [.text(owner), .text(expires.iso), .text(moment.iso)]
    var inner: [SQLValue] = []
    if let queues, !queues.isEmpty {
      queueFilter = "queue IN (\(Array(repeating: "?", count: queues.count).joined(separator: ", "))) AND "
      inner += queues.map(SQLValue.text)
    }
    inner += [.text(moment.iso), .text(moment.iso), .integer(Int64(limit))]
    arguments += inner
    let sql = """
      UPDATE jobs_job SET state = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ?
      WHERE id IN (SELECT id FROM jobs_job WHERE \(queueFilter)((state IN ('ready', 'scheduled', 'retrying') AND run_at <= ?)
        OR (state = 'running' AND lease_expires_at < ?)) ORDER BY priority DESC, run_at, id LIMIT ?)
      RETURNING \(Job.columns)
      """
    return try connection.transaction(.immediate) {
      // RETURNING gives rows in no promised order: put them in claim order again.
      try connection.query(sql, arguments).map(Job.init).sorted { a, b in
        if a.priority != b.priority { return a.priority > b.priority }
        if a.runAt != b.runAt { return a.runAt < b.runAt }
        return a.id < b.id
      }
    }
  }

  /// Extends the leases of jobs `owner` still runs.
  public func renew(_ ids: [Int64], owner: String, lease: Double) throws {
    guard !ids.isEmpty else { return }
    let moment = now()
    let expires = CivilDateTime(microsecondsSinceEpoch: moment.microsecondsSinceEpoch + Int64(lease * 1_000_000))
    let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
    try connection.transaction(.immediate) {
      try connection.run(
        "UPDATE jobs_job SET lease_expires_at = ?, updated_at = ? WHERE state = 'running' AND lease_owner = ? AND id IN (\(marks))",
        [.text(expires.iso), .text(moment.iso), .text(owner)] + ids.map(SQLValue.integer))
    }
  }

  /// An outcome to record for a job `owner` ran.
  public enum Outcome: Sendable {
    case succeeded(ModelValue)
    /// Failed; retried at `retryAt`, or dead when nil.
    case failed(String, retryAt: CivilDateTime?)
    /// Given back unrun (shutdown): ready again, the attempt not counted.
    case released
  }

  /// Records outcomes in one transaction. A job whose lease another worker has taken over
  /// (this worker was presumed dead) is left to that worker.
  /// `details` replaces a job's `details` where given (llm and webhook tasks).
  public func record(_ outcomes: [(Int64, Outcome)], owner: String, details: [Int64: ModelValue] = [:]) throws {
    guard !outcomes.isEmpty else { return }
    let moment = SQLValue.text(now().iso)
    try connection.transaction(.immediate) {
      for (id, outcome) in outcomes {
        if let value = details[id] {
          try connection.run(
            "UPDATE jobs_job SET details = ? WHERE id = ? AND lease_owner = ? AND state = 'running'", [.text(value.jsonText), .integer(id), .text(owner)])
        }
        switch outcome {
        case .succeeded(let result):
          try connection.run(
            "UPDATE jobs_job SET state = 'succeeded', result = ?, last_error = '', lease_owner = NULL, lease_expires_at = NULL, finished_at = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'running'",
            [.text(result.jsonText), moment, moment, .integer(id), .text(owner)])
        case .failed(let error, let retryAt?):
          try connection.run(
            "UPDATE jobs_job SET state = 'retrying', run_at = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'running'",
            [.text(retryAt.iso), .text(error), moment, .integer(id), .text(owner)])
        case .failed(let error, nil):
          try connection.run(
            "UPDATE jobs_job SET state = 'dead', last_error = ?, lease_owner = NULL, lease_expires_at = NULL, finished_at = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'running'",
            [.text(error), moment, moment, .integer(id), .text(owner)])
        case .released:
          try connection.run(
            "UPDATE jobs_job SET state = 'ready', attempts = max(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'running'",
            [moment, .integer(id), .text(owner)])
        }
      }
    }
  }

  /// What `complete` did.
  public enum Completion {
    /// The write and the job's success were committed together; the write's answer.
    case committed(ModelValue)
    /// The write failed and was rolled back (nothing written, the job untouched).
    case writeFailed(Error)
    /// Another worker holds the job now (this one was presumed dead): nothing was done.
    case leaseLost
  }

  /// A success whose effect is a write: in one transaction, the job is checked to be still
  /// `owner`'s, `write` runs, and the job is marked succeeded with `result` and `details`. A
  /// worker killed at any moment leaves either neither (the job runs again) or both — never a
  /// write with the job still pending, so a retry cannot write twice.
  public func complete(
    _ id: Int64, owner: String, result: ModelValue, details: ModelValue, write: (Connection) throws -> ModelValue
  ) throws -> Completion {
    let moment = SQLValue.text(now().iso)
    return try connection.transaction(.immediate) {
      guard try connection.scalar(
        "SELECT 1 FROM jobs_job WHERE id = ? AND lease_owner = ? AND state = 'running'", [.integer(id), .text(owner)]) != nil
      else { return .leaseLost }
      let wrote: ModelValue
      do {
        wrote = try connection.savepoint("manage_task_write") { try write(connection) }
      } catch {
        return .writeFailed(error)
      }
      var merged = details
      if case .dict(var fields) = details {
        fields["wrote"] = wrote
        merged = .dict(fields)
      }
      try connection.run(
        "UPDATE jobs_job SET state = 'succeeded', result = ?, details = ?, last_error = '', lease_owner = NULL, lease_expires_at = NULL, finished_at = ?, updated_at = ? WHERE id = ?",
        [.text(result.jsonText), .text(merged.jsonText), moment, moment, .integer(id)])
      return .committed(wrote)
    }
  }

  // MARK: - The operator's view

  public func job(_ id: Int64) throws -> Job? {
    try connection.query("SELECT \(Job.columns) FROM jobs_job WHERE id = ?", [.integer(id)]).first.map(Job.init)
  }

  public func list(state: Job.State? = nil, task: String? = nil, limit: Int = 100) throws -> [Job] {
    var clauses: [String] = []
    var arguments: [SQLValue] = []
    if let state {
      clauses.append("state = ?")
      arguments.append(.text(state.rawValue))
    }
    if let task {
      clauses.append("task = ?")
      arguments.append(.text(task))
    }
    let filter = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
    return try connection.query("SELECT \(Job.columns) FROM jobs_job\(filter) ORDER BY id DESC LIMIT \(max(limit, 1))", arguments).map(Job.init)
  }

  /// Counts per state.
  public func counts() throws -> [(Job.State, Int)] {
    let rows = try connection.query("SELECT state, count(*) FROM jobs_job GROUP BY state")
    var byState: [String: Int] = [:]
    for row in rows { byState[row[0].string ?? ""] = row[1].int ?? 0 }
    return Job.State.allCases.map { ($0, byState[$0.rawValue] ?? 0) }
  }

  /// Makes a dead, cancelled or succeeded job ready to run again now, with its attempts reset.
  public func retry(_ id: Int64) throws {
    guard let job = try job(id) else { throw JobsError("There is no job \(id).", hint: "`manage jobs list` shows the jobs.") }
    guard !job.state.isPending || job.state == .retrying || job.state == .scheduled else {
      throw JobsError("Job \(id) is \(job.state.rawValue); only a finished job (dead, cancelled, succeeded) can be retried.")
    }
    try connection.transaction(.immediate) {
      try connection.run(
        "UPDATE jobs_job SET state = 'ready', attempts = 0, run_at = ?, finished_at = NULL, updated_at = ? WHERE id = ?",
        [.text(now().iso), .text(now().iso), .integer(id)])
    }
  }

  /// Retries every dead job; returns how many.
  public func retryDead() throws -> Int {
    try connection.transaction(.immediate) {
      try connection.run(
        "UPDATE jobs_job SET state = 'ready', attempts = 0, run_at = ?, finished_at = NULL, updated_at = ? WHERE state = 'dead'",
        [.text(now().iso), .text(now().iso)])
      return connection.changes
    }
  }

  /// Cancels a job that has not finished. A running job's worker finishes its run, but the
  /// outcome is not recorded over the cancellation.
  public func cancel(_ id: Int64) throws {
    guard let job = try job(id) else { throw JobsError("There is no job \(id).", hint: "`manage jobs list` shows the jobs.") }
    guard job.state.isPending else {
      throw JobsError("Job \(id) is already \(job.state.rawValue).", hint: job.state == .dead ? "`manage jobs retry \(id)` runs it again." : nil)
    }
    try connection.transaction(.immediate) {
      try connection.run(
        "UPDATE jobs_job SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, finished_at = ?, updated_at = ? WHERE id = ?",
        [.text(now().iso), .text(now().iso), .integer(id)])
    }
  }

  /// Deletes finished jobs (succeeded, dead, cancelled) that finished more than `seconds` ago.
  public func purge(olderThan seconds: Double) throws -> Int {
    let cutoff = CivilDateTime(microsecondsSinceEpoch: now().microsecondsSinceEpoch - Int64(seconds * 1_000_000))
    return try connection.transaction(.immediate) {
      try connection.run(
        "DELETE FROM jobs_job WHERE state IN ('succeeded', 'dead', 'cancelled') AND finished_at < ?", [.text(cutoff.iso)])
      return connection.changes
    }
  }
}
