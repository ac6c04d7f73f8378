import Foundation
import ManageCore

/// Django's `django_migrations` table: which migrations are applied, and when.
public struct MigrationRecorder {
  let connection: Connection

  public init(connection: Connection) { self.connection = connection }

  /// Creates the table as Django does, if missing.
  public func ensureTable() throws {
    try connection.execute("""
      CREATE TABLE IF NOT EXISTS "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \
      "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL)
      """)
  }

  /// Applied migrations with their applied time; empty when the table does not exist. A
  /// built-in app's history from before manage recorded Django's names reads as completed
  /// (`BuiltinHistory`); `completeBuiltinHistory()` writes it.
  public func applied() throws -> [MigrationKey: String] {
    let recorded = try recordedRows()
    return recorded.merging(BuiltinHistory.missingRows(recorded)) { first, _ in first }
  }

  /// The rows of django_migrations as they are.
  func recordedRows() throws -> [MigrationKey: String] {
    guard try connection.tableExists("django_migrations") else { return [:] }
    var result: [MigrationKey: String] = [:]
    for row in try connection.query("SELECT app, name, applied FROM django_migrations") {
      result[MigrationKey(row[0].string ?? "", row[1].string ?? "")] = row[2].string ?? ""
    }
    return result
  }

  /// Records the names an old built-in history lacks (see `BuiltinHistory`); the caller holds
  /// the migrate lock. Returns what it recorded.
  @discardableResult
  public func completeBuiltinHistory() throws -> [MigrationKey] {
    let missing = BuiltinHistory.missingRows(try recordedRows())
    guard !missing.isEmpty else { return [] }
    try connection.transaction {
      for (key, time) in missing.sorted(by: { $0.key < $1.key }) {
        try connection.run("INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, ?)",
                           [.text(key.app), .text(key.name), .text(time)])
      }
    }
    return missing.keys.sorted()
  }

  public func recordApplied(_ key: MigrationKey) throws {
    try connection.run("INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, ?)",
                       [.text(key.app), .text(key.name), .text(DjangoTime.format(Date()))])
  }

  public func recordUnapplied(_ key: MigrationKey) throws {
    try connection.run("DELETE FROM django_migrations WHERE app = ? AND name = ?", [.text(key.app), .text(key.name)])
  }
}
