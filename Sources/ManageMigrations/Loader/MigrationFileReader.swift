import ManageCore

/// Reads a migration file (JSON, read with the YAML reader so every mistake has a
/// file:line:col) into a `Migration`. Fields, indexes and constraints use models.yaml's
/// rules, so a hand-edited field is checked exactly like a declared one.
public struct MigrationFileReader {
  public let app: String
  public let displayPath: String

  static let topKeys: Set<String> = ["dependencies", "operations", "replaces", "initial", "atomic"]
  static let operationKeys: [String: Set<String>] = [
    "CreateModel": ["name", "fields", "options"],
    "DeleteModel": ["name"],
    "RenameModel": ["old_name", "new_name"],
    "AlterModelTable": ["name", "table"],
    "AlterModelOptions": ["name", "options"],
    "AddField": ["model", "name", "field", "preserve_default"],
    "RemoveField": ["model", "name"],
    "AlterField": ["model", "name", "field", "preserve_default"],
    "RenameField": ["model", "old_name", "new_name"],
    "AddIndex": ["model", "index"],
    "RemoveIndex": ["model", "name"],
    "RenameIndex": ["model", "old_name", "new_name"],
    "AddConstraint": ["model", "constraint"],
    "RemoveConstraint": ["model", "name"],
    "AlterUniqueTogether": ["model", "unique_together"],
    "RunSQL": ["sql", "reverse_sql"],
  ]

  public init(app: String, displayPath: String) {
    self.app = app
    self.displayPath = displayPath
  }

  /// Reads `text`, the contents of the migration `name`.
  public func read(_ text: String, name: String) throws -> Migration {
    guard let document = try YAMLFile.parse(text, displayPath: displayPath), let entries = document.entries else {
      throw error("a migration file is a JSON object with \"dependencies\" and \"operations\"", at: SourceLocation(file: displayPath, line: 1, column: 1))
    }
    for entry in entries where !Self.topKeys.contains(entry.key) {
      throw unknownKey(entry, known: Self.topKeys)
    }
    var migration = Migration(app: app, name: name)
    if let node = document["dependencies"] { migration.dependencies = try keys(node, what: "dependencies") }
    if let node = document["replaces"] { migration.replaces = try keys(node, what: "replaces") }
    if let node = document["initial"] { migration.initial = try bool(node, "initial") }
    if let node = document["atomic"] { migration.atomic = try bool(node, "atomic") }
    guard let operations = document["operations"]?.items else {
      throw error("\"operations\" must be a list", at: document["operations"]?.location ?? document.location)
    }
    migration.operations = try operations.map(operation)
    return migration
  }

  // MARK: - Operations

  private func operation(_ node: YAMLNode) throws -> Operation {
    guard node.entries != nil else { throw error("an operation is a JSON object with \"op\"", at: node.location) }
    guard let opNode = node["op"], let kind = opNode.string else {
      throw error("an operation needs \"op\", e.g. \"op\": \"AddField\"", at: node.location)
    }
    guard let allowed = Self.operationKeys[kind] else {
      var hint = "Operations: \(Self.operationKeys.keys.sorted().joined(separator: ", "))."
      if let guess = Suggestion.closest(to: kind, in: Self.operationKeys.keys.sorted()) { hint = "Did you mean '\(guess)'? " + hint }
      throw MigrationError("\(opNode.location): unknown operation '\(kind)'", hint: hint)
    }
    for entry in node.entries ?? [] where entry.key != "op" && !allowed.contains(entry.key) {
      throw unknownKey(entry, known: allowed.union(["op"]))
    }
    switch kind {
    case "CreateModel":
      let name = try string(node, "name")
      guard let fieldsNode = node["fields"], let pairs = fieldsNode.items else {
        throw error("CreateModel needs \"fields\": [[\"name\", {…}], …]", at: node["fields"]?.location ?? node.location)
      }
      let fields = try pairs.map { pair -> FieldSchema in
        guard let items = pair.items, items.count == 2, let fieldName = items[0].string else {
          throw error("each field is [\"name\", {definition}]", at: pair.location)
        }
        return try field(items[1], name: fieldName, model: name, at: items[0].location)
      }
      return .createModel(name: name, fields: fields, options: try options(node["options"], model: name))
    case "DeleteModel":
      return .deleteModel(name: try string(node, "name"))
    case "RenameModel":
      return .renameModel(oldName: try string(node, "old_name"), newName: try string(node, "new_name"))
    case "AlterModelTable":
      return .alterModelTable(name: try string(node, "name"), table: node["table"]?.string)
    case "AlterModelOptions":
      let name = try string(node, "name")
      let parsed = try options(node["options"], model: name)
      return .alterModelOptions(name: name, ordering: parsed.ordering, verboseName: parsed.verboseName, verboseNamePlural: parsed.verboseNamePlural)
    case "AddField", "AlterField":
      let model = try string(node, "model")
      let name = try string(node, "name")
      guard let fieldNode = node["field"] else { throw error("\(kind) needs \"field\"", at: node.location) }
      let value = try field(fieldNode, name: name, model: model, at: fieldNode.location)
      let preserve = try node["preserve_default"].map { try bool($0, "preserve_default") } ?? true
      return kind == "AddField"
        ? .addField(model: model, field: value, preserveDefault: preserve)
        : .alterField(model: model, field: value, preserveDefault: preserve)
    case "RemoveField":
      return .removeField(model: try string(node, "model"), name: try string(node, "name"))
    case "RenameField":
      return .renameField(model: try string(node, "model"), oldName: try string(node, "old_name"), newName: try string(node, "new_name"))
    case "AddIndex":
      let model = try string(node, "model")
      guard let indexNode = node["index"] else { throw error("AddIndex needs \"index\"", at: node.location) }
      var loader = ModelsFileLoader(app: app)
      let indexes = loader.indexes(from: YAMLNode(.list([indexNode]), at: indexNode.location), object: "\(app).\(model)")
      try check(loader.diagnostics)
      guard let index = indexes.first, index.name != nil else { throw error("AddIndex needs an index with \"fields\" and \"name\"", at: indexNode.location) }
      return .addIndex(model: model, index: index)
    case "RemoveIndex":
      return .removeIndex(model: try string(node, "model"), name: try string(node, "name"))
    case "RenameIndex":
      return .renameIndex(model: try string(node, "model"), oldName: try string(node, "old_name"), newName: try string(node, "new_name"))
    case "AddConstraint":
      let model = try string(node, "model")
      guard let constraintNode = node["constraint"] else { throw error("AddConstraint needs \"constraint\"", at: node.location) }
      var loader = ModelsFileLoader(app: app)
      let constraints = loader.constraints(from: YAMLNode(.list([constraintNode]), at: constraintNode.location), object: "\(app).\(model)")
      try check(loader.diagnostics)
      guard let constraint = constraints.first else { throw error("AddConstraint needs a constraint", at: constraintNode.location) }
      return .addConstraint(model: model, constraint: constraint)
    case "RemoveConstraint":
      return .removeConstraint(model: try string(node, "model"), name: try string(node, "name"))
    case "AlterUniqueTogether":
      let model = try string(node, "model")
      var loader = ModelsFileLoader(app: app)
      let groups = node["unique_together"].map { loader.uniqueTogether(from: $0, object: "\(app).\(model)") } ?? []
      try check(loader.diagnostics)
      return .alterUniqueTogether(model: model, groups: groups)
    default:  // RunSQL
      guard let sql = node["sql"]?.string else { throw error("RunSQL needs \"sql\"", at: node.location) }
      return .runSQL(sql: sql, reverseSQL: node["reverse_sql"]?.string)
    }
  }

  private func field(_ node: YAMLNode, name: String, model: String, at location: SourceLocation) throws -> FieldSchema {
    var loader = ModelsFileLoader(app: app)
    let parsed = loader.field(named: name, at: location, from: node, object: "\(app).\(model).\(name)")
    try check(loader.diagnostics)
    guard var field = parsed else { throw error("cannot read field \(name)", at: location) }
    field.declaredAt = DeclaredAt(nil)
    if field.type.isRelation, let to = field.to {
      field.to = to.contains(".") ? to : "\(app).\(to)"
      field.relatedModel = field.to
    }
    return field
  }

  private func options(_ node: YAMLNode?, model: String) throws -> ModelOptions {
    var options = ModelOptions()
    guard let node else { return options }
    guard let entries = node.entries else { throw error("\"options\" must be an object", at: node.location) }
    let known: Set<String> = ["db_table", "ordering", "indexes", "unique_together", "constraints", "verbose_name", "verbose_name_plural"]
    var loader = ModelsFileLoader(app: app)
    let object = "\(app).\(model)"
    for entry in entries {
      switch entry.key {
      case "db_table": options.dbTable = entry.value.string
      case "ordering": options.ordering = loader.names(from: entry.value, option: "ordering", object: object) ?? []
      case "indexes": options.indexes = loader.indexes(from: entry.value, object: object)
      case "unique_together": options.uniqueTogether = loader.uniqueTogether(from: entry.value, object: object)
      case "constraints": options.constraints = loader.constraints(from: entry.value, object: object)
      case "verbose_name": options.verboseName = entry.value.string
      case "verbose_name_plural": options.verboseNamePlural = entry.value.string
      default: throw unknownKey(entry, known: known)
      }
    }
    try check(loader.diagnostics)
    for index in options.indexes.indices { options.indexes[index].declaredAt = DeclaredAt(nil) }
    for index in options.constraints.indices { options.constraints[index].declaredAt = DeclaredAt(nil) }
    return options
  }

  // MARK: - Values and errors

  private func keys(_ node: YAMLNode, what: String) throws -> [MigrationKey] {
    guard let items = node.items else { throw error("\"\(what)\" must be a list of [\"app\", \"migration\"] pairs", at: node.location) }
    return try items.map { item in
      guard let pair = item.items, pair.count == 2, let app = pair[0].string, let name = pair[1].string else {
        throw error("each entry of \"\(what)\" is [\"app\", \"migration\"]", at: item.location)
      }
      return MigrationKey(app, name)
    }
  }

  private func string(_ node: YAMLNode, _ key: String) throws -> String {
    guard let value = node[key] else { throw error("missing \"\(key)\"", at: node.location) }
    guard let text = value.string else { throw error("\"\(key)\" must be a string", at: value.location) }
    return text
  }

  private func bool(_ node: YAMLNode, _ key: String) throws -> Bool {
    guard case .bool(let flag) = node.value else { throw error("\"\(key)\" must be true or false", at: node.location) }
    return flag
  }

  /// Turns the first error of the models.yaml rules into a thrown error.
  private func check(_ diagnostics: [CheckMessage]) throws {
    guard let first = diagnostics.first(where: { $0.isSerious() }) else { return }
    throw MigrationError("\(first.location.map { "\($0): " } ?? "")\(first.message) (\(first.id))", hint: first.hint)
  }

  private func unknownKey(_ entry: YAMLEntry, known: Set<String>) -> MigrationError {
    var hint = "Known keys: \(known.sorted().joined(separator: ", "))."
    if let guess = Suggestion.closest(to: entry.key, in: known.sorted()) { hint = "Did you mean '\(guess)'? " + hint }
    return MigrationError("\(entry.keyLocation): unknown key \"\(entry.key)\"", hint: hint)
  }

  private func error(_ message: String, at location: SourceLocation) -> MigrationError {
    MigrationError("\(location): \(message)", hint: "Migration files are written by makemigrations; compare with a generated one.")
  }
}
