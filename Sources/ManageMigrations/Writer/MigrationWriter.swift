import ManageCore

/// Writes migrations as JSON with a fixed key order and two-space indent, one field per line,
/// so a diff shows exactly what changed.
public enum MigrationWriter {
  public static func json(_ migration: Migration) -> String {
    var lines = ["{"]
    var top: [String] = []
    top.append("  \"dependencies\": [" + migration.dependencies.map { "[\(q($0.app)), \(q($0.name))]" }.joined(separator: ", ") + "]")
    if migration.initial { top.append("  \"initial\": true") }
    if !migration.atomic { top.append("  \"atomic\": false") }
    if !migration.replaces.isEmpty {
      top.append("  \"replaces\": [" + migration.replaces.map { "[\(q($0.app)), \(q($0.name))]" }.joined(separator: ", ") + "]")
    }
    if migration.operations.isEmpty {
      top.append("  \"operations\": []")
    } else {
      top.append("  \"operations\": [\n" + migration.operations.map { operation($0, indent: "    ") }.joined(separator: ",\n") + "\n  ]")
    }
    lines.append(top.joined(separator: ",\n"))
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  static func operation(_ operation: Operation, indent: String) -> String {
    var pairs: [(String, String)] = [("op", q(operation.kind))]
    switch operation {
    case .createModel(let name, let fields, let options):
      pairs.append(("name", q(name)))
      let inner = indent + "    "
      let rendered = fields.map { "\(inner)[\(q($0.name)), \(field($0))]" }.joined(separator: ",\n")
      pairs.append(("fields", "[\n\(rendered)\n\(indent)  ]"))
      let encoded = modelOptions(options)
      if !encoded.isEmpty { pairs.append(("options", "{" + encoded.map { "\(q($0.0)): \($0.1)" }.joined(separator: ", ") + "}")) }
    case .deleteModel(let name):
      pairs.append(("name", q(name)))
    case .renameModel(let old, let new):
      pairs += [("old_name", q(old)), ("new_name", q(new))]
    case .alterModelTable(let name, let table):
      pairs += [("name", q(name)), ("table", table.map(q) ?? "null")]
    case .alterModelOptions(let name, let ordering, let verboseName, let verboseNamePlural):
      var options = ModelOptions()
      options.ordering = ordering
      options.verboseName = verboseName
      options.verboseNamePlural = verboseNamePlural
      pairs += [("name", q(name)), ("options", "{" + modelOptions(options).map { "\(q($0.0)): \($0.1)" }.joined(separator: ", ") + "}")]
    case .addField(let model, let value, let preserveDefault), .alterField(let model, let value, let preserveDefault):
      pairs += [("model", q(model)), ("name", q(value.name)), ("field", field(value))]
      if !preserveDefault { pairs.append(("preserve_default", "false")) }
    case .removeField(let model, let name):
      pairs += [("model", q(model)), ("name", q(name))]
    case .renameField(let model, let old, let new), .renameIndex(let model, let old, let new):
      pairs += [("model", q(model)), ("old_name", q(old)), ("new_name", q(new))]
    case .addIndex(let model, let value):
      pairs += [("model", q(model)), ("index", index(value))]
    case .removeIndex(let model, let name), .removeConstraint(let model, let name):
      pairs += [("model", q(model)), ("name", q(name))]
    case .addConstraint(let model, let value):
      pairs += [("model", q(model)), ("constraint", constraint(value))]
    case .alterUniqueTogether(let model, let groups):
      pairs += [("model", q(model)), ("unique_together", groupsJSON(groups))]
    case .runSQL(let sql, let reverse):
      pairs += [("sql", q(sql)), ("reverse_sql", reverse.map(q) ?? "null")]
    }
    if case .createModel = operation {
      return indent + "{\n" + pairs.map { "\(indent)  \(q($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n\(indent)}"
    }
    return indent + "{" + pairs.map { "\(q($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
  }

  /// A field as models.yaml would write it, options in a fixed order, defaults left out.
  public static func field(_ field: FieldSchema) -> String {
    var pairs: [(String, String)] = [("type", q(field.type.rawValue))]
    func flag(_ key: String, _ value: Bool) { if value { pairs.append((key, "true")) } }
    flag("primary_key", field.primaryKey)
    if let maxLength = field.maxLength { pairs.append(("max_length", String(maxLength))) }
    if let digits = field.maxDigits { pairs.append(("max_digits", String(digits))) }
    if let places = field.decimalPlaces { pairs.append(("decimal_places", String(places))) }
    flag("null", field.null)
    flag("blank", field.blank)
    flag("unique", field.unique)
    flag("db_index", field.dbIndex)
    if let column = field.dbColumn { pairs.append(("db_column", q(column))) }
    if let value = field.default { pairs.append(("default", JSONText.encode(value))) }
    if let choices = field.choices {
      let rendered = choices.map { choice -> String in
        let value = JSONText.encode(choice.value)
        if case .string(let text) = choice.value, text == choice.label { return value }
        return "[\(value), \(q(choice.label))]"
      }
      pairs.append(("choices", "[" + rendered.joined(separator: ", ") + "]"))
    }
    if let to = field.to { pairs.append(("to", q(to))) }
    if let onDelete = field.onDelete { pairs.append(("on_delete", q(onDelete.rawValue))) }
    if let relatedName = field.relatedName { pairs.append(("related_name", q(relatedName))) }
    if let table = field.dbTable { pairs.append(("db_table", q(table))) }
    flag("auto_now", field.autoNow)
    flag("auto_now_add", field.autoNowAdd)
    if let verbose = field.verboseName { pairs.append(("verbose_name", q(verbose))) }
    if let help = field.helpText { pairs.append(("help_text", q(help))) }
    return "{" + pairs.map { "\(q($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
  }

  static func modelOptions(_ options: ModelOptions) -> [(String, String)] {
    var pairs: [(String, String)] = []
    if let table = options.dbTable { pairs.append(("db_table", q(table))) }
    if !options.ordering.isEmpty { pairs.append(("ordering", strings(options.ordering))) }
    if !options.indexes.isEmpty { pairs.append(("indexes", "[" + options.indexes.map(index).joined(separator: ", ") + "]")) }
    if !options.uniqueTogether.isEmpty { pairs.append(("unique_together", groupsJSON(options.uniqueTogether))) }
    if !options.constraints.isEmpty {
      pairs.append(("constraints", "[" + options.constraints.map(constraint).joined(separator: ", ") + "]"))
    }
    if let verbose = options.verboseName { pairs.append(("verbose_name", q(verbose))) }
    if let plural = options.verboseNamePlural { pairs.append(("verbose_name_plural", q(plural))) }
    return pairs
  }

  static func index(_ index: IndexSchema) -> String {
    var text = "{\"fields\": \(strings(index.fields))"
    if let name = index.name { text += ", \"name\": \(q(name))" }
    return text + "}"
  }

  static func constraint(_ constraint: ConstraintSchema) -> String {
    switch constraint.kind {
    case .check(let expression):
      return "{\"name\": \(q(constraint.name)), \"check\": \(q(expression))}"
    case .unique(let fields, let condition):
      var text = "{\"name\": \(q(constraint.name)), \"fields\": \(strings(fields))"
      if let condition { text += ", \"condition\": \(q(condition))" }
      return text + "}"
    }
  }

  static func groupsJSON(_ groups: [[String]]) -> String { "[" + groups.map(strings).joined(separator: ", ") + "]" }
  static func strings(_ values: [String]) -> String { "[" + values.map(q).joined(separator: ", ") + "]" }
  static func q(_ text: String) -> String { JSONText.quote(text) }
}
