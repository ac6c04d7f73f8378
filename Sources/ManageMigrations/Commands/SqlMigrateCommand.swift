import ArgumentParser
import ManageCore

/// `manage sqlmigrate app migration`: the SQL a migration runs, without running it.
public struct SqlMigrateCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "sqlmigrate",
    abstract: "Prints the SQL statements for the named migration.")
  public static let group = "migrations"

  @Argument(help: "App label of the application containing the migration.", completion: .appLabels)
  var appLabel: String

  @Argument(help: "Migration name to print the SQL for.", completion: .migrationNames)
  var migrationName: String

  @Flag(help: "Creates SQL to unapply the migration, rather than to apply it")
  var backwards = false

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let project = try MigrationProject(context)
    _ = try project.requireApp(appLabel)
    let loader = try project.loader(applied: Set(try project.appliedMigrations().keys))
    let migration = try loader.migration(app: appLabel, prefix: migrationName)
    // The state before the migration: everything it depends on, replayed.
    var state = ProjectState()
    for key in loader.graph.forwardsPlan(migration.key) where key != migration.key {
      for operation in loader.migrations[key]?.operations ?? [] {
        try MigrationExecutor.apply(operation, of: loader.migrations[key]!, to: &state)
      }
    }
    var steps: [(Operation, ProjectState, ProjectState)] = []
    for operation in migration.operations {
      let before = state
      try MigrationExecutor.apply(operation, of: migration, to: &state)
      steps.append((operation, before, state))
    }
    var output: [String] = []
    if migration.atomic { output.append("BEGIN;") }
    // One editor for the migration, as Django's: what it defers (PostgreSQL's foreign keys and
    // indexes) is printed after the last operation.
    let editor = SchemaEditor.make(for: project.settings.database.backend, sink: .collect)
    var printed = 0
    for (operation, before, after) in backwards ? steps.reversed() : steps {
      output.append("--")
      output.append("-- " + (backwards ? "Undo " : "") + operation.description)
      output.append("--")
      if backwards {
        try operation.databaseBackwards(app: migration.app, editor: editor, from: after, to: before)
      } else {
        try operation.databaseForwards(app: migration.app, editor: editor, from: before, to: after)
      }
      if editor.statements.count == printed { output.append("-- (no-op)") }
      output += editor.statements[printed...].map { $0 + ";" }
      printed = editor.statements.count
    }
    try editor.finish()
    output += editor.statements[printed...].map { $0 + ";" }
    if migration.atomic { output.append("COMMIT;") }
    context.console.print(output.joined(separator: "\n"))
  }
}
