import ManageCore

/// Reads the `llm:` settings of a task in tasks.yaml (see LLMTask); every mistake names
/// file:line:col. Models are checked against the project by `check(schema:)` once the
/// project's schema is loaded.
enum LLMTaskLoader {
  static let options = ["llm", "input", "system", "prompt", "output_schema", "write"]

  static func load(_ settings: YAMLNode, name: String, providers: ProjectProviders) throws -> LLMTask {
    let llmNode = settings["llm"]!
    let providerNode = llmNode["provider"] ?? (llmNode.string != nil ? llmNode : nil)
    guard let providerNode, let providerName = providerNode.string else {
      throw JobsError("\(llmNode.location): task '\(name)': `llm:` needs a provider, as `llm: {provider: NAME}`",
                      hint: "NAME is one of manage.yaml's `providers:`.", exitCode: 2)
    }
    for entry in llmNode.entries ?? [] where !["provider", "concurrency", "rate"].contains(entry.key) {
      throw JobsError("\(entry.keyLocation): unknown llm option '\(entry.key)'", hint: "`llm:` takes provider, concurrency and rate.", exitCode: 2)
    }
    let provider = try providers.named(providerName, at: providerNode.location)
    guard let promptNode = settings["prompt"], promptNode.string != nil else {
      throw JobsError("\(settings["prompt"]?.location ?? settings["llm"]!.location): task '\(name)' needs `prompt:` text",
                      hint: "Use {{payload.FIELD}}, or {{document.FIELD}} with an `input:`.", exitCode: 2)
    }
    var task = LLMTask(provider: provider, prompt: template(promptNode))
    task.limits = try ProviderLimits(llmNode, owner: "task '\(name)'")
    if let node = settings["system"] {
      guard node.string != nil else { throw JobsError("\(node.location): 'system' must be text", exitCode: 2) }
      task.system = template(node)
    }
    if let node = settings["input"] {
      guard let model = node["model"]?.string, let pk = node["pk"] else {
        throw JobsError("\(node.location): 'input' needs `model: app.Model` and `pk:`, as {model: documents.Document, pk: \"{{payload.document_id}}\"}", exitCode: 2)
      }
      let modelName = model.split(separator: ".").last.map(String.init) ?? model
      task.input = LLMTask.Input(model: model, pk: template(pk), variable: modelName.lowercased(), location: node["model"]?.location)
    }
    if let node = settings["output_schema"] {
      guard node.entries != nil else { throw JobsError("\(node.location): 'output_schema' must be a JSON Schema mapping such as {type: object, required: [...]}", exitCode: 2) }
      task.outputSchema = ModelValue(node: node)
    }
    if let node = settings["write"] { task.write = try write(node) }
    // Every placeholder must name something a run has: found now, not on the first job.
    try checkNames(promptNode, allowed: task.promptNames)
    if let node = settings["system"] { try checkNames(node, allowed: task.promptNames) }
    if let node = settings["input"]?["pk"] { try checkNames(node, allowed: ["payload", "job"]) }
    if let node = settings["write"] { try checkNames(node, allowed: task.writeNames) }
    return task
  }

  private static func write(_ node: YAMLNode) throws -> LLMTask.Write {
    guard let entries = node.entries, let model = node["model"]?.string else {
      throw JobsError("\(node.location): 'write' needs `model: app.Model` and `create:` or `update_or_create:` with `defaults:`", exitCode: 2)
    }
    for entry in entries where !["model", "create", "update_or_create", "defaults"].contains(entry.key) {
      throw JobsError("\(entry.keyLocation): unknown write option '\(entry.key)'",
                      hint: (Suggestion.closest(to: entry.key, in: ["model", "create", "update_or_create", "defaults"]).map { "Did you mean '\($0)'? " } ?? "") + "`write:` takes model, create, or update_or_create and defaults.", exitCode: 2)
    }
    func pairs(_ node: YAMLNode) throws -> [(String, TaskTemplate)] {
      guard let entries = node.entries else { throw JobsError("\(node.location): expected a mapping of field names to values", exitCode: 2) }
      return entries.map { ($0.key, template($0.value)) }
    }
    switch (node["create"], node["update_or_create"]) {
    case (let create?, nil):
      if let defaults = node["defaults"] { throw JobsError("\(defaults.location): `defaults:` goes with `update_or_create:`; `create:` takes every field itself", exitCode: 2) }
      return LLMTask.Write(model: model, mode: .create, values: try pairs(create), location: node["model"]?.location)
    case (nil, let lookups?):
      return LLMTask.Write(model: model, mode: .updateOrCreate(try pairs(lookups)), values: try node["defaults"].map(pairs) ?? [], location: node["model"]?.location)
    default:
      throw JobsError("\(node.location): 'write' needs one of `create:` or `update_or_create:`", exitCode: 2)
    }
  }

  private static func template(_ node: YAMLNode) -> TaskTemplate { TaskTemplate(ModelValue(node: node), at: node.location) }

  private static func checkNames(_ node: YAMLNode, allowed: [String]) throws {
    if let entries = node.entries {
      for entry in entries { try checkNames(entry.value, allowed: allowed) }
      return
    }
    if let items = node.items {
      for item in items { try checkNames(item, allowed: allowed) }
      return
    }
    // An unclosed `{{` is found now too, at the template's place.
    try TaskTemplate(ModelValue(node: node), at: node.location).checkBraces()
    for path in TaskTemplate(ModelValue(node: node)).paths {
      let root = String(path.split(separator: ".").first ?? Substring(path))
      guard allowed.contains(root) else {
        throw JobsError(
          "\(node.location): {{\(path)}}: there is no '\(root)' here" + (Suggestion.closest(to: root, in: allowed).map { ". Did you mean '\($0)'?" } ?? ""),
          hint: "Here a template may use: " + allowed.joined(separator: ", ") + ".", exitCode: 2)
      }
    }
  }

  /// The task's models exist in the project, with the fields its write names.
  static func check(_ task: LLMTask, name: String, schema: ProjectSchema) throws {
    if let input = task.input, schema.model(input.model) == nil {
      throw JobsError("\(input.location.map { "\($0): " } ?? "")task '\(name)': there is no model \(input.model)",
                      hint: Suggestion.closest(to: input.model, in: schema.models.map(\.label)).map { "Did you mean '\($0)'?" }, exitCode: 2)
    }
    guard let write = task.write else { return }
    guard let model = schema.model(write.model) else {
      throw JobsError("\(write.location.map { "\($0): " } ?? "")task '\(name)': there is no model \(write.model)",
                      hint: Suggestion.closest(to: write.model, in: schema.models.map(\.label)).map { "Did you mean '\($0)'?" }, exitCode: 2)
    }
    var names = write.values.map(\.0)
    if case .updateOrCreate(let lookups) = write.mode { names += lookups.map(\.0) }
    for field in names where model.storedField(named: field) == nil && !field.contains("__") {
      throw JobsError("\(write.location.map { "\($0): " } ?? "")task '\(name)': \(model.label) has no field '\(field)'",
                      hint: Suggestion.closest(to: field, in: model.fields.map(\.name)).map { "Did you mean '\($0)'?" }, exitCode: 2)
    }
  }
}
