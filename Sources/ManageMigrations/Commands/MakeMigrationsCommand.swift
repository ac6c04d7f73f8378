import ArgumentParser
import Foundation
import ManageCore

/// `manage makemigrations`: writes the migrations that take the database from what the
/// migrations describe to what models.yaml describes.
public struct MakeMigrationsCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "makemigrations",
    abstract: "Creates new migration(s) for apps.",
    discussion: """
      Compares every app's models.yaml with the state its migrations build and writes \
      NNNN_name.json files for the difference, asking about renames and defaults as Django does. \
      With --check it writes nothing and exits 1 when a migration is missing: the CI gate.
      """)
  public static let group = "migrations"

  @Argument(help: "Specify the app label(s) to create migrations for.", completion: .appLabels)
  var appLabels: [String] = []

  @Flag(name: .customLong("dry-run"), help: "Just show what migrations would be made; don't actually write them.")
  var dryRun = false

  @Flag(help: "Enable fixing of migration conflicts.")
  var merge = false

  @Flag(help: "Create an empty migration.")
  var empty = false

  @Flag(name: [.customLong("noinput"), .customLong("no-input")], help: "Tells manage to NOT prompt the user for input of any kind.")
  var noInput = false

  @Option(name: [.customShort("n"), .long], help: "Use this name for migration file(s).")
  var name: String?

  @Flag(help: "Exit with a non-zero status if model changes are missing migrations and don't actually write them.")
  var check = false

  @Flag(help: "Output only created migration paths, other output goes to stderr.")
  var scriptable = false

  @Flag(help: "Merge model changes into the latest migration and optimize the resulting operations.")
  var update = false

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func validate() throws {
    if let name, !Identifier.isValid(name) {
      throw ValidationError("The migration name must be a valid identifier.")
    }
  }

  public func run(context: CommandContext) async throws {
    try context.requireSystemChecks()
    let project = try MigrationProject(context)
    let console = context.console
    let log: (String) -> Void = { text in
      if scriptable { console.printError(text) } else { console.print(atVerbosity: 1, text) }
    }
    var labels: Set<String>? = nil
    if !appLabels.isEmpty {
      for label in appLabels {
        guard let app = project.registry.app(label) else {
          let guess = Suggestion.closest(to: label, in: project.registry.labels)
          throw UsageError(
            "App '\(label)' could not be found. Is it in installed_apps?",
            hint: (guess.map { "Did you mean '\($0)'? " } ?? "") + "Installed apps: \(project.registry.labels.joined(separator: ", ")).")
        }
        if app.isBuiltin { throw CommandFailure("App '\(label)' is built into manage; its migrations ship with it.") }
      }
      labels = Set(appLabels)
    }
    let loader = try project.loader()
    if merge { return try mergeBranches(project, loader: loader, labels: labels, log: log) }
    try MigrationProject.refuseConflicts(loader, apps: labels)

    let timestamp = MigrationProject.timestamp()
    var changes: [String: [Migration]]
    if empty {
      guard let labels else { throw UsageError("You must supply at least one app label when using --empty.") }
      changes = [:]
      let planner = MigrationPlanner(loader: loader, timestamp: timestamp)
      for app in labels.sorted() {
        var migration = Migration(app: app, name: "")
        migration.name = String(format: "%04d_%@", planner.nextNumber(app), name ?? "auto_\(timestamp)")
        migration.dependencies = loader.graph.leaves(of: app).suffix(1).map { $0 }
        migration.initial = loader.graph.leaves(of: app).isEmpty
        changes[app] = [migration]
      }
    } else {
      // --check is a CI gate: it never waits for an answer (Django's --check implies
      // --dry-run and is run with --noinput in CI; here it never asks at all).
      let questioner: any Questioner = noInput || check
        ? NonInteractiveQuestioner(console: console) : InteractiveQuestioner(console: console)
      if update { return try updateLatest(project, loader: loader, labels: labels, questioner: questioner, log: log) }
      changes = try MigrationMaker.changes(
        registry: project.registry, schema: try project.schema, loader: loader, questioner: questioner, apps: labels,
        name: name, timestamp: timestamp)
    }

    guard !changes.isEmpty else {
      if let labels {
        let quoted = labels.sorted().map { "'\($0)'" }.joined(separator: ", ")
        log(labels.count == 1 ? "No changes detected in app \(quoted)" : "No changes detected in apps \(quoted)")
      } else {
        log("No changes detected")
      }
      return
    }
    for app in changes.keys.sorted() {
      log(console.style("Migrations for '\(app)':", .migrateHeading))
      for migration in changes[app]! {
        let path = Path.join(project.registry.app(app)!.migrationsDirectory!, migration.name + ".json")
        log("  " + console.style(project.display(path), .migrateLabel))
        for operation in migration.operations { log("    " + operation.formattedDescription) }
        if dryRun && context.verbosity >= 3 { log(MigrationWriter.json(migration)) }
      }
    }
    if check { throw ExitStatus(1) }
    if dryRun { return }
    for path in try MigrationMaker.write(changes, registry: project.registry) where scriptable {
      console.print(project.display(path))
    }
  }

  // MARK: - --merge

  private func mergeBranches(_ project: MigrationProject, loader: MigrationLoader, labels: Set<String>?, log: (String) -> Void) throws {
    let conflicts = loader.graph.conflicts.filter { labels?.contains($0.key) ?? true }
    guard !conflicts.isEmpty else {
      log("No conflicts detected to merge.")
      return
    }
    let questioner: any Questioner = noInput
      ? NonInteractiveQuestioner(console: project.context.console) : InteractiveQuestioner(console: project.context.console)
    for app in conflicts.keys.sorted() {
      let leaves = conflicts[app]!
      log(project.context.console.style("Merging \(app)", .migrateHeading))
      let common = Set(leaves.map { Set(loader.graph.forwardsPlan($0)) }.reduce(Set(loader.graph.nodes)) { $0.intersection($1) })
      for leaf in leaves {
        log(project.context.console.style("  Branch \(leaf.name)", .migrateLabel))
        for key in loader.graph.forwardsPlan(leaf) where key.app == app && !common.contains(key) {
          for operation in loader.migrations[key]?.operations ?? [] { log("    " + operation.formattedDescription) }
        }
      }
      guard try questioner.askMerge(app: app) else { continue }
      let number = (leaves.compactMap { Int($0.name.prefix(while: \.isNumber)) }.max() ?? 0) + 1
      let joined = leaves.map(\.name).sorted().joined(separator: "_")
      var migration = Migration(app: app, name: String(format: "%04d_merge_%@", number, name ?? (joined.count > 47 ? MigrationProject.timestamp() : joined)))
      migration.dependencies = leaves
      let path = Path.join(project.registry.app(app)!.migrationsDirectory!, migration.name + ".json")
      if dryRun {
        log(MigrationWriter.json(migration))
      } else {
        try FileWriter.writeAtomically(MigrationWriter.json(migration), to: path)
        if scriptable { project.context.console.print(project.display(path)) }
        log("\nCreated new merge migration \(project.display(path))")
      }
    }
  }

  // MARK: - --update

  private func updateLatest(_ project: MigrationProject, loader: MigrationLoader, labels: Set<String>?, questioner: any Questioner, log: (String) -> Void) throws {
    var wrote = false
    let apps = project.registry.apps.filter { !$0.isBuiltin && (labels?.contains($0.label) ?? true) }
    for app in apps {
      guard let leaf = loader.graph.leaves(of: app.label).last, let latest = loader.migrations[leaf], let file = latest.file else { continue }
      // The state without the latest migration, compared with models.yaml for this app.
      let others = loader.migrations.values.filter { $0.key != leaf }
      let trimmed = try MigrationLoader(migrations: Array(others))
      var detector = Autodetector(
        from: try MigrationExecutor.graphState(trimmed), to: ProjectState(schema: try project.schema), questioner: questioner)
      try detector.detect()
      guard let operations = detector.operations[app.label], operations != latest.operations else { continue }
      var migration = latest
      migration.operations = Optimizer.optimize(operations)
      var extra = MigrationPlanner(loader: trimmed, timestamp: MigrationProject.timestamp()).arrange(detector)[app.label]?.first?.dependencies ?? []
      extra.removeAll { $0.app == app.label }
      migration.dependencies = MigrationPlanner.unique(latest.dependencies + extra)
      if let name { migration.name = String(format: "%04d_%@", latest.number ?? 1, name) }
      let path = Path.join(app.migrationsDirectory!, migration.name + ".json")
      log(project.context.console.style("Migrations for '\(app.label)':", .migrateHeading))
      log("  " + project.context.console.style(project.display(path), .migrateLabel))
      for operation in migration.operations { log("    " + operation.formattedDescription) }
      wrote = true
      if check || dryRun { continue }
      try FileWriter.writeAtomically(MigrationWriter.json(migration), to: path)
      if path != file { try FileManager.default.removeItem(atPath: file) }
      if scriptable { project.context.console.print(project.display(path)) }
    }
    if !wrote { log("No changes detected") }
    if wrote && check { throw ExitStatus(1) }
  }
}
