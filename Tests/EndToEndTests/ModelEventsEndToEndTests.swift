import Foundation
import ManageCore
import Testing

/// Models' `on:` events: a Document written through any door gets its job in the same
/// transaction; a write that fails gets none.
@Suite("jobs: model events", .serialized)
struct ModelEventsEndToEndTests {
  /// The demo's Document with events: created → extract_guidance; content changed →
  /// extract_guidance_script; deleted → a job carrying the title.
  static func addEvents(_ project: TemporaryDirectory) throws {
    let models = try project.read("documents/models.yaml")
    try project.write("documents/models.yaml", models.replacingOccurrences(of: "    ordering: [-created_at]\n", with: """
          ordering: [-created_at]
          on:
            created: [{enqueue: extract_guidance, payload: {document_id: "{{id}}"}}]
            updated: [{enqueue: extract_guidance_script, payload: {document_id: "{{id}}", changed: "{{changed}}"}, when: {changed: [content]}}]
            deleted: [{enqueue: extract_guidance_script, payload: {gone: "{{title}}"}}]

      """))
  }

  func jobs(_ path: String) throws -> [String] {
    try jobs(Connection(path: path + "/db.sqlite3"))
  }

  func jobs(_ connection: Connection) throws -> [String] {
    try connection.query("SELECT task || ' ' || payload FROM jobs_job ORDER BY id").map { $0[0].string ?? "" }
  }

  /// On both backends: the ORM's writes and their jobs share a transaction on each.
  @Test(arguments: TestBackend.available)
  func theShellsWritesEnqueueWithTheRowAndAFailedWriteEnqueuesNothing(_ backend: TestBackend) throws {
    let backendProject = try BackendProject(backend, fixture: "demo")
    let project = backendProject.directory
    try Self.addEvents(project)
    func jobs(_ path: String) throws -> [String] { try self.jobs(backendProject.connect()) }
    #expect(try Manage.run(["makemigrations", "-v", "0"], in: project.path).status == 0)
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    let created = try Manage.run(["shell", "-c", "Document.objects.create(title='A', checksum='a', content='x')"], in: project.path)
    #expect(created.status == 0, "\(created.stderr)")
    #expect(try jobs(project.path) == [#"extract_guidance {"document_id": 1}"#])
    // A duplicate checksum (IntegrityError) and a title past max_length (ValidationError): no row, no job.
    let duplicate = try Manage.run(["shell", "-c", "Document.objects.create(title='B', checksum='a')"], in: project.path)
    #expect(duplicate.stderr.contains("IntegrityError"), "\(duplicate.stderr)")
    let long = try Manage.run(["shell", "-c", "Document.objects.create(title='" + String(repeating: "t", count: 301) + "', checksum='c')"], in: project.path)
    #expect(long.status != 0)
    #expect(try jobs(project.path).count == 1)
    // An update of content enqueues (with what changed); of the title alone, nothing.
    #expect(try Manage.run(["shell", "-c", "d = Document.objects.get(pk=1); d.title = 'A2'; d.save()"], in: project.path).status == 0)
    #expect(try jobs(project.path).count == 1)
    #expect(try Manage.run(["shell", "-c", "d = Document.objects.get(pk=1); d.content = 'y'; d.save()"], in: project.path).status == 0)
    let afterContent = try jobs(project.path)
    // (PostgreSQL's jsonb orders keys its own way: the parts are checked, not the text.)
    let last = afterContent.last ?? ""
    #expect(last.hasPrefix("extract_guidance_script {") && last.contains(#""document_id": 1"#) && last.contains(#""changed": ["content", "updated_at"]"#), "\(afterContent)")
    // update() (no signal in Django) runs the rule too; delete() carries the row as it was.
    #expect(try Manage.run(["shell", "-c", "Document.objects.filter(pk=1).update(content='z')"], in: project.path).status == 0)
    #expect(try jobs(project.path).count == 3)
    #expect(try Manage.run(["shell", "-c", "Document.objects.filter(pk=1).delete()"], in: project.path).status == 0)
    #expect(try jobs(project.path).last == #"extract_guidance_script {"gone": "A2"}"#)
    // A task's own write fires its model's events too: the llm task writes an Extraction,
    // whose model has none, so the worker adds no job; the document's row gets one on create.
    #expect(try Manage.run(["shell", "-c", "Document.objects.create(title='Acme', checksum='acme', content='Acme Q1 earnings call. For the full year we expect revenue of $78.1 to $88.4 billion, driven by cloud.')"], in: project.path).status == 0)
    #expect(try jobs(project.path).count == 5)
  }

  @Test func theAPIAndTheAdminEnqueueOneJobPerDocumentAndNoneForARefusedOne() throws {
    let server = try RunningServer { try ModelEventsEndToEndTests.addEvents($0) }
    let path = server.project.path
    let posted = try server.api("POST", "/api/documents/document/", json: #"{"title": "Via API", "checksum": "api-1", "content": "c"}"#, token: server.adminToken)
    #expect(posted.status == 201, "\(posted.body)")
    let refused = try server.api("POST", "/api/documents/document/", json: #"{"title": "Dup", "checksum": "api-1"}"#, token: server.adminToken)
    #expect(refused.status == 400, "\(refused.body)")
    #expect(try jobs(path) == [#"extract_guidance {"document_id": 1}"#])

    let browser = BrowserSession(port: server.port)
    try browser.get("/admin/login/")
    #expect(try browser.post("/admin/login/", form: [("username", "admin"), ("password", "secret-pass-123")]).status == 302)
    try browser.get("/admin/documents/document/add/")
    let form: [(String, String)] = [("title", "Via admin"), ("source_url", ""), ("content", "c"), ("mime_type", "text/plain"), ("status", "pending"), ("uploaded_by", ""), ("checksum", "admin-1"), ("pages", ""), ("_save", "Save")]
    let added = try browser.post("/admin/documents/document/add/", form: form)
    #expect(added.status == 302, "\(added.body.prefix(500))")
    try browser.get("/admin/documents/document/add/")
    let invalid = try browser.post("/admin/documents/document/add/", form: form.map { $0.0 == "checksum" ? ("checksum", "api-1") : $0 })
    #expect(invalid.status == 200 && invalid.body.contains("Document with this Checksum already exists."), "\(invalid.body.prefix(300))")
    #expect(try jobs(path) == [#"extract_guidance {"document_id": 1}"#, #"extract_guidance {"document_id": 2}"#])
  }

  /// runserver reloads tasks.yaml and models.yaml in place: an event added with a new task
  /// enqueues that task on the next write, without a restart.
  @Test func afterAReloadAnEventUsesTheTasksOfNow() throws {
    let server = try RunningServer { try ModelEventsEndToEndTests.addEvents($0) }
    let path = server.project.path
    #expect(try server.api("POST", "/api/documents/document/", json: #"{"title": "One", "checksum": "c-1", "content": "c"}"#, token: server.adminToken).status == 201)
    // Each file's change, then its reload: the new task first, then the rule that uses it.
    func reloaded(after file: String) -> Bool {
      let deadline = Date().addingTimeInterval(15)
      while Date() < deadline {
        if let range = server.stdout.range(of: "\(file) changed, reloading.", options: .backwards), server.stdout[range.upperBound...].contains("Reloaded:") { return true }
        usleep(50_000)
      }
      return false
    }
    try server.project.write("documents/tasks.yaml", try server.project.read("documents/tasks.yaml") + "\n  notify_editors:\n    command: [\"true\"]\n")
    #expect(reloaded(after: "documents/tasks.yaml"), "\(server.stdout)\(server.stderr)")
    try server.project.write("documents/models.yaml", try server.project.read("documents/models.yaml").replacingOccurrences(
      of: #"created: [{enqueue: extract_guidance, payload: {document_id: "{{id}}"}}]"#,
      with: #"created: [{enqueue: extract_guidance, payload: {document_id: "{{id}}"}}, {enqueue: notify_editors, payload: {title: "{{title}}"}}]"#))
    #expect(reloaded(after: "documents/models.yaml"), "\(server.stdout)\(server.stderr)")
    let second = try server.api("POST", "/api/documents/document/", json: #"{"title": "Two", "checksum": "c-2", "content": "c"}"#, token: server.adminToken)
    #expect(second.status == 201, "\(second.body)")
    #expect(try jobs(path) == [#"extract_guidance {"document_id": 1}"#, #"extract_guidance {"document_id": 2}"#, #"notify_editors {"title": "Two"}"#])
  }

  @Test func anEventNamingNoTaskIsACheckErrorAtItsPlace() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try project.write("documents/models.yaml", try project.read("documents/models.yaml").replacingOccurrences(
      of: "    ordering: [-created_at]\n", with: "    ordering: [-created_at]\n    on: {created: [{enqueue: extract_guidanse}]}\n"))
    let check = try Manage.run(["check"], in: project.path)
    #expect(check.status == 1)
    #expect(check.stderr.contains("documents/models.yaml:16:30: documents.Document: (jobs.E002) documents.Document's `on: created` enqueues 'extract_guidanse', which is no task."), "\(check.stderr)")
    #expect(check.stderr.contains("Did you mean 'extract_guidance'?"))
  }
}

/// A job's page and API record show what an llm task did; the change list of a task's input
/// model offers "Run TASK for selected".
@Suite("runserver: llm jobs in the admin and the API", .serialized)
struct LLMJobsAdminEndToEndTests {
  @Test func runTaskForSelectedThenTheJobPageShowsPromptAnswerAttemptsAndTheRowWritten() throws {
    let server = try RunningServer()
    let path = server.project.path
    let acme = "Acme Q1 earnings call. For the full year we expect revenue of $78.1 to $88.4 billion, driven by cloud."
    for (index, content) in [acme, "Nothing recorded <b>here</b>."].enumerated() {
      let posted = try server.api("POST", "/api/documents/document/", json: #"{"title": "D\#(index)", "checksum": "c\#(index)", "content": "\#(content)"}"#, token: server.adminToken)
      #expect(posted.status == 201, "\(posted.body)")
    }
    let browser = BrowserSession(port: server.port)
    try browser.get("/admin/login/")
    #expect(try browser.post("/admin/login/", form: [("username", "admin"), ("password", "secret-pass-123")]).status == 302)
    let list = try browser.get("/admin/documents/document/")
    #expect(list.body.contains(#"<option value="run_task:extract_guidance">Run extract_guidance for selected documents</option>"#), "\(list.body.prefix(2000))")
    #expect(!list.body.contains("run_task:extract_guidance_script"), "a command task has no input model")
    let ran = try browser.post("/admin/documents/document/", form: [("action", "run_task:extract_guidance"), ("_selected_action", "1"), ("_selected_action", "2"), ("index", "0")])
    #expect(ran.status == 302)
    #expect(try browser.get("/admin/documents/document/").body.contains("Enqueued 2 extract_guidance job(s)."))
    // The task is unique: running it again for a queued row adds nothing.
    _ = try browser.post("/admin/documents/document/", form: [("action", "run_task:extract_guidance"), ("_selected_action", "1"), ("index", "0")])
    #expect(try browser.get("/admin/documents/document/").body.contains("Enqueued 0 extract_guidance job(s). 1 already queued."))
    #expect(try Manage.run(["worker", "--burst"], in: path).status == 0)
    let connection = try Connection(path: path + "/db.sqlite3")
    let acmeJob = try #require(try connection.scalar("SELECT id FROM jobs_job WHERE json_extract(payload, '$.document_id') = 1")?.int)
    let otherJob = try #require(try connection.scalar("SELECT id FROM jobs_job WHERE json_extract(payload, '$.document_id') = 2")?.int)

    let done = try browser.get("/admin/jobs/job/\(acmeJob)/change/")
    #expect(done.status == 200)
    #expect(done.body.contains("<h3>Run</h3>"))
    #expect(done.body.contains("<label>Prompt:</label><div class=\"field\"><pre class=\"run\">\(acme)</pre>"), "\(done.body.prefix(3000))")
    #expect(done.body.contains(#"<a href="/admin/documents/extraction/1/change/">Extraction object (1)</a> (created)"#))
    #expect(done.body.contains("<td class=\"ok\">succeeded</td>"))
    let failed = try browser.get("/admin/jobs/job/\(otherJob)/change/")
    // The answer-less attempt's error, escaped like every value.
    #expect(failed.body.contains("no recorded answer for the prompt &#x27;Nothing recorded &lt;b&gt;here&lt;/b&gt;.&#x27;"), "\(failed.body.prefix(3000))")
    #expect(!failed.body.contains("<b>here</b>"))

    // The API has the same details on the job's record.
    let record = try server.api("GET", "/api/jobs/job/\(acmeJob)/", token: server.adminToken)
    #expect(record.status == 200, "\(record.body)")
    let details = (record.object["details"] as? [String: Any]) ?? [:]
    #expect((details["wrote"] as? [String: Any])?["model"] as? String == "documents.Extraction", "\(record.body)")
    #expect((details["prompt"] as? String) == acme)
  }
}
