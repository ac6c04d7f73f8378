import ManageCore
import ManageMigrations

/// What loaddata and dumpdata share: models that load, a database with every migration
/// applied (else "run migrate", not an SQL error), and app or model labels parsed as Django's
/// `parse_apps_and_model_labels`.
struct DataProject {
  let registry: AppRegistry
  let schema: ProjectSchema
  let connection: Connection

  init(_ context: CommandContext, readOnly: Bool = false) throws {
    let settings = try context.settings()
    registry = try context.registry()
    schema = try context.schema()
    let problems = schema.diagnostics.filter { $0.isSerious() }
    if !problems.isEmpty {
      context.console.printError(problems.map(\.rendered).joined(separator: "\n"))
      throw CommandFailure("The models have \(problems.count) error\(problems.count == 1 ? "" : "s"); fix them first.", hint: "`manage check` lists them too.")
    }
    // A missing database is reported as unapplied migrations, without creating an empty file.
    if settings.databaseFileIsMissing {
      try UnappliedMigrations.require(registry: registry, connection: nil)
    }
    connection = try context.openDatabase(readOnly: readOnly)
    try UnappliedMigrations.require(registry: registry, connection: connection)
  }

  /// `app_label` and `app_label.ModelName` labels: the apps, and the models in lower case.
  func excluded(_ labels: [String]) throws -> (apps: Set<String>, models: Set<String>) {
    var apps = Set<String>()
    var models = Set<String>()
    for label in labels {
      if label.contains(".") {
        guard let model = schema.model(label) else {
          throw CommandFailure("Unknown model: \(label)", hint: Suggestion.closest(to: label, in: schema.models.map(\.label)).map { "Did you mean '\($0)'?" }, exitCode: 2)
        }
        models.insert(model.labelLower)
      } else {
        guard registry.app(label) != nil else {
          throw CommandFailure("No installed app with label '\(label)'.", hint: Suggestion.closest(to: label, in: registry.labels).map { "Did you mean '\($0)'?" }, exitCode: 2)
        }
        apps.insert(label)
      }
    }
    return (apps, models)
  }
}
