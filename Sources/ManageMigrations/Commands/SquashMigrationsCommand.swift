import ArgumentParser
import Foundation
import ManageCore

/// `manage squashmigrations app [start] end`: one migration standing for several.
public struct SquashMigrationsCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "squashmigrations",
    abstract: "Squashes an existing set of migrations (from first until specified) into a single new one.")
  public static let group = "migrations"

  @Argument(help: "App label of the application to squash migrations for.", completion: .appLabels)
  var appLabel: String

  @Argument(help: "Migrations will be squashed starting from and including this migration (or, alone, until and including it).", completion: .migrationNames)
  var names: [String]

  @Flag(name: .customLong("no-optimize"), help: "Do not try to optimize the squashed operations.")
  var noOptimize = false

  @Flag(name: [.customLong("noinput"), .customLong("no-input")], help: "Tells manage to NOT prompt the user for input of any kind.")
  var noInput = false

  @Option(name: .customLong("squashed-name"), help: "Sets the name of the new squashed migration.")
  var squashedName: String?

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func validate() throws {
    guard (1...2).contains(names.count) else { throw ValidationError("Give the last migration to squash, or the first and the last.") }
  }

  public func run(context: CommandContext) async throws {
    let project = try MigrationProject(context)
    let app = try project.requireApp(appLabel)
    guard !app.isBuiltin else { throw CommandFailure("App '\(appLabel)' is built into manage; its migrations cannot be squashed.") }
    let loader = try project.loader()
    let end = try loader.migration(app: appLabel, prefix: names.last!)
    let start = names.count == 2 ? try loader.migration(app: appLabel, prefix: names[0]) : nil
    let chain = loader.graph.forwardsPlan(end.key).filter { $0.app == appLabel }.compactMap { loader.migrations[$0] }
    guard let startIndex = start.map({ first in chain.firstIndex { $0.key == first.key } }) ?? 0 else {
      throw CommandFailure("The migration '\(start!.name)' cannot be found or is not before '\(end.name)'.")
    }
    let squashed = Array(chain[startIndex...])
    let console = context.console
    console.print(console.style("Will squash the following migrations:", .migrateHeading))
    for migration in squashed { console.print(" - \(migration.name)") }
    if !noInput && isatty(0) == 1 {
      console.print("Do you wish to proceed? [y/N] ", terminator: "")
      guard readLine()?.lowercased().hasPrefix("y") == true else {
        console.print("Aborting.")
        return
      }
    }
    let operations = squashed.flatMap(\.operations)
    var result = operations
    if !noOptimize {
      console.print(console.style("Optimizing...", .migrateHeading))
      result = Optimizer.optimize(operations, app: appLabel)
      console.print(result.count == operations.count
        ? "  No optimizations possible."
        : "  Optimized from \(operations.count) operations to \(result.count) operations.")
    }
    let inside = Set(squashed.map(\.key))
    var migration = Migration(app: appLabel, name: "")
    migration.operations = result
    migration.replaces = squashed.map(\.key)
    migration.initial = squashed.first?.initial ?? false
    migration.dependencies = MigrationPlanner.unique(squashed.flatMap(\.dependencies).filter { !inside.contains($0) })
    let number = squashed.first?.number ?? 1
    if let squashedName {
      migration.name = String(format: "%04d_%@", number, squashedName)
    } else {
      migration.name = start == nil ? String(format: "%04d_squashed_%@", number, end.name) : "\(start!.name)_squashed_\(end.name)"
    }
    let path = Path.join(app.migrationsDirectory!, migration.name + ".json")
    guard !Path.exists(path) else { throw CommandFailure("Migration \(migration.name) already exists. Use a different name.") }
    try FileWriter.writeAtomically(MigrationWriter.json(migration), to: path)
    console.print(console.style("Created new squashed migration \(project.display(path))", .migrateHeading))
    console.print("""
        You should commit this migration but leave the old ones in place;
        the new migration will be used for new installs. Once you are sure
        all instances of the codebase have applied the migrations you squashed,
        you can delete them.
      """)
  }
}
