import ManageCore
import ManageJobs

/// What a job's change page shows above its fields for llm and webhook tasks: the rendered
/// system prompt and prompt, the answer and the JSON taken from it, tokens and latency, the
/// row it wrote (linked to its change page), a webhook's status, and every attempt with its
/// error — from the job's `details`.
struct JobRunPanel {
  let context: AdminContext

  func render(_ job: ModelInstance) -> HTML {
    guard case .dict(let details)? = job.values["details"], !details.isEmpty else { return "" }
    var rows: [HTML] = []
    func row(_ label: String, _ value: HTML) { rows.append("<div class=\"row\"><label>\(label):</label><div class=\"field\">\(value)</div></div>") }
    func text(_ value: ModelValue?) -> String? {
      guard let value, !value.isNull else { return nil }
      if case .text(let text) = value { return text }
      return value.jsonText
    }
    if let system = text(details["system"]) { row("System prompt", "<pre class=\"run\">\(system)</pre>") }
    if let prompt = text(details["prompt"]) { row("Prompt", "<pre class=\"run\">\(prompt)</pre>") }
    if let answer = text(details["answer"]) { row("Answer", "<pre class=\"run\">\(answer)</pre>") }
    if let output = text(details["output"]) { row("Output", "<pre class=\"run\">\(output)</pre>") }
    let tokens = [("in", details["tokens_in"]), ("out", details["tokens_out"])].compactMap { name, value in text(value).map { "\($0) \(name)" } }
    if !tokens.isEmpty { row("Tokens", "\(tokens.joined(separator: ", "))") }
    if let latency = text(details["latency_ms"]) { row("Latency", "\(latency) ms") }
    if let url = text(details["url"]) { row("Webhook", "\(url)") }
    if let status = text(details["status"]) { row("Response status", "\(status)") }
    if case .dict(let wrote)? = details["wrote"], let label = text(wrote["model"]), let key = text(wrote["pk"]) {
      let written = context.state.schema.model(label)
      let link: HTML = written.map { model in
        "<a href=\"\(context.modelURL(model))\(WebRequest.encode(key))/change/\">\(model.name) object (\(key))</a>"
      } ?? "\(label) \(key)"
      row("Wrote", link + HTML(raw: wrote["created"] == .bool(true) ? " (created)" : " (updated)"))
    }
    if case .list(let attempts)? = details["attempts"], !attempts.isEmpty {
      let lines: [HTML] = attempts.map { item in
        guard case .dict(let attempt) = item else { return "" }
        let error = text(attempt["error"])
        let measures = [text(attempt["status"]).map { "HTTP \($0)" }, text(attempt["latency_ms"]).map { "\($0) ms" },
                        text(attempt["tokens_in"]).map { "\($0) tokens in" }].compactMap { $0 }.joined(separator: ", ")
        return "<tr><td>\(text(attempt["attempt"]) ?? "?")</td><td>\(text(attempt["at"]) ?? "")</td><td>\(measures)</td><td class=\"\(error == nil ? "ok" : "errornote")\">\(error ?? "succeeded")</td></tr>"
      }
      row("Attempts", "<table class=\"attempts\"><tr><th>#</th><th>at</th><th></th><th>outcome</th></tr>\(lines)</table>")
    }
    return "<div class=\"module run\"><h3>Run</h3>\(rows)</div>"
  }
}

/// The "Run TASK for selected" actions of a change list: one per llm task whose `input:` is
/// this model and whose key comes straight from the payload (`pk: "{{payload.document_id}}"`).
enum RunTaskAction {
  static let prefix = "run_task:"

  /// (task, the payload field path that carries the row's key) for `model`.
  static func tasks(for model: ModelSchema, _ state: SiteState) -> [(name: String, path: [String])] {
    guard let registry = state.tasks else { return [] }
    return registry.tasks.values.sorted { $0.name < $1.name }.compactMap { task in
      guard case .llm(let llm) = task.body, let input = llm.input, state.schema.model(input.model)?.labelLower == model.labelLower,
        case .text(let source) = input.pk.source
      else { return nil }
      let trimmed = source.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}"), input.pk.paths.count == 1 else { return nil }
      let parts = input.pk.paths[0].split(separator: ".").map(String.init)
      guard parts.count >= 2, parts[0] == "payload" else { return nil }
      return (task.name, Array(parts.dropFirst()))
    }
  }

  /// The payload that makes the task read the row with key `key`.
  static func payload(_ path: [String], key: ModelValue) -> ModelValue {
    path.reversed().reduce(key) { inner, name in .dict(OrderedDictionary([(name, inner)])) }
  }
}
