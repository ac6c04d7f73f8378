import Foundation
import ManageCore
import Testing

@Suite("createsuperuser and changepassword", .serialized)
struct AuthEndToEndTests {
  /// A migrated demo project on `backend`, with cheap hashing so tests stay fast.
  func project(_ backend: TestBackend) throws -> BackendProject {
    let project = try BackendProject(backend, fixture: "demo")
    try project.directory.write("manage.yaml", try project.directory.read("manage.yaml") + "password_iterations: 1000\n")
    _ = try Manage.run(["migrate", "-v", "0"], in: project.path)
    return project
  }

  struct Session: Decodable { var output: String; var status: Int32; var steps_ok: Bool; var echo_on: Bool? }

  func interactive(_ arguments: [String], in directory: String, steps: [[String]]) throws -> Session {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/pty_session.py").path
    let json = String(decoding: try JSONSerialization.data(withJSONObject: steps), as: UTF8.self)
    let result = try Manage.spawn(["python3", script, directory, json, Manage.binary] + arguments, in: directory,
                                  environment: Manage.baseEnvironment().merging(["USER": "root"]) { $1 })
    return try JSONDecoder().decode(Session.self, from: Data(result.stdout.utf8))
  }

  func user(_ name: String, in project: BackendProject) throws -> (password: String, superuser: Bool, email: String)? {
    let connection = try project.connect()
    return try connection.query("SELECT password, is_superuser, email FROM auth_user WHERE username = ?", [.text(name)]).first.map {
      ($0[0].string ?? "", $0[1].int == 1, $0[2].string ?? "")
    }
  }

  @Test(arguments: TestBackend.available)
  func interactiveFlowWithMismatchValidationAndBypass(_ backend: TestBackend) throws {
    let project = try project(backend)
    let session = try interactive(["createsuperuser"], in: project.path, steps: [
      ["Username (leave blank to use 'root'): ", "\n"],
      ["Email address: ", "not-an-email\n"],
      ["Error: Enter a valid email address.", ""],
      ["Email address: ", "root@example.com\n"],
      ["Password: ", "first-secret-1\n"],
      ["Password (again): ", "other-secret-2\n"],
      ["Error: Your passwords didn't match.", ""],
      ["Password: ", "1234\n"],
      ["Password (again): ", "1234\n"],
      ["Bypass password validation and create user anyway? [y/N]: ", "n\n"],
      ["Password: ", "1234\n"],
      ["Password (again): ", "1234\n"],
      ["Bypass password validation and create user anyway? [y/N]: ", "y\n"],
    ])
    #expect(session.steps_ok, "\(session.output)")
    #expect(session.status == 0, "\(session.output)")
    #expect(session.output.contains("This password is too short. It must contain at least 8 characters."))
    #expect(session.output.contains("This password is entirely numeric."))
    #expect(session.output.contains("Superuser created successfully."))
    #expect(!session.output.contains("first-secret-1"), "passwords are not echoed")
    let stored = try #require(try user("root", in: project))
    #expect(stored.superuser && stored.email == "root@example.com")
    #expect(stored.password.hasPrefix("pbkdf2_sha256$1000$"))
  }

  @Test(arguments: TestBackend.available)
  func controlCAtThePasswordPromptCancelsAndRestoresTheTerminal(_ backend: TestBackend) throws {
    let project = try project(backend)
    let session = try interactive(["createsuperuser", "--username", "ann", "--email", ""], in: project.path, steps: [
      ["Password: ", "^C"],
    ])
    #expect(session.status == 1)
    #expect(session.output.contains("Operation cancelled."))
    #expect(session.echo_on == true, "echo is back on")
    #expect(try user("ann", in: project) == nil)
  }

  @Test(arguments: TestBackend.available)
  func changePasswordGivesThreeAttempts(_ backend: TestBackend) throws {
    let project = try project(backend)
    _ = try Manage.run(["createsuperuser", "--noinput", "--username", "bob"], in: project.path,
                       environment: ["MANAGE_SUPERUSER_PASSWORD": "a-good-long-passphrase"])
    let failed = try interactive(["changepassword", "bob"], in: project.path, steps: [
      ["Password: ", "one-long-secret\n"], ["Password (again): ", "two-long-secret\n"],
      ["Passwords do not match. Please try again.", ""],
      ["Password: ", "short\n"], ["Password (again): ", "short\n"],
      ["This password is too short.", ""],
      ["Password: ", "x\n"], ["Password (again): ", "y\n"],
    ])
    #expect(failed.status == 1)
    #expect(failed.output.contains("Changing password for user 'bob'"))
    #expect(failed.output.contains("Aborting password change for user 'bob' after 3 attempts"))
    let before = try #require(try user("bob", in: project)).password
    let changed = try interactive(["changepassword", "bob"], in: project.path, steps: [
      ["Password: ", "new-long-passphrase-7\n"], ["Password (again): ", "new-long-passphrase-7\n"],
    ])
    #expect(changed.output.contains("Password changed successfully for user 'bob'"))
    #expect(try #require(try user("bob", in: project)).password != before)
  }

  @Test(arguments: TestBackend.available)
  func nonInteractivePathsAndGuardRails(_ backend: TestBackend) throws {
    let project = try project(backend)
    let missing = try Manage.run(["createsuperuser", "--noinput"], in: project.path)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("You must use --username with --noinput."))

    let weak = try Manage.run(["createsuperuser", "--noinput", "--username", "carol"], in: project.path,
                              environment: ["MANAGE_SUPERUSER_PASSWORD": "carol123"])
    #expect(weak.status == 1)
    #expect(weak.stderr.contains("The password is too similar to the username."))
    #expect(!weak.stderr.contains("carol123") && !weak.stdout.contains("carol123"), "the password never appears")

    let viaDjangoNames = try Manage.run(["createsuperuser", "--noinput"], in: project.path, environment: [
      "DJANGO_SUPERUSER_USERNAME": "dave", "DJANGO_SUPERUSER_EMAIL": "dave@example.com", "DJANGO_SUPERUSER_PASSWORD": "quiet-violet-harbor-41",
    ] as [String: String], stdin: nil)
    #expect(viaDjangoNames.status == 0, "\(viaDjangoNames.stderr)")
    #expect(try user("dave", in: project)?.email == "dave@example.com")

    let stdinPassword = try Manage.run(["createsuperuser", "--noinput", "--password-stdin", "--username", "erin"], in: project.path,
                                       stdin: "a-long-stdin-passphrase\n")
    #expect(stdinPassword.status == 0, "\(stdinPassword.stderr)")
    let stored = try #require(try user("erin", in: project))
    #expect(stored.password.hasPrefix("pbkdf2_sha256$1000$"))

    let again = try Manage.run(["createsuperuser", "--noinput", "--username", "erin"], in: project.path)
    #expect(again.status == 1)
    #expect(again.stderr.contains("Error: That username is already taken."))
    let idempotent = try Manage.run(["createsuperuser", "--noinput", "--username", "erin", "--if-not-exists"], in: project.path)
    #expect(idempotent.status == 0)
    #expect(try user("erin", in: project)?.password == stored.password, "nothing changed")

    let noPassword = try Manage.run(["createsuperuser", "--noinput", "--username", "fay"], in: project.path)
    #expect(noPassword.status == 0)
    #expect(try user("fay", in: project)?.password.hasPrefix("!") == true, "an unusable password")

    let badEmail = try Manage.run(["createsuperuser", "--noinput", "--username", "gus", "--email", "nope"], in: project.path)
    #expect(badEmail.stderr.contains("Error: Enter a valid email address."))

    let noTerminal = try Manage.run(["createsuperuser"], in: project.path)
    #expect(noTerminal.status == 1)
    #expect(noTerminal.stderr.contains("needs a terminal"))
  }

  @Test func unappliedMigrationsAreAClearError() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let result = try Manage.run(["createsuperuser", "--noinput", "--username", "x"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("unapplied migration(s). Your project may not work properly until you apply the migrations for app(s): admin, auth"))
    #expect(result.stderr.contains("hint: Run 'manage migrate' to apply them."))
    #expect(!project.exists("db.sqlite3"), "no empty database is left behind")
  }
}

/// Django itself, pointed at a database manage made: it logs the superuser in, and writes a
/// user of its own into the same tables. Runs when MANAGE_TEST_DJANGO_PYTHON names a Python with
/// Django installed (.ci/run sets one up).
@Suite("Django reads the same database")
struct DjangoCompatibilityTests {
  @Test func djangoAuthenticatesOurSuperuserAndWritesUsersWeRead() throws {
    guard let python = ProcessInfo.processInfo.environment["MANAGE_TEST_DJANGO_PYTHON"] else {
      print("skipped: set MANAGE_TEST_DJANGO_PYTHON to a Python with Django (.ci/run does)")
      return
    }
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try project.write("manage.yaml", try project.read("manage.yaml") + "password_iterations: 1000\n")
    _ = try Manage.run(["migrate", "-v", "0"], in: project.path)
    let created = try Manage.run(["createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.com"],
                                 in: project.path, environment: ["MANAGE_SUPERUSER_PASSWORD": "a-long-shared-passphrase"])
    #expect(created.status == 0, "\(created.stderr)")
    let script = """
      import django
      from django.conf import settings
      settings.configure(
          INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
          DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}},
          PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"], USE_TZ=True)
      django.setup()
      from django.contrib.auth import authenticate
      from django.contrib.auth.models import User
      user = authenticate(username="admin", password="a-long-shared-passphrase")
      print("authenticated", user is not None and user.is_superuser and user.is_staff)
      print("wrong", authenticate(username="admin", password="nope") is None)
      User.objects.create_user("made_by_django", "d@example.com", "django-side-passphrase")
      print("created")
      """
    let result = try Manage.spawn([python, "-c", script], in: project.path, environment: Manage.baseEnvironment())
    #expect(result.stdout == "authenticated True\nwrong True\ncreated\n", "\(result.stderr)")
    let again = try Manage.run(["createsuperuser", "--noinput", "--username", "made_by_django", "--if-not-exists"], in: project.path)
    #expect(again.stdout.contains("already exists"), "manage sees the user Django wrote")
  }

  /// Issue 14's first pieces: empty Q() objects, text lookups' case and the exception class
  /// of a bad number answer as Django 6.1 does on the same database.
  @Test func qObjectsTextLookupsAndErrorsAnswerAsDjangoDoes() throws {
    try compareWithDjango([
      "User.objects.filter(Q(id=2) | Q()).count()", "User.objects.filter(Q() | Q(id=2)).count()", "User.objects.filter(Q(id=2) & Q()).count()",
      "User.objects.filter(~Q()).count()", "User.objects.exclude(Q()).count()", "User.objects.filter(Q()).count()",
      "User.objects.filter(username__contains='U').count()", "User.objects.filter(username__startswith='U').count()",
      "User.objects.filter(username__endswith='U').count()", "User.objects.filter(username__contains='%').count()",
      "User.objects.filter(id='x').count()", "User.objects.all()[:1].order_by('id').count()",
      "User.objects.filter(date_joined__year=10000).count()", "User.objects.filter(date_joined__year__gte=0).count()",
      "User.objects.filter(date_joined__year=2026).count()",
    ])
  }

  /// Issue 13: integers past 64 bits answer the same in Django and in `manage shell` on one
  /// database: empty or full comparisons, DoesNotExist, OverflowError for `in` and writes.
  @Test func integersPast64BitsAnswerAsDjangoDoes() throws {
    try compareWithDjango([
      "User.objects.filter(id__lt=-2**63-1).count()", "User.objects.filter(id__gt=-2**63-1).count()",
      "User.objects.filter(id__lte=2**64).count()", "User.objects.filter(id=2**64).count()",
      "User.objects.exclude(id__gt=-2**63-1).count()", "User.objects.filter(pk=1.5).count()",
      "User.objects.get(pk=1e19)", "User.objects.filter(id__in=[1e300]).count()", "User.objects.filter(id__in=[2**64]).count()",
      "User.objects.filter(pk=1).update(last_login=None)",
    ])
  }

  /// Each expression evaluated by Django and by `manage shell --format json -c` on one
  /// database with one user, `u`: the same value, or the same exception class.
  func compareWithDjango(_ expressions: [String]) throws {
    guard let python = ProcessInfo.processInfo.environment["MANAGE_TEST_DJANGO_PYTHON"] else { return }
    let project = try TemporaryDirectory.copyOfFixture("demo")
    _ = try Manage.run(["migrate", "-v", "0"], in: project.path)
    _ = try Manage.run(["createsuperuser", "--noinput", "--username", "u", "--email", "u@example.com"], in: project.path, environment: ["MANAGE_SUPERUSER_PASSWORD": "a-long-shared-passphrase"])
    let script = """
      import django, json, sys
      from django.conf import settings
      settings.configure(
          INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
          DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}, USE_TZ=True)
      django.setup()
      from django.contrib.auth.models import User
      from django.db.models import Q
      for line in sys.stdin.read().splitlines():
          try:
              value = eval(line)
              print(json.dumps(value if isinstance(value, int) else str(value)))
          except Exception as error:
              print(type(error).__name__.split(".")[-1])
      """
    let django = try Manage.spawn([python, "-c", script], in: project.path, environment: Manage.baseEnvironment(), stdin: expressions.joined(separator: "\n") + "\n")
    #expect(django.status == 0, "\(django.stderr)")
    let theirs = django.stdout.split(separator: "\n").map(String.init)
    #expect(theirs.count == expressions.count, "Django answered every expression: \(django.stdout)")
    for (expression, answer) in zip(expressions, theirs) {
      let ours = try Manage.run(["shell", "--format", "json", "-c", expression], in: project.path)
      let kind = ours.stderr.split(separator: ":").first.map { String($0.split(separator: ".").last ?? $0) } ?? ""
      let mine = ours.status == 0 ? ours.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : kind
      #expect(mine == answer, "\(expression): manage \(mine), Django \(answer)")
    }
  }
}
