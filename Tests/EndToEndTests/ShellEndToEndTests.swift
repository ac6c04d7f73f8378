import Foundation
import Testing
import ManageCore

/// `manage shell` and `manage dbshell` as a user runs them: one-liners, pipes, formats, the
/// readline REPL in a real pseudo-terminal, and the sqlite3 client.
@Suite("shell and dbshell", .serialized)
struct ShellEndToEndTests {
  /// The demo project on `backend`, migrated, with two authors' posts.
  func project(_ backend: TestBackend = .sqlite) throws -> BackendProject {
    let project = try BackendProject(backend, fixture: "demo")
    #expect(try Manage.run(["makemigrations", "-v", "0"], in: project.path).status == 0)
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    let setup = try Manage.run(["shell", "-c", """
      bob = Author.objects.create(user=User.objects.create(username='bob'), display_name='Bob')
      ann = Author.objects.create(user=User.objects.create(username='ann'), display_name='Ann')
      Post.objects.create(title='Hello', slug='hello', author=bob, status='published')
      Post.objects.create(title='Draft', slug='draft', author=bob)
      Post.objects.create(title='Notes', slug='notes', author=ann)
      """], in: project.path)
    #expect(setup.status == 0, "\(setup.stderr)")
    return project
  }

  @Test(arguments: TestBackend.available)
  func oneLinersPrintResultsInEachFormat(_ backend: TestBackend) throws {
    let project = try project(backend)
    let count = try Manage.run(["shell", "-c", "Post.objects.filter(status='draft').count()"], in: project.path)
    #expect(count.status == 0)
    #expect(count.stdout == "2\n")
    let json = try Manage.run(["shell", "--format", "json", "-c", "Post.objects.order_by('slug').values('slug', 'author__display_name')"], in: project.path)
    #expect(json.stdout == """
      [
        {"slug": "draft", "author__display_name": "Bob"},
        {"slug": "hello", "author__display_name": "Bob"},
        {"slug": "notes", "author__display_name": "Ann"}
      ]

      """)
    let csv = try Manage.run(["shell", "--format", "csv", "-c", "Author.objects.annotate(n=Count('posts')).order_by('display_name').values_list('display_name', 'n')"], in: project.path)
    #expect(csv.stdout == "display_name,n\r\nAnn,1\r\nBob,2\r\n")
    let error = try Manage.run(["shell", "-c", "Post.objects.get(slug='nope')"], in: project.path)
    #expect(error.status == 1)
    #expect(error.stderr == "Post.DoesNotExist: Post matching query does not exist.\n")
  }

  @Test(arguments: TestBackend.available)
  func pipedInputRunsLineByLineAndStopsAtTheFirstError(_ backend: TestBackend) throws {
    let project = try project(backend)
    let result = try Manage.run(["shell"], in: project.path, stdin: """
      Tag.objects.create(name='one').name
      Tag.objects.filter(
          name='one',
      ).count()
      Tag.objects.get(name='missing')
      Tag.objects.create(name='never')

      """)
    #expect(result.status == 1)
    #expect(result.stdout == "'one'\n1\n")
    #expect(result.stderr == "Tag.DoesNotExist: Tag matching query does not exist.\n")
    let connection = try project.connect()
    #expect(try connection.scalar("SELECT count(*) FROM blog_tag WHERE name = 'never'") == .integer(0), "nothing after the error ran")
    let syntax = try Manage.run(["shell"], in: project.path, stdin: "Tag.objects.filter(name=)\n")
    #expect(syntax.status == 1)
    #expect(syntax.stderr == "  File \"<stdin>\", line 1\n    Tag.objects.filter(name=)\n                            ^\nSyntaxError: expected an argument value after 'name='\n")
  }

  @Test func aMissingDatabaseIsAClearError() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let result = try Manage.run(["shell", "-c", "Post.objects.count()"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("The database db.sqlite3 does not exist yet."))
    #expect(result.stderr.contains("manage migrate"))
    #expect(!project.exists("db.sqlite3"), "no empty database is left behind")
  }

  @Test func brokenModelsAreListedNotQueried() throws {
    let project = try TemporaryDirectory.copyOfFixture("invalid")
    try project.write("db.sqlite3", "")
    let result = try Manage.run(["shell", "-c", "1"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("shop/models.yaml:4:20: shop.Product.name: (schema.E001) Unknown field type 'chr'."))
    #expect(result.stderr.contains("error: The models have 11 errors; the shell needs them fixed."))
  }

  struct Session: Decodable { var output: String; var status: Int32; var steps_ok: Bool }

  func interactive(_ project: BackendProject, steps: [[Any]]) throws -> Session {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/pty_session.py").path
    let json = String(decoding: try JSONSerialization.data(withJSONObject: steps), as: UTF8.self)
    let environment = Manage.baseEnvironment().merging(["MANAGE_HISTFILE": project.path + "/history", "TERM": "xterm"]) { $1 }
    let result = try Manage.spawn(["python3", script, project.path, json, Manage.binary, "shell"], in: project.path, environment: environment)
    return try JSONDecoder().decode(Session.self, from: Data(result.stdout.utf8))
  }

  @Test(arguments: TestBackend.available)
  func theREPLCompletesContinuesCancelsAndRemembers(_ backend: TestBackend) throws {
    let project = try project(backend)
    let first = try interactive(project, steps: [
      [">>> ", "Post.objects.filt\t"], ["filter(", "sl\t"], ["slug=", "'hello').cou\t"], ["count(", ")\r"],
      ["1\r\n", ""], [">>> ", "Tag.objects.filter(\r"], ["... ", "name='x').exists()\r"], ["False\r\n", ""], [">>> ", "Author.objects.get(\r"],
      ["... ", "^C"], ["KeyboardInterrupt", ""], [">>> ", "\u{04}"],
    ])
    #expect(first.steps_ok, "\(first.output)")
    #expect(first.status == 0)
    #expect(first.output.contains("models imported automatically (use -v 2 for details)."))
    #expect(first.output.contains(">>> Post.objects.filter(slug='hello').count()"))
    let history = try project.directory.read("history")
    #expect(history.contains("Post.objects.filter(slug='hello').count()\nTag.objects.filter( name='x').exists()\n"))
    #expect(!history.contains("Author.objects.get("), "a cancelled statement is not remembered")
    // The next session brings the last statement back with Up.
    let second = try interactive(project, steps: [[">>> ", "\u{1B}[A"], ["exists()", "\r"], ["False\r\n", ""], [">>> ", ".quit\r"]])
    #expect(second.steps_ok, "\(second.output)")
    #expect(second.status == 0)
  }

  /// Ctrl-C during a query: SQLite's progress handler stops a long scan; on PostgreSQL the
  /// shell sends PQcancel to a statement waiting for a lock another session holds (PostgreSQL's
  /// regex engine does not backtrack, so no pattern runs long there).
  @Test(arguments: TestBackend.available)
  func ctrlCStopsARunningQueryAndKeepsTheShell(_ backend: TestBackend) throws {
    let project = try project(backend)
    let connection = try project.connect()
    let query: String
    switch backend {
    case .sqlite:
      // 100,000 tags and a backtracking pattern make a scan of a minute or more.
      try connection.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) INSERT INTO blog_tag (name) SELECT 'tag ' || i FROM n")
      query = "Tag.objects.filter(name__regex='^((t|a|g| |[0-9])+)+x$').count()"
    case .postgresql:
      try connection.execute("BEGIN; LOCK TABLE blog_tag IN ACCESS EXCLUSIVE MODE")
      query = "Tag.objects.count()"
    }
    let started = Date()
    let session = try interactive(project, steps: [
      [">>> ", query + "\r"], ["count()\r\n", "^C", 0.5],
      ["KeyboardInterrupt", ""], [">>> ", "Post.objects.filter(slug='hello').count()\r"], ["1\r\n", ""], [">>> ", "\u{04}"],
    ])
    #expect(session.steps_ok, "\(session.output)")
    #expect(session.status == 0)
    #expect(Date().timeIntervalSince(started) < 10, "the query was stopped, not waited for")
    if backend == .postgresql {
      // The server cancelled the statement: nobody is left waiting for the lock.
      #expect(try connection.scalar("SELECT count(*) FROM pg_locks WHERE NOT granted")?.int == 0)
      try connection.execute("ROLLBACK")
    }
  }

  @Test func dbshellRunsTheSQLiteClientOrSaysItIsMissing() throws {
    let project = try project()
    try project.directory.write("bin/sqlite3", "#!/bin/sh\necho \"client $*\"\nexit 7\n", executable: true)
    let passed = try Manage.run(["dbshell", "--", "-readonly", "-cmd", ".tables"], in: project.path, environment: ["PATH": project.path + "/bin:/usr/bin:/bin"])
    #expect(passed.stdout == "client \(project.path)/db.sqlite3 -readonly -cmd .tables\n" || passed.stdout == "client db.sqlite3 -readonly -cmd .tables\n" || passed.stdout.hasSuffix("db.sqlite3 -readonly -cmd .tables\n"))
    #expect(passed.status == 7, "the client's exit status is ours")
    let missing = try Manage.run(["dbshell"], in: project.path, environment: ["PATH": project.path + "/empty"])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("You appear not to have the 'sqlite3' program installed or on your path."))
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") {
      let real = try Manage.run(["dbshell", "--", "-cmd", "SELECT count(*) FROM blog_post;", ".quit"], in: project.path, environment: ["PATH": "/usr/bin:/bin"], stdin: "")
      #expect(real.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
    }
  }
}
