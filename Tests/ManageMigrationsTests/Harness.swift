import Foundation
import ManageCore
import TestDatabases
@testable import ManageMigrations

/// A throwaway project on disk: manage.yaml, apps with models.yaml, a real SQLite file or a
/// fresh database on the PostgreSQL test cluster (MANAGE_TEST_POSTGRES_URL).
/// makemigrations and migrate run in-process through the library the commands use.
final class Harness {
  let path: String
  var apps: [String]
  let backend: DatabaseBackend
  private var database: ScratchPostgresDatabase?

  /// The backends the migration tests run on: SQLite, and PostgreSQL with a test cluster.
  static var backends: [DatabaseBackend] { TestCluster.backends }

  init(apps: [String: String], builtins: [String] = ["auth", "contenttypes"], backend: DatabaseBackend = .sqlite) throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("manage-mig-\(UUID().uuidString)").path
    self.apps = builtins + apps.keys.sorted()
    self.backend = backend
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    if backend == .postgresql { database = try ScratchPostgresDatabase(prefix: "manage_mig") }
    try write("manage.yaml", (database.map { "database: \($0.url)\n" } ?? "") + "installed_apps: [\(self.apps.joined(separator: ", "))]\n")
    for (app, yaml) in apps { try setModels(app, yaml) }
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }

  func write(_ relative: String, _ text: String) throws {
    let full = path + "/" + relative
    try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: full, atomically: true, encoding: .utf8)
  }

  func setModels(_ app: String, _ yaml: String) throws { try write("\(app)/models.yaml", yaml) }

  func registry() throws -> AppRegistry {
    try AppRegistry(settings: SettingsLoader.load(environment: [:], currentDirectory: path))
  }

  /// Runs makemigrations; `answers` feed the interactive questioner, nil answers non-interactively.
  @discardableResult
  func makemigrations(answers: [String]? = nil, apps: Set<String>? = nil, name: String? = nil) throws -> [String: [Migration]] {
    let registry = try registry()
    let schema = try registry.loadSchema()
    if let problem = schema.diagnostics.first(where: { $0.isSerious() }) { throw CommandFailure(problem.rendered) }
    var queue = answers ?? []
    let questioner: any Questioner = answers == nil
      ? NonInteractiveQuestioner(console: Console(verbosity: 0))
      : InteractiveQuestioner(console: Console(verbosity: 0, output: OutputStream(fileDescriptor: -1)), readAnswer: { queue.isEmpty ? nil : queue.removeFirst() })
    let changes = try MigrationMaker.changes(
      registry: registry, schema: schema, loader: try MigrationLoader(registry: registry), questioner: questioner,
      apps: apps, name: name, timestamp: "20261127_1200")
    try MigrationMaker.write(changes, registry: registry)
    return changes
  }

  func connection() throws -> Connection {
    let settings = try SettingsLoader.load(environment: [:], currentDirectory: path)
    return try Connection(settings.database, displayName: settings.databaseDisplay)
  }

  /// Runs migrate to the leaves, or to `name` of `app` (nil name: zero).
  func migrate(app: String? = nil, to name: String?? = .none) throws {
    let connection = try connection()
    let registry = try registry()
    let applied = try MigrationRecorder(connection: connection).applied()
    let loader = try MigrationLoader(registry: registry, applied: Set(applied.keys))
    let executor = try MigrationExecutor(connection: connection, loader: loader)
    let targets: [MigrationExecutor.Target]
    if let app, case .some(let target) = name {
      targets = [.init(app: app, name: try target.map { try loader.migration(app: app, prefix: $0).name })]
    } else {
      targets = loader.graph.allLeaves.map { .init(app: $0.app, name: $0.name) }
    }
    try executor.migrate(executor.plan(targets))
  }

  /// The schema as SQLite reports it, in a form that does not depend on column order.
  func snapshot(excluding: Set<String> = ["django_migrations", "sqlite_sequence"]) throws -> String {
    try Self.snapshot(connection(), excluding: excluding)
  }

  static func snapshot(_ connection: Connection, excluding: Set<String> = ["django_migrations", "sqlite_sequence"]) throws -> String {
    if connection.backend == .postgresql { return try postgresSnapshot(connection, excluding: excluding) }
    var lines: [String] = []
    for table in try connection.tableNames() where !excluding.contains(table) {
      lines.append("table \(table)")
      for column in try connection.columns(of: table).sorted(by: { $0.name < $1.name }) {
        lines.append("  column \(column.name) \(column.type) notnull=\(column.notNull) default=\(column.defaultSQL ?? "-") pk=\(column.primaryKeyPosition)")
      }
      for index in try connection.indexes(of: table).sorted(by: { $0.columns.joined() + $0.name < $1.columns.joined() + $1.name }) {
        let name = index.origin == "c" ? index.name : "(\(index.origin))"
        lines.append("  index \(name) \(index.columns) unique=\(index.unique) partial=\(index.partial)")
      }
      for key in try connection.foreignKeys(of: table).sorted(by: { $0.column < $1.column }) {
        lines.append("  fk \(key.column) -> \(key.table).\(key.referencedColumn ?? "pk")")
      }
      let checks = try connection.scalar("SELECT sql FROM sqlite_master WHERE name = ?", [.text(table)])?.string ?? ""
      for match in checks.components(separatedBy: "CONSTRAINT ").dropFirst() {
        lines.append("  constraint \(match.prefix { $0 != ")" })")
      }
    }
    return lines.joined(separator: "\n")
  }

  /// The schema as PostgreSQL's catalogs report it: columns, then index and constraint
  /// definitions without their names (PostgreSQL, like Django there, keeps an index's name when
  /// its column is renamed, so a migrated database and a fresh one differ only in names).
  static func postgresSnapshot(_ connection: Connection, excluding: Set<String>) throws -> String {
    var lines: [String] = []
    for table in try connection.tableNames() where !excluding.contains(table) {
      lines.append("table \(table)")
      for column in try connection.columns(of: table).sorted(by: { $0.name < $1.name }) {
        lines.append("  column \(column.name) \(column.type) notnull=\(column.notNull) default=\(column.defaultSQL ?? "-") pk=\(column.primaryKeyPosition)")
      }
      let indexes = try connection.query(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?", [.text(table)]
      ).compactMap { $0[0].string.map { $0.replacingOccurrences(of: #"INDEX \S+ ON"#, with: "INDEX ON", options: .regularExpression) } }
      for index in indexes.sorted() { lines.append("  index \(index)") }
      let constraints = try connection.query("""
        SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE t.relname = ? AND t.relnamespace = current_schema()::regnamespace
        """, [.text(table)]).compactMap { $0[0].string }
      for constraint in constraints.sorted() { lines.append("  constraint \(constraint)") }
    }
    return lines.joined(separator: "\n")
  }

  /// The migration file names of `app`, sorted.
  func migrationFiles(_ app: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path + "/\(app)/migrations")) ?? []).filter { $0.hasSuffix(".json") }.sorted()
  }
}
