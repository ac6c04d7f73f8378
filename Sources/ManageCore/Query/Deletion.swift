/// What a delete removed: the total and the rows per model label, Django's
/// `(3, {'blog.Post': 2, 'blog.Author': 1})`.
public struct DeletionResult: Sendable {
  public var total: Int
  public var perModel: [(String, Int)]
}

/// Deletes rows the way Django's Collector does: rows that point at a deleted row are
/// cascaded, protected (ProtectedError), restricted (RestrictedError unless they are being
/// deleted through a cascade anyway), set to NULL or to their default, or left alone, as
/// each foreign key's `on_delete` says. All in one transaction: an error deletes nothing.
struct DeletionCollector {
  let schema: ProjectSchema
  let connection: Connection
  /// Primary keys to delete per model label, in the order the models were reached.
  private var doomed: [(model: ModelSchema, keys: [SQLValue])] = []
  private var doomedSets: [String: Set<SQLValue>] = [:]
  private var fieldUpdates: [(model: ModelSchema, field: FieldSchema, keys: [SQLValue], value: SQLValue)] = []
  private var protected: [(model: ModelSchema, field: FieldSchema, keys: [SQLValue])] = []
  private var restricted: [(model: ModelSchema, field: FieldSchema, keys: [SQLValue])] = []

  init(schema: ProjectSchema, connection: Connection) {
    self.schema = schema
    self.connection = connection
  }

  mutating func collect(_ model: ModelSchema, keys: [SQLValue]) throws {
    let known = doomedSets[model.labelLower, default: []]
    let fresh = keys.filter { !known.contains($0) }
    guard !fresh.isEmpty else { return }
    doomedSets[model.labelLower, default: []].formUnion(fresh)
    doomed.append((model, fresh))
    for (_, _, relation) in schema.reverseRelations(of: model) where relation.field.type != .manyToMany {
      let holder = relation.holder
      let pointing = try keysOf(holder, where: relation.field.column!, in: fresh)
      guard !pointing.isEmpty else { continue }
      switch relation.field.onDelete ?? .cascade {
      case .cascade: try collect(holder, keys: pointing)
      case .protect: protected.append((holder, relation.field, pointing))
      case .restrict: restricted.append((holder, relation.field, pointing))
      case .setNull: fieldUpdates.append((holder, relation.field, pointing, .null))
      case .setDefault:
        let value = try relation.field.default.map { try ModelValue(default: $0, field: relation.field).sqlValue(for: schema.keyField(referencedBy: relation.field)) } ?? .null
        fieldUpdates.append((holder, relation.field, pointing, value))
      case .doNothing: break
      }
    }
    // A one-to-one or foreign key declared on a model reached through reverse relations of
    // relations to `model` is covered by the recursion; relations with related_name '+' too:
    for holder in schema.models {
      for field in holder.fields where field.type.isConcreteRelation && field.relatedModel?.lowercased() == model.labelLower && field.relatedName?.hasSuffix("+") == true {
        let pointing = try keysOf(holder, where: field.column!, in: fresh)
        if !pointing.isEmpty, (field.onDelete ?? .cascade) == .cascade { try collect(holder, keys: pointing) }
      }
    }
  }

  private func keysOf(_ model: ModelSchema, where column: String, in keys: [SQLValue]) throws -> [SQLValue] {
    var result: [SQLValue] = []
    let primaryKey = Identifier.quoted(model.primaryKey?.column ?? "id")
    // SQLite allows 32,766 variables; stay well below it.
    for start in stride(from: 0, to: keys.count, by: 900) {
      let chunk = Array(keys[start..<min(start + 900, keys.count)])
      let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
      let rows = try connection.query(
        "SELECT \(primaryKey) FROM \(Identifier.quoted(model.dbTable)) WHERE \(Identifier.quoted(column)) IN (\(marks))", chunk)
      result += rows.map { $0[0] }
    }
    return result
  }

  /// Checks protect and restrict, then runs the updates and deletes.
  func execute() throws -> DeletionResult {
    if let first = protected.first {
      let names = Set(protected.map { "'\($0.model.name).\($0.field.name)'" }).sorted().joined(separator: ", ")
      let target = first.field.relatedModel.flatMap(schema.model)?.name ?? "?"
      throw QueryError(
        "(\"Cannot delete some instances of model '\(target)' because they are referenced through protected foreign keys: \(names).\", …)",
        hint: "delete or re-point the \(first.model.name) rows first (\(first.keys.count) of them)", kind: "ProtectedError")
    }
    for entry in restricted {
      let deleting = doomedSets[entry.model.labelLower, default: []]
      if entry.keys.contains(where: { !deleting.contains($0) }) {
        let target = entry.field.relatedModel.flatMap(schema.model)?.name ?? "?"
        throw QueryError(
          "(\"Cannot delete some instances of model '\(target)' because they are referenced through restricted foreign keys: '\(entry.model.name).\(entry.field.name)'.\", …)",
          kind: "RestrictedError")
      }
    }
    var counts: [(String, Int)] = []
    func add(_ label: String, _ count: Int) {
      guard count > 0 else { return }
      if let index = counts.firstIndex(where: { $0.0 == label }) { counts[index].1 += count } else { counts.append((label, count)) }
    }
    for update in fieldUpdates {
      let deleting = doomedSets[update.model.labelLower, default: []]
      let keys = update.keys.filter { !deleting.contains($0) }
      try inChunks(keys) { marks, chunk in
        try connection.run(
          "UPDATE \(Identifier.quoted(update.model.dbTable)) SET \(Identifier.quoted(update.field.column!)) = ? WHERE \(Identifier.quoted(update.model.primaryKey?.column ?? "id")) IN (\(marks))",
          [update.value] + chunk)
      }
    }
    // Children first: the reverse of the order they were reached.
    for (model, keys) in doomed.reversed() {
      // Many-to-many rows go with either end.
      for holder in schema.models {
        for field in holder.fields where field.type == .manyToMany {
          let columns = ThroughTable.columns(holder, target: field.relatedModel ?? "")
          var column: String?
          if holder.labelLower == model.labelLower { column = columns.from }
          if field.relatedModel?.lowercased() == model.labelLower { column = column == nil ? columns.to : column }
          guard let column else { continue }
          let table = ThroughTable.name(holder, field)
          try inChunks(keys) { marks, chunk in
            try connection.run("DELETE FROM \(Identifier.quoted(table)) WHERE \(Identifier.quoted(column)) IN (\(marks))", chunk)
            add("\(holder.label)_\(field.name)", connection.changes)
          }
          if holder.labelLower == model.labelLower && field.relatedModel?.lowercased() == model.labelLower {
            try inChunks(keys) { marks, chunk in
              try connection.run("DELETE FROM \(Identifier.quoted(table)) WHERE \(Identifier.quoted(columns.to)) IN (\(marks))", chunk)
              add("\(holder.label)_\(field.name)", connection.changes)
            }
          }
        }
      }
      // Rows as they were, for `on: deleted` (cascaded rows too, as Django's post_delete).
      let gone = ModelEventFiring.wanted(model, .deleted, connection) ? try ModelEventFiring.rows(model, keys: keys, connection) : [:]
      try inChunks(keys) { marks, chunk in
        try connection.run(
          "DELETE FROM \(Identifier.quoted(model.dbTable)) WHERE \(Identifier.quoted(model.primaryKey?.column ?? "id")) IN (\(marks))", chunk)
        add(model.label, connection.changes)
      }
      for key in keys { if let row = gone[key] { try ModelEventFiring.fire(.deleted, model, row: row, connection) } }
    }
    return DeletionResult(total: counts.reduce(0) { $0 + $1.1 }, perModel: counts.reversed())
  }

  private func inChunks(_ keys: [SQLValue], _ body: (String, [SQLValue]) throws -> Void) throws {
    for start in stride(from: 0, to: keys.count, by: 900) {
      let chunk = Array(keys[start..<min(start + 900, keys.count)])
      try body(Array(repeating: "?", count: chunk.count).joined(separator: ", "), chunk)
    }
  }
}

extension QuerySet {
  /// `delete()`: the matching rows and everything their foreign keys' `on_delete` takes
  /// with them, in one transaction.
  @discardableResult
  public func delete(_ connection: Connection) throws -> DeletionResult {
    if isSliced { throw QueryError("Cannot use 'limit' or 'offset' with delete().", kind: "TypeError") }
    if isDistinct { throw QueryError("Cannot call delete() after .distinct().", kind: "TypeError") }
    return try connection.savepoint("manage_delete") {
      let selection = try compile(onlyPrimaryKey: true)
      let keys = try connection.query(selection.sql, selection.arguments).map { $0[0] }
      var collector = DeletionCollector(schema: schema, connection: connection)
      try collector.collect(model, keys: keys)
      return try collector.execute()
    }
  }
}

extension ModelInstance {
  /// `delete()` on one row.
  @discardableResult
  public func delete(_ connection: Connection, schema: ProjectSchema) throws -> DeletionResult {
    guard !pk.isNull else {
      throw QueryError("\(model.name) object can't be deleted because its id attribute is set to None.", kind: "ValueError")
    }
    let result = try QuerySet(model: model, schema: schema).filter("pk", pk).delete(connection)
    pk = .null
    isStored = false
    return result
  }
}
