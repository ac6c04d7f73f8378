import Foundation
import ManageCore

/// Django's PostgreSQL schema editor (`django/db/backends/postgresql/schema.py`): tables made
/// with Django's column types and identity keys, foreign keys as named `DEFERRABLE INITIALLY
/// DEFERRED` constraints and their indexes added at the end of the migration (Django's
/// `deferred_sql`), the `_like` pattern-ops indexes, unique_together as named constraints, and
/// every change made in place with ALTER TABLE (PostgreSQL's DDL is transactional, so a
/// migration still commits or rolls back whole). Names are Django's hashes with PostgreSQL's
/// 63-character limit.
final class PostgresSchemaEditor: SchemaEditor {
  private let maxLength = SchemaNames.postgresMaxNameLength

  private func name(_ table: String, _ columns: [String], _ suffix: String) -> String {
    SchemaNames.indexName(table: table, columns: columns, suffix: suffix, maxLength: maxLength)
  }

  private func q(_ identifier: String) -> String { Identifier.quoted(identifier) }

  private func column(_ field: FieldSchema) -> String { field.column ?? field.name }

  // MARK: - Models

  override func createModel(_ model: ModelSchema, state: ProjectState) throws {
    var parts = model.fields.filter(\.isConcrete).map { PostgresColumnSQL.definition($0, state: state) }
    for constraint in model.constraints {
      switch constraint.kind {
      case .check(let expression): parts.append("CONSTRAINT \(q(constraint.name)) CHECK (\(expression))")
      case .unique(let fields, nil): parts.append("CONSTRAINT \(q(constraint.name)) UNIQUE (\(columnList(fields, in: model)))")
      case .unique: break
      }
    }
    try run("CREATE TABLE \(q(model.dbTable)) (\(parts.joined(separator: ", ")))")
    for group in model.uniqueTogether { deferred.append(uniqueTogetherSQL(model, group)) }
    for field in model.fields where field.type.isConcreteRelation {
      if let sql = foreignKeySQL(model, field, state: state) { deferred.append(sql) }
    }
    for field in model.fields where field.isConcrete { deferred += fieldIndexSQL(model, field, state: state) }
    for index in model.indexes { deferred.append(modelIndexSQL(index, model)) }
    for constraint in model.constraints {
      if case .unique(let fields, let condition?) = constraint.kind {
        deferred.append("CREATE UNIQUE INDEX \(q(constraint.name)) ON \(q(model.dbTable)) (\(columnList(fields, in: model))) WHERE \(condition)")
      }
    }
    for field in model.fields where field.type == .manyToMany { try createThroughTable(model, field, state: state) }
  }

  override func deleteModel(_ model: ModelSchema) throws {
    for field in model.fields where field.type == .manyToMany {
      try run("DROP TABLE \(q(SchemaNames.throughTable(model, field))) CASCADE")
    }
    try run("DROP TABLE \(q(model.dbTable)) CASCADE")
  }

  override func renameModel(from old: ModelSchema, to new: ModelSchema, newState: ProjectState, oldState: ProjectState) throws {
    if old.dbTable != new.dbTable {
      try run("ALTER TABLE \(q(old.dbTable)) RENAME TO \(q(new.dbTable))")
    }
    // Index and constraint names stay as they were, as Django leaves them on a table rename.
    for change in Self.throughTableChanges(from: old, to: new, newState: newState, oldState: oldState) {
      if change.oldTable != change.newTable { try run("ALTER TABLE \(q(change.oldTable)) RENAME TO \(q(change.newTable))") }
      try renameColumn(change.newTable, change.oldColumns.from, change.newColumns.from)
      try renameColumn(change.newTable, change.oldColumns.to, change.newColumns.to)
    }
  }

  // MARK: - Fields

  override func addField(_ field: FieldSchema, from old: ModelSchema, to new: ModelSchema, state: ProjectState) throws {
    if field.type == .manyToMany { return try createThroughTable(new, field, state: state) }
    try addColumn(field, to: new, state: state, oneOff: nil)
  }

  /// ADD COLUMN; existing rows get the constant default (kept, as manage keeps defaults in the
  /// table), or a one-off or per-migration value (`now`) that is dropped again, as Django does.
  private func addColumn(_ field: FieldSchema, to model: ModelSchema, state: ProjectState, oneOff: FieldValue?) throws {
    let table = q(model.dbTable)
    var definition = PostgresColumnSQL.definition(field, state: state)
    var temporary: String?
    if PostgresColumnSQL.defaultLiteral(field) == nil || oneOff != nil, !field.null,
       let value = oneOff ?? field.default,
       let literal = PostgresColumnSQL.literal(ColumnSQL.storedValue(value, type: field.type), type: field.type)
    {
      temporary = literal
      definition = PostgresColumnSQL.definition(field, state: state, withDefault: false)
      let head = "\(q(column(field))) \(PostgresColumnSQL.dataType(field, state: state))"
      definition = head + " DEFAULT \(literal)" + definition.dropFirst(head.count)
    }
    try run("ALTER TABLE \(table) ADD COLUMN \(definition)")
    if temporary != nil {
      try run("ALTER TABLE \(table) ALTER COLUMN \(q(column(field))) DROP DEFAULT")
      if let literal = PostgresColumnSQL.defaultLiteral(field) {
        try run("ALTER TABLE \(table) ALTER COLUMN \(q(column(field))) SET DEFAULT \(literal)")
      }
    }
    if field.type.isConcreteRelation, let sql = foreignKeySQL(model, field, state: state) { deferred.append(sql) }
    deferred += fieldIndexSQL(model, field, state: state)
  }

  override func removeField(_ field: FieldSchema, from old: ModelSchema, to new: ModelSchema, state: ProjectState) throws {
    if field.type == .manyToMany {
      return try run("DROP TABLE \(q(SchemaNames.throughTable(old, field))) CASCADE")
    }
    // CASCADE drops the column's indexes and constraints with it.
    try run("ALTER TABLE \(q(old.dbTable)) DROP COLUMN \(q(column(field))) CASCADE")
  }

  /// The one-off default of an AddField that does not keep it (`preserve_default: false`).
  override func remake(
    from old: ModelSchema, to new: ModelSchema, state: ProjectState, added: [String: FieldSchema] = [:],
    renamed: [String: String] = [:], fillNulls: [String: FieldValue] = [:]
  ) throws {
    for (name, oneOff) in added {
      guard let field = new.field(name) else { continue }
      try addColumn(field, to: new, state: state, oneOff: oneOff.default)
    }
  }

  override func alterField(
    from oldField: FieldSchema, to newField: FieldSchema, old: ModelSchema, new: ModelSchema, state: ProjectState,
    fillNulls: FieldValue? = nil
  ) throws {
    if oldField.type == .manyToMany && newField.type == .manyToMany {
      let oldThrough = SchemaNames.throughTable(old, oldField)
      let newThrough = SchemaNames.throughTable(new, newField)
      if oldThrough != newThrough { try run("ALTER TABLE \(q(oldThrough)) RENAME TO \(q(newThrough))") }
      return
    }
    if Self.databaseShape(oldField) == Self.databaseShape(newField) { return }
    let table = q(new.dbTable)
    let oldColumn = column(oldField)
    let newColumn = column(newField)
    let oldType = PostgresColumnSQL.dataType(oldField, state: state)
    let newType = PostgresColumnSQL.dataType(newField, state: state)
    let relationChanged = oldField.type.isConcreteRelation && (!newField.type.isConcreteRelation || oldField.to != newField.to || oldType != newType)
    if relationChanged { try dropConstraints(new.dbTable, column: oldColumn, kind: "f") }
    let oldIndexed = wantsIndex(oldField)
    let newIndexed = wantsIndex(newField)
    if oldField.unique && !newField.unique || oldField.primaryKey != newField.primaryKey && !newField.primaryKey {
      try dropConstraints(new.dbTable, column: oldColumn, kind: "u")
    }
    if oldIndexed && !newIndexed || (PostgresColumnSQL.likeOperatorClass(oldField, state: state) != nil && oldType != newType) {
      try dropIndexes(new.dbTable, column: oldColumn)
    }
    if oldField.type.isPositive && !newField.type.isPositive { try dropConstraints(new.dbTable, column: oldColumn, kind: "c") }
    if oldColumn != newColumn { try renameColumn(new.dbTable, oldColumn, newColumn) }
    let column = q(newColumn)
    if oldType != newType {
      // Django adds USING when PostgreSQL has no implicit cast between the two types.
      let family: (String) -> String = { String($0.prefix { $0 != "(" }) }
      let using = family(oldType) == family(newType) ? "" : " USING \(column)::\(newType)"
      try run("ALTER TABLE \(table) ALTER COLUMN \(column) TYPE \(newType)\(using)")
    }
    let oldDefault = PostgresColumnSQL.defaultLiteral(oldField)
    let newDefault = PostgresColumnSQL.defaultLiteral(newField)
    if oldField.null && !newField.null, let value = fillNulls ?? newField.default,
       let literal = PostgresColumnSQL.literal(ColumnSQL.storedValue(value, type: newField.type), type: newField.type)
    {
      // Django's four-way default: existing NULLs take the value before NOT NULL is set.
      try run("UPDATE \(table) SET \(column) = \(literal) WHERE \(column) IS NULL")
    }
    if oldDefault != newDefault {
      try run("ALTER TABLE \(table) ALTER COLUMN \(column) " + (newDefault.map { "SET DEFAULT \($0)" } ?? "DROP DEFAULT"))
    }
    if oldField.null != newField.null && !newField.primaryKey {
      try run("ALTER TABLE \(table) ALTER COLUMN \(column) \(newField.null ? "DROP" : "SET") NOT NULL")
    }
    if newField.unique && !oldField.unique && !newField.primaryKey {
      try run("ALTER TABLE \(table) ADD CONSTRAINT \(q(name(new.dbTable, [newColumn], "_uniq"))) UNIQUE (\(column))")
    }
    if newField.type.isPositive && !oldField.type.isPositive {
      try run("ALTER TABLE \(table) ADD CONSTRAINT \(q(name(new.dbTable, [newColumn], "_check"))) CHECK (\(column) >= 0)")
    }
    if newIndexed && (!oldIndexed || (PostgresColumnSQL.likeOperatorClass(oldField, state: state) != nil && oldType != newType)) {
      for statement in fieldIndexSQL(new, newField, state: state) { try run(statement) }
    } else if newIndexed, PostgresColumnSQL.likeOperatorClass(oldField, state: state) == nil,
              let like = likeIndexSQL(new, newField, state: state)
    {
      try run(like)
    }
    if newField.type.isConcreteRelation && (relationChanged || !oldField.type.isConcreteRelation),
       let sql = foreignKeySQL(new, newField, state: state)
    {
      try run(sql)
    }
  }

  override func renameField(from oldField: FieldSchema, to newField: FieldSchema, old: ModelSchema, new: ModelSchema) throws {
    if oldField.type == .manyToMany {
      let oldThrough = SchemaNames.throughTable(old, oldField)
      let newThrough = SchemaNames.throughTable(new, newField)
      if oldThrough != newThrough { try run("ALTER TABLE \(q(oldThrough)) RENAME TO \(q(newThrough))") }
      return
    }
    try renameColumn(new.dbTable, column(oldField), column(newField))
  }

  private func renameColumn(_ table: String, _ old: String, _ new: String) throws {
    guard old != new else { return }
    try run("ALTER TABLE \(q(table)) RENAME COLUMN \(q(old)) TO \(q(new))")
  }

  // MARK: - Indexes and constraints

  override func addIndex(_ index: IndexSchema, model: ModelSchema) throws { try run(modelIndexSQL(index, model)) }

  override func changeConstraint(_ constraint: ConstraintSchema, adding: Bool, old: ModelSchema, new: ModelSchema, state: ProjectState) throws {
    let table = q(new.dbTable)
    switch constraint.kind {
    case .unique(let fields, let condition?):
      try run(adding
        ? "CREATE UNIQUE INDEX \(q(constraint.name)) ON \(table) (\(columnList(fields, in: new))) WHERE \(condition)"
        : "DROP INDEX IF EXISTS \(q(constraint.name))")
    case .unique(let fields, nil):
      try run(adding
        ? "ALTER TABLE \(table) ADD CONSTRAINT \(q(constraint.name)) UNIQUE (\(columnList(fields, in: new)))"
        : "ALTER TABLE \(table) DROP CONSTRAINT \(q(constraint.name))")
    case .check(let expression):
      try run(adding
        ? "ALTER TABLE \(table) ADD CONSTRAINT \(q(constraint.name)) CHECK (\(expression))"
        : "ALTER TABLE \(table) DROP CONSTRAINT \(q(constraint.name))")
    }
  }

  override func alterUniqueTogether(old: ModelSchema, new: ModelSchema) throws {
    let before = old.uniqueTogether.map { group in group.map { old.field($0)?.column ?? $0 } }
    let after = new.uniqueTogether.map { group in group.map { new.field($0)?.column ?? $0 } }
    for columns in before where !after.contains(columns) {
      try run("ALTER TABLE \(q(new.dbTable)) DROP CONSTRAINT \(q(name(new.dbTable, columns, "_uniq")))")
    }
    for group in new.uniqueTogether where !before.contains(group.map { new.field($0)?.column ?? $0 }) {
      try run(uniqueTogetherSQL(new, group))
    }
  }

  // MARK: - SQL text

  private func columnList(_ fields: [String], in model: ModelSchema) -> String {
    fields.map { name in
      let descending = name.hasPrefix("-")
      let bare = descending ? String(name.dropFirst()) : name
      return q(model.field(bare)?.column ?? bare) + (descending ? " DESC" : "")
    }.joined(separator: ", ")
  }

  private func uniqueTogetherSQL(_ model: ModelSchema, _ group: [String]) -> String {
    let columns = group.map { model.field($0)?.column ?? $0 }
    return "ALTER TABLE \(q(model.dbTable)) ADD CONSTRAINT \(q(name(model.dbTable, columns, "_uniq"))) UNIQUE (\(columns.map(q).joined(separator: ", ")))"
  }

  private func foreignKeySQL(_ model: ModelSchema, _ field: FieldSchema, state: ProjectState) -> String? {
    guard let target = field.to.flatMap(state.model(label:)) else { return nil }
    let key = target.primaryKey?.column ?? "id"
    let constraint = name(model.dbTable, [column(field)], "_fk_\(target.dbTable)_\(key)")
    return "ALTER TABLE \(q(model.dbTable)) ADD CONSTRAINT \(q(constraint)) FOREIGN KEY (\(q(column(field)))) REFERENCES \(q(target.dbTable)) (\(q(key))) DEFERRABLE INITIALLY DEFERRED"
  }

  /// Django's `_field_should_be_indexed`: db_index (a foreign key's by default) and not unique.
  private func wantsIndex(_ field: FieldSchema) -> Bool {
    field.isConcrete && !field.primaryKey && !field.unique && field.type != .oneToOne && (field.dbIndex || field.type == .foreignKey)
  }

  /// A field's own index and its `_like` index, in Django's order.
  private func fieldIndexSQL(_ model: ModelSchema, _ field: FieldSchema, state: ProjectState) -> [String] {
    var result: [String] = []
    if wantsIndex(field) {
      result.append("CREATE INDEX \(q(name(model.dbTable, [column(field)], ""))) ON \(q(model.dbTable)) (\(q(column(field))))")
    }
    if let like = likeIndexSQL(model, field, state: state) { result.append(like) }
    return result
  }

  private func likeIndexSQL(_ model: ModelSchema, _ field: FieldSchema, state: ProjectState) -> String? {
    guard let operatorClass = PostgresColumnSQL.likeOperatorClass(field, state: state) else { return nil }
    return "CREATE INDEX \(q(name(model.dbTable, [column(field)], "_like"))) ON \(q(model.dbTable)) (\(q(column(field))) \(operatorClass))"
  }

  private func modelIndexSQL(_ index: IndexSchema, _ model: ModelSchema) -> String {
    let indexName = index.name ?? SchemaNames.modelIndexName(
      table: model.dbTable, fields: index.fields,
      columns: index.fields.map { model.field($0.hasPrefix("-") ? String($0.dropFirst()) : $0)?.column ?? $0 })
    return "CREATE INDEX \(q(indexName)) ON \(q(model.dbTable)) (\(columnList(index.fields, in: model)))"
  }

  private func createThroughTable(_ model: ModelSchema, _ field: FieldSchema, state: ProjectState) throws {
    guard let target = field.to.flatMap(state.model(label:)) else { return }
    let table = SchemaNames.throughTable(model, field)
    let columns = SchemaNames.throughColumns(model, target: target.label)
    func key(_ column: String, _ to: ModelSchema) -> FieldSchema {
      var key = FieldSchema(name: column, type: .foreignKey)
      key.to = to.label
      key.dbColumn = column
      return key
    }
    let from = key(columns.from, model)
    let to = key(columns.to, target)
    // Django's auto-created through model has a BigAutoField key.
    try run("CREATE TABLE \(q(table)) (\"id\" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, \(PostgresColumnSQL.definition(from, state: state)), \(PostgresColumnSQL.definition(to, state: state)))")
    let through = ModelSchema(app: model.app, name: table, fields: [], dbTable: table)
    deferred.append("ALTER TABLE \(q(table)) ADD CONSTRAINT \(q(name(table, [columns.from, columns.to], "_uniq"))) UNIQUE (\(q(columns.from)), \(q(columns.to)))")
    for field in [from, to] { if let sql = foreignKeySQL(through, field, state: state) { deferred.append(sql) } }
    for field in [from, to] {
      deferred.append("CREATE INDEX \(q(name(table, [field.column ?? field.name], ""))) ON \(q(table)) (\(q(field.column ?? field.name)))")
    }
  }

  // MARK: - Introspection for removals

  /// Drops the constraints of `kind` (`f` foreign key, `u` unique, `c` check) on exactly
  /// `column`, found in pg_constraint (Django's `_constraint_names`); when only collecting SQL
  /// for sqlmigrate, under the names Django (and PostgreSQL, for an inline UNIQUE) gives them.
  private func dropConstraints(_ table: String, column: String, kind: String) throws {
    var names: [String] = []
    if let connection {
      names = try connection.query("""
        SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(c.conkey)
        WHERE t.relname = ? AND t.relnamespace = current_schema()::regnamespace AND c.contype = ? AND array_length(c.conkey, 1) = 1 AND a.attname = ?
        ORDER BY c.conname
        """, [.text(table), .text(kind), .text(column)]).compactMap { $0[0].string }
    } else {
      switch kind {
      case "u": names = [String("\(table)_\(column)_key".prefix(63))]
      case "c": names = [name(table, [column], "_check")]
      default: names = []
      }
    }
    for constraint in names { try run("ALTER TABLE \(q(table)) DROP CONSTRAINT \(q(constraint))") }
  }

  /// Drops the plain indexes on exactly `column` (its own and its `_like`), not those backing a
  /// constraint.
  private func dropIndexes(_ table: String, column: String) throws {
    var names: [String] = []
    if let connection {
      names = try connection.query("""
        SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
        WHERE t.relname = ? AND t.relnamespace = current_schema()::regnamespace AND x.indnatts = 1 AND a.attname = ?
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY i.relname
        """, [.text(table), .text(column)]).compactMap { $0[0].string }
    } else {
      names = [name(table, [column], ""), name(table, [column], "_like")]
    }
    for index in names { try run("DROP INDEX IF EXISTS \(q(index))") }
  }
}
