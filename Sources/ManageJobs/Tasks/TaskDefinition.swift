import ManageCore

/// A task jobs can run: a command, an llm call or a webhook from an app's tasks.yaml, or a
/// Swift closure registered through `TaskRegistry`, with its retry policy.
public struct TaskDefinition: Sendable {
  /// How the delay grows between attempts.
  public enum Backoff: String, Sendable, CaseIterable {
    /// `retry_delay * 2^(attempt-1)` plus up to one `retry_delay` of random jitter.
    case exponential
    /// `retry_delay` every time.
    case fixed
  }

  /// What running the task means.
  public enum Body: Sendable {
    /// A program and its arguments; the payload goes to its stdin as JSON.
    case command([String], workingDirectory: String)
    /// A Swift function from payload to result.
    case closure(@Sendable (ModelValue) async throws -> ModelValue)
    /// Ask a provider for JSON, check it, write a row (`llm:` in tasks.yaml).
    case llm(LLMTask)
    /// POST the payload to a URL, signed (`webhook:` in tasks.yaml).
    case webhook(WebhookTask)
  }

  /// How a command task talks to its program.
  public enum CommandProtocol: String, Sendable, CaseIterable {
    /// One process per job: the payload on stdin, the result on stdout, the exit status.
    case stdin
    /// One long-lived process per worker slot: a JSON line per job in, a JSON line back
    /// (`{"result": …}` or `{"error": "…"}`); see JSONLinesProcess.
    case jsonl
  }

  public var name: String
  public var body: Body
  /// For command tasks: a process per job, or long-lived processes speaking JSON lines.
  public var commandProtocol = CommandProtocol.stdin
  public var queue = "default"
  public var maxRetries = 3
  /// Seconds before the first retry.
  public var retryDelay: Double = 30
  public var backoff = Backoff.exponential
  /// Seconds a run may take before it is killed; nil for no limit.
  public var timeout: Double?
  public var priority = 0
  /// The most retries a task may ask for: enough for any real policy, and far from the
  /// attempt counters' overflow.
  public static let maximumRetries = 1_000
  /// Priorities a task, an enqueue or the API may give (Oban's are 0–9; wider, but bounded so
  /// every comparison and sum on them is safe).
  public static let priorities = -1_000_000...1_000_000
  /// When the task runs on its own (`schedule:` or `every:`); nil for on demand only.
  public var schedule: TaskSchedule?
  /// Whether enqueues without an explicit unique key deduplicate on the payload.
  public var unique = false
  /// The app that declares it (nil for Swift tasks).
  public var app: String?
  public var declaredAt = DeclaredAt(nil)

  public init(name: String, body: Body) {
    self.name = name
    self.body = body
  }

  /// Seconds to wait before attempt `attempt + 1`, after `attempt` failed runs; `random` is in 0..<1.
  public func retryDelay(afterAttempt attempt: Int, random: Double) -> Double {
    switch backoff {
    case .fixed: return retryDelay
    case .exponential:
      let exponent = min(max(attempt - 1, 0), 30)
      // A long retry_delay doubled thirty times would pass Int64's microseconds: the wait is
      // capped at the longest duration manage takes anywhere.
      return min(retryDelay * Double(1 << exponent) + retryDelay * random, DurationText.maximumSeconds)
    }
  }
}
