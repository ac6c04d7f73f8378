import Foundation
import Testing

/// Issue 15 §6: Django and manage agree on the built-in apps' tables and history. manage carries
/// Django's chains as squashed migrations that record each replaced name, so Django's `migrate
/// --check` finds nothing to apply on a manage-made database, manage counts a Django-made one as
/// migrated, and a history manage wrote before (only `0001_initial`s) is completed. Runs against
/// Django 6.1 when MANAGE_TEST_DJANGO_PYTHON names a Python with it (.ci/run sets one up).
@Suite("Django's migration history", .serialized)
struct DjangoMigrationHistoryTests {
  let python = ProcessInfo.processInfo.environment["MANAGE_TEST_DJANGO_PYTHON"]
  static let helper = Manage.repository + "/Tests/EndToEndTests/Support/django_builtin.py"
  static let builtinApps = "installed_apps: [auth, contenttypes, sessions, admin]\n"

  func django(_ arguments: [String], in directory: String) throws -> ProcessResult {
    try Manage.spawn([python!, Self.helper, "db.sqlite3"] + arguments, in: directory, environment: Manage.baseEnvironment())
  }

  func project() throws -> TemporaryDirectory {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", Self.builtinApps)
    return project
  }

  @Test func djangoFindsNothingToApplyOnAManageDatabaseAndTheTablesAreDjangos() throws {
    guard python != nil else { return print("skipped: set MANAGE_TEST_DJANGO_PYTHON (.ci/run does)") }
    let ours = try project()
    let migrated = try Manage.run(["migrate"], in: ours.path)
    #expect(migrated.status == 0, "\(migrated.stderr)")
    #expect(migrated.stdout.contains("Applying auth.0001_squashed_0012_alter_user_first_name_max_length... OK"), "\(migrated.stdout)")
    let check = try django(["migrate-check"], in: ours.path)
    #expect(check.status == 0, "Django plans: \(check.stdout)\(check.stderr)")

    let theirs = try project()
    let made = try django(["migrate"], in: theirs.path)
    #expect(made.status == 0, "\(made.stderr)")
    // Same columns, types, nullability and keys, and the same index names (Django's hashing),
    // table by table. Column order may differ (SQLite's remakes move altered columns last).
    let mine = try django(["schema"], in: ours.path)
    let djangos = try django(["schema"], in: theirs.path)
    #expect(mine.status == 0 && djangos.status == 0, "\(mine.stderr)\(djangos.stderr)")
    #expect(!mine.stdout.isEmpty && mine.stdout == djangos.stdout, "manage:\n\(mine.stdout)\nDjango:\n\(djangos.stdout)")
  }

  @Test func manageCountsADjangoDatabaseAsMigrated() throws {
    guard python != nil else { return }
    let theirs = try project()
    #expect(try django(["migrate"], in: theirs.path).status == 0)
    let listed = try Manage.run(["showmigrations"], in: theirs.path)
    #expect(listed.stdout.contains("[X] 0001_squashed_0012_alter_user_first_name_max_length (12 squashed migrations)"), "\(listed.stdout)")
    #expect(listed.stdout.contains("[X] 0001_squashed_0002_remove_content_type_name"), "\(listed.stdout)")
    // The one thing Django lacks is manage's own API-token table.
    let check = try Manage.run(["migrate", "--check", "--plan"], in: theirs.path)
    #expect(check.status == 1 && check.stdout.contains("admin.0004_apitoken"), "\(check.stdout)\(check.stderr)")
    #expect(!check.stdout.contains("auth.") && !check.stdout.contains("contenttypes."), "\(check.stdout)")
    #expect(try Manage.run(["migrate", "-v", "0"], in: theirs.path).status == 0)
    #expect(try Manage.run(["migrate", "--check"], in: theirs.path).status == 0)
    #expect(try django(["migrate-check"], in: theirs.path).status == 0)
  }

  @Test func aHistoryOfOnlyInitialsIsCompletedAndDjangoAgrees() throws {
    guard python != nil else { return }
    let old = try project()
    #expect(try Manage.run(["migrate", "-v", "0"], in: old.path).status == 0)
    // What manage recorded before it carried Django's names.
    _ = try Manage.spawn(["sqlite3", "db.sqlite3", """
      DELETE FROM django_migrations; INSERT INTO django_migrations (app, name, applied) VALUES
      ('contenttypes', '0001_initial', '2026-01-01 00:00:00'), ('auth', '0001_initial', '2026-01-01 00:00:00'),
      ('admin', '0001_initial', '2026-01-01 00:00:00'), ('sessions', '0001_initial', '2026-01-01 00:00:00');
      """], in: old.path, environment: Manage.baseEnvironment())
    #expect(try django(["migrate-check"], in: old.path).status == 1, "Django plans contenttypes.0002 on the old history")
    let check = try Manage.run(["migrate", "--check"], in: old.path)
    #expect(check.status == 0, "manage reads the old history as complete: \(check.stdout)\(check.stderr)")
    let migrated = try Manage.run(["migrate"], in: old.path)
    #expect(migrated.status == 0 && migrated.stdout.contains("No migrations to apply."), "\(migrated.stdout)\(migrated.stderr)")
    let after = try django(["migrate-check"], in: old.path)
    #expect(after.status == 0, "Django plans: \(after.stdout)\(after.stderr)")
  }

  @Test func aDjangoDatabasePartWayThroughAChainIsAClearError() throws {
    guard python != nil else { return }
    let partial = try project()
    #expect(try django(["migrate", "auth", "0005"], in: partial.path).status == 0)
    let listed = try Manage.run(["showmigrations"], in: partial.path)
    #expect(listed.status == 1)
    #expect(listed.stderr.contains(
      "error: auth has 5 of the 12 migrations auth.0001_squashed_0012_alter_user_first_name_max_length replaces applied (up to 0005_alter_user_last_login_null), and the next, auth.0006_require_contenttypes_0002, is not available."),
      "\(listed.stderr)")
    #expect(listed.stderr.contains("hint: Run Django's `manage.py migrate auth` on this database once"), "\(listed.stderr)")
  }
}
