import ManageCore

/// The models as a set of migrations leaves them: plain values, never rendered into classes
/// (rendering is what makes Django's migrate slow on large projects).
///
/// Relations always name their target by label (`to == relatedModel == "blog.Tag"`), so a
/// state replayed from migration files and one built from models.yaml compare equal.
public struct ProjectState: Sendable, Equatable {
  /// Models by lowercased label (`blog.post`).
  public private(set) var models: [String: ModelSchema] = [:]

  public init() {}

  /// The state the current models.yaml files describe, limited to `apps` when given.
  public init(schema: ProjectSchema) {
    for var model in schema.models {
      for index in model.fields.indices where model.fields[index].type.isRelation {
        if let target = model.fields[index].relatedModel { model.fields[index].to = target }
      }
      // An index declared without a name gets Django's generated one, so migrations can
      // refer to it.
      for index in model.indexes.indices where model.indexes[index].name == nil {
        let fields = model.indexes[index].fields
        let columns = fields.map { name in model.field(name.hasPrefix("-") ? String(name.dropFirst()) : name)?.column ?? name }
        model.indexes[index].name = SchemaNames.modelIndexName(table: model.dbTable, fields: fields, columns: columns)
      }
      models[model.labelLower] = Self.normalized(model)
    }
  }

  /// Positions play no part in migrations.
  static func normalized(_ model: ModelSchema) -> ModelSchema {
    var model = model
    model.declaredAt = DeclaredAt(nil)
    for index in model.fields.indices { model.fields[index].declaredAt = DeclaredAt(nil) }
    for index in model.indexes.indices { model.indexes[index].declaredAt = DeclaredAt(nil) }
    for index in model.constraints.indices { model.constraints[index].declaredAt = DeclaredAt(nil) }
    return model
  }

  /// The model `name` of `app`, case-insensitively.
  public func model(_ app: String, _ name: String) -> ModelSchema? { models["\(app).\(name)".lowercased()] }

  /// The model with a label (`blog.Post`).
  public func model(label: String) -> ModelSchema? { models[label.lowercased()] }

  /// The models of `app`, sorted by name.
  public func models(in app: String) -> [ModelSchema] {
    models.values.filter { $0.app == app }.sorted { $0.name.lowercased() < $1.name.lowercased() }
  }

  /// Every model, sorted by label.
  public var allModels: [ModelSchema] { models.values.sorted { $0.labelLower < $1.labelLower } }

  public mutating func add(_ model: ModelSchema) {
    var model = model
    for index in model.fields.indices where model.fields[index].type.isRelation {
      model.fields[index].relatedModel = model.fields[index].to
    }
    models[model.labelLower] = model
  }

  public mutating func remove(_ app: String, _ name: String) { models["\(app).\(name)".lowercased()] = nil }

  /// Changes a model in place.
  public mutating func update(_ app: String, _ name: String, _ change: (inout ModelSchema) throws -> Void) throws {
    let key = "\(app).\(name)".lowercased()
    guard var model = models[key] else { throw MigrationError.noSuchModel(app: app, name: name) }
    try change(&model)
    models[key] = model
  }

  /// Points every relation aimed at `old` at `new` (after a model rename).
  mutating func retarget(from old: String, to new: String) {
    for (key, model) in models {
      guard model.fields.contains(where: { $0.to?.lowercased() == old.lowercased() }) else { continue }
      var changed = model
      for index in changed.fields.indices where changed.fields[index].to?.lowercased() == old.lowercased() {
        changed.fields[index].to = new
        changed.fields[index].relatedModel = new
      }
      models[key] = changed
    }
  }
}
