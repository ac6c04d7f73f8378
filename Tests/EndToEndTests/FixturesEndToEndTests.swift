import Foundation
import ManageCore
import Testing

/// `loaddata` and `dumpdata`: fixtures that round-trip on both backends, are validated as every
/// other door validates (each mistake at its place, nothing written), fire models' events in
/// the load's transaction, and are Django's own format both ways.
@Suite("loaddata and dumpdata", .serialized)
struct FixturesEndToEndTests {
  static let seed = """
    u = User.objects.create(username='ann', password='!unusable', email='ann@example.com')
    a = Author.objects.create(user=u, display_name='Ann')
    t1 = Tag.objects.create(name='swift')
    t2 = Tag.objects.create(name='django')
    p = Post.objects.create(title='Hello', slug='hello', author=a, published_at=datetime(2026, 1, 2, 3, 4, 5, 123456))
    p.tags.add(t1, t2)
    d = Document.objects.create(title='Acme', checksum='a', content='Acme café', pages=3)
    Extraction.objects.create(document=d, kind='summary', model_name='m', cost_usd='1.25', output={'k': [1, 'é', None]})
    """

  func migrated(_ backend: TestBackend) throws -> BackendProject {
    let project = try BackendProject(backend, fixture: "demo")
    #expect(try Manage.run(["makemigrations", "-v", "0"], in: project.path).status == 0)
    let migrate = try Manage.run(["migrate", "-v", "0"], in: project.path)
    #expect(migrate.status == 0, "\(migrate.stderr)")
    return project
  }

  /// Dumped, loaded into an empty database and dumped again: the same text, times to the
  /// microsecond, many-to-many links and decimals included; the next row created after the
  /// load takes the next key (PostgreSQL's identity sequence is moved past the loaded ids).
  @Test(arguments: TestBackend.available)
  func aDumpLoadsBackIntoTheSameRows(_ backend: TestBackend) throws {
    let source = try migrated(backend)
    let seeded = try Manage.run(["shell", "-c", Self.seed], in: source.path)
    #expect(seeded.status == 0, "\(seeded.stderr)")
    let labels = ["auth.user", "blog", "documents"]
    let dumped = try Manage.run(["dumpdata"] + labels + ["--indent", "2", "-o", "dump.json"], in: source.path)
    #expect(dumped.status == 0 && dumped.stdout.isEmpty, "\(dumped.stderr)")
    let dump = try source.directory.read("dump.json")
    #expect(dump.contains(#""tags": [\#n      1,\#n      2\#n    ]"#) && dump.contains(#""published_at": "2026-01-02T03:04:05.123456Z""#), "\(dump)")
    #expect(dump.contains(#""cost_usd": "1.250000""#) && dump.contains(#""output": {\#n      "k": [\#n        1,\#n        "é",\#n        null"#), "\(dump)")

    let target = try migrated(backend)
    try target.directory.write("dump.json", dump)
    let loaded = try Manage.run(["loaddata", "dump.json"], in: target.path)
    #expect(loaded.status == 0, "\(loaded.stderr)")
    #expect(loaded.stdout == "Installed 7 object(s) from 1 fixture(s)\n")
    let again = try Manage.run(["dumpdata"] + labels + ["--indent", "2"], in: target.path)
    #expect(again.stdout == dump)
    // Loading again updates the same rows: still seven, nothing doubled.
    #expect(try Manage.run(["loaddata", "dump.json"], in: target.path).status == 0)
    #expect(try Manage.run(["dumpdata"] + labels + ["--indent", "2"], in: target.path).stdout == dump)
    let next = try Manage.run(["shell", "-c", "Tag.objects.create(name='rust').pk"], in: target.path)
    #expect(next.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3", "\(next.stdout)\(next.stderr)")
    // The same objects as JSON Lines and YAML read back to the same rows.
    for format in ["jsonl", "yaml"] {
      let text = try Manage.run(["dumpdata", "blog.tag", "--format", format], in: target.path)
      #expect(text.status == 0)
      try target.directory.write("tags.\(format)", text.stdout.replacingOccurrences(of: "rust", with: "rust-\(format)"))
      #expect(try Manage.run(["loaddata", "tags.\(format)"], in: target.path).stdout == "Installed 3 object(s) from 1 fixture(s)\n")
      #expect(try Manage.run(["shell", "-c", "Tag.objects.get(pk=3).name"], in: target.path).stdout.contains("rust-\(format)"))
    }
  }

  /// Every object checked and every mistake shown at its file:line:col; one bad object and
  /// nothing at all is written. Malformed files, missing ones and wrong usage say what to do.
  @Test func aBadFixtureNamesEveryMistakeAndWritesNothing() throws {
    let project = try migrated(.sqlite)
    try project.directory.write("bad.json", """
      [
        {"model": "blog.tag", "pk": 1, "fields": {"name": "ok"}},
        {"model": "blog.tag", "pk": 2, "fields": {"name": "ok"}},
        {"model": "blog.tga", "pk": 3, "fields": {}},
        {"model": "blog.tag", "pk": "x", "fields": {"name": "y"}},
        {"model": "blog.post", "pk": 1, "fields": {"title": "T", "slug": "not a slug", "author": 9, "status": "gone", "tags": [1, 7], "nmae": 1}},
        {"model": "documents.document", "pk": 9223372036854775808, "fields": {"title": "T", "checksum": "c"}},
        {"model": "documents.document", "pk": 1, "fields": {"title": "\(String(repeating: "t", count: 301))", "checksum": "c", "pages": -1}}
      ]
      """)
    let refused = try Manage.run(["loaddata", "bad.json"], in: project.path)
    #expect(refused.status == 1)
    let expected = [
      "error: bad.json:3:53: blog.tag(pk=2): name: Tag with this Name already exists.",
      "bad.json:4:13: blog.tga: Invalid model identifier: 'blog.tga'. Did you mean 'blog.tag'?",
      "bad.json:5:31: blog.tag(pk=x): pk: “x” value must be an integer.",
      "bad.json:6:129: blog.post(pk=1): Post has no field named 'nmae'.",
      "bad.json:7:41: documents.document(pk=9.223372036854776e+18): pk: “9.223372036854776e+18” value must be an integer.",
      "bad.json:8:64: documents.document(pk=1): title: Ensure this value has at most 300 characters (it has 301).",
      "bad.json:8:395: documents.document(pk=1): pages: Ensure this value is greater than or equal to 0.",
      "Problem installing fixture(s): 6 object(s) could not be loaded, so none were.",
    ]
    let lines = refused.stderr.split(separator: "\n").map(String.init)
    #expect(Array(lines.prefix(expected.count)) == expected, "\(refused.stderr)")
    #expect(try Manage.run(["shell", "-c", "Tag.objects.count()"], in: project.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    // Without the unknown field the post's own mistakes show, each at its value.
    try project.directory.write("post.json", #"[{"model": "blog.post", "pk": 1, "fields": {"title": "T", "slug": "not a slug", "author": 9, "status": "gone", "tags": [7]}}]"#)
    let post = try Manage.run(["loaddata", "post.json"], in: project.path)
    #expect(post.stderr.contains("post.json:1:91: blog.post(pk=1): author: author instance with id 9 does not exist."), "\(post.stderr)")
    #expect(post.stderr.contains("post.json:1:67: blog.post(pk=1): slug: Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."), "\(post.stderr)")
    #expect(post.stderr.contains("post.json:1:104: blog.post(pk=1): status: Value 'gone' is not a valid choice."), "\(post.stderr)")
    #expect(post.stderr.contains("post.json:1:120: blog.post(pk=1): tags: Select a valid choice. 7 is not one of the available choices."), "\(post.stderr)")

    try project.directory.write("broken.json", "[\n  {\"model\": \"blog.tag\",, \"pk\": 1}\n]\n")
    let broken = try Manage.run(["loaddata", "broken.json"], in: project.path)
    #expect(broken.status == 1 && broken.stderr.hasPrefix("error: broken.json:2:"), "\(broken.stderr)")
    let missing = try Manage.run(["loaddata", "nothing"], in: project.path)
    #expect(missing.status == 1 && missing.stderr.contains("error: No fixture named 'nothing' found."), "\(missing.stderr)")
    let xml = try Manage.run(["loaddata", "data.xml"], in: project.path)
    #expect(xml.stderr.contains("Problem installing fixture 'data': xml is not a known serialization format."), "\(xml.stderr)")
    let gz = try Manage.run(["loaddata", "data.json.gz"], in: project.path)
    #expect(gz.stderr.contains("gz-compressed fixtures are not read here"), "\(gz.stderr)")
    let stdin = try Manage.run(["loaddata", "-"], in: project.path, stdin: "[]")
    #expect(stdin.status == 2 && stdin.stderr.contains("--format must be specified when reading from stdin."), "\(stdin.stderr)")
    let none = try Manage.run(["loaddata"], in: project.path)
    #expect(none.status == 2 && none.stderr.contains("No database fixture specified."), "\(none.stderr)")
    let app = try Manage.run(["loaddata", "x", "--app", "blgo"], in: project.path)
    #expect(app.status == 2 && app.stderr.contains("No installed app with label 'blgo'.") && app.stderr.contains("Did you mean 'blog'?"), "\(app.stderr)")
    let excluded = try Manage.run(["loaddata", "x", "-e", "blog.Pots"], in: project.path)
    #expect(excluded.status == 2 && excluded.stderr.contains("Unknown model: blog.Pots"), "\(excluded.stderr)")
    let indent = try Manage.run(["dumpdata", "--indent", "99999999999999999999"], in: project.path)
    #expect(indent.status == 2 && indent.stderr.contains("--indent"), "\(indent.stderr)")
    let pks = try Manage.run(["dumpdata", "blog", "--pks", "1"], in: project.path)
    #expect(pks.status == 2 && pks.stderr.contains("You can only use --pks option with one model"), "\(pks.stderr)")
    let dumpApp = try Manage.run(["dumpdata", "blgo"], in: project.path)
    #expect(dumpApp.status == 2 && dumpApp.stderr.contains("Unknown application: blgo"), "\(dumpApp.stderr)")
    // A dump to a folder that does not exist leaves nothing behind.
    let nowhere = try Manage.run(["dumpdata", "blog", "-o", "no/such/dump.json"], in: project.path)
    #expect(nowhere.status == 1 && nowhere.stderr.contains("cannot write no/such/dump.json"), "\(nowhere.stderr)")
  }

  /// Django's lookup: a bare name from the apps' fixtures/ folders (extension optional),
  /// standard input with --format, --app, --exclude and --ignorenonexistent with Django's
  /// "(of N)" count, --pks and --exclude for dumpdata.
  @Test func labelsStdinAndTheFilteringOptions() throws {
    let project = try migrated(.sqlite)
    try project.directory.write("blog/fixtures/tags.yaml", "- model: blog.tag\n  pk: 1\n  fields: {name: swift}\n- model: blog.tag\n  pk: 2\n  fields: {name: go, colour: blue}\n- model: blog.gone\n  pk: 1\n")
    let strict = try Manage.run(["loaddata", "tags"], in: project.path)
    #expect(strict.status == 1 && strict.stderr.contains("blog/fixtures/tags.yaml:6:22: blog.tag(pk=2): Tag has no field named 'colour'."), "\(strict.stderr)")
    let lenient = try Manage.run(["loaddata", "tags", "--ignorenonexistent"], in: project.path)
    #expect(lenient.stdout == "Installed 2 object(s) (of 3) from 1 fixture(s)\n", "\(lenient.stdout)\(lenient.stderr)")
    #expect(try Manage.run(["loaddata", "tags", "--app", "documents"], in: project.path).stderr.contains("No fixture named 'tags' found."))
    try project.directory.write("documents/fixtures/tags.json", "[]")
    let two = try Manage.run(["loaddata", "tags", "-i"], in: project.path)
    #expect(two.status == 0 && two.stderr.contains("No fixture data found for 'tags'. (File format may be invalid.)"), "\(two.stderr)")
    #expect(two.stdout == "Installed 2 object(s) (of 3) from 2 fixture(s)\n", "Django counts the empty fixture too: \(two.stdout)")
    try project.directory.write("blog/fixtures/tags.json", "[]")
    let ambiguous = try Manage.run(["loaddata", "tags"], in: project.path)
    #expect(ambiguous.stderr.contains("Multiple fixtures named 'tags' in 'blog/fixtures'. Aborting."), "\(ambiguous.stderr)")
    let piped = try Manage.run(["loaddata", "-", "--format", "jsonl", "--exclude", "documents"], in: project.path,
      stdin: "{\"model\": \"blog.tag\", \"pk\": 3, \"fields\": {\"name\": \"rust\"}}\n{\"model\": \"documents.document\", \"pk\": 1, \"fields\": {}}\n")
    #expect(piped.stdout == "Installed 1 object(s) (of 2) from 1 fixture(s)\n", "\(piped.stdout)\(piped.stderr)")
    let some = try Manage.run(["dumpdata", "blog.tag", "--pks", "1,3", "--format", "jsonl"], in: project.path)
    #expect(some.stdout == "{\"model\": \"blog.tag\", \"pk\": 1, \"fields\": {\"name\": \"swift\"}}\n{\"model\": \"blog.tag\", \"pk\": 3, \"fields\": {\"name\": \"rust\"}}\n", "\(some.stdout)\(some.stderr)")
    let all = try Manage.run(["dumpdata", "-e", "auth", "-e", "contenttypes", "-e", "sessions", "-e", "admin", "-e", "jobs", "-e", "evals", "-e", "documents", "-e", "blog.Post"], in: project.path)
    #expect(all.stdout.hasPrefix(#"[{"model": "blog.tag", "pk": 1, "fields": {"name": "swift"}}, "#) && all.stdout.hasSuffix("]\n"), "\(all.stdout)")
  }

  /// A fixture is a door like the others: each Document it creates enqueues its job in the
  /// load's transaction, and a load that fails enqueues nothing.
  @Test func fixtureRowsEnqueueTheirJobsInTheLoadsTransaction() throws {
    let project = try BackendProject(.sqlite, fixture: "demo")
    try ModelEventsEndToEndTests.addEvents(project.directory)
    #expect(try Manage.run(["makemigrations", "-v", "0"], in: project.path).status == 0)
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    func jobs() throws -> [String] {
      try project.connect().query("SELECT task || ' ' || payload FROM jobs_job ORDER BY id").map { $0[0].string ?? "" }
    }
    try project.directory.write("docs.json", #"[{"model": "documents.document", "pk": 4, "fields": {"title": "A", "checksum": "a"}}, {"model": "documents.document", "pk": 5, "fields": {"title": "B", "checksum": "a"}}]"#)
    let failed = try Manage.run(["loaddata", "docs.json"], in: project.path)
    #expect(failed.status == 1 && failed.stderr.contains("checksum: Document with this Checksum already exists."), "\(failed.stderr)")
    #expect(try jobs().isEmpty)
    try project.directory.write("docs.json", #"[{"model": "documents.document", "pk": 4, "fields": {"title": "A", "checksum": "a"}}, {"model": "documents.document", "pk": 5, "fields": {"title": "B", "checksum": "b"}}]"#)
    #expect(try Manage.run(["loaddata", "docs.json"], in: project.path).status == 0)
    #expect(try jobs() == [#"extract_guidance {"document_id": 4}"#, #"extract_guidance {"document_id": 5}"#])
  }

  /// Django 6.1 and manage read each other's dumps: users (hashed passwords, times with
  /// microseconds, booleans) and groups with their many-to-many links go from Django to manage
  /// and back, and Django's dump of the round trip equals its first.
  @Test func djangoAndManageLoadEachOthersDumps() throws {
    guard let python = ProcessInfo.processInfo.environment["MANAGE_TEST_DJANGO_PYTHON"] else { return print("skipped: set MANAGE_TEST_DJANGO_PYTHON (.ci/run does)") }
    let helper = Manage.repository + "/Tests/EndToEndTests/Support/django_builtin.py"
    func django(_ arguments: [String], in directory: String) throws -> ProcessResult {
      try Manage.spawn([python, helper, "db.sqlite3"] + arguments, in: directory, environment: Manage.baseEnvironment())
    }
    let theirs = try TemporaryDirectory()
    try theirs.write("manage.yaml", DjangoMigrationHistoryTests.builtinApps)
    #expect(try django(["migrate"], in: theirs.path).status == 0)
    let seeded = try django(["seed"], in: theirs.path)
    #expect(seeded.status == 0, "\(seeded.stderr)")
    let original = try django(["dumpdata", "auth.group", "auth.user"], in: theirs.path)
    #expect(original.status == 0 && original.stdout.contains(#""username": "ann""#), "\(original.stderr)")

    let ours = try TemporaryDirectory()
    try ours.write("manage.yaml", DjangoMigrationHistoryTests.builtinApps)
    #expect(try Manage.run(["migrate", "-v", "0"], in: ours.path).status == 0)
    try ours.write("django.json", original.stdout)
    let loaded = try Manage.run(["loaddata", "django.json"], in: ours.path)
    #expect(loaded.stdout == "Installed 3 object(s) from 1 fixture(s)\n", "\(loaded.stdout)\(loaded.stderr)")
    let users = try Manage.run(["shell", "--format", "json", "-c", "User.objects.order_by('pk').values('username', 'is_superuser', 'is_active', 'last_login')"], in: ours.path)
    #expect(users.stdout.contains(#"{"username": "ann", "is_superuser": true, "is_active": true, "last_login": "2026-01-02T03:04:05.123000Z"}"#), "\(users.stdout)\(users.stderr)")
    let editors = try Manage.run(["shell", "-c", "User.objects.filter(groups__name='editors').count()"], in: ours.path)
    #expect(editors.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2", "\(editors.stdout)\(editors.stderr)")
    let mine = try Manage.run(["dumpdata", "auth.group", "auth.user", "-o", "manage.json"], in: ours.path)
    #expect(mine.status == 0, "\(mine.stderr)")

    let back = try TemporaryDirectory()
    try back.write("manage.yaml", DjangoMigrationHistoryTests.builtinApps)
    #expect(try django(["migrate"], in: back.path).status == 0)
    try back.write("manage.json", try ours.read("manage.json"))
    let djangoLoads = try django(["loaddata", "manage.json"], in: back.path)
    #expect(djangoLoads.status == 0, "\(djangoLoads.stderr)")
    let roundTrip = try django(["dumpdata", "auth.group", "auth.user"], in: back.path)
    #expect(roundTrip.stdout == original.stdout, "Django's first dump:\n\(original.stdout)\nafter manage:\n\(roundTrip.stdout)")
    // The hash manage carried still logs Ann in, in Django.
    #expect(try django(["authenticate", "ann", "a-long-passphrase"], in: back.path).stdout.contains("authenticated True"))
  }
}
