import Foundation
import ManageCore
import Testing

/// The backends an end-to-end test runs on: SQLite always, PostgreSQL when
/// MANAGE_TEST_POSTGRES_URL names a server (.ci/run starts a throwaway cluster and sets it).
enum TestBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case sqlite, postgresql

  var testDescription: String { rawValue }

  /// The maintenance database URL of the test cluster.
  static let serverURL = ProcessInfo.processInfo.environment["MANAGE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

  /// SQLite, and PostgreSQL when a test cluster is there.
  static var available: [TestBackend] { serverURL == nil ? [.sqlite] : [.sqlite, .postgresql] }
}

/// A fresh, empty PostgreSQL database on the test cluster, dropped again when released, so
/// tests running side by side never share tables.
final class TestPostgresDatabase {
  let name: String
  let url: String
  private let server: PostgresParameters

  init() throws {
    guard let serverURL = TestBackend.serverURL else { throw CommandFailure("MANAGE_TEST_POSTGRES_URL is not set") }
    server = try #require(try DatabaseURL(parsing: serverURL, baseDirectory: "/", source: .defaults).postgres)
    name = "manage_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    try Connection(postgres: server, displayName: "test cluster").execute("CREATE DATABASE \"\(name)\"")
    var database = server
    database.name = name
    url = database.fullURL
  }

  /// A connection to this database, for checks the test makes itself.
  func connect() throws -> Connection {
    var parameters = server
    parameters.name = name
    return try Connection(postgres: parameters, displayName: url)
  }

  /// The URL for another role (the cluster's `manage_pw` has a password; see .ci/postgres-cluster).
  func url(user: String, password: String) -> String {
    url.replacingOccurrences(of: "postgres://\(server.user ?? "postgres")@", with: "postgres://\(user):\(password)@")
  }

  /// The server's port, for libpq-style connection strings (psycopg).
  var conninfo: String { "host=\(server.host ?? "127.0.0.1") port=\(server.port ?? 5432) user=\(server.user ?? "postgres") dbname=\(name)" }

  deinit {
    // WITH (FORCE) ends sessions a killed test left behind (PostgreSQL 13+).
    try? Connection(postgres: server, displayName: "test cluster").execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
  }
}

/// A project on `backend`: `Fixtures/NAME` (or an empty folder with `manage.yaml`), its database
/// a SQLite file or a fresh PostgreSQL database.
struct BackendProject {
  let directory: TemporaryDirectory
  let database: TestPostgresDatabase?
  var path: String { directory.path }

  init(_ backend: TestBackend, fixture: String? = nil, settings: String? = nil) throws {
    directory = try fixture.map(TemporaryDirectory.copyOfFixture) ?? TemporaryDirectory()
    if let settings { try directory.write("manage.yaml", settings) }
    database = backend == .postgresql ? try TestPostgresDatabase() : nil
    if let database {
      let text = (try? directory.read("manage.yaml")) ?? ""
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("database:") }
      try directory.write("manage.yaml", "database: \(database.url)\n" + lines.joined(separator: "\n"))
    }
  }

  /// A connection to the project's database.
  func connect() throws -> Connection {
    if let database { return try database.connect() }
    return try Connection(path: path + "/db.sqlite3")
  }
}
