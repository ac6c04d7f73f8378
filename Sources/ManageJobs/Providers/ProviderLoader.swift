import Foundation
import ManageCore

/// Reads one provider's settings, in an eval suite (`provider:`) or in manage.yaml's
/// `providers:`; every mistake is a ProviderError naming file:line:col.
///
/// ```yaml
/// {type: command, command: [python3, answer.py], input: stdin, timeout: 30s}
/// {type: recorded, file: answers.jsonl}        # {"prompt" or "case_id", "output"} lines
/// {type: http, format: anthropic, model: claude-haiku-4-5, api_key_env: ANTHROPIC_API_KEY}
/// {type: echo}
/// ```
///
/// Relative paths are relative to `folder`: the suite file's folder, or the project's for
/// manage.yaml.
public enum ProviderLoader {
  public static let types = ["command", "recorded", "echo", "http"]

  public static func provider(_ node: YAMLNode, folder: String, projectDirectory: String) throws -> Provider {
    guard let type = node["type"]?.string ?? node.string else {
      throw ProviderError("\(node.location): the provider needs a type: command, recorded, echo, http")
    }
    switch type {
    case "echo": return .echo
    case "command": return try command(node, folder: folder, projectDirectory: projectDirectory)
    case "recorded": return try recorded(node, folder: folder)
    case "http": return .http(try http(node, folder: folder))
    default:
      throw ProviderError(
        "\(node.location): unknown provider type '\(type)'",
        hint: (Suggestion.closest(to: type, in: types).map { "Did you mean '\($0)'? " } ?? "") + "Types: command, recorded, echo, http.")
    }
  }

  private static func command(_ node: YAMLNode, folder: String, projectDirectory: String) throws -> Provider {
    guard let items = node["command"]?.items, !items.isEmpty else {
      throw ProviderError("\(node.location): a command provider needs `command: [program, argument, …]`")
    }
    // One rule for every relative path: it is relative to `folder`. A command's argument that
    // names a file there (`classify.py`, `./bin/x`) is that file; one written as a path (with
    // a /) that is not there is an error naming where it looked; any other word (a program on
    // PATH, a flag) is passed as written.
    var argv = items.map(\.scalarText)
    for (index, item) in zip(items.indices, items) where !argv[index].hasPrefix("/") && !argv[index].hasPrefix("-") && !argv[index].isEmpty {
      let candidate = ((folder as NSString).appendingPathComponent(argv[index]) as NSString).standardizingPath
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
        argv[index] = candidate
      } else if argv[index].contains("/") {
        throw ProviderError("\(item.location): \(argv[index]) not found (looked for \(candidate))", hint: "Paths are relative to the folder of the file that names them.")
      }
    }
    let timeout = try node["timeout"].map { try duration($0, "timeout") }
    let input = node["input"]?.string ?? "stdin"
    guard input == "stdin" || input == "argument" else { throw ProviderError("\(node["input"]!.location): 'input' is stdin or argument") }
    return .command(argv, promptAsArgument: input == "argument", timeout: timeout, workingDirectory: projectDirectory)
  }

  private static func recorded(_ node: YAMLNode, folder: String) throws -> Provider {
    guard let fileNode = node["file"], let file = fileNode.string else { throw ProviderError("\(node.location): a recorded provider needs `file: answers.jsonl`") }
    let full = file.hasPrefix("/") ? file : (folder as NSString).appendingPathComponent(file)
    guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
      throw ProviderError("\(fileNode.location): cannot read \(file) (looked for \(full))", hint: "The path is relative to the folder of the file that names it.")
    }
    var answers: [String: String] = [:]
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
      guard case .dict(let record)? = try? ModelValue(json: String(line)), let output = record["output"] else {
        throw ProviderError("\(file):\(index + 1):1: each line is a JSON object with \"output\" and \"case_id\" or \"prompt\"")
      }
      let value: String
      if case .text(let text) = output { value = text } else { value = output.jsonText }
      if case .text(let id)? = record["case_id"] { answers["case:" + id] = value }
      if case .text(let prompt)? = record["prompt"] { answers["prompt:" + prompt] = value }
    }
    return .recorded(answers)
  }

  private static func http(_ node: YAMLNode, folder: String) throws -> HTTPProvider {
    guard let formatText = node["format"]?.string, let format = HTTPProvider.Format(rawValue: formatText) else {
      throw ProviderError("\(node["format"]?.location ?? node.location): an http provider needs `format: openai` or `format: anthropic`")
    }
    guard let model = node["model"]?.scalarText else { throw ProviderError("\(node.location): an http provider needs `model:`") }
    let base = node["base_url"]?.string ?? (format == .openai ? "https://api.openai.com" : "https://api.anthropic.com")
    guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https" else {
      throw ProviderError("\(node["base_url"]?.location ?? node.location): 'base_url' must be an http:// or https:// URL")
    }
    var http = HTTPProvider(format: format, baseURL: url, model: model)
    http.system = node["system"]?.string
    if let temperature = node["temperature"] {
      guard let number = JSONCompare.number(ModelValue(node: temperature)), (0...2).contains(number) else {
        throw ProviderError("\(temperature.location): 'temperature' must be a number from 0 to 2")
      }
      http.temperature = number
    }
    // Checked, not converted: a max_tokens of 1e300 is an error here, not a trap.
    if let maxTokens = node["max_tokens"] {
      guard case .int(let count) = maxTokens.value, (1...10_000_000).contains(count) else {
        throw ProviderError("\(maxTokens.location): 'max_tokens' must be a whole number from 1 to 10000000")
      }
      http.maxTokens = count
    }
    if let variable = node["api_key_env"]?.string {
      guard ProcessInfo.processInfo.environment[variable] != nil else {
        throw ProviderError("\(node["api_key_env"]!.location): the environment variable \(variable) is not set", hint: "Export the API key as \(variable), or put it in .env.")
      }
      http.apiKeyVariable = variable
    }
    if let node = node["timeout"] { http.timeout = try duration(node, "timeout") }
    if let retries = node["retries"] {
      guard case .int(let count) = retries.value, (0...100).contains(count) else {
        throw ProviderError("\(retries.location): 'retries' must be a whole number from 0 to 100")
      }
      http.retries = count
    }
    if let caNode = node["ca_file"] {
      guard let file = caNode.string else { throw ProviderError("\(caNode.location): 'ca_file' must be a path to a PEM file") }
      let path = file.hasPrefix("/") ? file : (folder as NSString).appendingPathComponent(file)
      guard FileManager.default.isReadableFile(atPath: path) else {
        throw ProviderError("\(caNode.location): cannot read \(file)", hint: "The path is relative to the folder of the file that names it.")
      }
      http.caFile = path
    }
    return http
  }

  static func duration(_ node: YAMLNode, _ name: String) throws -> Double {
    guard let seconds = DurationText.seconds(of: node) else { throw ProviderError(DurationText.problem(node, key: name)) }
    return seconds
  }
}
