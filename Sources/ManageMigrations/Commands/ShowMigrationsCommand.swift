import ArgumentParser
import Foundation
import ManageCore

/// `manage showmigrations`: every migration and whether it is applied.
public struct ShowMigrationsCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "showmigrations",
    abstract: "Shows all available migrations for the current project.")
  public static let group = "migrations"

  @Argument(help: "App labels of applications to limit the output to.", completion: .appLabels)
  var appLabels: [String] = []

  @Flag(name: [.customShort("l"), .long], help: "Shows a list of all migrations and which are applied. With a verbosity level of 2 or above, the applied datetimes will be included.")
  var list = false

  @Flag(name: [.customShort("p"), .long], help: "Shows all migrations in the order they will be applied. With a verbosity level of 2 or above all direct migration dependencies and reverse dependencies (run_before) will be included.")
  var plan = false

  @Option(help: "Output format.")
  var format: OutputFormat = .text

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let project = try MigrationProject(context)
    for label in appLabels { _ = try project.requireApp(label) }
    let applied = try project.appliedMigrations()
    let loader = try project.loader(applied: Set(applied.keys))
    let done = Set(applied.keys)
    let isApplied = { (key: MigrationKey) -> Bool in
      if let replaced = loader.replacements[key] { return replaced.allSatisfy(done.contains) || done.contains(key) }
      return done.contains(key)
    }
    let console = context.console
    let apps = appLabels.isEmpty ? project.registry.labels.sorted() : appLabels

    if format == .json {
      let objects: [[String: Any]] = apps.map { app in
        ["app": app, "migrations": loader.migrations(of: app).map { migration -> [String: Any] in
          ["name": migration.name, "applied": isApplied(migration.key), "applied_at": applied[migration.key] ?? NSNull()]
        }]
      }
      let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
      console.print(String(decoding: data, as: UTF8.self))
      return
    }
    if plan {
      let nodes = loader.graph.orderedNodes.filter { appLabels.isEmpty || apps.contains($0.app) }
      if nodes.isEmpty { console.print("(no migrations)") }
      for key in nodes {
        var line = "[\(isApplied(key) ? "X" : " ")]  \(key)"
        if context.verbosity >= 2, let parents = loader.graph.parents[key], !parents.isEmpty {
          line += " ... (\(parents.sorted().map(\.description).joined(separator: ", ")))"
        }
        console.print(line)
      }
      return
    }
    var text = ""
    for app in apps {
      text += console.style(app, .migrateLabel) + "\n"
      let migrations = loader.migrations(of: app)
      if migrations.isEmpty {
        text += console.style(" (no migrations)", .error) + "\n"
        continue
      }
      for migration in migrations {
        var line = " [\(isApplied(migration.key) ? "X" : " ")] \(migration.name)"
        if let replaced = loader.replacements[migration.key] {
          let count = replaced.filter(done.contains).count
          if count > 0 && count < replaced.count { line = " [-] \(migration.name)" }
          line += " (\(replaced.count) squashed migrations)"
        }
        if context.verbosity >= 2, let when = applied[migration.key] { line += " (applied at \(when.prefix(19)))" }
        text += line + "\n"
      }
    }
    console.print(text, terminator: "")
  }
}
