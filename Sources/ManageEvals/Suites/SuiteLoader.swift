import Foundation
import ManageCore
import ManageJobs

/// Reads suite files: every mistake is an EvalsError naming file:line:col, with a hint.
///
/// ```yaml
/// description: Revenue guidance from earnings-call text
/// provider: {type: command, command: [python3, ../tasks/guidance_answer.py], timeout: 30s}
/// prompt: "Extract the revenue guidance: {{content}}"
/// cases: guidance.jsonl          # or a list of {id, vars, expected, scorers, tags, threshold}
/// scorers:
///   - {type: is_json}
///   - {type: json_fields, fields: {revenue_low: {relative: 0.02}, revenue_high: {relative: 0.02}}, weight: 2}
/// threshold: 0.9
/// repeat: 1
/// ```
public enum SuiteLoader {
  static let keys = ["description", "provider", "prompt", "cases", "scorers", "threshold", "repeat"]
  static let scorerTypes = ["equals", "contains", "icontains", "regex", "one_of", "is_json", "json_schema", "json_fields", "levenshtein", "token_f1", "latency", "llm_judge"]

  /// The suite in `path`, named after the file.
  public static func load(path: String, displayPath: String, app: String?, projectDirectory: String) throws -> Suite {
    guard let root = try YAMLFile.load(path: path, displayPath: displayPath), let entries = root.entries else {
      throw EvalsError("\(displayPath):1:1: a suite file is a mapping with provider, prompt, cases and scorers")
    }
    for entry in entries where !keys.contains(entry.key) {
      throw EvalsError(
        "\(entry.keyLocation): unknown suite key '\(entry.key)'",
        hint: (Suggestion.closest(to: entry.key, in: keys).map { "Did you mean '\($0)'? " } ?? "") + "Keys: " + keys.joined(separator: ", ") + ".")
    }
    let folder = (path as NSString).deletingLastPathComponent
    guard let providerNode = root["provider"] else { throw EvalsError("\(root.location): the suite has no provider", hint: "Add `provider: {type: command, command: [...]}`.") }
    let provider = try self.provider(providerNode, folder: folder, projectDirectory: projectDirectory)
    guard let promptNode = root["prompt"], let prompt = promptNode.string else {
      throw EvalsError("\(root["prompt"]?.location ?? root.location): the suite needs a `prompt:` text", hint: "Use {{name}} for a case's vars.")
    }
    guard let casesNode = root["cases"] else { throw EvalsError("\(root.location): the suite has no cases") }
    let cases = try self.cases(casesNode, folder: folder, displayFolder: (displayPath as NSString).deletingLastPathComponent, projectDirectory: projectDirectory)
    let scorers = try (root["scorers"]?.items ?? []).map { try scorer($0, folder: folder, projectDirectory: projectDirectory) }
    var suite = Suite(
      name: ((path as NSString).lastPathComponent as NSString).deletingPathExtension, provider: provider, prompt: prompt,
      cases: cases, scorers: scorers)
    suite.app = app
    suite.file = displayPath
    suite.description = root["description"]?.string ?? ""
    if let node = root["threshold"] { suite.threshold = try fraction(node, "threshold") }
    if let node = root["repeat"] {
      guard case .int(let count) = node.value, count >= 1 else { throw EvalsError("\(node.location): 'repeat' must be a whole number, 1 or more") }
      suite.repeatCount = count
    }
    // Every case's prompt must render: a missing var is found now, not case by case later.
    for evalCase in cases { _ = try PromptTemplate.render(prompt, evalCase) }
    return suite
  }

  private static func fraction(_ node: YAMLNode, _ name: String) throws -> Double {
    let number: Double
    switch node.value {
    case .int(let n): number = Double(n)
    case .float(let d): number = d
    default: throw EvalsError("\(node.location): '\(name)' must be a number from 0 to 1")
    }
    guard (0...1).contains(number) else { throw EvalsError("\(node.location): '\(name)' must be from 0 to 1, not \(number)") }
    return number
  }

  private static func provider(_ node: YAMLNode, folder: String, projectDirectory: String) throws -> Provider {
    guard let type = node["type"]?.string ?? node.string else {
      throw EvalsError("\(node.location): the provider needs a type: command, recorded, echo, http")
    }
    switch type {
    case "echo": return .echo
    case "command":
      guard let items = node["command"]?.items, !items.isEmpty else {
        throw EvalsError("\(node.location): a command provider needs `command: [program, argument, …]`")
      }
      // One rule for every relative path in a suite: it is relative to the suite's folder. A
      // command's argument that names a file there (`classify.py`, `./bin/x`) is that file; one
      // written as a path (with a /) that is not there is an error naming where it looked; any
      // other word (a program on PATH, a flag) is passed as written.
      var argv = items.map(\.scalarText)
      for (index, item) in zip(items.indices, items) where !argv[index].hasPrefix("/") && !argv[index].hasPrefix("-") && !argv[index].isEmpty {
        let candidate = ((folder as NSString).appendingPathComponent(argv[index]) as NSString).standardizingPath
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
          argv[index] = candidate
        } else if argv[index].contains("/") {
          throw EvalsError("\(item.location): \(argv[index]) not found (looked for \(candidate))", hint: "Paths in a suite are relative to the suite file's folder.")
        }
      }
      var timeout: Double?
      if let text = node["timeout"]?.scalarText {
        guard let seconds = DurationText.seconds(text) else { throw EvalsError("\(node["timeout"]!.location): 'timeout' must be \(DurationText.expectation)") }
        timeout = seconds
      }
      let input = node["input"]?.string ?? "stdin"
      guard input == "stdin" || input == "argument" else { throw EvalsError("\(node["input"]!.location): 'input' is stdin or argument") }
      return .command(argv, promptAsArgument: input == "argument", timeout: timeout, workingDirectory: projectDirectory)
    case "recorded":
      guard let fileNode = node["file"], let file = fileNode.string else { throw EvalsError("\(node.location): a recorded provider needs `file: answers.jsonl`") }
      let full = (folder as NSString).appendingPathComponent(file)
      guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
        throw EvalsError("\(fileNode.location): cannot read \(file)", hint: "The path is relative to the suite file.")
      }
      var answers: [String: String] = [:]
      for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
        guard case .dict(let record)? = try? ModelValue(json: String(line)), let output = record["output"] else {
          throw EvalsError("\(file):\(index + 1):1: each line is a JSON object with \"output\" and \"case_id\" or \"prompt\"")
        }
        let value = Scorer.text(output)
        if case .text(let id)? = record["case_id"] { answers["case:" + id] = value }
        if case .text(let prompt)? = record["prompt"] { answers["prompt:" + prompt] = value }
      }
      return .recorded(answers)
    case "http":
      guard let formatText = node["format"]?.string, let format = HTTPProvider.Format(rawValue: formatText) else {
        throw EvalsError("\(node["format"]?.location ?? node.location): an http provider needs `format: openai` or `format: anthropic`")
      }
      guard let model = node["model"]?.scalarText else { throw EvalsError("\(node.location): an http provider needs `model:`") }
      let base = node["base_url"]?.string ?? (format == .openai ? "https://api.openai.com" : "https://api.anthropic.com")
      guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https" else {
        throw EvalsError("\(node["base_url"]?.location ?? node.location): 'base_url' must be an http:// or https:// URL")
      }
      var http = HTTPProvider(format: format, baseURL: url, model: model)
      http.system = node["system"]?.string
      http.temperature = node["temperature"].flatMap { JSONCompare.number(ModelValue(node: $0)) }
      http.maxTokens = node["max_tokens"].flatMap { JSONCompare.number(ModelValue(node: $0)) }.map { Int($0) }
      if let variable = node["api_key_env"]?.string {
        guard ProcessInfo.processInfo.environment[variable] != nil else {
          throw EvalsError("\(node["api_key_env"]!.location): the environment variable \(variable) is not set", hint: "Export the API key as \(variable), or put it in .env.")
        }
        http.apiKeyVariable = variable
      }
      if let text = node["timeout"]?.scalarText {
        guard let seconds = DurationText.seconds(text) else { throw EvalsError("\(node["timeout"]!.location): 'timeout' must be \(DurationText.expectation)") }
        http.timeout = seconds
      }
      if let retries = node["retries"], case .int(let count) = retries.value { http.retries = max(count, 0) }
      if let caNode = node["ca_file"] {
        guard let file = caNode.string else { throw EvalsError("\(caNode.location): 'ca_file' must be a path to a PEM file") }
        let path = file.hasPrefix("/") ? file : (folder as NSString).appendingPathComponent(file)
        guard FileManager.default.isReadableFile(atPath: path) else {
          throw EvalsError("\(caNode.location): cannot read \(file)", hint: "The path is relative to the suite file.")
        }
        http.caFile = path
      }
      return .http(http)
    default:
      throw EvalsError(
        "\(node.location): unknown provider type '\(type)'",
        hint: (Suggestion.closest(to: type, in: ["command", "recorded", "echo", "http"]).map { "Did you mean '\($0)'? " } ?? "") + "Types: command, recorded, echo, http.")
    }
  }

  private static func cases(_ node: YAMLNode, folder: String, displayFolder: String, projectDirectory: String) throws -> [EvalCase] {
    if let file = node.string {
      let full = (folder as NSString).appendingPathComponent(file)
      let display = (displayFolder as NSString).appendingPathComponent(file)
      guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
        throw EvalsError("\(node.location): cannot read the golden file \(file)", hint: "The path is relative to the suite file.")
      }
      if file.hasSuffix(".jsonl") { return try GoldenFile.jsonl(text, display: display) }
      if file.hasSuffix(".csv") { return try GoldenFile.csv(text, display: display) }
      throw EvalsError("\(node.location): golden files are .jsonl or .csv, not \(file)")
    }
    guard let items = node.items else { throw EvalsError("\(node.location): 'cases' is a list of cases or a .jsonl/.csv file name") }
    var seen = Set<String>()
    return try items.enumerated().map { index, item in
      guard item.entries != nil else { throw EvalsError("\(item.location): a case is a mapping with id, vars and expected") }
      let id = item["id"]?.scalarText ?? "case-\(index + 1)"
      guard seen.insert(id).inserted else { throw EvalsError("\(item.location): two cases have the id '\(id)'") }
      var evalCase = EvalCase(id: id, expected: item["expected"].map(ModelValue.init(node:)) ?? .null)
      evalCase.location = item.location
      if let vars = item["vars"] {
        guard case .dict(let fields) = ModelValue(node: vars) else { throw EvalsError("\(vars.location): 'vars' must be a mapping") }
        evalCase.vars = fields
      }
      evalCase.scorers = try (item["scorers"]?.items ?? []).map { try scorer($0, folder: folder, projectDirectory: projectDirectory) }
      evalCase.tags = item["tags"]?.items?.map(\.scalarText) ?? []
      if let node = item["threshold"] { evalCase.threshold = try fraction(node, "threshold") }
      return evalCase
    }
  }

  static func scorer(_ node: YAMLNode, folder: String, projectDirectory: String = "/") throws -> Scorer {
    guard let type = node["type"]?.string ?? node.string else {
      throw EvalsError("\(node.location): a scorer needs a type", hint: "Types: " + scorerTypes.joined(separator: ", ") + ".")
    }
    let value = node["value"].map(ModelValue.init(node:))
    var scorer: Scorer
    switch type {
    case "equals": scorer = Scorer(.equals(value), name: type)
    case "contains", "icontains":
      scorer = Scorer(.contains(value.map(Scorer.text), caseInsensitive: type == "icontains"), name: type)
    case "regex":
      guard let pattern = node["pattern"]?.string ?? value.map(Scorer.text) else { throw EvalsError("\(node.location): a regex scorer needs `pattern:`") }
      do {
        scorer = Scorer(.regex(NSRegularExpressionBox(try NSRegularExpression(pattern: pattern))), name: type)
      } catch {
        throw EvalsError("\(node["pattern"]?.location ?? node.location): invalid regular expression /\(pattern)/")
      }
    case "one_of":
      guard case .list(let values)? = node["values"].map(ModelValue.init(node:)) ?? value else {
        throw EvalsError("\(node.location): a one_of scorer needs `values: [...]`")
      }
      scorer = Scorer(.oneOf(values), name: type)
    case "is_json": scorer = Scorer(.isJSON, name: type)
    case "json_schema":
      if let schema = node["schema"] {
        scorer = Scorer(.jsonSchema(ModelValue(node: schema)), name: type)
      } else if let file = node["file"]?.string {
        let full = (folder as NSString).appendingPathComponent(file)
        guard let text = try? String(contentsOfFile: full, encoding: .utf8), let schema = try? ModelValue(json: text) else {
          throw EvalsError("\(node["file"]!.location): cannot read a JSON schema from \(file)")
        }
        scorer = Scorer(.jsonSchema(schema), name: type)
      } else {
        throw EvalsError("\(node.location): a json_schema scorer needs `schema:` or `file:`")
      }
    case "json_fields":
      guard let fieldsNode = node["fields"] else { throw EvalsError("\(node.location): a json_fields scorer needs `fields:`") }
      var fields: [(name: String, tolerance: Double, relative: Double)] = []
      if let names = fieldsNode.items {
        fields = names.map { ($0.scalarText, 0, 0) }
      } else if let entries = fieldsNode.entries {
        for entry in entries {
          let tolerance = entry.value["tolerance"].flatMap { JSONCompare.number(ModelValue(node: $0)) } ?? 0
          let relative = entry.value["relative"].flatMap { JSONCompare.number(ModelValue(node: $0)) } ?? 0
          fields.append((entry.key, tolerance, relative))
        }
      } else {
        throw EvalsError("\(fieldsNode.location): 'fields' is a list of names or a mapping of name: {tolerance, relative}")
      }
      scorer = Scorer(.jsonFields(fields), name: type)
    case "levenshtein", "token_f1":
      scorer = Scorer(type == "levenshtein" ? .levenshtein(value) : .tokenF1(value), name: type)
      scorer.threshold = 0.8
    case "latency":
      guard let text = node["max"]?.scalarText ?? value.map(Scorer.text), let seconds = DurationText.seconds(text) else {
        throw EvalsError("\(node.location): a latency scorer needs `max: 2s` (or 500ms)")
      }
      scorer = Scorer(.latency(maxMilliseconds: seconds * 1000), name: type)
    case "llm_judge":
      guard let rubric = node["rubric"]?.string else {
        throw EvalsError("\(node.location): an llm_judge scorer needs `rubric:` (what a good answer does)")
      }
      guard let judgeNode = node["provider"] else {
        throw EvalsError("\(node.location): an llm_judge scorer needs `provider:`, the model that grades")
      }
      scorer = Scorer(.llmJudge(rubric: rubric, judge: try provider(judgeNode, folder: folder, projectDirectory: projectDirectory)), name: type)
      scorer.threshold = 0.5
    default:
      throw EvalsError(
        "\(node.location): unknown scorer type '\(type)'",
        hint: (Suggestion.closest(to: type, in: scorerTypes).map { "Did you mean '\($0)'? " } ?? "") + "Types: " + scorerTypes.joined(separator: ", ") + ".")
    }
    if let name = node["name"]?.string { scorer.name = name }
    if let weight = node["weight"].flatMap({ JSONCompare.number(ModelValue(node: $0)) }) {
      guard weight >= 0 else { throw EvalsError("\(node["weight"]!.location): 'weight' cannot be negative") }
      scorer.weight = weight
    }
    if case .bool(true)? = node["not"]?.value { scorer.negated = true }
    if let threshold = node["threshold"] { scorer.threshold = try fraction(threshold, "threshold") }
    return scorer
  }
}
