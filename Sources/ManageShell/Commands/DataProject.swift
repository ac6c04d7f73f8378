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

  /// `app_label` and `app_label.ModelName` labels to exclude: the apps, and the models in lower
  /// case. An unknown app is Django's "No installed app with label …".
  func excluded(_ labels: [String]) throws -> (apps: Set<String>, models: Set<String>) {
    var apps = Set<String>()
    var models = Set<String>()
    try parse(labels, unknownApp: { "No installed app with label '\($0)'." }) { app, model in
      if let model { models.insert(model.labelLower) } else { apps.insert(app) }
    }
    return (apps, models)
  }

  /// The models `labels` name, in their order, each once (an app label is its models); an
  /// unknown app says `unknownApp`'s words (dumpdata's are "Unknown application: …").
  func models(_ labels: [String], unknownApp: (String) -> String) throws -> [ModelSchema] {
    var models: [ModelSchema] = []
    try parse(labels, unknownApp: unknownApp) { app, model in
      for found in model.map({ [$0] }) ?? schema.models(in: app) where !models.contains(where: { $0.labelLower == found.labelLower }) {
        models.append(found)
      }
    }
    return models
  }

  /// Each label as its app, and its model when it names one; unknown ones are exit-2 errors.
  private func parse(_ labels: [String], unknownApp: (String) -> String, _ each: (String, ModelSchema?) -> Void) throws {
    for label in labels {
      if label.contains(".") {
        guard let model = schema.model(label) else {
          throw CommandFailure("Unknown model: \(label)", hint: Suggestion.closest(to: label, in: schema.models.map(\.label)).map { "Did you mean '\($0)'?" }, exitCode: 2)
        }
        each(model.app, model)
      } else {
        guard registry.app(label) != nil else {
          throw CommandFailure(unknownApp(label), hint: Suggestion.closest(to: label, in: registry.labels).map { "Did you mean '\($0)'?" }, exitCode: 2)
        }
        each(label, nil)
      }
    }
  }
}
