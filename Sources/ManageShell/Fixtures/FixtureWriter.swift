import Foundation
import ManageCore

/// Rows as Django's serializers write them, for dumpdata: `{"model": "app.model", "pk": 1,
/// "fields": {…}}` per row, the primary key outside `fields`, a foreign key as the related key,
/// a many-to-many field as the list of related keys, decimals, dates, times, durations and
/// UUIDs as text (`duration_string`'s `3 04:05:06`), binary as base64, JSON fields as JSON.
/// Unlike Django's JSON encoder, times keep their microseconds, so a dump loads back exactly;
/// Django reads either.
struct FixtureWriter {
  let schema: ProjectSchema
  let format: FixtureFormat
  /// Spaces per level for JSON (`--indent`); nil for one line per object.
  var indent: Int?

  /// One row as its serialized object.
  func object(_ row: ModelInstance, _ connection: Connection) throws -> ModelValue {
    let model = row.model
    var fields = OrderedDictionary()
    // Django's order: the concrete fields, then the many-to-many ones.
    for field in model.fields.filter({ $0.type != .manyToMany }) + model.fields.filter({ $0.type == .manyToMany }) where !field.primaryKey {
      if field.type == .manyToMany {
        guard let relation = schema.relation(named: field.name, from: model) else { continue }
        let keyField = relation.to.primaryKey ?? FieldSchema(name: "id", type: .auto)
        let keys = try ManyToManyLinks(relation: relation, owner: try row.pk.sqlValue(for: row.primaryKeyField)).keys(connection)
        fields[field.name] = .list(keys.map { Self.serialized(ModelValue($0, field: keyField)) })
      } else if field.isConcrete {
        let value = row.values[field.name] ?? .null
        fields[field.name] = Self.serialized(value)
      }
    }
    return .dict(OrderedDictionary([("model", .text(model.labelLower)), ("pk", Self.serialized(row.pk)), ("fields", .dict(fields))]))
  }

  /// A stored value in the serializer's form: JSON's, but for a duration, which is
  /// `duration_string`'s text (DjangoJSONEncoder would write seconds).
  static func serialized(_ value: ModelValue) -> ModelValue {
    if case .duration(let micro) = value { return .text(DjangoDurationText.string(microseconds: micro)) }
    return value
  }

  /// The text before the first object, between two, and after the last.
  var opening: String { format == .json ? "[" : "" }
  func separator(first: Bool) -> String {
    switch format {
    case .json: first ? (indent == nil ? "" : "\n") : (indent == nil ? ", " : ",\n")
    case .jsonl, .yaml: ""
    }
  }
  var closing: String { format == .json ? (indent == nil ? "]\n" : "\n]\n") : "" }

  /// One object's text.
  func text(_ object: ModelValue) -> String {
    var output = ""
    switch format {
    case .json:
      if let indent { Self.writeIndented(object, indent: indent, level: 0, to: &output) } else { object.writeJSON(to: &output) }
    case .jsonl:
      object.writeJSON(to: &output)
      output += "\n"
    case .yaml:
      Self.writeYAML(object, to: &output)
    }
    return output
  }

  /// Python's `json.dumps(indent=N)`: one item a line, `[]` and `{}` when empty.
  static func writeIndented(_ value: ModelValue, indent: Int, level: Int, to output: inout String) {
    let inner = String(repeating: " ", count: indent * (level + 1))
    let outer = String(repeating: " ", count: indent * level)
    switch value {
    case .list(let items) where !items.isEmpty:
      output += "[\n"
      for (index, item) in items.enumerated() {
        output += (index > 0 ? ",\n" : "") + inner
        writeIndented(item, indent: indent, level: level + 1, to: &output)
      }
      output += "\n" + outer + "]"
    case .dict(let entries) where !entries.pairs.isEmpty:
      output += "{\n"
      for (index, (key, item)) in entries.pairs.enumerated() {
        output += (index > 0 ? ",\n" : "") + inner + ModelValue.jsonQuote(key) + ": "
        writeIndented(item, indent: indent, level: level + 1, to: &output)
      }
      output += "\n" + outer + "}"
    default:
      value.writeJSON(to: &output)
    }
  }

  /// A block sequence item per object; each field's value as JSON, which is YAML's flow style
  /// (a quoted string stays a string, so `"yes"` or `"1.50"` keeps its type).
  static func writeYAML(_ object: ModelValue, to output: inout String) {
    guard case .dict(let entries) = object else { return }
    for (index, (key, value)) in entries.pairs.enumerated() {
      output += (index == 0 ? "- " : "  ") + key + ":"
      if key == "model", case .text(let label) = value {
        output += " " + label + "\n"  // app_label.model_name: plain, as Django writes it
        continue
      }
      if case .dict(let fields) = value {
        if fields.pairs.isEmpty { output += " {}\n"; continue }
        output += "\n"
        for (name, item) in fields.pairs {
          output += "    " + name + ": "
          item.writeJSON(to: &output)
          output += "\n"
        }
      } else {
        output += " "
        value.writeJSON(to: &output)
        output += "\n"
      }
    }
  }
}
