import Crypto
import Foundation
import ManageCore


/// What a provider answered for one prompt.
public struct ProviderAnswer: Sendable {
  public var output: String
  /// Milliseconds from asking to the answer.
  public var latency: Double
  public var tokensIn: Int?
  public var tokensOut: Int?

  public init(output: String, latency: Double, tokensIn: Int? = nil, tokensOut: Int? = nil) {
    self.output = output
    self.latency = latency
    self.tokensIn = tokensIn
    self.tokensOut = tokensOut
  }
}

/// Where answers come from: a program, a recording, the prompt itself, or a chat model over
/// HTTP (OpenAI or Anthropic wire format).
public enum Provider: Sendable {
  /// A program: the prompt on stdin (or as its last argument), the answer on stdout.
  case command([String], promptAsArgument: Bool, timeout: Double?, workingDirectory: String)
  /// Answers replayed from a JSONL file of {"case_id" or "prompt", "output"} lines.
  case recorded([String: String])
  /// The prompt itself: for testing suites and the harness.
  case echo
  /// A chat model over HTTP (OpenAI or Anthropic wire format).
  case http(HTTPProvider)

  /// Whether answers come without waiting (no process, no network).
  public var isInstant: Bool {
    switch self {
    case .echo, .recorded: true
    case .command, .http: false
    }
  }

  /// A stable description for reports and the answer cache's key.
  public var label: String {
    switch self {
    case .command(let argv, _, _, _): "command:" + argv.joined(separator: " ")
    case .recorded: "recorded"
    case .echo: "echo"
    case .http(let provider): provider.label
    }
  }

  /// What decides an answer besides the prompt, for the answer cache's key: every setting of
  /// the provider (an http provider's system prompt, temperature and max_tokens too) and a
  /// SHA-256 of each file a command provider runs, so an edited classifier script or a changed
  /// system prompt is asked again instead of passing on stale answers.
  public func cacheIdentity() -> String {
    switch self {
    case .command(let argv, let promptAsArgument, _, let workingDirectory):
      var parts = ["command", promptAsArgument ? "argument" : "stdin"]
      for item in argv {
        parts.append(item)
        let path = item.hasPrefix("/") ? item : (workingDirectory as NSString).appendingPathComponent(item)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
          let data = FileManager.default.contents(atPath: path)
        {
          parts.append("sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
        }
      }
      return parts.joined(separator: "\u{1F}")
    case .recorded(let answers):
      return "recorded\u{1F}" + answers.keys.sorted().map { $0 + "=" + answers[$0]! }.joined(separator: "\u{1F}")
    case .echo: return "echo"
    case .http(let provider):
      let settings: [String] = [
        provider.label, provider.system ?? "", provider.temperature.map { "\($0)" } ?? "", provider.maxTokens.map(String.init) ?? "",
      ]
      return "http\u{1F}" + settings.joined(separator: "\u{1F}")
    }
  }

  /// The answer for `prompt` (case `caseID`); throws the provider's error, which counts as an
  /// error, not a failure.
  public func answer(_ prompt: String, caseID: String, environment: [String: String], gate: ProviderGate? = nil) throws -> ProviderAnswer {
    let started = Date()
    switch self {
    case .echo:
      return ProviderAnswer(output: prompt, latency: Date().timeIntervalSince(started) * 1000)
    case .http(let provider):
      return try provider.answer(prompt, environment: environment, gate: gate)
    case .recorded(let answers):
      guard let output = answers["case:" + caseID] ?? answers["prompt:" + prompt] else {
        let shown = prompt.count > 80 ? prompt.prefix(80) + "…" : Substring(prompt)
        throw ProviderError(caseID.isEmpty ? "no recorded answer for the prompt '\(shown)'" : "no recorded answer for case '\(caseID)'", exitCode: 1)
      }
      return ProviderAnswer(output: output, latency: 0)
    case .command(let argv, let asArgument, let timeout, let directory):
      try gate?.enter()
      defer { gate?.leave() }
      let result = try CommandRunner.run(
        asArgument ? argv + [prompt] : argv, workingDirectory: directory, input: asArgument ? "" : prompt,
        environment: environment, timeout: timeout)
      let latency = Date().timeIntervalSince(started) * 1000
      if result.timedOut { throw ProviderError("the provider timed out after \(Int((timeout ?? 0) * 1000)) ms", exitCode: 1) }
      guard result.status == 0 else {
        let tail = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).suffix(500)
        throw ProviderError("the provider exited with status \(result.status)" + (tail.isEmpty ? "" : ": \(tail)"), exitCode: 1)
      }
      return ProviderAnswer(output: result.stdout, latency: latency)
    }
  }
}
