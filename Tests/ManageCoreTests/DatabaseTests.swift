import Foundation
import Testing
@testable import ManageCore

@Suite("SQLite connection, statements, transactions, introspection")
struct DatabaseTests {
  @Test func opensInWALWithForeignKeysAndBusyTimeout() throws {
    let directory = try TestDirectory()
    let connection = try Connection(path: directory.path + "/db.sqlite3")
    #expect(try connection.scalar("PRAGMA journal_mode")?.string == "wal")
    #expect(try connection.scalar("PRAGMA foreign_keys")?.int == 1)
    #expect(try connection.scalar("PRAGMA busy_timeout")?.int == 5000)
  }

  @Test func typedValuesRoundTrip() throws {
    let connection = try Connection(path: ":memory:")
    try connection.execute("CREATE TABLE t (i integer, r real, s text, b blob, n text)")
    try connection.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.integer(42), .real(1.5), .text("héllo ' \" "), .blob([0, 255, 7]), .null])
    let row = try #require(try connection.query("SELECT * FROM t").first)
    #expect(row.values == [.integer(42), .real(1.5), .text("héllo ' \" "), .blob([0, 255, 7]), .null])
    #expect(row["s"] == .text("héllo ' \" "))
    #expect(row.columns == ["i", "r", "s", "b", "n"])
  }

  @Test func wrongArgumentCountIsAnError() throws {
    let connection = try Connection(path: ":memory:")
    let error = #expect(throws: SQLiteError.self) { try connection.run("SELECT ?", []) }
    #expect(error?.message.contains("statement takes 1 arguments, 0 given") == true)
  }

  @Test func transactionRollsBackOnError() throws {
    let connection = try Connection(path: ":memory:")
    try connection.execute("CREATE TABLE t (x integer UNIQUE)")
    #expect(throws: SQLiteError.self) {
      try connection.transaction {
        try connection.run("INSERT INTO t VALUES (1)")
        try connection.run("INSERT INTO t VALUES (1)")
      }
    }
    #expect(try connection.scalar("SELECT count(*) FROM t")?.int == 0)
    #expect(!connection.isInTransaction)
  }

  @Test func savepointUndoesOnlyItsOwnWork() throws {
    let connection = try Connection(path: ":memory:")
    try connection.execute("CREATE TABLE t (x integer)")
    try connection.transaction {
      try connection.run("INSERT INTO t VALUES (1)")
      try? connection.savepoint("inner") {
        try connection.run("INSERT INTO t VALUES (2)")
        throw CommandFailure("undo")
      }
    }
    #expect(try connection.query("SELECT x FROM t").map { $0[0] } == [.integer(1)])
  }

  @Test func constraintViolationSaysWhatAndWhere() throws {
    let directory = try TestDirectory()
    let connection = try Connection(path: directory.path + "/db.sqlite3", displayName: "db.sqlite3")
    try connection.execute("CREATE TABLE t (x integer NOT NULL)")
    let error = #expect(throws: SQLiteError.self) { try connection.run("INSERT INTO t VALUES (NULL)") }
    #expect(error?.codeName == "SQLITE_CONSTRAINT")
    #expect(error?.message.hasPrefix("NOT NULL constraint failed: t.x (SQLITE_CONSTRAINT) on database db.sqlite3") == true)
    #expect(error?.sql == "INSERT INTO t VALUES (NULL)")
  }

  @Test func lockedDatabaseIsReportedAsBusyWithAHint() throws {
    let directory = try TestDirectory()
    let path = directory.path + "/db.sqlite3"
    let holder = try Connection(path: path)
    try holder.execute("CREATE TABLE t (x integer)")
    try holder.execute("BEGIN IMMEDIATE")
    let waiter = try Connection(path: path, displayName: "db.sqlite3", busyTimeout: 50)
    let error = #expect(throws: SQLiteError.self) {
      try waiter.transaction { try waiter.run("INSERT INTO t VALUES (1)") }
    }
    #expect(error?.codeName == "SQLITE_BUSY")
    #expect(error?.message.contains("on database db.sqlite3") == true)
    #expect(error?.hint?.contains("Another process is writing") == true)
    try holder.execute("ROLLBACK")
  }

  @Test func unopenableFileIsCantOpen() throws {
    let error = #expect(throws: SQLiteError.self) {
      try Connection(path: "/nonexistent-folder/db.sqlite3")
    }
    #expect(error?.codeName == "SQLITE_CANTOPEN")
    #expect(error?.hint != nil)
  }

  @Test func introspectionReadsTablesColumnsIndexesAndForeignKeys() throws {
    let connection = try Connection(path: ":memory:")
    try connection.execute("""
      CREATE TABLE "author" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL UNIQUE);
      CREATE TABLE "post" (
        "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
        "title" varchar(200) NOT NULL DEFAULT 'x',
        "author_id" bigint NULL REFERENCES "author" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED);
      CREATE INDEX "post_author_id_idx" ON "post" ("author_id", "title");
      """)
    #expect(try connection.tableNames() == ["author", "post"])
    #expect(try connection.tableExists("post"))
    #expect(try !connection.tableExists("nope"))
    let columns = try connection.columns(of: "post")
    #expect(columns.map(\.name) == ["id", "title", "author_id"])
    #expect(columns[1].type == "varchar(200)" && columns[1].notNull && columns[1].defaultSQL == "'x'")
    #expect(columns[0].primaryKeyPosition == 1)
    let indexes = try connection.indexes(of: "post")
    #expect(indexes.first { $0.name == "post_author_id_idx" }?.columns == ["author_id", "title"])
    #expect(try connection.indexes(of: "author").contains { $0.unique && $0.columns == ["name"] && $0.origin == "u" })
    let keys = try connection.foreignKeys(of: "post")
    #expect(keys.count == 1)
    #expect(keys[0].column == "author_id" && keys[0].table == "author" && keys[0].onDelete == "CASCADE")
    #expect(try connection.foreignKeyViolations().isEmpty)
  }
}
