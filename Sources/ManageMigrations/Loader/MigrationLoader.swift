import Foundation
import ManageCore

/// Reads every installed app's migrations (files, or the built-in apps' embedded ones),
/// resolves squashed migrations against what is applied, and builds the graph.
public struct MigrationLoader: Sendable {
  public private(set) var migrations: [MigrationKey: Migration] = [:]
  public private(set) var graph = MigrationGraph()
  /// Squashed migrations in use, and what they replace.
  public private(set) var replacements: [MigrationKey: [MigrationKey]] = [:]
  /// Apps that have a migrations folder or embedded migrations.
  public private(set) var appsWithMigrations: Set<String> = []

  /// Loads the migrations of `registry`'s apps; `applied` decides which side of a squash is used.
  public init(registry: AppRegistry, applied: Set<MigrationKey> = []) throws {
    // Files are parsed on all cores: reading the JSON is most of a large project's load time.
    var files: [(app: String, path: String)] = []
    for app in registry.apps {
      if app.isBuiltin {
        for migration in try BuiltinMigrations.migrations(for: app.label) {
          migrations[migration.key] = migration
          appsWithMigrations.insert(app.label)
        }
        continue
      }
      guard let folder = app.migrationsDirectory, Path.isDirectory(folder) else { continue }
      appsWithMigrations.insert(app.label)
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
      for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") && !name.hasPrefix("_") {
        files.append((app.label, Path.join(folder, name)))
      }
    }
    for migration in try parallelMap(files, { try Self.read(file: $0.path, app: $0.app) }) {
      migrations[migration.key] = migration
    }
    try resolveReplacements(applied: applied)
    try buildGraph()
  }

  /// Builds a loader from migrations in memory (tests, `--update`).
  public init(migrations list: [Migration], applied: Set<MigrationKey> = []) throws {
    for migration in list {
      migrations[migration.key] = migration
      appsWithMigrations.insert(migration.app)
    }
    try resolveReplacements(applied: applied)
    try buildGraph()
  }

  /// One migration file (`NNNN_name.json`).
  static func read(file path: String, app: String) throws -> Migration {
    let display = Path.display(path, relativeTo: FileManager.default.currentDirectoryPath)
    guard let data = FileManager.default.contents(atPath: path), let text = String(validating: data, as: UTF8.self) else {
      throw MigrationError("cannot read \(display)", hint: "Check the file's permissions and that it is UTF-8.")
    }
    let name = String(Path.lastComponent(path).dropLast(5))
    var migration = try MigrationFileReader(app: app, displayPath: display).read(text, name: name)
    migration.file = path
    return migration
  }

  /// The migration `name` of `app`, or the one whose name starts with it.
  public func migration(app: String, prefix: String) throws -> Migration {
    if let exact = migrations[MigrationKey(app, prefix)] { return exact }
    let matches = migrations.values.filter { $0.app == app && $0.name.hasPrefix(prefix) }
    guard !matches.isEmpty else {
      throw MigrationError("Cannot find a migration matching '\(prefix)' from app '\(app)'.",
                           hint: "`manage showmigrations \(app)` lists its migrations.")
    }
    guard matches.count == 1 else {
      throw MigrationError("More than one migration matches '\(prefix)' in app '\(app)'. Please be more specific.",
                           hint: "Candidates: \(matches.map(\.name).sorted().joined(separator: ", ")).")
    }
    return matches[0]
  }

  /// The migrations of `app` in graph order.
  public func migrations(of app: String) -> [Migration] {
    graph.orderedNodes.filter { $0.app == app }.compactMap { migrations[$0] }
  }

  // MARK: - Building

  /// Django's rule: a squashed migration is used when none or all of what it replaces is
  /// applied; otherwise the originals are, until they are all applied.
  private mutating func resolveReplacements(applied: Set<MigrationKey>) throws {
    for (key, migration) in migrations.sorted(by: { $0.key < $1.key }) where !migration.replaces.isEmpty {
      let appliedCount = migration.replaces.filter(applied.contains).count
      if appliedCount == 0 || appliedCount == migration.replaces.count {
        replacements[key] = migration.replaces
        for replaced in migration.replaces { migrations[replaced] = nil }
      } else if migration.replaces.contains(where: { migrations[$0] == nil }),
        let next = migration.replaces.first(where: { !applied.contains($0) })
      {
        // The built-in apps carry Django's chains only as a squash: a database part-way
        // through one (Django's migrate stopped early, or an older Django) must finish it first.
        let done = migration.replaces.filter(applied.contains).map(\.name)
        throw MigrationError(
          "\(key.app) has \(done.count) of the \(migration.replaces.count) migrations \(key) replaces applied (up to \(done.max() ?? "")), and the next, \(next), is not available.",
          hint: BuiltinHistory.isBuiltinSquash(key)
            ? "Run Django's `manage.py migrate \(key.app)` on this database once (manage carries Django 6.1's \(key.app) migrations as one squash), then run manage again."
            : "Restore the migrations \(key) replaces, or apply them with Django first.")
      } else {
        migrations[key] = nil
      }
    }
  }

  private mutating func buildGraph() throws {
    var redirect: [MigrationKey: MigrationKey] = [:]
    for (squashed, replaced) in replacements { for key in replaced { redirect[key] = squashed } }
    for key in migrations.keys { graph.add(key) }
    for (key, migration) in migrations.sorted(by: { $0.key < $1.key }) {
      for dependency in migration.dependencies {
        var target = redirect[dependency] ?? dependency
        if target.name == "__first__" || target.name == "__latest__" {
          let candidates = migrations.keys.filter { $0.app == target.app }
          guard !candidates.isEmpty else {
            throw MigrationError("Migration \(key) depends on app '\(target.app)', which has no migrations.",
                                 hint: "Install the app, or remove the dependency.")
          }
          let appGraph = candidates.sorted()
          target = target.name == "__first__" ? appGraph.first! : appGraph.last!
        }
        if target == key { continue }
        guard migrations[target] != nil else {
          throw MigrationError(
            "Migration \(key) dependencies reference nonexistent parent node ('\(dependency.app)', '\(dependency.name)').",
            hint: migration.file.map { "Fix the \"dependencies\" of \(Path.display($0, relativeTo: FileManager.default.currentDirectoryPath)), or restore the missing migration." })
        }
        graph.addDependency(from: key, to: target)
      }
    }
    try graph.checkForCycles()
  }
}
