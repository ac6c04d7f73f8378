import Foundation
import ManageCore

/// `database_forwards` and `database_backwards`: the DDL of each operation, given the project
/// state before (`from`) and after (`to`) it.
extension Operation {
  public func databaseForwards(app: String, editor: SchemaEditor, from: ProjectState, to: ProjectState) throws {
    switch self {
    case .createModel(let name, _, _):
      try editor.createModel(try model(to, app, name), state: to)
    case .deleteModel(let name):
      try editor.deleteModel(try model(from, app, name))
    case .renameModel(let oldName, let newName):
      try editor.renameModel(from: try model(from, app, oldName), to: try model(to, app, newName), newState: to, oldState: from)
    case .alterModelTable(let name, _):
      try editor.renameModel(from: try model(from, app, name), to: try model(to, app, name), newState: to, oldState: from)
    case .alterModelOptions, .runSQL:
      if case .runSQL(let sql, _) = self { try RunSQLStatements.run(sql, editor: editor) }
    case .addField(let modelName, let field, let preserveDefault):
      let old = try model(from, app, modelName)
      let new = try model(to, app, modelName)
      if preserveDefault || field.type == .manyToMany {
        try editor.addField(try self.field(new, field.name), from: old, to: new, state: to)
      } else {
        // A one-off default fills existing rows but must not stay in the table definition.
        try editor.remake(from: old, to: new, state: to, added: [field.name: field])
      }
    case .removeField(let modelName, let name):
      let old = try model(from, app, modelName)
      try editor.removeField(try field(old, name), from: old, to: try model(to, app, modelName), state: to)
    case .alterField(let modelName, let field, let preserveDefault):
      let old = try model(from, app, modelName)
      let new = try model(to, app, modelName)
      // A one-off default fills existing NULLs; the table keeps no DEFAULT for it.
      try editor.alterField(
        from: try self.field(old, field.name), to: try self.field(new, field.name), old: old, new: new, state: to,
        fillNulls: preserveDefault ? nil : field.default)
    case .renameField(let modelName, let oldName, let newName):
      let old = try model(from, app, modelName)
      let new = try model(to, app, modelName)
      try editor.renameField(from: try field(old, oldName), to: try field(new, newName), old: old, new: new)
    case .addIndex(let modelName, let index):
      try editor.addIndex(index, model: try model(to, app, modelName))
    case .removeIndex(_, let name):
      try editor.removeIndex(named: name)
    case .renameIndex(let modelName, let oldName, let newName):
      let new = try model(to, app, modelName)
      try editor.removeIndex(named: oldName)
      if let index = new.indexes.first(where: { $0.name == newName }) { try editor.addIndex(index, model: new) }
    case .addConstraint(let modelName, let constraint):
      try editor.changeConstraint(constraint, adding: true, old: try model(from, app, modelName), new: try model(to, app, modelName), state: to)
    case .removeConstraint(let modelName, let name):
      let old = try model(from, app, modelName)
      guard let constraint = old.constraints.first(where: { $0.name == name }) else {
        throw MigrationError("no constraint \(name) on \(old.label)", hint: "Check the migration that removes it.")
      }
      try editor.changeConstraint(constraint, adding: false, old: old, new: try model(to, app, modelName), state: to)
    case .alterUniqueTogether(let modelName, _):
      try editor.alterUniqueTogether(old: try model(from, app, modelName), new: try model(to, app, modelName))
    }
  }

  /// Undoes the operation: `from` is the state after it, `to` the state before.
  public func databaseBackwards(app: String, editor: SchemaEditor, from: ProjectState, to: ProjectState) throws {
    switch self {
    case .createModel(let name, _, _):
      try editor.deleteModel(try model(from, app, name))
    case .deleteModel(let name):
      try editor.createModel(try model(to, app, name), state: to)
    case .renameModel(let oldName, let newName):
      try editor.renameModel(from: try model(from, app, newName), to: try model(to, app, oldName), newState: to, oldState: from)
    case .alterModelTable(let name, _):
      try editor.renameModel(from: try model(from, app, name), to: try model(to, app, name), newState: to, oldState: from)
    case .alterModelOptions:
      break
    case .runSQL(_, let reverse):
      guard let reverse else {
        throw MigrationError("Operation RunSQL is not reversible",
                             hint: "Give it \"reverse_sql\" (\"\" when undoing needs nothing), or do not migrate back past it.")
      }
      try RunSQLStatements.run(reverse, editor: editor)
    case .addField(let modelName, let field, _):
      let after = try model(from, app, modelName)
      try editor.removeField(try self.field(after, field.name), from: after, to: try model(to, app, modelName), state: to)
    case .removeField(let modelName, let name):
      let before = try model(to, app, modelName)
      try editor.addField(try field(before, name), from: try model(from, app, modelName), to: before, state: to)
    case .alterField(let modelName, let field, _):
      let after = try model(from, app, modelName)
      let before = try model(to, app, modelName)
      try editor.alterField(from: try self.field(after, field.name), to: try self.field(before, field.name), old: after, new: before, state: to)
    case .renameField(let modelName, let oldName, let newName):
      let after = try model(from, app, modelName)
      let before = try model(to, app, modelName)
      try editor.renameField(from: try field(after, newName), to: try field(before, oldName), old: after, new: before)
    case .addIndex(_, let index):
      try editor.removeIndex(named: index.name ?? "")
    case .removeIndex(let modelName, let name):
      let before = try model(to, app, modelName)
      if let index = before.indexes.first(where: { $0.name == name }) { try editor.addIndex(index, model: before) }
    case .renameIndex(let modelName, let oldName, let newName):
      try Operation.renameIndex(model: modelName, oldName: newName, newName: oldName)
        .databaseForwards(app: app, editor: editor, from: from, to: to)
    case .addConstraint(let modelName, let constraint):
      try editor.changeConstraint(constraint, adding: false, old: try model(from, app, modelName), new: try model(to, app, modelName), state: to)
    case .removeConstraint(let modelName, let name):
      let before = try model(to, app, modelName)
      guard let constraint = before.constraints.first(where: { $0.name == name }) else { return }
      try editor.changeConstraint(constraint, adding: true, old: try model(from, app, modelName), new: before, state: to)
    case .alterUniqueTogether(let modelName, _):
      try editor.alterUniqueTogether(old: try model(from, app, modelName), new: try model(to, app, modelName))
    }
  }

  private func model(_ state: ProjectState, _ app: String, _ name: String) throws -> ModelSchema {
    guard let model = state.model(app, name) else { throw MigrationError.noSuchModel(app: app, name: name) }
    return model
  }

  private func field(_ model: ModelSchema, _ name: String) throws -> FieldSchema {
    guard let field = model.field(name) else { throw MigrationError.noSuchField(model: model.label, name: name) }
    return field
  }
}

/// RunSQL's text, run one statement at a time so a failure names the statement.
enum RunSQLStatements {
  static func run(_ sql: String, editor: SchemaEditor) throws {
    for statement in split(sql) { try editor.run(statement) }
  }

  /// Splits on `;` outside quotes and comments.
  static func split(_ sql: String) -> [String] {
    var statements: [String] = []
    var current = ""
    var quote: Character?
    var iterator = Array(sql)
    var index = 0
    while index < iterator.count {
      let character = iterator[index]
      if let open = quote {
        current.append(character)
        if character == open { quote = nil }
      } else if character == "'" || character == "\"" {
        quote = character
        current.append(character)
      } else if character == "-" && index + 1 < iterator.count && iterator[index + 1] == "-" {
        while index < iterator.count && iterator[index] != "\n" { index += 1 }
        continue
      } else if character == ";" {
        let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty { statements.append(trimmed) }
        current = ""
      } else {
        current.append(character)
      }
      index += 1
    }
    let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
    if !trimmed.isEmpty { statements.append(trimmed) }
    iterator.removeAll()
    return statements
  }
}
