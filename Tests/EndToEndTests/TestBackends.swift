import Foundation
import ManageCore
import TestDatabases
import Testing

/// The backends an end-to-end test runs on: SQLite always, PostgreSQL when
/// MANAGE_TEST_POSTGRES_URL names a server (.ci/run starts a throwaway cluster and sets it).
enum TestBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case sqlite, postgresql

  var testDescription: String { rawValue }

  /// The maintenance database URL of the test cluster.
  static let serverURL = TestCluster.url

  /// SQLite, and PostgreSQL when a test cluster is there.
  static var available: [TestBackend] { serverURL == nil ? [.sqlite] : [.sqlite, .postgresql] }
}

/// A scratch database on the test cluster (Tests/TestDatabases).
typealias TestPostgresDatabase = ScratchPostgresDatabase

extension ScratchPostgresDatabase {
  /// The URL for another role (the cluster's `manage_pw` has a password; see .ci/postgres-cluster).
  func url(user: String, password: String) -> String {
    var other = parameters
    other.user = user
    other.password = password
    return other.fullURL
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
