import Crypto
import Foundation
import ManageCore
import ManageJobs

/// Runs a suite: every case (times `repeat`) through the provider on a pool of threads, scored
/// as it finishes and written at once to `evals_evalresult`, so memory stays flat and an
/// interrupted run keeps what it finished. Answers are cached by provider, prompt and repeat
/// index (errors never are).
public final class EvalRunner: @unchecked Sendable {
  public struct Options: Sendable {
    public var concurrency = 4
    public var repeatCount: Int?
    /// Only cases whose id or a tag contains this (or matches it as a `*` glob).
    public var filter: String?
    public var useCache = true
    public var environment: [String: String] = [:]
    public var gitCommit = ""
    /// The limits shared with workers, for suites that use a provider of manage.yaml.
    public var gates: ProviderGates?
    public init() {}
  }

  /// What a finished (or interrupted) run came to.
  public struct Outcome: Sendable {
    public var runID: Int64
    public var total = 0
    public var passed = 0
    public var failed = 0
    public var errors = 0
    public var cached = 0
    public var interrupted = false
    /// Cases not run because the run was interrupted.
    public var notRun = 0
    /// passed / (passed + failed): errors are kept apart from failures.
    public var passRate: Double? { passed + failed == 0 ? nil : Double(passed) / Double(passed + failed) }
  }

  let suite: Suite
  let connection: Connection
  let options: Options
  private let lock = NSLock()
  /// One case's answer (or error) and verdict, from a pool thread or the cache.
  private struct Finished {
    var evalCase: EvalCase
    var repeatIndex: Int
    var answer: ProviderAnswer?
    var error: String?
    var verdict: CaseVerdict?
    /// The cache key to store a fresh answer under; empty when it came from the cache.
    var cacheKey: String
    var fromThread: Bool
  }

  private var finished: [Finished] = []
  private let wake = DispatchSemaphore(value: 0)

  public init(suite: Suite, connection: Connection, options: Options = Options()) {
    self.suite = suite
    self.connection = connection
    self.options = options
  }

  /// The cases the filter keeps.
  public var selectedCases: [EvalCase] {
    guard let filter = options.filter, !filter.isEmpty else { return suite.cases }
    return suite.cases.filter { evalCase in
      ([evalCase.id] + evalCase.tags).contains { Self.matches($0, filter) }
    }
  }

  static func matches(_ text: String, _ pattern: String) -> Bool {
    guard pattern.contains("*") else { return text.contains(pattern) }
    let escaped = NSRegularExpression.escapedPattern(for: pattern).replacingOccurrences(of: "\\*", with: ".*")
    return text.range(of: "^" + escaped + "$", options: .regularExpression) != nil
  }

  /// Runs the suite; `progress` is called on this thread after each case; `shouldStop` is
  /// polled (Ctrl-C): cases not yet started are then left out and the run is marked interrupted.
  public func run(progress: (Outcome, Int) -> Void = { _, _ in }, shouldStop: () -> Bool = { false }) throws -> Outcome {
    let repeats = options.repeatCount ?? suite.repeatCount
    let cases = selectedCases
    let started = CivilDateTime.now().iso
    try connection.run(
      "INSERT INTO evals_evalrun (suite, provider, status, total, passed, failed, pass_rate, threshold, errors, repeat, git_commit, started_at) VALUES (?, ?, 'running', 0, 0, 0, NULL, ?, 0, ?, ?, ?)",
      [.text(suite.name), .text(suite.provider.label), .real(suite.threshold), .integer(Int64(repeats)), .text(options.gitCommit), .text(started)])
    var outcome = Outcome(runID: connection.lastInsertRowID)
    // Read once a run: every setting of the provider and the content of the programs it runs.
    let providerIdentity = suite.provider.cacheIdentity()
    let total = cases.count * repeats
    let insert = try connection.prepare(
      "INSERT INTO evals_evalresult (run_id, case_id, passed, score, output, error, latency_ms, repeat, scores, tokens_in, tokens_out, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    let cacheLookup = try connection.prepare("SELECT output, latency_ms FROM evals_evalcache WHERE key = ?")
    let cacheStore = try connection.prepare("INSERT OR REPLACE INTO evals_evalcache (key, provider, output, latency_ms, created_at) VALUES (?, ?, ?, ?, ?)")
    var next = 0
    var inFlight = 0
    var stopping = false
    while outcome.total < total - outcome.notRun {
      if !stopping && shouldStop() {
        stopping = true
        outcome.interrupted = true
        outcome.notRun = total - next
      }
      // Start work up to the concurrency; cached answers are scored on the spot.
      while !stopping && next < total && inFlight < options.concurrency {
        // Case-major within each repeat, without materialising the cases × repeats list.
        let (evalCase, repeatIndex) = (cases[next % cases.count], next / cases.count)
        next += 1
        let prompt: String
        let system: String?
        do { (system, prompt) = try suite.request(for: evalCase) } catch {
          record(Finished(evalCase: evalCase, repeatIndex: repeatIndex, error: (error as? ManageError)?.message ?? "\(error)", cacheKey: "", fromThread: false))
          continue
        }
        // A task's system prompt decides the answer as much as the prompt does.
        let key = Self.cacheKey(provider: providerIdentity + (system.map { "\u{1F}system:" + $0 } ?? ""), prompt: prompt, repeatIndex: repeatIndex)
        if options.useCache {
          try cacheLookup.bind([.text(key)])
          if try cacheLookup.step() {
            let answer = ProviderAnswer(output: cacheLookup.column(0).string ?? "", latency: cacheLookup.column(1).double ?? 0)
            outcome.cached += 1
            record(Finished(evalCase: evalCase, repeatIndex: repeatIndex, answer: answer, verdict: suite.verdict(answer, for: evalCase), cacheKey: "", fromThread: false))
            continue
          }
        }
        let provider = suite.provider(system: system)
        let environment = system.map { options.environment.merging(["MANAGE_LLM_SYSTEM": $0]) { $1 } } ?? options.environment
        // Echo and recorded answers are instant: a thread each would cost more than the answer.
        if provider.isInstant {
          let item = ask(provider, prompt, evalCase, repeatIndex, key, environment, fromThread: false)
          record(item)
          if lock.withLock({ finished.count }) >= 500 { break }
          continue
        }
        inFlight += 1
        Thread { [self] in
          let item = ask(provider, prompt, evalCase, repeatIndex, key, environment, fromThread: true)
          record(item)
        }.start()
      }
      let batch: [Finished] = lock.withLock {
        defer { finished.removeAll() }
        return finished
      }
      if batch.isEmpty {
        _ = wake.wait(timeout: .now() + 0.1)
        continue
      }
      // One transaction per batch: a 50,000-case run is not 50,000 fsyncs.
      try connection.transaction {
        let now = SQLValue.text(CivilDateTime.now().iso)
        for item in batch {
          let (evalCase, repeatIndex, answer, error, verdict) = (item.evalCase, item.repeatIndex, item.answer, item.error, item.verdict)
          // Only fresh answers are cached; errors never are.
          if let answer, error == nil, !item.cacheKey.isEmpty, options.useCache {
            try cacheStore.bind([.text(item.cacheKey), .text(suite.provider.label), .text(answer.output), .integer(Int64(answer.latency)), now])
            try cacheStore.step()
          }
          let scores = ModelValue.list((verdict?.results ?? []).map { result in
            .dict(OrderedDictionary([("name", .text(result.name)), ("score", .double(result.score)), ("passed", .bool(result.passed)), ("detail", .text(result.detail))]))
          })
          try insert.bind([
            .integer(outcome.runID), .text(evalCase.id), .integer(verdict?.passed == true ? 1 : 0), verdict.map { .real($0.score) } ?? .null,
            .text(answer?.output ?? ""), .text(error ?? ""), answer.map { .integer(Int64($0.latency.rounded())) } ?? .null,
            .integer(Int64(repeatIndex)), .text(scores.jsonText), answer?.tokensIn.map { .integer(Int64($0)) } ?? .null,
            answer?.tokensOut.map { .integer(Int64($0)) } ?? .null, now,
          ])
          try insert.step()
        }
      }
      for item in batch {
        outcome.total += 1
        if item.fromThread { inFlight -= 1 }
        if item.error != nil { outcome.errors += 1 } else if item.verdict?.passed == true { outcome.passed += 1 } else { outcome.failed += 1 }
        progress(outcome, total)
      }
    }
    let status: String
    if outcome.interrupted {
      status = "interrupted"
    } else if let rate = outcome.passRate, rate >= suite.threshold - 1e-9 {
      status = "passed"
    } else {
      status = outcome.passed + outcome.failed == 0 ? "error" : "failed"
    }
    try connection.run(
      "UPDATE evals_evalrun SET status = ?, total = ?, passed = ?, failed = ?, errors = ?, pass_rate = ?, finished_at = ? WHERE id = ?",
      [.text(status), .integer(Int64(outcome.total)), .integer(Int64(outcome.passed)), .integer(Int64(outcome.failed)), .integer(Int64(outcome.errors)),
       outcome.passRate.map(SQLValue.real) ?? .null, .text(CivilDateTime.now().iso), .integer(outcome.runID)])
    return outcome
  }

  /// Asks the provider and scores the answer; a provider failure is an error, kept apart from
  /// a failing score.
  private func ask(
    _ provider: Provider, _ prompt: String, _ evalCase: EvalCase, _ repeatIndex: Int, _ key: String,
    _ environment: [String: String], fromThread: Bool
  ) -> Finished {
    var item = Finished(evalCase: evalCase, repeatIndex: repeatIndex, cacheKey: key, fromThread: fromThread)
    do {
      // A provider from manage.yaml is shared with the workers: its limits hold for both.
      let gate = suite.namedProvider.flatMap { options.gates?.gate(provider: $0, task: nil, timeout: nil) }
      let answer = try provider.answer(prompt, caseID: evalCase.id, environment: environment, gate: gate)
      item.answer = answer
      item.verdict = suite.verdict(answer, for: evalCase)
    } catch let error as ManageError {
      item.error = error.message
    } catch {
      item.error = "\(error)"
    }
    return item
  }

  private func record(_ item: Finished) {
    lock.withLock { finished.append(item) }
    wake.signal()
  }

  /// SHA-256 of the provider's identity (`Provider.cacheIdentity`), the prompt and the repeat
  /// index: each repeat has its own entry.
  static func cacheKey(provider: String, prompt: String, repeatIndex: Int) -> String {
    let digest = SHA256.hash(data: Data("\(provider)\n\(repeatIndex)\n\(prompt)".utf8))
    return digest.map { String(format: "%02x", $0) }.joined()
  }
}
