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
    try Connection(path: path + "/db.sqlite3").query("SELECT task || ' ' || payload FROM jobs_job ORDER BY id").map { $0[0].string ?? "" }
  }

  @Test func theShellsWritesEnqueueWithTheRowAndAFailedWriteEnqueuesNothing() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try Self.addEvents(project)
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
    #expect(afterContent.last?.hasPrefix(#"extract_guidance_script {"document_id": 1, "changed": ["content", "#) == true, "\(afterContent)")
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
