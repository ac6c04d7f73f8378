import ManageCore

/// A row as the API shows it: every stored field by name (a foreign key as the related row's
/// key, as Django REST framework does), many-to-many fields as lists of keys, hidden fields left out.
enum RecordJSON {
  /// The one row `query` selects as a JSON object, or nil when it selects none: read as a list
  /// page reads rows, so a retrieve, a write's answer and a list show a row the same way.
  static func object(_ query: QuerySet, state: SiteState, _ connection: Connection) throws -> String? {
    let rows = try array(query.slice(0, 1), state: state, connection)
    return rows == "[]" ? nil : String(rows.dropFirst().dropLast())
  }
}

extension RecordJSON {
  /// The rows of an instances query as a JSON array, written straight from SQLite's stored
  /// values: no row objects, and text, integers and stored
  /// datetimes copied without being parsed and formatted again. The API's list pages are this.
  static func array(_ query: QuerySet, state: SiteState, _ connection: Connection) throws -> String {
    let model = query.model
    let outputFields = try query.outputFields()
    // Each shown field: where its column is in a row, or nil for a many-to-many list.
    let plan: [(FieldSchema, Int?)] = model.fields.compactMap { field in
      if state.isHidden(field, of: model) { return nil }
      if field.type == .manyToMany { return (field, nil) }
      guard let index = outputFields.firstIndex(where: { $0?.name == field.name }) else { return nil }
      return (field, index)
    }
    let keyIndex = outputFields.firstIndex { $0?.name == (model.primaryKey?.name ?? "id") }
    var output = "["
    var first = true
    try query.forEachStoredRow(connection) { values, _ in
      output += first ? "{" : ", {"
      first = false
      for (position, (field, index)) in plan.enumerated() {
        if position > 0 { output += ", " }
        output += ModelValue.jsonQuote(field.name)
        output += ": "
        if let index {
          writeStored(values[index], field, to: &output)
        } else if let keyIndex, let relation = state.schema.relation(named: field.name, from: model) {
          let keys = try ManyToManyLinks(relation: relation, owner: values[keyIndex]).keys(connection)
          ModelValue.list(keys.map { ModelValue($0) }).writeJSON(to: &output)
        } else {
          output += "[]"
        }
      }
      output += "}"
    }
    return output + "]"
  }

  /// One stored value as JSON, as `ModelValue(value, field:).writeJSON` would write it.
  static func writeStored(_ value: SQLValue, _ field: FieldSchema, to output: inout String) {
    switch (value, field.type) {
    case (.null, _):
      output += "null"
    case (.text(let text), let type) where type.isTextual:
      output += ModelValue.jsonQuote(text)
    case (.integer(let number), let type) where type.isInteger || type.isConcreteRelation:
      output += String(number)
    case (.text(let text), .datetime) where isPlainStoredDateTime(text):
      // `2026-11-27 15:15:30[.123456]` is written `"2026-11-27T15:15:30[.123456]Z"`.
      output += "\"" + text.prefix(10) + "T" + text.dropFirst(11) + "Z\""
    default:
      ModelValue(value, field: field).writeJSON(to: &output)
    }
  }

  /// Whether `text` is a datetime in the form this tool and Django store (UTC, no offset, the
  /// fraction only when it is not zero), so it can be copied instead of parsed.
  static func isPlainStoredDateTime(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard bytes.count == 19 || (bytes.count == 26 && bytes[19] == UInt8(ascii: ".") && !text.hasSuffix(".000000")) else { return false }
    for (index, byte) in bytes.enumerated() {
      switch index {
      case 4, 7: if byte != UInt8(ascii: "-") { return false }
      case 10: if byte != UInt8(ascii: " ") { return false }
      case 13, 16: if byte != UInt8(ascii: ":") { return false }
      case 19: continue
      default: if byte < 48 || byte > 57 { return false }
      }
    }
    return true
  }
}
