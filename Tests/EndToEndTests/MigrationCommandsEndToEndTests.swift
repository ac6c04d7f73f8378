import Foundation
import ManageCore
import Testing

@Suite("makemigrations, migrate, showmigrations, sqlmigrate, squash and optimize, as a user runs them")
struct MigrationCommandsEndToEndTests {
  @Test(arguments: TestBackend.available)
  func makemigrationsThenMigrateTheDemo(_ backend: TestBackend) throws {
    let project = try BackendProject(backend, fixture: "demo")
    let check = try Manage.run(["makemigrations", "--check"], in: project.path)
    #expect(check.status == 1, "models without migrations fail the CI gate")
    #expect(!project.directory.exists("blog/migrations/0001_initial.json"), "--check writes nothing")

    let made = try Manage.run(["makemigrations"], in: project.path)
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stdout.contains("Migrations for 'blog':\n  blog/migrations/0001_initial.json\n    + Create model Author\n    + Create model Tag\n    + Create model Post\n"))
    #expect(made.stdout.contains("Migrations for 'documents':"))
    #expect(try Manage.run(["makemigrations", "--check"], in: project.path).status == 0)
    #expect(try Manage.run(["makemigrations"], in: project.path).stdout == "No changes detected\n")
    #expect(try Manage.run(["makemigrations", "blog"], in: project.path).stdout == "No changes detected in app 'blog'\n")

    let plan = try Manage.run(["migrate", "--plan"], in: project.path)
    #expect(plan.stdout.hasPrefix("Planned operations:\ncontenttypes.0001_squashed_0002_remove_content_type_name\n    Create model ContentType\n"))
    #expect(try Manage.run(["migrate", "--check"], in: project.path).status == 1)

    let migrated = try Manage.run(["migrate", "-v", "2"], in: project.path)
    #expect(migrated.status == 0, "\(migrated.stderr)")
    #expect(migrated.stdout.hasPrefix("Operations to perform:\n  Apply all migrations: admin, auth, blog, contenttypes, documents, evals, jobs, sessions\nRunning migrations:\n  Applying contenttypes.0001_squashed_0002_remove_content_type_name... OK ("))
    #expect(migrated.stdout.contains("  Applying blog.0001_initial... OK"))
    #expect(try Manage.run(["migrate", "--check"], in: project.path).status == 0)
    let again = try Manage.run(["migrate"], in: project.path)
    #expect(again.stdout.hasSuffix("Running migrations:\n  No migrations to apply.\n"))

    let listed = try Manage.run(["showmigrations", "blog", "documents"], in: project.path)
    #expect(listed.stdout == "blog\n [X] 0001_initial\ndocuments\n [X] 0001_initial\n")
    let json = try Manage.run(["showmigrations", "--format", "json", "blog"], in: project.path)
    let apps = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
    #expect((apps?.first?["migrations"] as? [[String: Any]])?.first?["applied"] as? Bool == true)

    // Post-migrate: content types and Django's four permissions per model.
    let connection = try project.connect()
    #expect(try connection.scalar("SELECT count(*) FROM django_content_type")?.int == 18, "jobs.Limit and jobs.Slot (jobs.0003) among them")
    #expect(try connection.scalar("SELECT count(*) FROM auth_permission WHERE codename = 'view_post'")?.int == 1)
  }

  @Test(arguments: TestBackend.available)
  func migrateNoticesModelChangesWithoutMigrations(_ backend: TestBackend) throws {
    let project = try BackendProject(backend, fixture: "demo")
    _ = try Manage.run(["makemigrations"], in: project.path)
    _ = try Manage.run(["migrate"], in: project.path)
    try project.directory.write("blog/models.yaml", try project.directory.read("blog/models.yaml") + "\n  Note:\n    fields:\n      text: text\n")
    let result = try Manage.run(["migrate"], in: project.path)
    #expect(result.stdout.contains("Your models in app(s): 'blog' have changes that are not yet reflected in a migration, and so won't be applied."))
    #expect(result.stdout.contains("Run 'manage makemigrations' to make new migrations"))
  }

  @Test(arguments: TestBackend.available)
  func backwardsToAPrefixZeroFakeAndPrune(_ backend: TestBackend) throws {
    let project = try BackendProject(backend, fixture: "demo")
    _ = try Manage.run(["makemigrations"], in: project.path)
    try project.directory.write("blog/models.yaml", try project.directory.read("blog/models.yaml") + "\n  Note:\n    fields:\n      text: text\n")
    _ = try Manage.run(["makemigrations", "-n", "note"], in: project.path)
    #expect(project.directory.exists("blog/migrations/0002_note.json"))
    _ = try Manage.run(["migrate"], in: project.path)

    let back = try Manage.run(["migrate", "blog", "0001"], in: project.path)
    #expect(back.status == 0, "\(back.stderr)")
    #expect(back.stdout.contains("  Target specific migration: 0001_initial, from blog"))
    #expect(back.stdout.contains("  Unapplying blog.0002_note... OK"))
    #expect(try Manage.run(["showmigrations", "blog"], in: project.path).stdout == "blog\n [X] 0001_initial\n [ ] 0002_note\n")

    let ambiguous = try Manage.run(["migrate", "blog", "000"], in: project.path)
    #expect(ambiguous.status == 1)
    #expect(ambiguous.stderr.contains("More than one migration matches '000' in app 'blog'. Please be more specific."))

    let zero = try Manage.run(["migrate", "blog", "zero"], in: project.path)
    #expect(zero.stdout.contains("  Unapply all migrations: blog"))
    #expect(zero.stdout.contains("  Unapplying blog.0001_initial... OK"))

    let faked = try Manage.run(["migrate", "blog", "--fake"], in: project.path)
    #expect(faked.stdout.contains("  Applying blog.0001_initial... FAKED"))
    _ = try Manage.run(["migrate", "blog", "zero", "--fake"], in: project.path)
    let initial = try Manage.run(["migrate", "blog", "0001", "--fake-initial"], in: project.path)
    #expect(initial.stdout.contains("  Applying blog.0001_initial... OK"), "the tables are gone, so it really runs: \(initial.stdout)\(initial.stderr)")

    try FileManager.default.removeItem(atPath: project.path + "/blog/migrations/0002_note.json")
    _ = try Manage.run(["migrate", "blog", "zero", "--fake"], in: project.path)
    let pruned = try Manage.run(["migrate", "--prune"], in: project.path)
    #expect(pruned.stdout.contains("Pruning migrations:"))
  }

  @Test(arguments: TestBackend.available)
  func sqlmigratePrintsTheStatements(_ backend: TestBackend) throws {
    let project = try BackendProject(backend, fixture: "demo")
    _ = try Manage.run(["makemigrations"], in: project.path)
    let sql = try Manage.run(["sqlmigrate", "blog", "0001"], in: project.path)
    #expect(sql.status == 0, "\(sql.stderr)")
    switch backend {
    case .sqlite:
      #expect(sql.stdout.hasPrefix("BEGIN;\n--\n-- Create model Author\n--\nCREATE TABLE \"blog_author\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"user_id\" integer NOT NULL UNIQUE REFERENCES \"auth_user\" (\"id\") DEFERRABLE INITIALLY DEFERRED"))
    case .postgresql:
      // Django's PostgreSQL DDL: identity keys, and the foreign keys as named, deferred
      // constraints after the tables.
      #expect(sql.stdout.hasPrefix("BEGIN;\n--\n-- Create model Author\n--\nCREATE TABLE \"blog_author\" (\"id\" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, \"user_id\" integer NOT NULL UNIQUE"), "\(sql.stdout)")
      #expect(sql.stdout.contains("ALTER TABLE \"blog_author\" ADD CONSTRAINT \"blog_author_user_id_"), "\(sql.stdout)")
      #expect(sql.stdout.contains("FOREIGN KEY (\"user_id\") REFERENCES \"auth_user\" (\"id\") DEFERRABLE INITIALLY DEFERRED;"), "\(sql.stdout)")
    }
    #expect(sql.stdout.contains("CREATE TABLE \"blog_post_tags\""))
    #expect(sql.stdout.hasSuffix("COMMIT;\n"))
    let back = try Manage.run(["sqlmigrate", "blog", "0001_initial", "--backwards"], in: project.path)
    let drops = backend == .sqlite ? "DROP TABLE \"blog_post_tags\";\nDROP TABLE \"blog_post\";" : "DROP TABLE \"blog_post_tags\" CASCADE;\nDROP TABLE \"blog_post\" CASCADE;"
    #expect(back.stdout.contains("-- Undo Create model Post\n--\n" + drops), "\(back.stdout)")
    if backend == .sqlite {
      #expect(!project.directory.exists("db.sqlite3"), "sqlmigrate never creates the database")
    } else {
      #expect(try project.connect().tableExists("django_migrations") == false, "sqlmigrate writes nothing")
    }
  }

  @Test(arguments: TestBackend.available)
  func squashAndOptimize(_ backend: TestBackend) throws {
    let project = try BackendProject(backend, settings: "installed_apps: [shop]\n")
    try project.directory.write("shop/models.yaml", "models:\n  Item:\n    fields:\n      name: text\n")
    _ = try Manage.run(["makemigrations"], in: project.path)
    try project.directory.write("shop/models.yaml", "models:\n  Item:\n    fields:\n      name: text\n      price: {type: integer, default: 0}\n")
    _ = try Manage.run(["makemigrations"], in: project.path)
    try project.directory.write("shop/models.yaml", "models:\n  Item:\n    fields:\n      name: text\n      price: {type: integer, default: 1}\n")
    _ = try Manage.run(["makemigrations"], in: project.path)
    let squashed = try Manage.run(["squashmigrations", "shop", "0003", "--noinput"], in: project.path)
    #expect(squashed.status == 0, "\(squashed.stderr)")
    #expect(squashed.stdout.contains("Will squash the following migrations:\n - 0001_initial\n - 0002_item_price\n - 0003_alter_item_price\n"))
    #expect(squashed.stdout.contains("  Optimized from 3 operations to 1 operations."))
    #expect(project.directory.exists("shop/migrations/0001_squashed_0003_alter_item_price.json"))
    let migrated = try Manage.run(["migrate"], in: project.path)
    #expect(migrated.stdout.contains("Applying shop.0001_squashed_0003_alter_item_price... OK"))
    let shown = try Manage.run(["showmigrations", "shop"], in: project.path)
    #expect(shown.stdout == "shop\n [X] 0001_squashed_0003_alter_item_price (3 squashed migrations)\n")

    let check = try Manage.run(["optimizemigration", "shop", "0001_squashed", "--check"], in: project.path)
    #expect(check.status == 0, "the squashed CreateModel cannot be optimized further")
    #expect(check.stdout == "No optimizations possible.\n")
  }

  @Test(arguments: TestBackend.available)
  func conflictingLeavesAreRefusedThenMerged(_ backend: TestBackend) throws {
    let project = try BackendProject(backend, settings: "installed_apps: [shop]\n")
    try project.directory.write("shop/models.yaml", "models:\n  Item:\n    fields:\n      name: text\n")
    _ = try Manage.run(["makemigrations"], in: project.path)
    let branch = #"{"dependencies": [["shop", "0001_initial"]], "operations": []}"#
    try project.directory.write("shop/migrations/0002_a.json", branch)
    try project.directory.write("shop/migrations/0002_b.json", branch)
    let refused = try Manage.run(["makemigrations"], in: project.path)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("Conflicting migrations detected; multiple leaf nodes in the migration graph: (0002_a, 0002_b in shop)."))
    #expect(refused.stderr.contains("To fix them run 'manage makemigrations --merge'"))
    #expect(try Manage.run(["migrate"], in: project.path).status == 1)
    let merged = try Manage.run(["makemigrations", "--merge", "--noinput"], in: project.path)
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(project.directory.exists("shop/migrations/0003_merge_0002_a_0002_b.json"))
    #expect(try Manage.run(["migrate"], in: project.path).status == 0)
  }

  @Test func scriptableDryRunAndEmpty() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let dry = try Manage.run(["makemigrations", "--dry-run"], in: project.path)
    #expect(dry.stdout.contains("Migrations for 'blog':"))
    #expect(!project.exists("blog/migrations/0001_initial.json"))
    let scripted = try Manage.run(["makemigrations", "--scriptable"], in: project.path)
    #expect(scripted.stdout == "blog/migrations/0001_initial.json\ndocuments/migrations/0001_initial.json\n")
    #expect(scripted.stderr.contains("Migrations for 'blog':"))
    let empty = try Manage.run(["makemigrations", "blog", "--empty", "-n", "backfill"], in: project.path)
    #expect(empty.status == 0)
    #expect(project.exists("blog/migrations/0002_backfill.json"))
    #expect(try Manage.run(["makemigrations", "--empty"], in: project.path).status == 2)
  }
}

@Suite("makemigrations --update")
struct MakeMigrationsUpdateTests {
  @Test func updateFoldsNewChangesIntoTheLatestMigration() throws {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", "installed_apps: [shop]\n")
    try project.write("shop/models.yaml", "models:\n  Item:\n    fields:\n      name: text\n")
    _ = try Manage.run(["makemigrations"], in: project.path)
    try project.write("shop/models.yaml", "models:\n  Item:\n    fields:\n      name: text\n      price: {type: integer, default: 0}\n")
    let updated = try Manage.run(["makemigrations", "--update"], in: project.path)
    #expect(updated.status == 0, "\(updated.stderr)")
    #expect(updated.stdout.contains("    + Create model Item"))
    let files = try FileManager.default.contentsOfDirectory(atPath: project.path + "/shop/migrations").filter { $0.hasSuffix(".json") }
    #expect(files == ["0001_initial.json"], "no second migration: \(files)")
    #expect(try project.read("shop/migrations/0001_initial.json").contains("\"price\""))
    #expect(try Manage.run(["makemigrations", "--check"], in: project.path).status == 0)
  }
}
