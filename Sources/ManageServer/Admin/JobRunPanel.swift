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
      row("Attempts", "<table class=\"attempts\"><tr><th>#</th><th>at</th><th>took</th><th>outcome</th></tr>\(lines)</table>")
    }
    return "<div class=\"module run\"><h3>Run</h3>\(rows)</div>"
  }
}
