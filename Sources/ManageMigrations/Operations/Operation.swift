import Foundation
import ManageCore

/// The model options CreateModel carries and AlterModelOptions changes.
public struct ModelOptions: Sendable, Hashable {
  public var dbTable: String?
  public var ordering: [String] = []
  public var indexes: [IndexSchema] = []
  public var uniqueTogether: [[String]] = []
  public var constraints: [ConstraintSchema] = []
  public var verboseName: String?
  public var verboseNamePlural: String?

  public init() {}

  init(of model: ModelSchema) {
    dbTable = model.dbTable == ModelSchema.defaultTable(app: model.app, model: model.name) ? nil : model.dbTable
    ordering = model.ordering
    indexes = model.indexes
    uniqueTogether = model.uniqueTogether
    constraints = model.constraints
    verboseName = model.verboseName
    verboseNamePlural = model.verboseNamePlural
  }
}

/// One step of a migration, with Django's operation names and arguments.
public indirect enum Operation: Sendable, Hashable {
  case createModel(name: String, fields: [FieldSchema], options: ModelOptions)
  case deleteModel(name: String)
  case renameModel(oldName: String, newName: String)
  case alterModelTable(name: String, table: String?)
  /// Options that never touch the database: ordering and verbose names.
  case alterModelOptions(name: String, ordering: [String], verboseName: String?, verboseNamePlural: String?)
  /// `preserveDefault: false` marks a one-off default given to makemigrations for existing rows.
  case addField(model: String, field: FieldSchema, preserveDefault: Bool)
  case removeField(model: String, name: String)
  case alterField(model: String, field: FieldSchema, preserveDefault: Bool)
  case renameField(model: String, oldName: String, newName: String)
  case addIndex(model: String, index: IndexSchema)
  case removeIndex(model: String, name: String)
  case renameIndex(model: String, oldName: String, newName: String)
  case addConstraint(model: String, constraint: ConstraintSchema)
  case removeConstraint(model: String, name: String)
  case alterUniqueTogether(model: String, groups: [[String]])
  case runSQL(sql: String, reverseSQL: String?)

  /// Django's class name, used as `"op"` in migration files.
  public var kind: String {
    switch self {
    case .createModel: "CreateModel"
    case .deleteModel: "DeleteModel"
    case .renameModel: "RenameModel"
    case .alterModelTable: "AlterModelTable"
    case .alterModelOptions: "AlterModelOptions"
    case .addField: "AddField"
    case .removeField: "RemoveField"
    case .alterField: "AlterField"
    case .renameField: "RenameField"
    case .addIndex: "AddIndex"
    case .removeIndex: "RemoveIndex"
    case .renameIndex: "RenameIndex"
    case .addConstraint: "AddConstraint"
    case .removeConstraint: "RemoveConstraint"
    case .alterUniqueTogether: "AlterUniqueTogether"
    case .runSQL: "RunSQL"
    }
  }

  /// The model the operation is about (the new name for a rename); nil for RunSQL.
  public var modelName: String? {
    switch self {
    case .createModel(let name, _, _), .deleteModel(let name), .alterModelTable(let name, _),
      .alterModelOptions(let name, _, _, _):
      name
    case .renameModel(_, let newName): newName
    case .addField(let model, _, _), .removeField(let model, _), .alterField(let model, _, _),
      .renameField(let model, _, _), .addIndex(let model, _), .removeIndex(let model, _),
      .renameIndex(let model, _, _), .addConstraint(let model, _), .removeConstraint(let model, _),
      .alterUniqueTogether(let model, _):
      model
    case .runSQL: nil
    }
  }

  /// Django's one-line description (`Create model Post`, `Add field status to post`).
  public var description: String {
    switch self {
    case .createModel(let name, _, _): "Create model \(name)"
    case .deleteModel(let name): "Delete model \(name)"
    case .renameModel(let old, let new): "Rename model \(old) to \(new)"
    case .alterModelTable(let name, let table): "Rename table for \(name.lowercased()) to \(table ?? "(default)")"
    case .alterModelOptions(let name, _, _, _): "Change Meta options on \(name.lowercased())"
    case .addField(let model, let field, _): "Add field \(field.name) to \(model.lowercased())"
    case .removeField(let model, let name): "Remove field \(name) from \(model.lowercased())"
    case .alterField(let model, let field, _): "Alter field \(field.name) on \(model.lowercased())"
    case .renameField(let model, let old, let new): "Rename field \(old) on \(model.lowercased()) to \(new)"
    case .addIndex(let model, let index):
      "Create index \(index.name ?? "") on field(s) \(index.fields.joined(separator: ", ")) of model \(model.lowercased())"
    case .removeIndex(let model, let name): "Remove index \(name) from \(model.lowercased())"
    case .renameIndex(let model, let old, let new): "Rename index \(old) on \(model.lowercased()) to \(new)"
    case .addConstraint(let model, let constraint): "Create constraint \(constraint.name) on model \(model.lowercased())"
    case .removeConstraint(let model, let name): "Remove constraint \(name) from model \(model.lowercased())"
    case .alterUniqueTogether(let model, let groups):
      "Alter unique_together for \(model.lowercased()) (\(groups.count) constraint(s))"
    case .runSQL: "Raw SQL operation"
    }
  }

  /// Django's prefix in makemigrations output: `+` adds, `-` removes, `~` alters, `s` is SQL.
  public var prefix: String {
    switch self {
    case .createModel, .addField, .addIndex, .addConstraint: "+"
    case .deleteModel, .removeField, .removeIndex, .removeConstraint: "-"
    case .runSQL: "s"
    default: "~"
    }
  }

  /// What the operation contributes to a suggested migration name; nil when it has nothing
  /// to say (RunSQL), which makes the name `auto_<timestamp>`.
  public var nameFragment: String? {
    switch self {
    case .createModel(let name, _, _): name.lowercased()
    case .deleteModel(let name): "delete_\(name.lowercased())"
    case .renameModel(let old, let new): "rename_\(old.lowercased())_\(new.lowercased())"
    case .alterModelTable(let name, _): "alter_\(name.lowercased())_table"
    case .alterModelOptions(let name, _, _, _): "alter_\(name.lowercased())_options"
    case .addField(let model, let field, _): "\(model.lowercased())_\(field.name.lowercased())"
    case .removeField(let model, let name): "remove_\(model.lowercased())_\(name.lowercased())"
    case .alterField(let model, let field, _): "alter_\(model.lowercased())_\(field.name.lowercased())"
    case .renameField(let model, let old, let new): "rename_\(old.lowercased())_\(model.lowercased())_\(new.lowercased())"
    case .addIndex(let model, let index): "\(model.lowercased())_\((index.name ?? "").lowercased())"
    case .removeIndex(let model, let name): "remove_\(model.lowercased())_\(name.lowercased())"
    case .renameIndex(_, let old, let new): "rename_\(old.lowercased())_\(new.lowercased())"
    case .addConstraint(let model, let constraint): "\(model.lowercased())_\(constraint.name.lowercased())"
    case .removeConstraint(let model, let name): "remove_\(model.lowercased())_\(name.lowercased())"
    case .alterUniqueTogether(let model, _): "alter_\(model.lowercased())_unique_together"
    case .runSQL: nil
    }
  }

  /// `+ Create model Post`, as makemigrations prints it.
  public var formattedDescription: String { "\(prefix) \(description)" }

  /// Whether the operation touches the model `name` (or a model pointing at it, for fields),
  /// which stops the optimizer from moving another operation across it.
  func references(model name: String, app: String, relationsTo: Bool = true) -> Bool {
    let lowered = name.lowercased()
    if case .runSQL = self { return true }
    if case .renameModel(let old, let new) = self, old.lowercased() == lowered || new.lowercased() == lowered { return true }
    if modelName?.lowercased() == lowered { return true }
    guard relationsTo else { return false }
    let label = "\(app).\(name)".lowercased()
    switch self {
    case .createModel(_, let fields, _):
      return fields.contains { $0.to?.lowercased() == label }
    case .addField(_, let field, _), .alterField(_, let field, _):
      return field.to?.lowercased() == label
    default:
      return false
    }
  }
}
