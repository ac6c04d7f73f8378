import ManageCore

/// Turns model changes into SQLite DDL, the way Django's sqlite3 `DatabaseSchemaEditor` does:
/// ALTER TABLE where SQLite can (ADD/DROP/RENAME COLUMN, RENAME TABLE) and otherwise the
/// table remake of https://www.sqlite.org/lang_altertable.html#otheralter (create the new
/// table, copy the rows, drop the old one, rename the new one into place).
///
/// It works from model states alone, so the same code either runs the statements on a
/// connection (inside the migration's transaction) or collects them for `sqlmigrate`.
/// Not Sendable: it holds the connection.
public class SchemaEditor {
  /// Where statements go.
  public enum Sink {
    case execute(Connection)
    case collect
  }

  let sink: Sink
  /// In collect mode, every statement issued with its arguments written in (what sqlmigrate
  /// prints); empty in execute mode.
  public private(set) var statements: [String] = []

  public init(sink: Sink) { self.sink = sink }

  /// The schema editor for `backend`: this one (SQLite's), or `PostgresSchemaEditor`.
  public static func make(for backend: DatabaseBackend, sink: Sink) -> SchemaEditor {
    backend == .postgresql ? PostgresSchemaEditor(sink: sink) : SchemaEditor(sink: sink)
  }

  /// Statements held back to the end of the migration, as Django's `deferred_sql` (foreign key
  /// constraints and indexes on PostgreSQL, so a key may point at a table made later).
  var deferred: [String] = []

  /// Runs what was deferred; the executor and sqlmigrate call it after a migration's operations.
  public func finish() throws {
    let pending = deferred
    deferred = []
    for statement in pending { try run(statement) }
  }

  /// The connection in execute mode, for introspection (nil when collecting for sqlmigrate).
  var connection: Connection? {
    if case .execute(let connection) = sink { return connection }
    return nil
  }

  /// Runs (or records) one statement.
  func run(_ sql: String, _ arguments: [SQLValue] = []) throws {
    switch sink {
    case .execute(let connection):
      try connection.run(sql, arguments)
    case .collect:
      // Only sqlmigrate reads the text, so only it pays for writing the arguments in.
      var rendered = sql
      if !arguments.isEmpty {
        var parts = sql.split(separator: "?", omittingEmptySubsequences: false).map(String.init)
        rendered = parts.removeFirst()
        for (part, value) in zip(parts, arguments) { rendered += SQLLiteral.render(value) + part }
      }
      statements.append(rendered)
    }
  }

  // MARK: - Models

  /// CREATE TABLE, its indexes, and the through tables of its many-to-many fields.
  public func createModel(_ model: ModelSchema, state: ProjectState) throws {
    try run(createTableSQL(model, table: model.dbTable, state: state))
    for statement in indexSQL(model) { try run(statement.sql) }
    for field in model.fields where field.type == .manyToMany {
      try createThroughTable(model, field, state: state)
    }
  }

  /// Drops the through tables, then the table.
  public func deleteModel(_ model: ModelSchema) throws {
    for field in model.fields where field.type == .manyToMany {
      try run("DROP TABLE \(Identifier.quoted(SchemaNames.throughTable(model, field)))")
    }
    try run("DROP TABLE \(Identifier.quoted(model.dbTable))")
  }

  /// A model renamed or moved to another table: the table, its default-named through tables
  /// and the through-table columns that carry the model's name (here and in other models).
  public func renameModel(from old: ModelSchema, to new: ModelSchema, newState: ProjectState, oldState: ProjectState) throws {
    if old.dbTable != new.dbTable {
      try run("ALTER TABLE \(Identifier.quoted(old.dbTable)) RENAME TO \(Identifier.quoted(new.dbTable))")
      try refreshIndexNames(from: indexSQL(old), to: indexSQL(new))
    }
    for change in Self.throughTableChanges(from: old, to: new, newState: newState, oldState: oldState) {
      if change.oldTable != change.newTable {
        try run("ALTER TABLE \(Identifier.quoted(change.oldTable)) RENAME TO \(Identifier.quoted(change.newTable))")
      }
      try renameColumn(table: change.newTable, from: change.oldColumns.from, to: change.newColumns.from)
      try renameColumn(table: change.newTable, from: change.oldColumns.to, to: change.newColumns.to)
      try refreshIndexNames(
        from: throughIndexSQL(table: change.oldTable, columns: change.oldColumns, on: change.newTable),
        to: throughIndexSQL(table: change.newTable, columns: change.newColumns, on: change.newTable))
    }
  }

  /// A through table a model rename touches: its own (renamed with it) and other models' that
  /// point at it (their `<model>_id` column carries its name).
  struct ThroughTableChange {
    var oldTable: String
    var newTable: String
    var oldColumns: (from: String, to: String)
    var newColumns: (from: String, to: String)
  }

  static func throughTableChanges(from old: ModelSchema, to new: ModelSchema, newState: ProjectState, oldState: ProjectState) -> [ThroughTableChange] {
    var changes: [ThroughTableChange] = []
    for (oldField, newField) in zip(old.fields, new.fields) where oldField.type == .manyToMany {
      changes.append(ThroughTableChange(
        oldTable: SchemaNames.throughTable(old, oldField), newTable: SchemaNames.throughTable(new, newField),
        oldColumns: SchemaNames.throughColumns(old, target: oldField.to ?? ""),
        newColumns: SchemaNames.throughColumns(new, target: newField.to ?? "")))
    }
    guard old.name != new.name else { return changes }
    for other in newState.allModels where other.labelLower != new.labelLower {
      for field in other.fields where field.type == .manyToMany && field.to?.lowercased() == new.labelLower {
        let before = oldState.model(label: other.label) ?? other
        let table = SchemaNames.throughTable(other, field)
        var oldColumns = SchemaNames.throughColumns(before, target: old.label)
        let newColumns = SchemaNames.throughColumns(other, target: new.label)
        oldColumns.from = newColumns.from  // only the column naming this model changes
        changes.append(ThroughTableChange(oldTable: table, newTable: table, oldColumns: oldColumns, newColumns: newColumns))
      }
    }
    return changes
  }

  // MARK: - Fields

  /// Adds `field` (already in `new`): ADD COLUMN when SQLite allows it, else a remake.
  public func addField(_ field: FieldSchema, from old: ModelSchema, to new: ModelSchema, state: ProjectState) throws {
    if field.type == .manyToMany {
      try createThroughTable(new, field, state: state)
      return
    }
    let simple = !field.primaryKey && !field.unique && field.type != .oneToOne
      && (field.null || ColumnSQL.defaultLiteral(field) != nil)
    guard simple else {
      try remake(from: old, to: new, state: state, added: [field.name: field])
      return
    }
    try run("ALTER TABLE \(Identifier.quoted(new.dbTable)) ADD COLUMN \(ColumnSQL.definition(field, state: state))")
    let existing = Set(indexSQL(old).map(\.name))
    for statement in indexSQL(new) where !existing.contains(statement.name) { try run(statement.sql) }
  }

  /// Removes `field` (still in `old`): DROP COLUMN when SQLite allows it, else a remake.
  public func removeField(_ field: FieldSchema, from old: ModelSchema, to new: ModelSchema, state: ProjectState) throws {
    if field.type == .manyToMany {
      try run("DROP TABLE \(Identifier.quoted(SchemaNames.throughTable(old, field)))")
      return
    }
    let column = field.column ?? field.name
    let inGroups = old.uniqueTogether.contains { $0.contains(field.name) }
      || old.constraints.contains { constraint in
        if case .unique(let fields, _) = constraint.kind { return fields.contains(field.name) }
        return true  // a CHECK may mention the column; SQLite refuses DROP COLUMN then
      }
    guard !field.primaryKey, !field.unique, !field.type.isConcreteRelation, !inGroups else {
      try remake(from: old, to: new, state: state)
      return
    }
    let remaining = Set(indexSQL(new).map(\.name))
    for index in indexSQL(old) where !remaining.contains(index.name) { try remove(index) }
    try run("ALTER TABLE \(Identifier.quoted(old.dbTable)) DROP COLUMN \(Identifier.quoted(column))")
  }

  /// Changes a field: nothing when only Python-side options changed, RENAME COLUMN when only
  /// the column name did, else a remake.
  /// `fillNulls` is a one-off value for rows that are NULL when a field becomes NOT NULL.
  public func alterField(
    from oldField: FieldSchema, to newField: FieldSchema, old: ModelSchema, new: ModelSchema, state: ProjectState,
    fillNulls: FieldValue? = nil
  ) throws {
    if oldField.type == .manyToMany && newField.type == .manyToMany {
      let oldThrough = SchemaNames.throughTable(old, oldField)
      let newThrough = SchemaNames.throughTable(new, newField)
      if oldThrough != newThrough {
        try run("ALTER TABLE \(Identifier.quoted(oldThrough)) RENAME TO \(Identifier.quoted(newThrough))")
      }
      return
    }
    if Self.databaseShape(oldField) == Self.databaseShape(newField) { return }
    var renamedOnly = oldField
    renamedOnly.dbColumn = newField.dbColumn
    renamedOnly.name = newField.name
    if Self.databaseShape(renamedOnly) == Self.databaseShape(newField) {
      try renameColumn(table: new.dbTable, from: oldField.column ?? oldField.name, to: newField.column ?? newField.name)
      try refreshIndexNames(from: indexSQL(old), to: indexSQL(new))
      return
    }
    try remake(
      from: old, to: new, state: state, renamed: [newField.name: oldField.column ?? oldField.name],
      fillNulls: fillNulls.map { [newField.name: $0] } ?? [:])
  }

  /// A renamed field: RENAME COLUMN (SQLite rewrites the indexes that use it), or the through
  /// table's name for a many-to-many.
  public func renameField(from oldField: FieldSchema, to newField: FieldSchema, old: ModelSchema, new: ModelSchema) throws {
    if oldField.type == .manyToMany {
      let oldThrough = SchemaNames.throughTable(old, oldField)
      let newThrough = SchemaNames.throughTable(new, newField)
      if oldThrough != newThrough {
        try run("ALTER TABLE \(Identifier.quoted(oldThrough)) RENAME TO \(Identifier.quoted(newThrough))")
        let columns = SchemaNames.throughColumns(new, target: newField.to ?? "")
        try refreshIndexNames(
          from: throughIndexSQL(table: oldThrough, columns: columns, on: newThrough),
          to: throughIndexSQL(table: newThrough, columns: columns, on: newThrough))
      }
      return
    }
    try renameColumn(table: new.dbTable, from: oldField.column ?? oldField.name, to: newField.column ?? newField.name)
    try refreshIndexNames(from: indexSQL(old), to: indexSQL(new))
  }

  /// Indexes are named after their table and columns; after a rename SQLite keeps the old
  /// names, so the ones whose name changed are dropped and created again under the new one
  /// (later operations find them by the name the state gives them).
  private func refreshIndexNames(from old: [NamedIndex], to new: [NamedIndex]) throws {
    let newNames = Set(new.map(\.name))
    let oldNames = Set(old.map(\.name))
    for index in old where !newNames.contains(index.name) { try remove(index) }
    for index in new where !oldNames.contains(index.name) { try run(index.sql) }
  }

  /// Drops an index named from its table and columns, under Django's name or, in a database
  /// made before manage hashed names as Django does, under the legacy one.
  private func remove(_ index: NamedIndex) throws {
    try removeIndex(named: index.name)
    if let legacy = index.legacyName, legacy != index.name { try removeIndex(named: legacy) }
  }

  /// What of a field reaches the database; a change elsewhere (choices, blank, help_text,
  /// on_delete, related_name) needs no DDL, as in Django's `_field_should_be_altered`.
  static func databaseShape(_ field: FieldSchema) -> [String] {
    [field.type.rawValue, field.column ?? "", "\(field.null)", "\(field.unique)", "\(field.dbIndex)",
     "\(field.primaryKey)", "\(field.effectiveMaxLength ?? -1)", "\(field.maxDigits ?? -1)", "\(field.decimalPlaces ?? -1)",
     field.to ?? "", ColumnSQL.defaultLiteral(field) ?? ""]
  }

  private func renameColumn(table: String, from old: String, to new: String) throws {
    guard old != new else { return }
    try run("ALTER TABLE \(Identifier.quoted(table)) RENAME COLUMN \(Identifier.quoted(old)) TO \(Identifier.quoted(new))")
  }

  // MARK: - Indexes and constraints

  public func addIndex(_ index: IndexSchema, model: ModelSchema) throws {
    try run(Self.createIndexSQL(name: index.name ?? "", table: model.dbTable, columns: columns(index.fields, in: model), unique: false, condition: nil))
  }

  public func removeIndex(named name: String) throws {
    try run("DROP INDEX IF EXISTS \(Identifier.quoted(name))")
  }

  /// A unique constraint is a unique index; a check constraint lives in the table, so adding
  /// or removing one remakes it.
  public func changeConstraint(_ constraint: ConstraintSchema, adding: Bool, old: ModelSchema, new: ModelSchema, state: ProjectState) throws {
    switch constraint.kind {
    case .unique(let fields, let condition):
      if adding {
        try run(Self.createIndexSQL(name: constraint.name, table: new.dbTable, columns: columns(fields, in: new), unique: true, condition: condition))
      } else {
        try removeIndex(named: constraint.name)
      }
    case .check:
      try remake(from: old, to: new, state: state)
    }
  }

  /// Swaps the unique indexes of `unique_together`.
  public func alterUniqueTogether(old: ModelSchema, new: ModelSchema) throws {
    let before = uniqueTogetherIndexes(old)
    let after = uniqueTogetherIndexes(new)
    for index in before where !after.contains(where: { $0.name == index.name }) { try remove(index) }
    for index in after where !before.contains(where: { $0.name == index.name }) { try run(index.sql) }
  }

  // MARK: - The remake

  /// Rebuilds `old` as `new`, copying rows: columns present in both are copied (renamed ones
  /// from their old name), added NOT NULL columns get their default.
  public func remake(
    from old: ModelSchema, to new: ModelSchema, state: ProjectState, added: [String: FieldSchema] = [:],
    renamed: [String: String] = [:], fillNulls: [String: FieldValue] = [:]
  ) throws {
    let temporary = "new__" + new.dbTable
    try run(createTableSQL(new, table: temporary, state: state))
    var targets: [String] = []
    var sources: [String] = []
    var arguments: [SQLValue] = []
    let oldColumns = Dictionary(old.fields.compactMap { field in field.column.map { (field.name, ($0, field)) } }) { first, _ in first }
    for field in new.fields where field.isConcrete {
      let column = field.column ?? field.name
      if let source = renamed[field.name] ?? oldColumns[field.name]?.0 {
        let previous = oldColumns[field.name]?.1
        targets.append(Identifier.quoted(column))
        if let value = fillNulls[field.name] ?? field.default, !field.null, previous?.null ?? true {
          // NULL to NOT NULL: existing NULLs take the default, as Django's two-step alter does.
          sources.append("coalesce(\(Identifier.quoted(source)), ?)")
          arguments.append(ColumnSQL.storedValue(value, type: field.type))
        } else {
          sources.append(Identifier.quoted(source))
        }
      } else if let addedField = added[field.name] ?? Optional(field), let value = addedField.default {
        targets.append(Identifier.quoted(column))
        sources.append("?")
        arguments.append(ColumnSQL.storedValue(value, type: field.type))
      }
    }
    if !targets.isEmpty {
      try run(
        "INSERT INTO \(Identifier.quoted(temporary)) (\(targets.joined(separator: ", "))) SELECT \(sources.joined(separator: ", ")) FROM \(Identifier.quoted(old.dbTable))",
        arguments)
    }
    try run("DROP TABLE \(Identifier.quoted(old.dbTable))")
    try run("ALTER TABLE \(Identifier.quoted(temporary)) RENAME TO \(Identifier.quoted(new.dbTable))")
    for statement in indexSQL(new) { try run(statement.sql) }
  }

  // MARK: - SQL text

  func createTableSQL(_ model: ModelSchema, table: String, state: ProjectState) -> String {
    var parts = model.fields.filter(\.isConcrete).map { ColumnSQL.definition($0, state: state) }
    for constraint in model.constraints {
      if case .check(let expression) = constraint.kind {
        parts.append("CONSTRAINT \(Identifier.quoted(constraint.name)) CHECK (\(expression))")
      }
    }
    return "CREATE TABLE \(Identifier.quoted(table)) (\(parts.joined(separator: ", ")))"
  }

  /// Every index of the model's table: foreign keys and db_index columns, unique_together,
  /// `indexes:`, and unique constraints.
  func indexSQL(_ model: ModelSchema) -> [NamedIndex] {
    var result: [NamedIndex] = []
    for field in model.fields where field.isConcrete && !field.primaryKey && !field.unique && field.type != .oneToOne
      && (field.dbIndex || field.type == .foreignKey)
    {
      let column = field.column ?? field.name
      let name = SchemaNames.indexName(table: model.dbTable, columns: [column], suffix: "")
      result.append(NamedIndex(
        name: name, sql: Self.createIndexSQL(name: name, table: model.dbTable, columns: [Identifier.quoted(column)], unique: false, condition: nil),
        legacyName: SchemaNames.legacyIndexName(table: model.dbTable, columns: [column], suffix: "idx")))
    }
    result += uniqueTogetherIndexes(model)
    for index in model.indexes {
      let name = index.name ?? SchemaNames.modelIndexName(table: model.dbTable, fields: index.fields, columns: index.fields.map { model.field($0.hasPrefix("-") ? String($0.dropFirst()) : $0)?.column ?? $0 })
      result.append(NamedIndex(name: name, sql: Self.createIndexSQL(name: name, table: model.dbTable, columns: columns(index.fields, in: model), unique: false, condition: nil)))
    }
    for constraint in model.constraints {
      if case .unique(let fields, let condition) = constraint.kind {
        result.append(NamedIndex(name: constraint.name, sql: Self.createIndexSQL(name: constraint.name, table: model.dbTable, columns: columns(fields, in: model), unique: true, condition: condition)))
      }
    }
    return result
  }

  private func uniqueTogetherIndexes(_ model: ModelSchema) -> [NamedIndex] {
    model.uniqueTogether.map { group in
      let names = group.map { name in model.field(name)?.column ?? name }
      let indexName = SchemaNames.indexName(table: model.dbTable, columns: names, suffix: "_uniq")
      return NamedIndex(
        name: indexName, sql: Self.createIndexSQL(name: indexName, table: model.dbTable, columns: names.map(Identifier.quoted), unique: true, condition: nil),
        legacyName: SchemaNames.legacyIndexName(table: model.dbTable, columns: names, suffix: "uniq"))
    }
  }

  /// Quoted column list for index fields; `-field` sorts descending.
  private func columns(_ fields: [String], in model: ModelSchema) -> [String] {
    fields.map { name in
      let descending = name.hasPrefix("-")
      let bare = descending ? String(name.dropFirst()) : name
      return Identifier.quoted(model.field(bare)?.column ?? bare) + (descending ? " DESC" : "")
    }
  }

  static func createIndexSQL(name: String, table: String, columns: [String], unique: Bool, condition: String?) -> String {
    var sql = "CREATE \(unique ? "UNIQUE " : "")INDEX \(Identifier.quoted(name)) ON \(Identifier.quoted(table)) (\(columns.joined(separator: ", ")))"
    if let condition { sql += " WHERE \(condition)" }
    return sql
  }

  /// The three indexes of a through table, named for `table` and built on `actualTable`.
  private func throughIndexSQL(table: String, columns: (from: String, to: String), on actualTable: String) -> [NamedIndex] {
    let pair = [columns.from, columns.to]
    let unique = SchemaNames.indexName(table: table, columns: pair, suffix: "_uniq")
    var result = [NamedIndex(
      name: unique, sql: Self.createIndexSQL(name: unique, table: actualTable, columns: pair.map(Identifier.quoted), unique: true, condition: nil),
      legacyName: SchemaNames.legacyIndexName(table: table, columns: pair, suffix: "uniq"))]
    for column in pair {
      let name = SchemaNames.indexName(table: table, columns: [column], suffix: "")
      result.append(NamedIndex(
        name: name, sql: Self.createIndexSQL(name: name, table: actualTable, columns: [Identifier.quoted(column)], unique: false, condition: nil),
        legacyName: SchemaNames.legacyIndexName(table: table, columns: [column], suffix: "idx")))
    }
    return result
  }

  private func createThroughTable(_ model: ModelSchema, _ field: FieldSchema, state: ProjectState) throws {
    guard let target = field.to.flatMap(state.model(label:)) else { return }
    let table = SchemaNames.throughTable(model, field)
    let columns = SchemaNames.throughColumns(model, target: target.label)
    func reference(_ column: String, _ to: ModelSchema) -> String {
      var key = FieldSchema(name: column, type: .foreignKey)
      key.to = to.label
      key.dbColumn = column
      return ColumnSQL.definition(key, state: state)
    }
    try run("CREATE TABLE \(Identifier.quoted(table)) (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \(reference(columns.from, model)), \(reference(columns.to, target)))")
    for index in throughIndexSQL(table: table, columns: columns, on: table) { try run(index.sql) }
  }
}

/// An index the schema editor names itself, with its CREATE statement and the name manage
/// gave it before it hashed as Django does.
struct NamedIndex {
  var name: String
  var sql: String
  var legacyName: String? = nil
}
