/// Every installed app's models, with relations resolved, and what was wrong with them.
public struct ProjectSchema: Sendable {
  /// The models in app order, then declaration order.
  public var models: [ModelSchema]
  /// Mistakes found while loading and validating, in file order.
  public var diagnostics: [CheckMessage]
  /// The SQL dialect the project's database speaks: the query compiler writes Django's SQL for
  /// that backend (set from the database URL when the schema is loaded; SQLite by default).
  public var dialect = SQLDialect(.sqlite)

  public init(models: [ModelSchema], diagnostics: [CheckMessage]) {
    self.models = models
    self.diagnostics = diagnostics
  }

  /// The model with this label (`blog.Post`, case-insensitive).
  public func model(_ label: String) -> ModelSchema? {
    let lowered = label.lowercased()
    return models.first { $0.labelLower == lowered }
  }

  /// The models of one app.
  public func models(in app: String) -> [ModelSchema] { models.filter { $0.app == app } }

  /// Total number of fields, the implicit ids included.
  public var fieldCount: Int { models.reduce(0) { $0 + $1.fields.count } }
}
