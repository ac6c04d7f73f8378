import ArgumentParser
import Foundation
import ManageCore

/// `manage migrate [app] [migration]`: brings the database to the migrations' state, each
/// migration in its own transaction, under a lock that keeps two migrates apart.
public struct MigrateCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "migrate",
    abstract: "Updates database schema. Manages both apps with migrations and those without.",
    discussion: """
      Applies (or, given an earlier migration or zero, unapplies) migrations. Each migration's \
      DDL and its django_migrations row commit together or not at all; a second migrate on the \
      same database waits for the first (see --lock-timeout). Afterwards every model has its \
      content type and add/change/delete/view permissions.
      """)
  public static let group = "migrations"

  @Argument(help: "App label of an application to synchronize the state.", completion: .appLabels)
  var appLabel: String?

  @Argument(help: "Database state will be brought to the state after that migration. Use the name \"zero\" to unapply all migrations.", completion: .migrateTargets)
  var migrationName: String?

  @Flag(help: "Mark migrations as run without actually running them.")
  var fake = false

  @Flag(name: .customLong("fake-initial"), help: "Detect if tables already exist and fake-apply initial migrations if so.")
  var fakeInitial = false

  @Flag(help: "Shows a list of the migration actions that will be performed.")
  var plan = false

  @Flag(help: "Exits with a non-zero status if unapplied migrations exist and does not actually apply migrations.")
  var check = false

  @Flag(help: "Delete nonexistent migrations from the django_migrations table.")
  var prune = false

  @Flag(name: [.customLong("noinput"), .customLong("no-input")], help: "Tells manage to NOT prompt the user for input of any kind.")
  var noInput = false

  @Option(name: .customLong("lock-timeout"), help: ArgumentHelp("Seconds to wait for another migrate on the same database.", valueName: "seconds"))
  var lockTimeout: Double = 60

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let started = Date()
    func phase(_ name: String) { context.logger.debug("\(name): \(Int(Date().timeIntervalSince(started) * 1000)) ms") }
    try context.requireSystemChecks()
    let project = try MigrationProject(context)
    phase("system checks")
    let console = context.console
    if let appLabel {
      _ = try project.requireApp(appLabel)
    }
    let connection = try project.openForWriting()
    let waiting: (String) -> Void = { holder in console.printError("Waiting for another migrate (pid \(holder)) to finish…", style: .notice) }
    let lock: MigrateLock? =
      if project.settings.database.backend == .postgresql {
        try MigrateLock(postgres: connection, timeout: lockTimeout, waiting: waiting)
      } else if project.settings.database.path == ":memory:" {
        nil
      } else {
        try MigrateLock(database: project.settings.database.path, timeout: lockTimeout, waiting: waiting)
      }
    defer { withExtendedLifetime(lock) {} }

    let recorder = MigrationRecorder(connection: connection)
    if !plan, !check { try recorder.completeBuiltinHistory() }
    let applied = try recorder.applied()
    let loader = try project.loader(applied: Set(applied.keys))
    try MigrationProject.refuseConflicts(loader)
    let executor = try MigrationExecutor(connection: connection, loader: loader)
    try checkConsistency(loader: loader, applied: executor.appliedNodes)
    phase("loaded \(loader.migrations.count) migrations")

    if prune { return try pruneMissing(loader: loader, connection: connection, console: console) }

    var targets: [MigrationExecutor.Target]
    var heading: String
    if let appLabel {
      guard loader.appsWithMigrations.contains(appLabel), !loader.graph.leaves(of: appLabel).isEmpty else {
        throw CommandFailure("App '\(appLabel)' does not have migrations.", hint: "Run `manage makemigrations \(appLabel)` first.")
      }
      if let migrationName {
        if migrationName == "zero" {
          targets = [.init(app: appLabel, name: nil)]
          heading = "  Unapply all migrations: \(appLabel)"
        } else {
          let migration = try loader.migration(app: appLabel, prefix: migrationName)
          targets = [.init(app: appLabel, name: migration.name)]
          heading = "  Target specific migration: \(migration.name), from \(appLabel)"
        }
      } else {
        targets = loader.graph.leaves(of: appLabel).map { .init(app: $0.app, name: $0.name) }
        heading = "  Apply all migrations: \(appLabel)"
      }
    } else {
      targets = loader.graph.allLeaves.map { .init(app: $0.app, name: $0.name) }
      heading = "  Apply all migrations: \(loader.appsWithMigrations.sorted().joined(separator: ", "))"
    }
    let steps = executor.plan(targets)

    if plan {
      console.print(console.style("Planned operations:", .migrateHeading))
      if steps.isEmpty { console.print("  No planned migration operations.") }
      for step in steps {
        console.print(step.key.description)
        for operation in loader.migrations[step.key]?.operations ?? [] {
          console.print("    " + (step.backwards ? "Undo " : "") + operation.description)
        }
      }
      // Django's migrate: `--plan --check` prints the plan and still fails when it is not empty.
      if check && !steps.isEmpty { throw ExitStatus(1) }
      return
    }
    if check {
      if !steps.isEmpty { throw ExitStatus(1) }
      return
    }

    console.print(atVerbosity: 1, console.style("Operations to perform:", .migrateHeading))
    console.print(atVerbosity: 1, heading)
    console.print(atVerbosity: 1, console.style("Running migrations:", .migrateHeading))
    if steps.isEmpty {
      console.print(atVerbosity: 1, "  No migrations to apply.")
      let unmigrated = try project.unmigratedChanges(loader: loader).filter { appLabel == nil || $0 == appLabel }
      if !unmigrated.isEmpty {
        console.print(atVerbosity: 1, console.style("""
            Your models in app(s): \(unmigrated.map { "'\($0)'" }.joined(separator: ", ")) have changes that are not yet reflected in a migration, and so won't be applied.
            Run 'manage makemigrations' to make new migrations, and then re-run 'manage migrate' to apply them.
          """, .notice))
      }
    }
    try executor.migrate(steps, fake: fake, fakeInitial: fakeInitial) { step, outcome, seconds in
      guard context.verbosity >= 1 else { return }
      guard let outcome else {
        console.print("  \(step.backwards ? "Unapplying" : "Applying") \(step.key)...", terminator: "")
        return
      }
      let word: String = switch outcome {
      case .applied: console.style(" OK", .success)
      case .faked: console.style(" FAKED", .success)
      case .skippedAlreadyApplied: console.style(" already applied by another migrate", .notice)
      }
      console.print(word + (context.verbosity >= 2 ? String(format: " (%.3fs)", seconds) : ""))
    }
    phase("migrations run")
    try PostMigrate.run(connection: connection, schema: try project.schema)
    phase("content types and permissions")
  }

  /// Django's InconsistentMigrationHistory: an applied migration whose dependency is not.
  private func checkConsistency(loader: MigrationLoader, applied: Set<MigrationKey>) throws {
    for key in applied.sorted() {
      for parent in loader.graph.parents[key] ?? [] where !applied.contains(parent) {
        throw CommandFailure(
          "Migration \(key) is applied before its dependency \(parent) on database '\(global.settings ?? "default")'.",
          hint: "The django_migrations table disagrees with the migration files; apply \(parent) with --fake if its changes are in the database already.")
      }
    }
  }

  private func pruneMissing(loader: MigrationLoader, connection: Connection, console: Console) throws {
    let recorder = MigrationRecorder(connection: connection)
    let known = Set(loader.graph.nodes).union(loader.replacements.values.flatMap { $0 })
    let stale = try recorder.applied().keys.filter { !known.contains($0) && (appLabel == nil || $0.app == appLabel) }.sorted()
    console.print(console.style("Pruning migrations:", .migrateHeading))
    if stale.isEmpty {
      console.print("  No migrations to prune.")
      return
    }
    for key in stale {
      try recorder.recordUnapplied(key)
      console.print("  Pruning \(key)" + console.style(" OK", .success))
    }
  }
}
