import ManageCore

/// A stored run and its per-case results, read back for reports, `show` and comparisons.
public struct RunSummary: Sendable {
  public struct CaseResult: Sendable {
    public var caseID: String
    public var repeatIndex: Int
    public var passed: Bool
    public var score: Double?
    public var output: String
    public var error: String
    public var latency: Int?
    public var scores: ModelValue

    /// The first failing scorer's detail, for one-line reports.
    public var why: String {
      if !error.isEmpty { return error }
      guard case .list(let items) = scores else { return "" }
      for case .dict(let fields) in items where fields["passed"] == .bool(false) {
        return "\(fields["name"]?.str ?? ""): \(fields["detail"]?.str ?? "")"
      }
      return ""
    }

    var key: String { "\(caseID)#\(repeatIndex)" }
  }

  public var id: Int64
  public var suite: String
  public var provider: String
  public var status: String
  public var total: Int
  public var passed: Int
  public var failed: Int
  public var errors: Int
  public var passRate: Double?
  public var threshold: Double?
  public var startedAt: String
  public var finishedAt: String?
  public var gitCommit: String
  public var cases: [CaseResult] = []

  /// The run `id`; with its cases (`onlyFailing`: only those that did not pass, which is all a
  /// table or a pull-request comment shows, so a 50,000-case run reports in flat memory).
  public static func load(_ id: Int64, _ connection: Connection, withCases: Bool = true, onlyFailing: Bool = false) throws -> RunSummary? {
    guard let row = try connection.query(
      "SELECT id, suite, provider, status, total, passed, failed, errors, pass_rate, threshold, started_at, finished_at, git_commit FROM evals_evalrun WHERE id = ?",
      [.integer(id)]).first
    else { return nil }
    var summary = RunSummary(
      id: Int64(row[0].int ?? 0), suite: row[1].string ?? "", provider: row[2].string ?? "", status: row[3].string ?? "",
      total: row[4].int ?? 0, passed: row[5].int ?? 0, failed: row[6].int ?? 0, errors: row[7].int ?? 0, passRate: row[8].double,
      threshold: row[9].double, startedAt: row[10].string ?? "", finishedAt: row[11].string, gitCommit: row[12].string ?? "")
    if withCases {
      summary.cases = try connection.query(
        "SELECT case_id, repeat, passed, score, output, error, latency_ms, scores FROM evals_evalresult WHERE run_id = ?\(onlyFailing ? " AND passed = 0" : "") ORDER BY id",
        [.integer(id)]
      ).map { row in
        CaseResult(
          caseID: row[0].string ?? "", repeatIndex: row[1].int ?? 0, passed: row[2].int == 1, score: row[3].double,
          output: row[4].string ?? "", error: row[5].string ?? "", latency: row[6].int,
          scores: row[7].string.flatMap { try? ModelValue(json: $0) } ?? .list([]))
      }
    }
    return summary
  }

  /// The latest finished run of `suite` before `run`.
  static func previous(suite: String, before run: Int64, _ connection: Connection) throws -> Int64? {
    try connection.scalar(
      "SELECT id FROM evals_evalrun WHERE suite = ? AND id < ? AND status IN ('passed', 'failed') ORDER BY id DESC LIMIT 1",
      [.text(suite), .integer(run)])?.int.map(Int64.init)
  }
}

/// Per case: what changed between a baseline and a run.
public struct Comparison: Sendable {
  public var fixed: [String] = []
  public var regressed: [String] = []
  public var unchanged = 0
  /// Cases only in one of the two runs.
  public var added = 0
  public var removed = 0
  /// Mean score per scorer name: (baseline, run).
  public var scorerMeans: [(String, Double?, Double?)] = []

  public init(baseline: RunSummary, run: RunSummary) {
    var before: [String: RunSummary.CaseResult] = [:]
    for item in baseline.cases { before[item.key] = item }
    var seen = Set<String>()
    for item in run.cases {
      seen.insert(item.key)
      guard let old = before[item.key] else {
        added += 1
        continue
      }
      if old.passed && !item.passed { regressed.append(item.caseID) } else if !old.passed && item.passed { fixed.append(item.caseID) } else { unchanged += 1 }
    }
    removed = baseline.cases.filter { !seen.contains($0.key) }.count
    func means(_ summary: RunSummary) -> [String: Double] {
      var sums: [String: (Double, Int)] = [:]
      for item in summary.cases {
        guard case .list(let scores) = item.scores else { continue }
        for case .dict(let fields) in scores {
          guard let name = fields["name"]?.str, let score = fields["score"].flatMap({ if case .double(let d) = $0 { d } else if case .int(let i) = $0 { Double(i) } else { nil } }) else { continue }
          let current = sums[name] ?? (0, 0)
          sums[name] = (current.0 + score, current.1 + 1)
        }
      }
      return sums.mapValues { $0.0 / Double($0.1) }
    }
    let a = means(baseline), b = means(run)
    scorerMeans = Set(a.keys).union(b.keys).sorted().map { ($0, a[$0], b[$0]) }
  }
}
