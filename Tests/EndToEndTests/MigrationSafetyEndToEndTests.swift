import Foundation
import ManageCore
import Testing

/// Bad migration files, failing SQL, locks and kill -9: each ends with a clear message and a
/// database at a migration boundary.
@Suite("Migration safety", .serialized)
struct MigrationSafetyEndToEndTests {
  func shop(_ backend: TestBackend) throws -> BackendProject {
    let project = try BackendProject(backend, settings: "installed_apps: [shop]\n")
    try project.directory.write("shop/models.yaml", "models:\n  Item:\n    fields:\n      name: text\n")
    _ = try Manage.run(["makemigrations"], in: project.path)
    return project
  }

  @Test(arguments: TestBackend.available)
  func unknownOperationNamesFileLineAndSuggests(_ backend: TestBackend) throws {
    let project = try shop(backend)
    try project.directory.write("shop/migrations/0002_bad.json", """
      {
        "dependencies": [["shop", "0001_initial"]],
        "operations": [
          {"op": "AddFeild", "model": "Item", "name": "x", "field": {"type": "text"}}
        ]
      }
      """)
    let result = try Manage.run(["migrate"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: shop/migrations/0002_bad.json:4:12: unknown operation 'AddFeild'"), "\(result.stderr)")
    #expect(result.stderr.contains("hint: Did you mean 'AddField'?"))
    try project.directory.write("shop/migrations/0002_bad.json", """
      {"dependencies": [["shop", "0001_initial"]], "operations": [{"op": "AddField", "model": "Item", "name": "x", "field": {"type": "txt"}}]}
      """)
    let field = try Manage.run(["migrate"], in: project.path)
    #expect(field.stderr.contains("shop/migrations/0002_bad.json:1:"), "\(field.stderr)")
    #expect(field.stderr.contains("Unknown field type 'txt'"))
  }

  @Test(arguments: TestBackend.available)
  func missingDependencyAndCycleAreReported(_ backend: TestBackend) throws {
    let project = try shop(backend)
    try project.directory.write("shop/migrations/0002_x.json", #"{"dependencies": [["shop", "0009_gone"]], "operations": []}"#)
    let missing = try Manage.run(["migrate"], in: project.path)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("Migration shop.0002_x dependencies reference nonexistent parent node ('shop', '0009_gone')."))
    try project.directory.write("shop/migrations/0002_x.json", #"{"dependencies": [["shop", "0003_y"]], "operations": []}"#)
    try project.directory.write("shop/migrations/0003_y.json", #"{"dependencies": [["shop", "0002_x"]], "operations": []}"#)
    let cycle = try Manage.run(["showmigrations"], in: project.path)
    #expect(cycle.status == 1)
    #expect(cycle.stderr.contains("Circular dependency between migrations: shop.0002_x -> shop.0003_y -> shop.0002_x")
      || cycle.stderr.contains("Circular dependency between migrations: shop.0003_y -> shop.0002_x -> shop.0003_y"), "\(cycle.stderr)")
  }

  @Test(arguments: TestBackend.available)
  func inconsistentHistoryIsRefused(_ backend: TestBackend) throws {
    let project = try shop(backend)
    try project.directory.write("shop/migrations/0002_x.json", #"{"dependencies": [["shop", "0001_initial"]], "operations": []}"#)
    _ = try Manage.run(["migrate"], in: project.path)
    let connection = try project.connect()
    try connection.run("DELETE FROM django_migrations WHERE name = '0001_initial'")
    let result = try Manage.run(["migrate"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("Migration shop.0002_x is applied before its dependency shop.0001_initial"))
  }

  @Test(arguments: TestBackend.available)
  func failingRunSQLRollsBackItsWholeMigration(_ backend: TestBackend) throws {
    let project = try shop(backend)
    _ = try Manage.run(["migrate"], in: project.path)
    try project.directory.write("shop/migrations/0002_sql.json", """
      {"dependencies": [["shop", "0001_initial"]], "operations": [
        {"op": "RunSQL", "sql": "CREATE TABLE scratch (x integer); INSERT INTO nowhere VALUES (1)", "reverse_sql": ""}
      ]}
      """)
    let result = try Manage.run(["migrate"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains(backend == .sqlite ? "no such table: nowhere" : "relation \"nowhere\" does not exist (SQLSTATE 42P01)"), "\(result.stderr)")
    #expect(result.stderr.contains("while running: INSERT INTO nowhere VALUES (1)"), "\(result.stderr)")
    let connection = try project.connect()
    #expect(try !connection.tableExists("scratch"), "the first statement was rolled back with the migration")
    #expect(try connection.scalar("SELECT count(*) FROM django_migrations WHERE name = '0002_sql'")?.int == 0)
  }

  @Test func lockedDatabaseWaitsThenFailsClearly() throws {
    let project = try shop(.sqlite)
    let holder = try project.connect()
    try holder.execute("CREATE TABLE hold (x integer)")
    try holder.execute("BEGIN IMMEDIATE")
    let result = try Manage.run(["migrate"], in: project.path)
    try holder.execute("ROLLBACK")
    #expect(result.status == 1)
    #expect(result.stderr.contains("database is locked (SQLITE_BUSY) on database db.sqlite3"), "\(result.stderr)")
    #expect(result.stderr.contains("hint: Another process is writing"))
  }

  /// PostgreSQL's twin of the locked file: another session holds the migrate's advisory lock.
  @Test(.enabled(if: TestBackend.serverURL != nil))
  func aSecondMigrateWaitsForTheAdvisoryLockAndNamesItsHolder() throws {
    let project = try shop(.postgresql)
    let holder = try project.connect()
    _ = try holder.scalar("SELECT pg_advisory_lock(\(0x6D61_6E67), 1)")
    let pid = try #require(holder.backendPID)
    let blocked = try Manage.run(["migrate", "--lock-timeout", "1"], in: project.path)
    #expect(blocked.status == 1, "\(blocked.stderr)")
    #expect(blocked.stderr.contains("Waiting for another migrate (pid \(pid)) to finish"), "\(blocked.stderr)")
    #expect(blocked.stderr.contains("another manage migrate (server pid \(pid)) is still running"), "\(blocked.stderr)")
    #expect(try project.connect().tableExists("shop_item") == false, "nothing was applied")
    _ = try holder.scalar("SELECT pg_advisory_unlock(\(0x6D61_6E67), 1)")
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
  }

  /// A project large enough that a migrate takes a while: 20 apps of 25 models.
  func bigProject(_ backend: TestBackend) throws -> BackendProject {
    let project = try BackendProject(backend)
    let generated = try Manage.spawn(
      ["python3", Manage.repository + "/Benchmarks/generate_project.py", project.path], in: project.path,
      environment: Manage.baseEnvironment())
    #expect(generated.status == 0, "\(generated.stderr)")
    if let database = project.database {
      let settings = try project.directory.read("manage.yaml").split(separator: "\n").filter { !$0.hasPrefix("database:") }
      try project.directory.write("manage.yaml", "database: \(database.url)\n" + settings.joined(separator: "\n") + "\n")
    }
    let made = try Manage.run(["makemigrations", "-v", "0"], in: project.path)
    #expect(made.status == 0, "\(made.stderr)")
    return project
  }

  @Test(arguments: TestBackend.available)
  func twoMigratesAtOnceApplyEachMigrationOnce(_ backend: TestBackend) throws {
    let project = try bigProject(backend)
    let first = try Manage.start(["migrate"], in: project.path, output: project.path + "/first")
    let second = try Manage.start(["migrate"], in: project.path, output: project.path + "/second")
    #expect(Manage.wait(first) == 0)
    #expect(Manage.wait(second) == 0)
    let connection = try project.connect()
    // One per generated app, and Django's names for the built-in chains with their squashes
    // (contenttypes 2 + 1, auth 12 + 1, sessions 1).
    #expect(try connection.scalar("SELECT count(*) FROM django_migrations")?.int == 37)
    #expect(try connection.scalar("SELECT count(*) FROM (SELECT app, name FROM django_migrations GROUP BY app, name HAVING count(*) > 1) AS duplicates")?.int == 0)
    let outputs = try project.directory.read("first.err") + project.directory.read("second.err")
    #expect(outputs.contains("Waiting for another migrate"), "one of them waited: \(outputs)")
  }

  @Test(arguments: TestBackend.available)
  func killedMigrateLeavesAMigrationBoundary(_ backend: TestBackend) throws {
    let project = try bigProject(backend)
    var random = SystemRandomNumberGenerator()
    // A PostgreSQL migrate spends its first ~50 ms connecting and locking, so it is killed later.
    let moments: ClosedRange<UInt32> = backend == .sqlite ? 5_000...120_000 : 50_000...600_000
    for round in 0..<6 {
      let pid = try Manage.start(["migrate"], in: project.path, output: project.path + "/run")
      usleep(UInt32.random(in: moments, using: &random))
      kill(pid, SIGKILL)
      _ = Manage.wait(pid)
      let connection = try project.connect()
      let recorded = try connection.tableExists("django_migrations")
        ? Set(try connection.query("SELECT app FROM django_migrations WHERE name = '0001_initial'").compactMap { $0[0].string }) : []
      for app in (0..<20).map({ String(format: "app%02d", $0) }) {
        let table = try connection.tableExists("\(app)_model0")
        #expect(table == recorded.contains(app), "round \(round): \(app) has table \(table) but recorded \(recorded.contains(app))")
      }
      if backend == .sqlite { #expect(try connection.scalar("PRAGMA integrity_check")?.string == "ok") }
    }
    let finished = try Manage.run(["migrate"], in: project.path)
    #expect(finished.status == 0, "\(finished.stderr)")
    #expect(try Manage.run(["migrate", "--check"], in: project.path).status == 0)
  }
}
