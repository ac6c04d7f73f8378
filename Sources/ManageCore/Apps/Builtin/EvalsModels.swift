/// The built-in `evals` app: eval runs and their per-case results, ordinary models so they
/// can be queried, shown in the admin and compared with a baseline.
enum EvalsModels {
  static let yaml = """
    models:
      EvalRun:
        fields:
          suite: {type: char, max_length: 200}
          provider: {type: char, max_length: 200}
          status: {type: char, max_length: 12, default: running, choices: [running, passed, failed, error, interrupted]}
          total: {type: integer, default: 0}
          passed: {type: integer, default: 0}
          failed: {type: integer, default: 0}
          pass_rate: {type: float, null: true, blank: true}
          threshold: {type: float, null: true, blank: true}
          errors: {type: integer, default: 0}
          repeat: {type: integer, default: 1}
          git_commit: {type: char, max_length: 40, blank: true, default: ""}
          baseline: {type: foreign_key, to: EvalRun, on_delete: set_null, null: true, blank: true, related_name: compared_runs}
          started_at: {type: datetime, auto_now_add: true}
          finished_at: {type: datetime, null: true, blank: true}
        ordering: [-started_at]
      EvalResult:
        fields:
          run: {type: foreign_key, to: EvalRun, on_delete: cascade, related_name: results}
          case_id: {type: char, max_length: 200}
          passed: {type: boolean, default: false}
          score: {type: float, null: true, blank: true}
          output: {type: text, blank: true, default: ""}
          error: {type: text, blank: true, default: ""}
          latency_ms: {type: integer, null: true, blank: true}
          repeat: {type: integer, default: 0}
          scores: {type: json, default: []}
          tokens_in: {type: integer, null: true, blank: true}
          tokens_out: {type: integer, null: true, blank: true}
          created_at: {type: datetime, auto_now_add: true}
        unique_together: [[run, case_id, repeat]]
      EvalCache:
        fields:
          key: {type: char, max_length: 64, unique: true}
          provider: {type: char, max_length: 200}
          output: {type: text, blank: true, default: ""}
          latency_ms: {type: integer, null: true, blank: true}
          created_at: {type: datetime, auto_now_add: true}
    """
}
