extension ModelSchema {
  /// A row as templates see it (models' events, llm tasks' input): every stored field by name,
  /// a foreign key as its related row's key (also as `<name>_id`), and `pk`.
  public func templateFields(_ value: (FieldSchema) -> ModelValue) -> OrderedDictionary {
    var fields = OrderedDictionary()
    for field in self.fields where field.isConcrete {
      let stored = value(field)
      fields[field.name] = stored
      if field.type.isConcreteRelation { fields[field.name + "_id"] = stored }
      if field.primaryKey { fields["pk"] = stored }
    }
    return fields
  }
}

/// Where the ORM's writes meet models' `on:` events: the rows written are turned into
/// `ModelEvent`s and handed to the connection's handler inside the write's savepoint, so a
/// handler that fails (or a rollback later) takes the jobs and the rows back together.
enum ModelEventFiring {
  /// Whether `model` has rules of `kind` and the connection can act on them.
  static func wanted(_ model: ModelSchema, _ kind: ModelEvents.Kind, _ connection: Connection) -> Bool {
    connection.eventHandler != nil && !model.events.rules(for: kind).isEmpty
  }

  /// The events of `kind` for a row (`changed` for updates: a rule with `when.changed` runs
  /// only when one of its fields is among them).
  static func fire(_ kind: ModelEvents.Kind, _ model: ModelSchema, row: OrderedDictionary, changed: [String] = [], _ connection: Connection) throws {
    guard let handler = connection.eventHandler else { return }
    let events = model.events.rules(for: kind).filter { rule in
      guard let wanted = rule.changed else { return true }
      return wanted.contains { changed.contains($0) }
    }.map { ModelEvent(rule: $0, model: model, row: row, changed: changed) }
    if !events.isEmpty { try handler.handle(events, on: connection) }
  }

  /// A row's stored fields by name as events see them, from its SQL values.
  static func row(_ model: ModelSchema, columns: [String], values: [SQLValue]) -> OrderedDictionary {
    var byColumn: [String: SQLValue] = [:]
    for (column, value) in zip(columns, values) { byColumn[column] = value }
    return model.templateFields { field in field.column.flatMap { byColumn[$0] }.map { ModelValue($0, field: field) } ?? .null }
  }

  /// The stored rows of `model` with these primary keys, as events see them.
  static func rows(_ model: ModelSchema, keys: [SQLValue], _ connection: Connection) throws -> [SQLValue: OrderedDictionary] {
    let columns = model.fields.filter(\.isConcrete).compactMap(\.column)
    let key = model.primaryKey?.column ?? "id"
    var found: [SQLValue: OrderedDictionary] = [:]
    for start in stride(from: 0, to: keys.count, by: 900) {
      let chunk = Array(keys[start..<min(start + 900, keys.count)])
      let sql = "SELECT \(columns.map(Identifier.quoted).joined(separator: ", ")) FROM \(Identifier.quoted(model.dbTable)) WHERE \(Identifier.quoted(key)) IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ", ")))"
      for values in try connection.query(sql, chunk) {
        let stored = (0..<columns.count).map { values[$0] }
        guard let index = columns.firstIndex(of: key) else { continue }
        found[stored[index]] = row(model, columns: columns, values: stored)
      }
    }
    return found
  }

  /// The fields whose values differ between two views of a row.
  static func changed(_ model: ModelSchema, before: OrderedDictionary, after: OrderedDictionary) -> [String] {
    model.fields.filter(\.isConcrete).map(\.name).filter { before[$0] != after[$0] }
  }
}
