import ManageCore

/// One row of `jobs_job`.
public struct Job: Sendable {
  /// Where a job is in its life.
  public enum State: String, Sendable, CaseIterable {
    case scheduled, ready, running, succeeded, retrying, dead, cancelled

    /// States a job leaves only by running or being cancelled.
    public var isPending: Bool { [.scheduled, .ready, .running, .retrying].contains(self) }
  }

  public var id: Int64
  public var task: String
  public var queue: String
  public var payload: ModelValue
  public var state: State
  public var priority: Int
  /// Runs started so far, the current one included.
  public var attempts: Int
  public var maxRetries: Int
  public var runAt: CivilDateTime
  public var leaseOwner: String?
  public var leaseExpiresAt: CivilDateTime?
  public var uniqueKey: String?
  public var lastError: String
  public var result: ModelValue
  public var createdAt: CivilDateTime?
  public var updatedAt: CivilDateTime?
  public var finishedAt: CivilDateTime?
  /// What runs of an llm or webhook task did (prompt, answer, tokens, the row written, each
  /// failed attempt's error, a webhook's status); null for other tasks.
  public var details: ModelValue

  static let columns = "id, task, queue, payload, state, priority, attempts, max_retries, run_at, lease_owner, lease_expires_at, unique_key, last_error, result, created_at, updated_at, finished_at, details"

  init(row: Row) {
    func time(_ index: Int) -> CivilDateTime? { row[index].string.flatMap { CivilDateTime(iso: Substring($0)) } }
    id = Int64(row[0].int ?? 0)
    task = row[1].string ?? ""
    queue = row[2].string ?? ""
    payload = row[3].string.flatMap { try? ModelValue(json: $0) } ?? .null
    state = State(rawValue: row[4].string ?? "") ?? .ready
    priority = row[5].int ?? 0
    attempts = row[6].int ?? 0
    maxRetries = row[7].int ?? 0
    runAt = time(8) ?? CivilDateTime(microsecondsSinceEpoch: 0)
    leaseOwner = row[9].string
    leaseExpiresAt = time(10)
    uniqueKey = row[11].string
    lastError = row[12].string ?? ""
    result = row[13].string.flatMap { try? ModelValue(json: $0) } ?? .null
    createdAt = time(14)
    updatedAt = time(15)
    finishedAt = time(16)
    details = row[17].string.flatMap { try? ModelValue(json: $0) } ?? .null
  }

  /// The job as JSON fields, for `--format json`.
  public var record: OrderedDictionary {
    OrderedDictionary([
      ("id", .int(id)), ("task", .text(task)), ("queue", .text(queue)), ("state", .text(state.rawValue)),
      ("priority", .int(Int64(priority))), ("attempts", .int(Int64(attempts))), ("max_retries", .int(Int64(maxRetries))),
      ("run_at", .datetime(runAt)), ("lease_owner", leaseOwner.map(ModelValue.text) ?? .null),
      ("lease_expires_at", leaseExpiresAt.map(ModelValue.datetime) ?? .null),
      ("unique_key", uniqueKey.map(ModelValue.text) ?? .null), ("payload", payload), ("result", result),
      ("last_error", .text(lastError)), ("created_at", createdAt.map(ModelValue.datetime) ?? .null),
      ("updated_at", updatedAt.map(ModelValue.datetime) ?? .null), ("finished_at", finishedAt.map(ModelValue.datetime) ?? .null),
      ("details", details),
    ])
  }
}
