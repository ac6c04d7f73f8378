/// The built-in `jobs` app: the durable queue's table, indexed for the claim query (ready jobs
/// of a queue, by priority then run_at; and, for a worker on every queue, by state, so the
/// claim's two arms — runnable, and running with an expired lease — are index searches that
/// skip the finished jobs instead of scanning the whole table: jobs.0002). `details` (jobs.0003)
/// holds what a run of an llm or webhook task did: the rendered prompt, the answer, tokens and
/// latency, the row it wrote, each failed attempt's error, a webhook's response status.
/// `Limit` and `Slot` (jobs.0003 too) are the limits every worker shares: a provider's pause
/// (a 429's retry-after), and the calls in flight and calls started within the rate's period
/// (ProviderGates).
enum JobsModels {
  static let yaml = """
    models:
      Job:
        fields:
          task: {type: char, max_length: 200}
          queue: {type: char, max_length: 100, default: default}
          payload: {type: json, default: {}}
          state: {type: char, max_length: 10, default: ready, choices: [scheduled, ready, running, succeeded, retrying, dead, cancelled]}
          priority: {type: integer, default: 0}
          attempts: {type: integer, default: 0}
          max_retries: {type: integer, default: 3}
          run_at: {type: datetime, default: now}
          lease_owner: {type: char, max_length: 200, null: true, blank: true}
          lease_expires_at: {type: datetime, null: true, blank: true}
          unique_key: {type: char, max_length: 200, null: true, blank: true}
          last_error: {type: text, blank: true, default: ""}
          result: {type: json, null: true, blank: true}
          created_at: {type: datetime, auto_now_add: true}
          updated_at: {type: datetime, auto_now: true}
          finished_at: {type: datetime, null: true, blank: true}
          details: {type: json, null: true, blank: true}
        indexes:
          - {name: jobs_job_claim_idx, fields: [queue, state, priority, run_at]}
          - {name: jobs_job_unique_key_idx, fields: [unique_key]}
          - {name: jobs_job_state_idx, fields: [state, priority, run_at]}
      Limit:
        fields:
          name: {type: char, max_length: 200, unique: true}
          paused_until: {type: datetime, null: true, blank: true}
      Slot:
        fields:
          name: {type: char, max_length: 200}
          holder: {type: char, max_length: 200}
          expires_at: {type: datetime}
        indexes:
          - {name: jobs_slot_name_idx, fields: [name, expires_at]}
    """
}
