import Foundation
import ManageCore
import ManageMigrations
import TestDatabases

/// The database under the shell's fixtures: a SQLite file in the fixture's folder or a scratch
/// database on the PostgreSQL test cluster, with the schema's tables made by the schema editor.
enum FixtureDatabase {
  /// A connection to an empty database on `backend` (the scratch database, when there is one,
  /// must live as long as the fixture).
  static func open(_ backend: DatabaseBackend, prefix: String, folder: String) throws -> (Connection, ScratchPostgresDatabase?) {
    guard backend == .postgresql else { return (try Connection(path: folder + "/db.sqlite3"), nil) }
    let scratch = try ScratchPostgresDatabase(prefix: prefix)
    return (try scratch.connect(), scratch)
  }

  /// A project folder in the temporary directory with one app of `models`, its schema for
  /// `backend`, and its tables made on a fresh database (the scratch database, when there is
  /// one, must live as long as the caller).
  static func project(app: String, models: String, backend: DatabaseBackend, prefix: String)
    throws -> (path: String, schema: ProjectSchema, connection: Connection, scratch: ScratchPostgresDatabase?)
  {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path + "/" + app, withIntermediateDirectories: true)
    try "installed_apps: [\(app)]\n".write(toFile: path + "/manage.yaml", atomically: true, encoding: .utf8)
    try models.write(toFile: path + "/\(app)/models.yaml", atomically: true, encoding: .utf8)
    var schema = try AppRegistry(settings: SettingsLoader.load(environment: [:], currentDirectory: path)).loadSchema()
    schema.dialect = SQLDialect(backend)
    let (connection, scratch) = try open(backend, prefix: prefix.replacingOccurrences(of: "-", with: "_"), folder: path)
    try createTables(for: schema, on: connection)
    return (path, schema, connection, scratch)
  }

  /// Creates every model's table as a migration would.
  static func createTables(for schema: ProjectSchema, on connection: Connection) throws {
    // Migration state names related models by label, as migration files do.
    var resolved = schema
    for index in resolved.models.indices {
      for field in resolved.models[index].fields.indices where resolved.models[index].fields[field].relatedModel != nil {
        resolved.models[index].fields[field].to = resolved.models[index].fields[field].relatedModel
      }
    }
    let editor = SchemaEditor.make(for: connection.backend, sink: .execute(connection))
    let state = ProjectState(schema: resolved)
    for model in resolved.models { try editor.createModel(model, state: state) }
    try editor.finish()
  }
}
