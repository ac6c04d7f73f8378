import Foundation

extension QuerySet {
  /// `create(**values)`: a new row with defaults applied, saved, returned.
  public func create(_ pairs: [(String, ModelValue)], _ connection: Connection) throws -> ModelInstance {
    let object = try ModelInstance(model: model, assigning: pairs)
    try object.save(connection, schema: schema, forceInsert: true)
    return object
  }

  /// `bulk_create([...])`: inserts every unsaved instance in one transaction through one
  /// prepared statement, setting their primary keys.
  @discardableResult
  public func bulkCreate(_ objects: [ModelInstance], _ connection: Connection) throws -> [ModelInstance] {
    for object in objects where object.model.labelLower != model.labelLower {
      throw QueryError("bulk_create() takes \(model.name) objects, got a \(object.model.name).", kind: "TypeError")
    }
    try connection.savepoint("manage_bulk_create") {
      let now = CivilDateTime.now()
      var statements: [String: Statement] = [:]
      for object in objects {
        let (sql, arguments) = try object.insertStatement(now: now, schema: schema)
        let statement = try statements[sql] ?? connection.prepare(sql)
        statements[sql] = statement
        try statement.bind(arguments)
        try statement.step()
        object.adoptInsertedKey(connection)
      }
      if ModelEventFiring.wanted(model, .created, connection) {
        let keys = try objects.map { try $0.pk.sqlValue(for: $0.primaryKeyField) }
        let rows = try ModelEventFiring.rows(model, keys: keys, connection)
        for key in keys { if let row = rows[key] { try ModelEventFiring.fire(.created, model, row: row, connection) } }
      }
    }
    return objects
  }

  /// `update(**values)`: one UPDATE over the matching rows (auto_now fields untouched, as in
  /// Django); values may be F expressions. Returns the number of rows.
  @discardableResult
  public func update(_ pairs: [(String, Operand)], _ connection: Connection) throws -> Int {
    guard !pairs.isEmpty else { return 0 }
    var compiler = QueryCompiler(schema: schema, base: model, annotations: [])
    var assignments: [String] = []
    var arguments: [SQLValue] = []
    for (name, operand) in pairs {
      guard let field = model.storedField(named: name) else {
        if model.field(name)?.type == .manyToMany {
          throw QueryError("Cannot update model field \(model.name).\(name) (only non-relations and foreign keys permitted).")
        }
        throw QueryError(
          "\(model.name) has no field named '\(name)'",
          hint: Suggestion.closest(to: name, in: model.fields.map(\.name)).map { "did you mean '\($0)'?" }, kind: "FieldDoesNotExist")
      }
      switch operand {
      case .value(let value):
        assignments.append("\(Identifier.quoted(field.column!)) = ?")
        let stored = field.type.isRelation ? schema.keyField(referencedBy: field) : field
        arguments.append(schema.dialect.durationArgument(try IntegerFieldRange.refusing(stored, on: schema.dialect) {
          field.type.isRelation ? try value.sqlValue(for: stored) : try FieldValidation.storedValue(value, for: field)
        }, for: field.type))
      case .expression(let expression):
        let fragment = try compiler.expression(expression)
        assignments.append("\(Identifier.quoted(field.column!)) = \(fragment.sql)")
        arguments += fragment.arguments
      case .subquery:
        throw QueryError("update() does not take a QuerySet as a value.", kind: "TypeError")
      }
    }
    if !compiler.joins.isEmpty {
      throw QueryError("Joined field references are not permitted in this query")
    }
    let selection = try compileSubquery(prefix: "u")
    let sql = "UPDATE \(Identifier.quoted(model.dbTable)) SET \(assignments.joined(separator: ", ")) WHERE \(Identifier.quoted(model.primaryKey?.column ?? "id")) IN (\(selection.sql))"
    return try connection.transaction(connection.isInTransaction ? .deferred : .immediate) {
      // update() sends no signal in Django; an `on: updated` rule runs for it too, with the
      // fields each row had changed, so no door that writes skips its jobs.
      guard ModelEventFiring.wanted(model, .updated, connection) else {
        try connection.run(sql, arguments + selection.arguments)
        return connection.changes
      }
      let keys = try connection.query(selection.sql, selection.arguments).map { $0[0] }
      let before = try ModelEventFiring.rows(model, keys: keys, connection)
      try connection.run(sql, arguments + selection.arguments)
      let count = connection.changes
      let after = try ModelEventFiring.rows(model, keys: keys, connection)
      for key in keys {
        guard let old = before[key], let new = after[key] else { continue }
        try ModelEventFiring.fire(.updated, model, row: new, changed: ModelEventFiring.changed(model, before: old, after: new), connection)
      }
      return count
    }
  }

  /// `get_or_create(defaults=..., **lookups)`: the row, and whether it was made.
  public func getOrCreate(
    _ lookups: [(String, ModelValue)], defaults: [(String, ModelValue)] = [], _ connection: Connection
  ) throws -> (ModelInstance, Bool) {
    try connection.savepoint("manage_get_or_create") {
      // One filter() call, as Django's get(**kwargs): the lookups share their joins.
      let query = lookups.isEmpty ? self : try filter(Q.all(lookups.map { ($0.0, .value($0.1)) }))
      do {
        if case .instance(let found) = try query.get(connection) { return (found, false) }
      } catch let error as QueryError where error.kind.hasSuffix(".DoesNotExist") {}
      let params = lookups.filter { !$0.0.contains("__") } + defaults
      return (try create(params, connection), true)
    }
  }

  /// `update_or_create(defaults=..., create_defaults=..., **lookups)`.
  public func updateOrCreate(
    _ lookups: [(String, ModelValue)], defaults: [(String, ModelValue)] = [], createDefaults: [(String, ModelValue)]? = nil,
    _ connection: Connection
  ) throws -> (ModelInstance, Bool) {
    try connection.savepoint("manage_update_or_create") {
      let query = lookups.isEmpty ? self : try filter(Q.all(lookups.map { ($0.0, .value($0.1)) }))
      do {
        if case .instance(let found) = try query.get(connection) {
          for (name, value) in defaults { try found.set(name, value) }
          try found.save(connection, schema: schema)
          return (found, false)
        }
      } catch let error as QueryError where error.kind.hasSuffix(".DoesNotExist") {}
      let params = lookups.filter { !$0.0.contains("__") } + (createDefaults ?? defaults)
      return (try create(params, connection), true)
    }
  }
}

extension ModelInstance {
  /// `save()`: INSERT when new, else UPDATE every column (and INSERT if the row is gone, as
  /// Django does). auto_now fields take the time; auto_now_add ones only on insert. A `raw`
  /// save (loaddata's) keeps the times the row already has, as Django's `save_base(raw=True)`.
  public func save(_ connection: Connection, schema: ProjectSchema, forceInsert: Bool = false, updateFields: [String]? = nil, raw: Bool = false) throws {
    var updateFields = updateFields
    if updateFields == nil, isStored, !deferred.isEmpty {
      updateFields = model.fields.filter { $0.isConcrete && !$0.primaryKey && !deferred.contains($0.name) }.map(\.name)
    }
    let now = CivilDateTime.now()
    try connection.savepoint("manage_save") {
      if !forceInsert, !pk.isNull {
        applyAutoNow(now, inserting: false, raw: raw)
        var columns: [String] = []
        var arguments: [SQLValue] = []
        for field in model.fields where field.isConcrete && !field.primaryKey {
          if let updateFields, !updateFields.contains(field.name), !(field.type.isConcreteRelation && updateFields.contains(field.column!)) {
            continue
          }
          columns.append("\(Identifier.quoted(field.column!)) = ?")
          arguments.append(try sqlValue(field, schema: schema))
        }
        if let updateFields {
          for name in updateFields where field(named: name) == nil {
            throw QueryError("The following fields do not exist in this model, are m2m fields, or are non-concrete fields: \(name)", kind: "ValueError")
          }
        }
        if columns.isEmpty { return }
        let key = try pk.sqlValue(for: primaryKeyField)
        let before = ModelEventFiring.wanted(model, .updated, connection) ? try ModelEventFiring.rows(model, keys: [key], connection)[key] : nil
        try connection.run(
          "UPDATE \(Identifier.quoted(model.dbTable)) SET \(columns.joined(separator: ", ")) WHERE \(Identifier.quoted(primaryKeyField.column!)) = ?",
          arguments + [key])
        if connection.changes > 0 || updateFields != nil {
          isStored = true
          if let before, let after = try ModelEventFiring.rows(model, keys: [key], connection)[key] {
            try ModelEventFiring.fire(.updated, model, row: after, changed: ModelEventFiring.changed(model, before: before, after: after), connection)
          }
          return
        }
      }
      let (sql, arguments) = try insertStatement(now: now, schema: schema, raw: raw)
      try connection.run(sql, arguments)
      adoptInsertedKey(connection)
      if ModelEventFiring.wanted(model, .created, connection) {
        let key = try pk.sqlValue(for: primaryKeyField)
        if let row = try ModelEventFiring.rows(model, keys: [key], connection)[key] { try ModelEventFiring.fire(.created, model, row: row, connection) }
      }
    }
  }

  func applyAutoNow(_ now: CivilDateTime, inserting: Bool, raw: Bool = false) {
    for field in model.fields where field.autoNow || (inserting && field.autoNowAdd) {
      if raw, let kept = values[field.name], !kept.isNull { continue }
      values[field.name] = field.type == .date ? .date(now.date) : .datetime(now)
    }
  }

  func sqlValue(_ field: FieldSchema, schema: ProjectSchema?) throws -> SQLValue {
    let value = values[field.name] ?? .null
    if field.type.isRelation {
      let key = schema?.keyField(referencedBy: field) ?? FieldSchema(name: "id", type: .integer)
      return try IntegerFieldRange.refusing(key, on: schema?.dialect) { try value.sqlValue(for: key) }
    }
    let stored = try IntegerFieldRange.refusing(field, on: schema?.dialect) { try FieldValidation.storedValue(value, for: field) }
    return schema?.dialect.durationArgument(stored, for: field.type) ?? stored
  }

  /// The INSERT for this row; an auto primary key left NULL is assigned by SQLite.
  func insertStatement(now: CivilDateTime, schema: ProjectSchema? = nil, raw: Bool = false) throws -> (String, [SQLValue]) {
    applyAutoNow(now, inserting: true, raw: raw)
    var columns: [String] = []
    var arguments: [SQLValue] = []
    for field in model.fields where field.isConcrete {
      if field.primaryKey && field.type.isAutoIncrement && pk.isNull { continue }
      if field.primaryKey && field.type == .uuid && pk.isNull { values[field.name] = .uuid(UUID()) }
      columns.append(Identifier.quoted(field.column!))
      arguments.append(try sqlValue(field, schema: schema))
    }
    let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
    let sql = columns.isEmpty
      ? "INSERT INTO \(Identifier.quoted(model.dbTable)) DEFAULT VALUES"
      : "INSERT INTO \(Identifier.quoted(model.dbTable)) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))"
    return (sql, arguments)
  }

  /// After an INSERT: the new auto primary key, and values normalised as stored (a decimal
  /// quantized, text dates parsed).
  func adoptInsertedKey(_ connection: Connection) {
    if pk.isNull, primaryKeyField.type.isAutoIncrement {
      pk = .int(connection.lastInsertRowID)
    } else if primaryKeyField.type.isAutoIncrement, connection.backend == .postgresql, let column = primaryKeyField.column {
      // An explicit id does not move PostgreSQL's identity sequence (SQLite's rowid follows by
      // itself): move it past the largest id, so the next create() does not collide. Django
      // leaves this to loaddata's sequence reset; manage does it on every explicit id.
      let table = Identifier.quoted(model.dbTable)
      _ = try? connection.scalar(
        "SELECT setval(pg_get_serial_sequence(?, ?), GREATEST((SELECT MAX(\(Identifier.quoted(column))) FROM \(table)), 1))",
        [.text(table), .text(column)])
    }
    for field in model.fields where field.isConcrete && !field.type.isRelation {
      if let value = values[field.name], let stored = try? value.sqlValue(for: field) {
        values[field.name] = ModelValue(stored, field: field)
      }
    }
    isStored = true
  }

  /// `refresh_from_db()`.
  public func refresh(_ connection: Connection, schema: ProjectSchema) throws {
    guard case .instance(let fresh) = try QuerySet(model: model, schema: schema).filter("pk", pk).get(connection) else { return }
    values = fresh.values
    related = [:]
  }
}
