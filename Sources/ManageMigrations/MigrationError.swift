import ManageCore

/// What can go wrong with migration files, the graph, or applying them.
public struct MigrationError: ManageError {
  public var message: String
  public var hint: String?
  public var exitCode: Int32 = 1

  public init(_ message: String, hint: String? = nil, exitCode: Int32 = 1) {
    self.message = message
    self.hint = hint
    self.exitCode = exitCode
  }

  static func noSuchModel(app: String, name: String) -> MigrationError {
    MigrationError("the migrations refer to model \(app).\(name), which no earlier migration creates",
                   hint: "A migration file may have been edited or removed; check the dependencies of the app's migrations.")
  }

  static func noSuchField(model: String, name: String) -> MigrationError {
    MigrationError("the migrations refer to field \(name) of \(model), which no earlier migration creates",
                   hint: "A migration file may have been edited or removed.")
  }
}
