import Foundation
import ManageCore

/// What the migration commands share: the project's apps and models, its migrations, and the
/// database (opened only when a command needs it, and never created by a read-only one).
struct MigrationProject {
  let context: CommandContext
  let registry: AppRegistry

  init(_ context: CommandContext) throws {
    self.context = context
    registry = try context.registry()
  }

  /// The models, loaded on first use (showmigrations and sqlmigrate never need them).
  var schema: ProjectSchema {
    get throws { try context.schema() }
  }

  var settings: Settings { registry.settings }

  /// The app `label`, or Django's error for one that is not installed.
  func requireApp(_ label: String) throws -> AppConfig {
    guard let app = registry.app(label) else {
      var hint = "Installed apps: \(registry.labels.joined(separator: ", "))."
      if let guess = Suggestion.closest(to: label, in: registry.labels) { hint = "Did you mean '\(guess)'? " + hint }
      throw CommandFailure("No installed app with label '\(label)'.", hint: hint)
    }
    return app
  }

  /// The database for writing, created if missing.
  func openForWriting() throws -> Connection { try context.openDatabase() }

  /// The database for reading, or nil when the file does not exist yet.
  func openForReading() throws -> Connection? {
    guard !settings.databaseFileIsMissing else { return nil }
    return try Connection(settings.database, displayName: settings.databaseDisplay, readOnly: settings.database.isSQLiteFile)
  }

  /// Applied migrations, without creating anything.
  func appliedMigrations() throws -> [MigrationKey: String] {
    guard let connection = try openForReading() else { return [:] }
    return try MigrationRecorder(connection: connection).applied()
  }

  /// The migrations, squashes resolved against `applied`.
  func loader(applied: Set<MigrationKey> = []) throws -> MigrationLoader {
    try MigrationLoader(registry: registry, applied: applied)
  }

  /// Django's refusal to work on a graph with two leaves in one app.
  static func refuseConflicts(_ loader: MigrationLoader, apps: Set<String>? = nil) throws {
    let conflicts = loader.graph.conflicts.filter { apps?.contains($0.key) ?? true }
    guard !conflicts.isEmpty else { return }
    let listing = conflicts.keys.sorted().map { app in
      "\(conflicts[app]!.map(\.name).joined(separator: ", ")) in \(app)"
    }.joined(separator: "; ")
    throw CommandFailure(
      "Conflicting migrations detected; multiple leaf nodes in the migration graph: (\(listing)).",
      hint: "To fix them run 'manage makemigrations --merge'")
  }

  /// Where an app's migration file goes, as the user should see it.
  func display(_ path: String) -> String { Path.display(path, relativeTo: context.currentDirectory) }

  /// `YYYYMMDD_HHMM` for `auto_` and `merge_` names, in UTC.
  static func timestamp(_ date: Date = Date()) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    return String(format: "%04d%02d%02d_%02d%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
  }

  /// The changes between the migrations and models.yaml, without asking anything.
  func unmigratedChanges(loader: MigrationLoader) throws -> [String] {
    var detector = Autodetector(
      from: try MigrationExecutor.graphState(loader), to: ProjectState(schema: try schema),
      questioner: SilentQuestioner())
    try detector.detect()
    return detector.operations.keys.filter { registry.app($0)?.isBuiltin == false }.sorted()
  }
}

/// Answers every question without stopping: for "are there changes?" only.
struct SilentQuestioner: Questioner {
  func askRenameModel(app: String, old: String, new: String) throws -> Bool { false }
  func askRenameField(model: String, old: String, new: String, type: FieldType) throws -> Bool { false }
  func askNotNullAddition(model: String, field: FieldSchema) throws -> FieldValue { .null }
  func askNotNullAlteration(model: String, field: FieldSchema) throws -> FieldValue? { nil }
  func askMerge(app: String) throws -> Bool { false }
}
