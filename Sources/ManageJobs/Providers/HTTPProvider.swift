import Foundation
import ManageCore

/// A chat model over HTTP in OpenAI's wire format (POST /v1/chat/completions, Bearer key) or
/// Anthropic's (POST /v1/messages, x-api-key, anthropic-version 2023-06-01). Retries 408, 409,
/// 429 and 5xx, waiting what `retry-after-ms` or `retry-after` says, else backing off
/// exponentially with jitter; a quota error is not retried.
public struct HTTPProvider: Sendable {
  public enum Format: String, Sendable { case openai, anthropic }

  public var format: Format
  public var baseURL: URL
  public var model: String
  public var system: String?
  public var temperature: Double?
  public var maxTokens: Int?
  /// The environment variable holding the API key.
  public var apiKeyVariable: String?
  public var timeout: Double = 60
  public var retries = 4
  /// A PEM file of certificates to trust for https:// instead of the system's (a private CA).
  public var caFile: String?

  public init(format: Format, baseURL: URL, model: String) {
    self.format = format
    self.baseURL = baseURL
    self.model = model
  }

  public var label: String { "http:\(format.rawValue):\(model)@\(baseURL.absoluteString)" }

  public func answer(_ prompt: String, environment: [String: String], gate: ProviderGate? = nil) throws -> ProviderAnswer {
    let started = Date()
    let key = apiKeyVariable.flatMap { environment[$0] ?? ProcessInfo.processInfo.environment[$0] }
    var body: [(String, ModelValue)] = [("model", .text(model))]
    var headers: [(String, String)] = []
    let url: URL
    switch format {
    case .openai:
      url = baseURL.appendingPathComponent("v1/chat/completions")
      var messages: [ModelValue] = []
      if let system { messages.append(.dict(OrderedDictionary([("role", .text("system")), ("content", .text(system))]))) }
      messages.append(.dict(OrderedDictionary([("role", .text("user")), ("content", .text(prompt))])))
      body.append(("messages", .list(messages)))
      if let maxTokens { body.append(("max_tokens", .int(Int64(maxTokens)))) }
      if let key { headers.append(("Authorization", "Bearer \(key)")) }
    case .anthropic:
      url = baseURL.appendingPathComponent("v1/messages")
      body.append(("max_tokens", .int(Int64(maxTokens ?? 1024))))
      if let system { body.append(("system", .text(system))) }
      body.append(("messages", .list([.dict(OrderedDictionary([("role", .text("user")), ("content", .text(prompt))]))])))
      if let key { headers.append(("x-api-key", key)) }
      headers.append(("anthropic-version", "2023-06-01"))
    }
    if let temperature { body.append(("temperature", .double(temperature))) }
    let payload = Data(ModelValue.dict(OrderedDictionary(body)).jsonText.utf8)
    var attempt = 0
    while true {
      let response: HTTPClient.Response
      do {
        try gate?.enter()
        defer { gate?.leave() }
        response = try HTTPClient.post(url, headers: headers, body: payload, timeout: timeout, caFile: caFile)
      } catch let error as ProviderError where error.exitCode == 1 && error.retryable && attempt < retries {
        attempt += 1
        Thread.sleep(forTimeInterval: backoff(attempt))
        continue
      }
      let text = String(decoding: response.body, as: UTF8.self)
      if (200..<300).contains(response.status) {
        return try parse(text, latency: Date().timeIntervalSince(started) * 1000)
      }
      let message = Self.errorMessage(text)
      if Self.isQuotaError(text) {
        throw ProviderError("HTTP \(response.status) (quota, not retried): \(message)", exitCode: 1)
      }
      let retryable = [408, 409, 429].contains(response.status) || (500...599).contains(response.status)
      guard retryable, attempt < retries else {
        throw ProviderError("HTTP \(response.status) after \(attempt + 1) attempt(s): \(message)", exitCode: 1)
      }
      attempt += 1
      let wait = Self.retryAfter(response.headers)
      // A 429 that says how long holds every caller of this provider back, not just this one.
      if response.status == 429, let wait { gate?.pause(seconds: wait) }
      Thread.sleep(forTimeInterval: wait ?? backoff(attempt))
    }
  }

  /// 0.5 s, 1 s, 2 s, … (at most 30 s), plus up to a quarter more at random.
  private func backoff(_ attempt: Int) -> Double {
    let base = min(0.5 * Double(1 << min(attempt - 1, 10)), 30)
    return base * (1 + Double.random(in: 0..<0.25))
  }

  /// What the server asked for: `retry-after-ms` (OpenAI), else `retry-after` in seconds.
  /// At most `longestPause`: a server's header is untrusted input, and `inf` or 1e300 seconds
  /// would stall a worker for good.
  static func retryAfter(_ headers: [String: String]) -> Double? {
    var seconds: Double?
    if let milliseconds = headers["retry-after-ms"].flatMap(Double.init) { seconds = milliseconds / 1000 }
    else if let value = headers["retry-after"].flatMap(Double.init) { seconds = value }
    guard let seconds, seconds.isFinite, seconds >= 0 else { return nil }
    return min(seconds, longestPause)
  }

  /// The longest wait a retry-after header can ask for.
  public static let longestPause: Double = 600

  static func isQuotaError(_ body: String) -> Bool {
    body.contains("insufficient_quota") || body.contains("credit balance is too low") || body.contains("billing_hard_limit")
  }

  static func errorMessage(_ body: String) -> String {
    if case .dict(let fields)? = try? ModelValue(json: body), case .dict(let error)? = fields["error"], let message = error["message"] {
      return message.str
    }
    return String(body.prefix(300))
  }

  private func parse(_ text: String, latency: Double) throws -> ProviderAnswer {
    guard case .dict(let reply)? = try? ModelValue(json: text) else { throw ProviderError("the reply is not JSON: \(text.prefix(200))", exitCode: 1) }
    var output: String?
    var tokensIn: Int?
    var tokensOut: Int?
    switch format {
    case .openai:
      if case .list(let choices)? = reply["choices"], case .dict(let choice)? = choices.first, case .dict(let message)? = choice["message"] {
        output = message["content"]?.str
      }
      if case .dict(let usage)? = reply["usage"] {
        tokensIn = usage["prompt_tokens"]?.integer.map(Int.init)
        tokensOut = usage["completion_tokens"]?.integer.map(Int.init)
      }
    case .anthropic:
      if case .list(let blocks)? = reply["content"] {
        output = blocks.compactMap { block -> String? in
          guard case .dict(let fields) = block, fields["type"] == .text("text") else { return nil }
          return fields["text"]?.str
        }.joined()
      }
      if case .dict(let usage)? = reply["usage"] {
        tokensIn = usage["input_tokens"]?.integer.map(Int.init)
        tokensOut = usage["output_tokens"]?.integer.map(Int.init)
      }
    }
    guard let output else { throw ProviderError("the reply has no answer text: \(text.prefix(200))", exitCode: 1) }
    return ProviderAnswer(output: output, latency: latency, tokensIn: tokensIn, tokensOut: tokensOut)
  }
}
