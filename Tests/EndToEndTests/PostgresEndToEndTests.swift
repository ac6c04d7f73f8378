import Foundation
import ManageCore
import Testing

/// PostgreSQL's own faults and tools (issue 15 §5–7): a server that is down or unreachable, a
/// wrong password, a missing database, a lock another migrate holds, a statement timeout, a
/// server that goes away mid-migrate, kill -9, dbshell through psql, and Django (psycopg) on the
/// same database. Runs when MANAGE_TEST_POSTGRES_URL names a test cluster (.ci/run starts one).
@Suite("PostgreSQL", .serialized)
struct PostgresEndToEndTests {
  static let enabled = TestBackend.serverURL != nil
  static let builtinApps = "installed_apps: [auth, contenttypes, sessions, admin]\n"

  @Test(.enabled(if: enabled)) func anUnreachableServerAWrongPasswordAndAMissingDatabaseAreClearErrors() throws {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", Self.builtinApps)
    let database = try TestPostgresDatabase()
    // A closed port: refused at once, with host, port and a hint.
    let closed = try Manage.run(["migrate"], in: project.path, environment: ["DATABASE_URL": "postgres://u:s3cret-word@127.0.0.1:1/app?connect_timeout=2"])
    #expect(closed.status == 1)
    #expect(closed.stderr.contains("error: could not connect to the PostgreSQL server at 127.0.0.1 port 1"), "\(closed.stderr)")
    #expect(closed.stderr.contains("hint: Start the server, or fix the host and port"), "\(closed.stderr)")
    #expect(!closed.stderr.contains("s3cret-word") && closed.stderr.contains("u:********@"), "\(closed.stderr)")
    // A host that never answers (TEST-NET-1): given up within connect_timeout.
    let started = Date()
    let silent = try Manage.run(["showmigrations"], in: project.path, environment: ["DATABASE_URL": "postgres://u@192.0.2.1:5432/app?connect_timeout=1"])
    #expect(silent.status == 1 && Date().timeIntervalSince(started) < 8, "\(silent.stderr)")
    #expect(silent.stderr.contains("192.0.2.1 port 5432"), "\(silent.stderr)")
    // A wrong password: said, not echoed.
    let wrong = try Manage.run(["migrate"], in: project.path, environment: ["DATABASE_URL": database.url(user: "manage_pw", password: "not-the-password")])
    #expect(wrong.status == 1 && wrong.stderr.contains("password authentication failed for user \"manage_pw\""), "\(wrong.stderr)")
    #expect(!wrong.stderr.contains("not-the-password"), "\(wrong.stderr)")
    // The right one works (the password travels to libpq, never to argv).
    let right = try Manage.run(["migrate", "-v", "0"], in: project.path, environment: ["DATABASE_URL": database.url(user: "manage_pw", password: "pw-secret-123")])
    #expect(right.status == 0, "\(right.stderr)")
    let checked = try Manage.run(["check", "--database"], in: project.path, environment: ["DATABASE_URL": database.url(user: "manage_pw", password: "pw-secret-123")])
    #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
    // A database that does not exist: the hint names createdb.
    let missingURL = database.url.replacingOccurrences(of: database.name, with: "no_such_db")
    let missing = try Manage.run(["migrate"], in: project.path, environment: ["DATABASE_URL": missingURL])
    #expect(missing.status == 1 && missing.stderr.contains("database \"no_such_db\" does not exist"), "\(missing.stderr)")
    #expect(missing.stderr.contains("hint: Create it with `createdb no_such_db`"), "\(missing.stderr)")
    let unhealthy = try Manage.run(["check", "--database"], in: project.path, environment: ["DATABASE_URL": missingURL])
    #expect(unhealthy.status == 1 && unhealthy.stderr.contains("database.E003"), "\(unhealthy.stderr)")
  }

  /// A server older than 13 (a stand-in that speaks the startup protocol as PostgreSQL 12.19)
  /// is refused right after connecting, before any statement runs.
  @Test(.enabled(if: enabled)) func aServerOlderThan13IsRefused() throws {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", Self.builtinApps)
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/old_postgres_server.py").path
    let server = try Manage.startProgram(["python3", script], in: project.path, output: project.path + "/server")
    defer {
      kill(server, SIGKILL)
      _ = Manage.wait(server)
    }
    var portText = ""
    for _ in 0..<100 where !portText.hasSuffix("\n") {
      usleep(50_000)
      portText = (try? project.read("server.out")) ?? ""
    }
    let url = "postgres://app@127.0.0.1:\(portText.trimmingCharacters(in: .whitespacesAndNewlines))/app?sslmode=disable"
    for command in [["migrate"], ["check", "--database"]] {
      let result = try Manage.run(command, in: project.path, environment: ["DATABASE_URL": url])
      #expect(result.status == 1, "\(command): \(result.stdout)\(result.stderr)")
      #expect(result.stderr.contains("PostgreSQL 12.19 is too old: manage needs PostgreSQL 13 or later"), "\(command): \(result.stderr)")
      #expect(result.stderr.contains("Upgrade the server"), "\(command): \(result.stderr)")
    }
  }

  /// A project whose second migration fails the way the issue names: a statement timeout, or
  /// the server ending the session (pg_terminate_backend) while it runs.
  func projectWithASlowMigration(_ extraURLOptions: String = "") throws -> BackendProject {
    let project = try BackendProject(.postgresql, settings: "installed_apps: [auth, contenttypes, shop]\n")
    try project.directory.write("shop/models.yaml", "models:\n  Item:\n    fields:\n      name: {type: char, max_length: 20}\n")
    #expect(try Manage.run(["makemigrations", "-v", "0"], in: project.path).status == 0)
    try project.directory.write("shop/migrations/0002_slow.json", """
      {"dependencies": [["shop", "0001_initial"]], "operations": [
        {"op": "RunSQL", "sql": "CREATE TABLE shop_partial (x integer); SELECT pg_sleep(3)", "reverse_sql": ""}]}
      """)
    if !extraURLOptions.isEmpty {
      let settings = try project.directory.read("manage.yaml")
      try project.directory.write("manage.yaml", settings.replacingOccurrences(of: "\n", with: "?\(extraURLOptions)\n", options: [], range: settings.range(of: "\n")))
    }
    return project
  }

  @Test(.enabled(if: enabled)) func aStatementTimeoutRollsTheMigrationBack() throws {
    let project = try projectWithASlowMigration("options=-c%20statement_timeout%3D500")
    let result = try Manage.run(["migrate"], in: project.path)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("canceling statement due to statement timeout (SQLSTATE 57014)"), "\(result.stderr)")
    #expect(result.stderr.contains("hint:"), "\(result.stderr)")
    let connection = try project.connect()
    #expect(try connection.tableExists("shop_item"), "0001 committed before")
    #expect(try connection.tableExists("shop_partial") == false, "0002 was rolled back whole")
    #expect(try connection.scalar("SELECT count(*) FROM django_migrations WHERE app = 'shop'")?.int == 1)
  }

  @Test(.enabled(if: enabled)) func aServerThatGoesAwayMidMigrateLeavesNothingHalfApplied() throws {
    let project = try projectWithASlowMigration()
    let pid = try Manage.start(["migrate"], in: project.path, output: project.path + "/run")
    let watcher = try project.connect()
    var terminated = false
    for _ in 0..<100 where !terminated {
      usleep(100_000)
      terminated = try watcher.scalar("""
        SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()
        """)?.int ?? 0 > 0
    }
    #expect(terminated, "the migrate's session was found and ended")
    #expect(Manage.wait(pid) == 1)
    let stderr = try project.directory.read("run.err")
    #expect(stderr.contains("error:") && stderr.contains("terminat"), "\(stderr)")
    #expect(try watcher.tableExists("shop_partial") == false, "rolled back by the server")
    // The next migrate carries on from the boundary.
    try project.directory.write("shop/migrations/0002_slow.json", """
      {"dependencies": [["shop", "0001_initial"]], "operations": [{"op": "RunSQL", "sql": "CREATE TABLE shop_partial (x integer)", "reverse_sql": ""}]}
      """)
    let again = try Manage.run(["migrate"], in: project.path)
    #expect(again.status == 0 && again.stdout.contains("Applying shop.0002_slow... OK"), "\(again.stdout)\(again.stderr)")
  }

  @Test(.enabled(if: enabled)) func dbshellRunsPsqlWithThePasswordInItsEnvironment() throws {
    let project = try BackendProject(.postgresql, settings: Self.builtinApps)
    let url = project.database!.url(user: "manage_pw", password: "pw-secret-123")
    let real = try Manage.run(["dbshell", "--", "-At", "-c", "SELECT current_user"], in: project.path, environment: ["DATABASE_URL": url])
    #expect(real.status == 0 && real.stdout == "manage_pw\n", "\(real.stdout)\(real.stderr)")
    // What psql is handed: a stand-in prints its argv and whether PGPASSWORD is set.
    let bin = try TemporaryDirectory()
    try bin.write("psql", "#!/bin/sh\necho \"argv: $*\"\necho \"password: ${PGPASSWORD:+set}\"\n", executable: true)
    let shown = try Manage.run(["dbshell", "--", "-c", "SELECT 1"], in: project.path, environment: ["DATABASE_URL": url, "PATH": bin.path + ":/usr/bin:/bin"])
    #expect(shown.stdout == "argv: -c SELECT 1\npassword: set\n", "\(shown.stdout)\(shown.stderr)")
    let noClient = try Manage.run(["dbshell"], in: project.path, environment: ["DATABASE_URL": url, "PATH": "/nonexistent"])
    #expect(noClient.status == 1 && noClient.stderr.contains("You appear not to have the 'psql' program installed or on your path."), "\(noClient.stderr)")
  }

  @Test(.enabled(if: enabled)) func commandsThatComeLaterSaySo() throws {
    let project = try BackendProject(.postgresql, fixture: "demo")
    let worker = try Manage.run(["worker", "--burst"], in: project.path)
    #expect(worker.status == 1 && worker.stderr.contains("does not run on PostgreSQL yet"), "\(worker.stderr)")
    let server = try Manage.run(["runserver", "--noreload"], in: project.path)
    #expect(server.status == 1 && server.stderr.contains("`manage runserver` does not run on PostgreSQL yet"), "\(server.stderr)")
  }
}

/// Django 6.1 through psycopg on the database manage made, and manage on Django's (issue 15 §6).
@Suite("Django on PostgreSQL", .serialized)
struct DjangoPostgresCompatibilityTests {
  static let python = ProcessInfo.processInfo.environment["MANAGE_TEST_DJANGO_PYTHON"]
  static let enabled = TestBackend.serverURL != nil && python != nil
  static let helper = Manage.repository + "/Tests/EndToEndTests/Support/django_builtin.py"

  func django(_ arguments: [String], database: TestPostgresDatabase, in directory: String) throws -> ProcessResult {
    try Manage.spawn([Self.python!, Self.helper, "postgres:" + database.conninfo] + arguments, in: directory, environment: Manage.baseEnvironment())
  }

  @Test(.enabled(if: enabled)) func theBuiltinTablesAndHistoryAreDjangosAndDjangoLogsOurSuperuserIn() throws {
    let ours = try BackendProject(.postgresql, settings: PostgresEndToEndTests.builtinApps)
    #expect(try Manage.run(["migrate", "-v", "0"], in: ours.path).status == 0)
    let theirs = try TestPostgresDatabase()
    #expect(try django(["migrate"], database: theirs, in: ours.path).status == 0)
    let schema = Manage.repository + "/Tests/EndToEndTests/Support/postgres_schema.py"
    let mine = try Manage.spawn([Self.python!, schema, ours.database!.conninfo], in: ours.path, environment: Manage.baseEnvironment())
    let djangos = try Manage.spawn([Self.python!, schema, theirs.conninfo], in: ours.path, environment: Manage.baseEnvironment())
    #expect(mine.status == 0 && !mine.stdout.isEmpty, "\(mine.stderr)")
    #expect(mine.stdout == djangos.stdout, "manage:\n\(mine.stdout)\nDjango:\n\(djangos.stdout)")
    let check = try django(["migrate-check"], database: ours.database!, in: ours.path)
    #expect(check.status == 0, "Django plans: \(check.stdout)\(check.stderr)")

    let created = try Manage.run(["createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.com"], in: ours.path,
                                 environment: ["MANAGE_SUPERUSER_PASSWORD": "a-long-shared-passphrase"])
    #expect(created.status == 0, "\(created.stderr)")
    let login = try django(["authenticate", "admin", "a-long-shared-passphrase"], database: ours.database!, in: ours.path)
    #expect(login.stdout == "authenticated True\ncreated\n", "\(login.stdout)\(login.stderr)")
    let seen = try Manage.run(["shell", "-c", "User.objects.get(username='made_by_django').email"], in: ours.path)
    #expect(seen.stdout == "'d@example.com'\n", "manage reads the user Django wrote: \(seen.stdout)\(seen.stderr)")

    // And manage on the database Django made: nothing of Django's chains left to apply.
    let onTheirs = try BackendProject(.sqlite, settings: PostgresEndToEndTests.builtinApps)
    let url = ["DATABASE_URL": theirs.url]
    let plan = try Manage.run(["migrate", "--plan"], in: onTheirs.path, environment: url)
    #expect(plan.stdout == "Planned operations:\nadmin.0004_apitoken\n    Create model Token\n", "\(plan.stdout)\(plan.stderr)")
  }
}

extension DjangoPostgresCompatibilityTests {
  /// `migrate --fake-initial` on tables Django made, with Django's history gone: the initial
  /// migrations are recognised and faked, what Django lacks is applied.
  @Test(.enabled(if: enabled)) func fakeInitialRecognisesDjangoMadeTables() throws {
    let theirs = try TestPostgresDatabase()
    let project = try BackendProject(.sqlite, settings: PostgresEndToEndTests.builtinApps)
    #expect(try django(["migrate"], database: theirs, in: project.path).status == 0)
    try theirs.connect().execute("DELETE FROM django_migrations")
    let faked = try Manage.run(["migrate", "--fake-initial"], in: project.path, environment: ["DATABASE_URL": theirs.url])
    #expect(faked.status == 0, "\(faked.stderr)")
    #expect(faked.stdout.contains("Applying auth.0001_squashed_0012_alter_user_first_name_max_length... FAKED"), "\(faked.stdout)")
    #expect(faked.stdout.contains("Applying admin.0004_apitoken... OK"), "\(faked.stdout)")
    #expect(try django(["migrate-check"], database: theirs, in: project.path).status == 0)
  }
}

extension DjangoPostgresCompatibilityTests {
  /// The same models declared in models.yaml and in models.py (Benchmarks/generate_project.py
  /// writes both), migrated by manage and by Django 6.1 into two databases: the app tables are
  /// the same, column for column, index for index, constraint for constraint.
  @Test(.enabled(if: enabled)) func appTablesMatchDjangosForTheSameModels() throws {
    let ours = try BackendProject(.postgresql, settings: "")
    let twin = try TemporaryDirectory()
    let generated = try Manage.spawn(
      ["python3", Manage.repository + "/Benchmarks/generate_project.py", ours.path, "--apps", "2", "--models", "5", "--django", twin.path],
      in: ours.path, environment: Manage.baseEnvironment())
    #expect(generated.status == 0, "\(generated.stderr)")
    let settings = try ours.directory.read("manage.yaml").split(separator: "\n").filter { !$0.hasPrefix("database:") }
    try ours.directory.write("manage.yaml", "database: \(ours.database!.url)\n" + settings.joined(separator: "\n") + "\n")
    #expect(try Manage.run(["makemigrations", "-v", "0"], in: ours.path).status == 0)
    let migrated = try Manage.run(["migrate", "-v", "0"], in: ours.path)
    #expect(migrated.status == 0, "\(migrated.stderr)")

    let theirs = try TestPostgresDatabase()
    let parts = Dictionary(uniqueKeysWithValues: theirs.conninfo.split(separator: " ").map { pair in
      let halves = pair.split(separator: "=", maxSplits: 1)
      return (String(halves[0]), String(halves[1]))
    })
    let djangoSettings = try twin.read("settings.py").replacingOccurrences(
      of: #"{"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}"#,
      with: #"{"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "\#(parts["dbname"]!)", "USER": "\#(parts["user"]!)", "HOST": "\#(parts["host"]!)", "PORT": "\#(parts["port"]!)"}}"#)
    try twin.write("settings.py", djangoSettings)
    // Django makes migrations only for apps it is told about until they have a migrations package.
    for command in [["makemigrations", "-v", "0", "app00", "app01"], ["migrate", "-v", "0"]] {
      let result = try Manage.spawn([Self.python!, "manage.py"] + command, in: twin.path, environment: Manage.baseEnvironment())
      #expect(result.status == 0, "Django \(command): \(result.stderr)")
    }
    let schema = Manage.repository + "/Tests/EndToEndTests/Support/postgres_schema.py"
    let mine = try Manage.spawn([Self.python!, schema, ours.database!.conninfo, "app"], in: ours.path, environment: Manage.baseEnvironment())
    let djangos = try Manage.spawn([Self.python!, schema, theirs.conninfo, "app"], in: ours.path, environment: Manage.baseEnvironment())
    #expect(mine.status == 0 && mine.stdout.contains("app01_model4_peers"), "\(mine.stdout.prefix(300))\(mine.stderr)")
    #expect(mine.stdout == djangos.stdout, "manage:\n\(mine.stdout)\nDjango:\n\(djangos.stdout)")
  }
}
