import ArgumentParser
import ManageCore

/// `manage optimizemigration app migration`: rewrites a migration with its operations folded.
public struct OptimizeMigrationCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "optimizemigration",
    abstract: "Optimizes the operations for the named migration.")
  public static let group = "migrations"

  @Argument(help: "App label of the application to optimize the migration for.", completion: .appLabels)
  var appLabel: String

  @Argument(help: "Migration name to optimize the operations for.", completion: .migrationNames)
  var migrationName: String

  @Flag(help: "Exit with a non-zero status if the migration can be optimized.")
  var check = false

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let project = try MigrationProject(context)
    let app = try project.requireApp(appLabel)
    let loader = try project.loader()
    var migration = try loader.migration(app: appLabel, prefix: migrationName)
    let optimized = Optimizer.optimize(migration.operations, app: appLabel)
    let console = context.console
    guard optimized.count != migration.operations.count else {
      console.print(atVerbosity: 1, "No optimizations possible.")
      return
    }
    console.print(atVerbosity: 1, "Optimizing from \(migration.operations.count) operations to \(optimized.count) operations.")
    if check { throw ExitStatus(1) }
    guard let file = migration.file, !app.isBuiltin else {
      throw CommandFailure("Migration \(migration.key) is built into manage and cannot be rewritten.")
    }
    migration.operations = optimized
    try FileWriter.writeAtomically(MigrationWriter.json(migration), to: file)
    console.print(atVerbosity: 1, console.style("Optimized migration \(project.display(file))", .migrateHeading))
  }
}
