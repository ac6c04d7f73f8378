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
  static let keys = ["description", "provider", "prompt", "task", "cases", "scorers", "threshold", "repeat"]
  /// The most repeats a suite may ask for: cases × repeats stays far from overflow.
  static let maximumRepeat = 1_000

  /// What suites may refer to in the project: manage.yaml's providers, and the tasks a
  /// `task:` suite runs (read only when a suite names one).
  public struct Project {
    public var providers: ProjectProviders
    public var tasks: () throws -> TaskRegistry

    public init(providers: ProjectProviders = ProjectProviders(), tasks: @escaping () throws -> TaskRegistry = { TaskRegistry() }) {
      self.providers = providers
      self.tasks = tasks
    }
  }
  static let scorerTypes = ["equals", "contains", "icontains", "regex", "one_of", "is_json", "json_schema", "json_fields", "levenshtein", "token_f1", "latency", "llm_judge"]

  /// The suite in `path`, named after the file.
  public static func load(
    path: String, displayPath: String, app: String?, projectDirectory: String, project: Project = Project()
  ) throws -> Suite {
    let providers = project.providers
    guard let root = try YAMLFile.load(path: path, displayPath: displayPath), let entries = root.entries else {
      throw EvalsError("\(displayPath):1:1: a suite file is a mapping with provider, prompt, cases and scorers")
    }
    for entry in entries where !keys.contains(entry.key) {
      throw EvalsError(
        "\(entry.keyLocation): unknown suite key '\(entry.key)'",
        hint: (Suggestion.closest(to: entry.key, in: keys).map { "Did you mean '\($0)'? " } ?? "") + "Keys: " + keys.joined(separator: ", ") + ".")
    }
    let folder = (path as NSString).deletingLastPathComponent
    var provider: Provider
    var prompt = ""
    var task: (name: String, llm: LLMTask)?
    var named: NamedProvider?
    if let taskNode = root["task"] {
      // The production task's provider, system prompt, prompt and schema: not a copy of them.
      for key in ["provider", "prompt"] where root[key] != nil {
        throw EvalsError("\(root.entries!.first { $0.key == key }!.keyLocation): a suite with `task:` uses the task's \(key); remove `\(key):`")
      }
      let found = try self.task(taskNode, in: project.tasks())
      task = found
      named = found.llm.provider
      provider = found.llm.provider.provider
    } else {
      guard let providerNode = root["provider"] else {
        throw EvalsError("\(root.location): the suite has no provider", hint: "Add `provider: {type: command, command: [...]}`, a name from manage.yaml's providers:, or `task: APP.TASK`.")
      }
      if let name = providerNode.string, providers.byName[name] != nil || !ProviderLoader.types.contains(name) {
        named = try providers.named(name, at: providerNode.location)
      }
      provider = try self.provider(providerNode, folder: folder, projectDirectory: projectDirectory, providers: providers)
      guard let promptNode = root["prompt"], let text = promptNode.string else {
        throw EvalsError("\(root["prompt"]?.location ?? root.location): the suite needs a `prompt:` text", hint: "Use {{name}} for a case's vars.")
      }
      prompt = text
    }
    guard let casesNode = root["cases"] else { throw EvalsError("\(root.location): the suite has no cases") }
    let cases = try self.cases(casesNode, folder: folder, displayFolder: (displayPath as NSString).deletingLastPathComponent, projectDirectory: projectDirectory, providers: providers)
    let scorers = try (root["scorers"]?.items ?? []).map { try scorer($0, folder: folder, projectDirectory: projectDirectory, providers: providers) }
    var suite = Suite(
      name: ((path as NSString).lastPathComponent as NSString).deletingPathExtension, provider: provider, prompt: prompt,
      cases: cases, scorers: scorers)
    suite.app = app
    suite.file = displayPath
    suite.task = task
    suite.namedProvider = named
    // A task's output_schema is the first check of its answers, as in production.
    if let schema = task?.llm.outputSchema { suite.scorers.insert(Scorer(.jsonSchema(schema), name: "output_schema"), at: 0) }
    suite.description = root["description"]?.string ?? ""
    if let node = root["threshold"] { suite.threshold = try fraction(node, "threshold") }
    if let node = root["repeat"] {
      guard case .int(let count) = node.value, (1...maximumRepeat).contains(count) else {
        throw EvalsError("\(node.location): 'repeat' must be a whole number from 1 to \(maximumRepeat)")
      }
      suite.repeatCount = count
    }
    // Every case's prompt must render: a missing var is found now, not case by case later.
    for evalCase in cases { _ = try suite.request(for: evalCase) }
    return suite
  }

  /// The task `APP.TASK` (or `TASK`) names; it must be an llm task.
  private static func task(_ node: YAMLNode, in registry: TaskRegistry) throws -> (name: String, llm: LLMTask) {
    guard let text = node.string, !text.isEmpty else { throw EvalsError("\(node.location): 'task' names an llm task, as `task: documents.extract_guidance`") }
    let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
    let (app, name) = parts.count == 2 && registry.tasks[text] == nil ? (parts[0], parts[1]) : (nil, text)
    let llmTasks = registry.tasks.values.filter { if case .llm = $0.body { true } else { false } }.map { "\($0.app ?? "?").\($0.name)" }.sorted()
    guard let found = registry.tasks[name], app == nil || found.app == app else {
      throw EvalsError(
        "\(node.location): there is no task '\(text)'" + (Suggestion.closest(to: text, in: llmTasks).map { ". Did you mean '\($0)'?" } ?? ""),
        hint: llmTasks.isEmpty ? "Declare an llm task in an app's tasks.yaml." : "llm tasks: " + llmTasks.joined(separator: ", ") + ".")
    }
    guard case .llm(let llm) = found.body else {
      throw EvalsError("\(node.location): task '\(text)' is not an llm task; a suite can run only those", hint: "Give the suite a provider and a prompt instead.")
    }
    return (found.name, llm)
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

  /// A provider written out, or the name of one in manage.yaml's `providers:` (`provider: haiku`).
  private static func provider(_ node: YAMLNode, folder: String, projectDirectory: String, providers: ProjectProviders) throws -> Provider {
    // A name in manage.yaml wins over a type of the same name (`recorded` may be both).
    if let name = node.string, providers.byName[name] != nil || !ProviderLoader.types.contains(name) {
      return try providers.named(name, at: node.location).provider
    }
    return try ProviderLoader.provider(node, folder: folder, projectDirectory: projectDirectory)
  }

  private static func cases(_ node: YAMLNode, folder: String, displayFolder: String, projectDirectory: String, providers: ProjectProviders) throws -> [EvalCase] {
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
      evalCase.scorers = try (item["scorers"]?.items ?? []).map { try scorer($0, folder: folder, projectDirectory: projectDirectory, providers: providers) }
      evalCase.tags = item["tags"]?.items?.map(\.scalarText) ?? []
      if let node = item["threshold"] { evalCase.threshold = try fraction(node, "threshold") }
      return evalCase
    }
  }

  static func scorer(_ node: YAMLNode, folder: String, projectDirectory: String = "/", providers: ProjectProviders = ProjectProviders()) throws -> Scorer {
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
      scorer = Scorer(.llmJudge(rubric: rubric, judge: try provider(judgeNode, folder: folder, projectDirectory: projectDirectory, providers: providers)), name: type)
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
