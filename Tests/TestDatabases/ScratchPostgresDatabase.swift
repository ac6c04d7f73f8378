import Foundation
import ManageCore

/// The PostgreSQL test cluster the tests share: `.ci/run` starts a throwaway one and names it in
/// MANAGE_TEST_POSTGRES_URL; without it the tests run on SQLite only.
public enum TestCluster {
  /// The cluster's maintenance database URL, nil when no cluster is running.
  public static let url = ProcessInfo.processInfo.environment["MANAGE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

  /// The backends a test that touches a database runs on.
  public static var backends: [DatabaseBackend] { url == nil ? [.sqlite] : [.sqlite, .postgresql] }
}

/// A fresh, empty database on the test cluster, dropped again when released, so tests running
/// side by side never share tables.
public final class ScratchPostgresDatabase {
  /// The database's name, `PREFIX_` and 16 random hex digits.
  public let name: String
  /// Its connection parameters (the cluster's, with this database's name).
  public let parameters: PostgresParameters
  private let server: PostgresParameters

  public init(prefix: String = "manage_test") throws {
    guard let url = TestCluster.url, let server = try DatabaseURL(parsing: url, baseDirectory: "/", source: .defaults).postgres else {
      throw CommandFailure("MANAGE_TEST_POSTGRES_URL does not name a PostgreSQL test cluster")
    }
    self.server = server
    name = prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    try Connection(postgres: server, displayName: "test cluster").execute("CREATE DATABASE \"\(name)\"")
    var parameters = server
    parameters.name = name
    self.parameters = parameters
  }

  /// The database's URL, for manage.yaml or DATABASE_URL.
  public var url: String { parameters.fullURL }

  /// A libpq conninfo string for it (psycopg, psql).
  public var conninfo: String {
    "host=\(parameters.host ?? "127.0.0.1") port=\(parameters.effectivePort) user=\(parameters.user ?? "postgres") dbname=\(name)"
  }

  /// A new connection to it.
  public func connect() throws -> Connection { try Connection(postgres: parameters, displayName: name) }

  deinit {
    // WITH (FORCE) ends sessions a killed test left behind (PostgreSQL 13+).
    try? Connection(postgres: server, displayName: "test cluster").execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
  }
}
