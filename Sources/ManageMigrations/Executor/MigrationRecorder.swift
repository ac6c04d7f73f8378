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

  /// Applied migrations with their applied time; empty when the table does not exist.
  public func applied() throws -> [MigrationKey: String] {
    guard try connection.tableExists("django_migrations") else { return [:] }
    var result: [MigrationKey: String] = [:]
    for row in try connection.query("SELECT app, name, applied FROM django_migrations") {
      result[MigrationKey(row[0].string ?? "", row[1].string ?? "")] = row[2].string ?? ""
    }
    return result
  }

  public func recordApplied(_ key: MigrationKey) throws {
    try connection.run("INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, ?)",
                       [.text(key.app), .text(key.name), .text(DjangoTime.format(Date()))])
  }

  public func recordUnapplied(_ key: MigrationKey) throws {
    try connection.run("DELETE FROM django_migrations WHERE app = ? AND name = ?", [.text(key.app), .text(key.name)])
  }
}
