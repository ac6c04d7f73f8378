/// Reads one app's models.yaml into `ModelSchema` values, collecting every mistake as a
/// `CheckMessage` with the file position, so `manage check` can report them all at once.
///
/// Checks that need only one field are done here, where the YAML nodes (and so the exact
/// positions of the offending values) are at hand; checks across models live in
/// `SchemaValidator`.
public struct ModelsFileLoader {
  public let app: String
  public private(set) var diagnostics: [CheckMessage] = []

  static let fieldOptions: Set<String> = [
    "type", "null", "blank", "default", "unique", "db_index", "db_column", "max_length", "choices",
    "primary_key", "on_delete", "related_name", "to", "db_table", "auto_now", "auto_now_add",
    "max_digits", "decimal_places", "verbose_name", "help_text",
  ]
  static let modelOptions: Set<String> = [
    "fields", "db_table", "ordering", "indexes", "unique_together", "constraints", "verbose_name",
    "verbose_name_plural", "on",
  ]

  public init(app: String) { self.app = app }

  /// The models declared in `document` (the parsed models.yaml); nil document means an empty file.
  public mutating func load(_ document: YAMLNode?) -> [ModelSchema] {
    guard let document else { return [] }
    guard let entries = document.entries else {
      report(.error, "schema.E012", "models.yaml must be a mapping with a 'models' key, found \(document.kindDescription).",
             hint: "Start the file with `models:` and declare each model beneath it.", object: app, at: document.location)
      return []
    }
    var models: [ModelSchema] = []
    for entry in entries where entry.key != "models" {
      report(.error, "schema.E012", "Unknown top-level key '\(entry.key)' in models.yaml.",
             hint: "models.yaml holds a single `models:` mapping.", object: app, at: entry.keyLocation)
    }
    guard let modelsNode = document["models"] else { return [] }
    if case .null = modelsNode.value { return [] }
    guard let modelEntries = modelsNode.entries else {
      report(.error, "schema.E012", "'models' must be a mapping of model names to definitions, found \(modelsNode.kindDescription).",
             hint: "Write `models:` then `  Post:` indented beneath it.", object: app, at: modelsNode.location)
      return []
    }
    var seen: Set<String> = []
    for entry in modelEntries {
      if !seen.insert(entry.key.lowercased()).inserted {
        report(.error, "schema.E010", "Model '\(entry.key)' is declared twice in this app.",
               hint: "Model names are case-insensitive; rename or merge one of them.", object: "\(app).\(entry.key)", at: entry.keyLocation)
        continue
      }
      if let model = loadModel(entry) { models.append(model) }
    }
    return models
  }

  // MARK: - Pieces, for migration files (which write fields, indexes and constraints alike)

  /// One field definition (`{type: char, max_length: 200}` or `text`) named `name`.
  public mutating func field(named name: String, at location: SourceLocation, from node: YAMLNode, object: String) -> FieldSchema? {
    loadField(YAMLEntry(key: name, keyLocation: location, value: node), object: object)
  }

  /// `indexes:` entries.
  public mutating func indexes(from node: YAMLNode, object: String) -> [IndexSchema] { loadIndexes(node, object: object) }

  /// `constraints:` entries.
  public mutating func constraints(from node: YAMLNode, object: String) -> [ConstraintSchema] {
    loadConstraints(node, object: object)
  }

  /// `unique_together:` groups.
  public mutating func uniqueTogether(from node: YAMLNode, object: String) -> [[String]] {
    loadUniqueTogether(node, object: object)
  }

  /// A list of names (`ordering:`).
  public mutating func names(from node: YAMLNode, option: String, object: String) -> [String]? {
    stringList(node, option: option, object: object)
  }

  // MARK: - Models

  private mutating func loadModel(_ entry: YAMLEntry) -> ModelSchema? {
    let name = entry.key
    let object = "\(app).\(name)"
    if !Identifier.isValid(name) {
      report(.error, "schema.E004", "'\(name)' is not a valid model name.",
             hint: "Use letters, digits and underscores, starting with a letter (Django style: CamelCase).", object: object, at: entry.keyLocation)
      return nil
    }
    var model = ModelSchema(app: app, name: name, fields: [])
    model.declaredAt = DeclaredAt(entry.keyLocation)
    guard let options = entry.value.entries else {
      report(.error, "schema.E012", "A model is a mapping with a 'fields' key, found \(entry.value.kindDescription).",
             hint: "Write `\(name):` then `  fields:` beneath it.", object: object, at: entry.value.location)
      return nil
    }
    for option in options {
      model.optionLocations[option.key] = option.value.location
      if !Self.modelOptions.contains(option.key) {
        unknownOption(option, among: Self.modelOptions, object: object, what: "model option")
      }
    }
    if let fieldsNode = entry.value["fields"] {
      model.fields = loadFields(fieldsNode, object: object)
    } else {
      report(.error, "schema.E012", "Model '\(name)' has no 'fields'.",
             hint: "Declare at least one field under `fields:`.", object: object, at: entry.keyLocation)
    }
    if !model.fields.contains(where: \.primaryKey) {
      var id = FieldSchema(name: "id", type: .bigAuto)
      id.primaryKey = true
      id.declaredAt = DeclaredAt(entry.keyLocation)
      model.fields.insert(id, at: 0)
    }
    if let node = entry.value["db_table"], let table = string(node, option: "db_table", object: object) {
      model.dbTable = table
    }
    if let node = entry.value["verbose_name"] { model.verboseName = string(node, option: "verbose_name", object: object) }
    if let node = entry.value["verbose_name_plural"] {
      model.verboseNamePlural = string(node, option: "verbose_name_plural", object: object)
    }
    if let node = entry.value["ordering"] {
      model.ordering = stringList(node, option: "ordering", object: object) ?? []
    }
    if let node = entry.value["indexes"] { model.indexes = loadIndexes(node, object: object) }
    if let node = entry.value["unique_together"] {
      model.uniqueTogether = loadUniqueTogether(node, object: object)
    }
    if let node = entry.value["constraints"] { model.constraints = loadConstraints(node, object: object) }
    if let node = entry.value["on"] {
      model.events = loadEvents(node, object: object)
      let names = Set(model.fields.map(\.name))
      for rule in model.events.rules {
        for field in rule.changed ?? [] where !names.contains(field) {
          report(.error, "schema.E013", "`when: {changed: [...]}` names '\(field)', which is not a field of \(name).",
                 hint: Suggestion.closest(to: field, in: names).map { "Did you mean '\($0)'?" }, object: object, at: rule.location)
        }
      }
    }
    return model
  }

  /// `on: {created: [...], updated: [...], deleted: [...]}`, each item
  /// `{enqueue: TASK, payload: {...}, when: {changed: [field, ...]}}`.
  mutating func loadEvents(_ node: YAMLNode, object: String) -> ModelEvents {
    var events = ModelEvents()
    guard let entries = node.entries else {
      report(.error, "schema.E013", "'on' must map created, updated or deleted to tasks to enqueue, found \(node.kindDescription).",
             hint: "on: {created: [{enqueue: TASK, payload: {id: \"{{id}}\"}}]}", object: object, at: node.location)
      return events
    }
    for entry in entries {
      guard let kind = ModelEvents.Kind(rawValue: entry.key) else {
        report(.error, "schema.E013", "Unknown event '\(entry.key)'.",
               hint: (Suggestion.closest(to: entry.key, in: ModelEvents.Kind.allCases.map(\.rawValue)).map { "Did you mean '\($0)'? " } ?? "") + "Events: created, updated, deleted.",
               object: object, at: entry.keyLocation)
        continue
      }
      guard let items = entry.value.items else {
        report(.error, "schema.E013", "'\(entry.key)' must be a list of {enqueue: TASK, payload: {...}}, found \(entry.value.kindDescription).", object: object, at: entry.value.location)
        continue
      }
      for item in items {
        guard let fields = item.entries, let taskNode = item["enqueue"], let task = taskNode.string, !task.isEmpty else {
          report(.error, "schema.E013", "Each '\(entry.key)' item needs `enqueue: TASK`.", object: object, at: item.location)
          continue
        }
        for field in fields where !["enqueue", "payload", "when"].contains(field.key) {
          report(.error, "schema.E013", "Unknown option '\(field.key)' of an event.", hint: "An event takes enqueue, payload and when.", object: object, at: field.keyLocation)
        }
        var rule = ModelEvents.Rule(kind: kind, task: task, payload: item["payload"].map(ModelValue.init(node:)) ?? .dict(OrderedDictionary()), location: taskNode.location)
        if let when = item["when"] {
          guard kind == .updated, let changed = when["changed"], let names = stringList(changed, option: "when.changed", object: object) else {
            report(.error, "schema.E013", kind == .updated ? "`when:` takes `changed: [field, ...]`." : "`when:` applies to updated events only.", object: object, at: when.location)
            continue
          }
          rule.changed = names
        }
        events.rules.append(rule)
      }
    }
    return events
  }

  mutating func loadIndexes(_ node: YAMLNode, object: String) -> [IndexSchema] {
    guard let items = node.items else {
      report(.error, "schema.E003", "'indexes' must be a list, found \(node.kindDescription).",
             hint: "Write indexes: [{fields: [status, published_at]}].", object: object, at: node.location)
      return []
    }
    return items.compactMap { item in
      let fieldsNode = item.entries == nil ? item : item["fields"]
      guard let fieldsNode, let fields = stringList(fieldsNode, option: "indexes", object: object), !fields.isEmpty else {
        if item.entries != nil && item["fields"] == nil {
          report(.error, "schema.E003", "An index needs 'fields'.", hint: "Write {fields: [status, published_at]}.",
                 object: object, at: item.location)
        }
        return nil
      }
      for key in item.entries ?? [] where key.key != "fields" && key.key != "name" {
        unknownOption(key, among: ["fields", "name"], object: object, what: "index option")
      }
      var index = IndexSchema(fields: fields, name: item["name"].flatMap { string($0, option: "name", object: object) })
      index.declaredAt = DeclaredAt(item.location)
      return index
    }
  }

  mutating func loadUniqueTogether(_ node: YAMLNode, object: String) -> [[String]] {
    guard let items = node.items else {
      report(.error, "schema.E003", "'unique_together' must be a list of field lists, found \(node.kindDescription).",
             hint: "Write unique_together: [[author, slug]].", object: object, at: node.location)
      return []
    }
    // Django accepts a single tuple as shorthand for one group.
    if !items.isEmpty && items.allSatisfy({ $0.string != nil }) {
      return stringList(node, option: "unique_together", object: object).map { [$0] } ?? []
    }
    return items.compactMap { stringList($0, option: "unique_together", object: object) }
  }

  mutating func loadConstraints(_ node: YAMLNode, object: String) -> [ConstraintSchema] {
    guard let items = node.items else {
      report(.error, "schema.E003", "'constraints' must be a list, found \(node.kindDescription).",
             hint: "Write constraints: [{name: title_not_empty, check: \"length(title) > 0\"}].", object: object, at: node.location)
      return []
    }
    let known: Set<String> = ["name", "check", "fields", "condition"]
    return items.compactMap { item in
      guard item.entries != nil else {
        report(.error, "schema.E003", "A constraint is a mapping, found \(item.kindDescription).",
               hint: "Write {name: NAME, check: SQL} or {name: NAME, fields: [a, b]}.", object: object, at: item.location)
        return nil
      }
      for key in item.entries ?? [] where !known.contains(key.key) {
        unknownOption(key, among: known, object: object, what: "constraint option")
      }
      guard let name = item["name"].flatMap({ string($0, option: "name", object: object) }) else {
        report(.error, "schema.E003", "A constraint needs a 'name'.",
               hint: "Name it, e.g. {name: title_not_empty, check: \"length(title) > 0\"}.", object: object, at: item.location)
        return nil
      }
      var constraint: ConstraintSchema
      if let check = item["check"].flatMap({ string($0, option: "check", object: object) }) {
        constraint = ConstraintSchema(name: name, kind: .check(check))
      } else if let fieldsNode = item["fields"], let fields = stringList(fieldsNode, option: "fields", object: object) {
        let condition = item["condition"].flatMap { string($0, option: "condition", object: object) }
        constraint = ConstraintSchema(name: name, kind: .unique(fields: fields, condition: condition))
      } else {
        report(.error, "schema.E003", "Constraint '\(name)' needs 'check' (an SQL condition) or 'fields' (a unique constraint).",
               hint: "Write check: \"length(title) > 0\" or fields: [author, slug].", object: object, at: item.location)
        return nil
      }
      constraint.declaredAt = DeclaredAt(item.location)
      return constraint
    }
  }

  // MARK: - Fields

  private mutating func loadFields(_ node: YAMLNode, object: String) -> [FieldSchema] {
    guard let entries = node.entries else {
      report(.error, "schema.E012", "'fields' must be a mapping of field names to definitions, found \(node.kindDescription).",
             hint: "Write `fields:` then `  title: {type: char, max_length: 200}` beneath it.", object: object, at: node.location)
      return []
    }
    // A field written twice never gets here: the YAML reader refuses duplicate keys, at the
    // second one.
    var fields: [FieldSchema] = []
    for entry in entries {
      if let field = loadField(entry, object: "\(object).\(entry.key)") { fields.append(field) }
    }
    let primaryKeys = fields.filter(\.primaryKey)
    if primaryKeys.count > 1 {
      report(.error, "models.E026", "The model cannot have more than one field with 'primary_key=True'.",
             hint: "Keep primary_key: true on one field only.", object: object, at: primaryKeys[1].declaredAt.location)
    }
    if let id = fields.first(where: { $0.name == "id" }), !id.primaryKey, primaryKeys.isEmpty {
      report(.error, "models.E004", "'id' can only be used as a field name if the field also sets 'primary_key=True'.",
             hint: "Add primary_key: true to 'id', or rename the field.", object: object, at: id.declaredAt.location)
    }
    return fields
  }

  mutating func loadField(_ entry: YAMLEntry, object: String) -> FieldSchema? {
    let name = entry.key
    if !Identifier.isValid(name) {
      report(.error, "schema.E004", "'\(name)' is not a valid field name.",
             hint: "Use letters, digits and underscores, starting with a letter.", object: object, at: entry.keyLocation)
      return nil
    }
    if name.hasSuffix("_") {
      report(.error, "fields.E001", "Field names must not end with an underscore.",
             hint: "Rename the field without the trailing underscore.", object: object, at: entry.keyLocation)
    }
    if Identifier.containsLookupSeparator(name) {
      report(.error, "fields.E002", "Field names must not contain \"__\".",
             hint: "Rename the field: '__' separates lookups in queries (author__username).", object: object, at: entry.keyLocation)
    }
    if name == "pk" {
      report(.error, "fields.E003", "'pk' is a reserved word that cannot be used as a field name.",
             hint: "Rename the field; pk always means the primary key.", object: object, at: entry.keyLocation)
    }
    // `body: text` is shorthand for `body: {type: text}`.
    let typeNode: YAMLNode
    let options: [YAMLEntry]
    if let text = entry.value.string {
      typeNode = entry.value
      options = [YAMLEntry(key: "type", keyLocation: entry.value.location, value: YAMLNode(.string(text, plain: true), at: entry.value.location))]
    } else if let entries = entry.value.entries {
      options = entries
      guard let node = entry.value["type"] else {
        report(.error, "schema.E001", "Field '\(name)' has no 'type'.",
               hint: "Add a type, e.g. {type: char, max_length: 200}. Types: \(FieldType.allCases.map(\.rawValue).joined(separator: ", ")).",
               object: object, at: entry.value.location)
        return nil
      }
      typeNode = node
    } else {
      report(.error, "schema.E001", "A field is a type name or a mapping of options, found \(entry.value.kindDescription).",
             hint: "Write `\(name): text` or `\(name): {type: char, max_length: 200}`.", object: object, at: entry.value.location)
      return nil
    }
    guard let typeName = typeNode.string, let type = FieldType(rawValue: typeName) else {
      let written = typeNode.scalarText
      var hint = "Types: \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))."
      if let guess = Suggestion.closest(to: written, in: FieldType.allCases.map(\.rawValue)) {
        hint = "Did you mean '\(guess)'? " + hint
      }
      report(.error, "schema.E001", "Unknown field type '\(written)'.", hint: hint, object: object, at: typeNode.location)
      return nil
    }
    var field = FieldSchema(name: name, type: type)
    field.declaredAt = DeclaredAt(entry.keyLocation)
    var optionNodes: [String: YAMLNode] = [:]
    for option in options {
      guard Self.fieldOptions.contains(option.key) else {
        unknownOption(option, among: Self.fieldOptions, object: object, what: "field option")
        continue
      }
      optionNodes[option.key] = option.value
      let node = option.value
      switch option.key {
      case "null": field.null = bool(node, option: "null", object: object) ?? false
      case "blank": field.blank = bool(node, option: "blank", object: object) ?? false
      case "unique": field.unique = bool(node, option: "unique", object: object) ?? false
      case "db_index": field.dbIndex = bool(node, option: "db_index", object: object) ?? false
      case "primary_key": field.primaryKey = bool(node, option: "primary_key", object: object) ?? false
      case "auto_now": field.autoNow = bool(node, option: "auto_now", object: object) ?? false
      case "auto_now_add": field.autoNowAdd = bool(node, option: "auto_now_add", object: object) ?? false
      case "db_column": field.dbColumn = string(node, option: "db_column", object: object)
      case "related_name": field.relatedName = string(node, option: "related_name", object: object)
      case "to": field.to = string(node, option: "to", object: object)
      case "db_table": field.dbTable = string(node, option: "db_table", object: object)
      case "verbose_name": field.verboseName = string(node, option: "verbose_name", object: object)
      case "help_text": field.helpText = string(node, option: "help_text", object: object)
      case "max_length": field.maxLength = integer(node, option: "max_length", object: object)
      case "max_digits": field.maxDigits = integer(node, option: "max_digits", object: object)
      case "decimal_places": field.decimalPlaces = integer(node, option: "decimal_places", object: object)
      case "on_delete":
        if let text = string(node, option: "on_delete", object: object) {
          if let rule = OnDelete(rawValue: text.lowercased()) {
            field.onDelete = rule
          } else {
            report(.error, "schema.E011", "Unknown on_delete '\(text)'.",
                   hint: "Use one of: \(OnDelete.allCases.map(\.rawValue).joined(separator: ", ")).", object: object, at: node.location)
          }
        }
      case "choices": field.choices = choices(node, object: object)
      case "default": field.default = FieldValue(node)
      default: break
      }
    }
    FieldRules(object: object, options: optionNodes).check(field, into: &diagnostics)
    return field
  }

  // MARK: - Values

  private mutating func choices(_ node: YAMLNode, object: String) -> [Choice]? {
    func label(_ value: FieldValue) -> String {
      if case .string(let text) = value { return text }
      return value.description
    }
    if let entries = node.entries {
      // Keys were read as text; type them again so `{1: One}` gives the integer 1.
      return entries.map {
        Choice(value: FieldValue(YAMLNode(YAMLFile.resolvePlain($0.key), at: $0.keyLocation)), label: $0.value.scalarText)
      }
    }
    guard let items = node.items else {
      report(.error, "fields.E004", "'choices' must be a mapping (e.g., a dictionary) or an iterable (e.g., a list or tuple).",
             hint: "Write choices: [draft, published] or choices: {draft: Draft, published: Published}.", object: object, at: node.location)
      return nil
    }
    var result: [Choice] = []
    for item in items {
      if let pair = item.items {
        guard pair.count == 2, pair[0].entries == nil, pair[0].items == nil else {
          report(.error, "fields.E005", "'choices' must be a mapping of actual values to human readable names or an iterable containing (actual value, human readable name) tuples.",
                 hint: "Write each choice as a value or as [value, label].", object: object, at: item.location)
          return nil
        }
        result.append(Choice(value: FieldValue(pair[0]), label: pair[1].scalarText))
      } else if item.entries == nil {
        let value = FieldValue(item)
        result.append(Choice(value: value, label: label(value)))
      } else {
        report(.error, "fields.E005", "'choices' must be a mapping of actual values to human readable names or an iterable containing (actual value, human readable name) tuples.",
               hint: "Write each choice as a value or as [value, label].", object: object, at: item.location)
        return nil
      }
    }
    return result
  }

  private mutating func bool(_ node: YAMLNode, option: String, object: String) -> Bool? {
    if case .bool(let flag) = node.value { return flag }
    report(.error, "schema.E003", "'\(option)' must be true or false, found \(node.kindDescription) '\(node.scalarText)'.",
           hint: "Write \(option): true or \(option): false.", object: object, at: node.location)
    return nil
  }

  private mutating func integer(_ node: YAMLNode, option: String, object: String) -> Int? {
    if case .int(let number) = node.value { return number }
    report(.error, "schema.E003", "'\(option)' must be an integer, found \(node.kindDescription) '\(node.scalarText)'.",
           hint: "Write a whole number, e.g. \(option): 200.", object: object, at: node.location)
    return nil
  }

  private mutating func string(_ node: YAMLNode, option: String, object: String) -> String? {
    if let text = node.string { return text }
    report(.error, "schema.E003", "'\(option)' must be a string, found \(node.kindDescription).",
           hint: "Quote the value if it looks like a number or boolean.", object: object, at: node.location)
    return nil
  }

  mutating func stringList(_ node: YAMLNode, option: String, object: String) -> [String]? {
    guard let items = node.items else {
      report(.error, "schema.E003", "'\(option)' must be a list of field names, found \(node.kindDescription).",
             hint: "Write \(option): [field_a, field_b].", object: object, at: node.location)
      return nil
    }
    var names: [String] = []
    for item in items {
      guard let text = item.string else {
        report(.error, "schema.E003", "'\(option)' must list field names, found \(item.kindDescription).",
               hint: "Write \(option): [field_a, field_b].", object: object, at: item.location)
        return nil
      }
      names.append(text)
    }
    return names
  }

  private mutating func unknownOption(_ entry: YAMLEntry, among known: Set<String>, object: String, what: String) {
    var hint = "Known: \(known.sorted().joined(separator: ", "))."
    if let guess = Suggestion.closest(to: entry.key, in: known.sorted()) { hint = "Did you mean '\(guess)'? " + hint }
    report(.error, "schema.E002", "Unknown \(what) '\(entry.key)'.", hint: hint, object: object, at: entry.keyLocation)
  }

  private mutating func report(
    _ level: CheckMessage.Level, _ id: String, _ message: String, hint: String? = nil, object: String, at location: SourceLocation?
  ) {
    diagnostics.append(CheckMessage(level, id, message, hint: hint, object: object, at: location))
  }
}
