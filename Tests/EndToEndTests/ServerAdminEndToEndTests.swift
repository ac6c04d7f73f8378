import Foundation
import ManageCore
import Testing

/// The admin, sessions, CSRF and the login throttle, over HTTP as a browser without JavaScript
/// would use them.
@Suite("runserver: the admin", .serialized)
struct ServerAdminEndToEndTests {
  func signedIn(_ server: RunningServer) throws -> BrowserSession {
    let browser = BrowserSession(port: server.port)
    let first = try browser.get("/admin/blog/post/")
    #expect(first.status == 302 && first.header("Location") == "/admin/login/?next=%2Fadmin%2Fblog%2Fpost%2F")
    try browser.get("/admin/login/?next=%2Fadmin%2Fblog%2Fpost%2F")
    let login = try browser.post("/admin/login/?next=%2Fadmin%2Fblog%2Fpost%2F", form: [("username", "admin"), ("password", "secret-pass-123")])
    #expect(login.status == 302 && login.header("Location") == "/admin/blog/post/")
    let cookie = try #require(login.headers("Set-Cookie").first { $0.hasPrefix("sessionid=") })
    #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
    return browser
  }

  @Test func loginSessionsCSRFAndTheThrottle() throws {
    let server = try RunningServer()
    let browser = BrowserSession(port: server.port)
    try browser.get("/admin/login/")
    #expect(browser.cookies["csrftoken"]?.count == 32)

    // A form posted without its token is refused, whatever the cookie says.
    let forged = try browser.post("/admin/login/", form: [("username", "admin"), ("password", "secret-pass-123")], token: false)
    #expect(forged.status == 403 && forged.body.contains("CSRF verification failed. Request aborted.") && forged.body.contains("CSRF token missing."))
    let wrongToken = try browser.post("/admin/login/", form: [("csrfmiddlewaretoken", String(repeating: "a", count: 64)), ("username", "admin"), ("password", "secret-pass-123")], token: false)
    #expect(wrongToken.status == 403 && wrongToken.body.contains("CSRF token incorrect."))
    let crossSite = try browser.exchange("POST", "/admin/login/", headers: ["Origin": "http://evil.example", "Content-Type": "application/x-www-form-urlencoded"],
                                         body: Array("csrfmiddlewaretoken=\(browser.lastToken)&username=admin&password=secret-pass-123".utf8))
    #expect(crossSite.status == 403 && crossSite.body.contains("Origin checking failed"))

    // A user who is not staff cannot use the admin.
    let reader = try browser.post("/admin/login/", form: [("username", "reader"), ("password", "secret-pass-123")])
    #expect(reader.status == 200 && reader.body.contains("Please enter the correct username and password for a staff account."))

    // Five failures from one address for one name, then the sixth try waits even with the right password.
    for _ in 0..<4 { try browser.post("/admin/login/", form: [("username", "reader"), ("password", "wrong")]) }
    let throttled = try browser.post("/admin/login/", form: [("username", "reader"), ("password", "secret-pass-123")])
    #expect(throttled.status == 429 && throttled.body.contains("Too many failed login attempts."))
    // Another account is not held up by it.
    let admin = try browser.post("/admin/login/", form: [("username", "admin"), ("password", "secret-pass-123")])
    #expect(admin.status == 302)
    let session = try #require(browser.cookies["sessionid"])
    let connection = try Connection(path: server.project.path + "/db.sqlite3")
    let stored = try #require(try connection.query("SELECT session_data FROM django_session WHERE session_key = ?", [.text(session)]).first?[0].string)
    #expect(!stored.contains("secret-pass-123"))

    // The API takes the session too, but then an unsafe method needs the CSRF header (the
    // token of a page seen since logging in: login rotates the secret).
    try browser.get("/admin/")
    let noHeader = try browser.exchange("POST", "/api/blog/tag/", headers: ["Content-Type": "application/json"], body: Array(#"{"name": "swift"}"#.utf8))
    #expect(noHeader.status == 403 && noHeader.object["detail"] as? String == "CSRF Failed: CSRF token missing.")
    let withHeader = try browser.exchange("POST", "/api/blog/tag/", headers: ["Content-Type": "application/json", "X-CSRFToken": browser.lastToken], body: Array(#"{"name": "swift"}"#.utf8))
    #expect(withHeader.status == 201, "\(withHeader.body)")

    // A user added in the admin gets an unusable password (set it with changepassword).
    try browser.get("/admin/auth/user/add/")
    let added = try browser.post("/admin/auth/user/add/", form: [("username", "grace"), ("email", ""), ("_save", "Save")])
    #expect(added.status == 302, "\(added.body)")
    #expect(try connection.scalar("SELECT password FROM auth_user WHERE username = 'grace'")?.string?.hasPrefix("!") == true)

    // Logging out ends the session on the server, not only in the browser.
    try browser.get("/admin/")
    let out = try browser.post("/admin/logout/", form: [])
    #expect(out.status == 200 && out.body.contains("Logged out"))
    #expect(try connection.scalar("SELECT count(*) FROM django_session WHERE session_key = ?", [.text(session)])?.int == 0)
    let replay = try HTTPExchange.send(port: server.port, "GET", "/admin/", headers: ["Cookie": "sessionid=\(session)"])
    #expect(replay.status == 302)

    // After login, `next` only leads to a path on this site.
    // Browsers drop tabs and newlines and read a backslash as a slash, so these lead off-site too.
    for next in ["//evil.example/", "/%5Cevil.example", "https://evil.example/", "/%09/evil.example/x", "/%0A/evil.example", "%20//evil.example", "/%5C%5Cevil.example"] {
      try browser.get("/admin/login/")
      let login = try browser.post("/admin/login/?next=" + next, form: [("username", "admin"), ("password", "secret-pass-123")])
      #expect(login.status == 302 && login.header("Location") == "/admin/", "\(next)")
      try browser.get("/admin/")
      try browser.post("/admin/logout/", form: [])
    }

    // A second login ends the session the browser had: the old key no longer signs in.
    try browser.get("/admin/login/")
    let firstLogin = try browser.post("/admin/login/", form: [("username", "admin"), ("password", "secret-pass-123")])
    let firstKey = try #require(firstLogin.headers("Set-Cookie").first { $0.hasPrefix("sessionid=") }?.dropFirst(10).prefix { $0 != ";" })
    try browser.get("/admin/")
    let secondLogin = try browser.post("/admin/login/", form: [("username", "admin"), ("password", "secret-pass-123")])
    #expect(secondLogin.status == 302)
    #expect(try connection.scalar("SELECT count(*) FROM django_session WHERE session_key = ?", [.text(String(firstKey))])?.int == 0)
    // An overlong username is refused before the throttle remembers it.
    try browser.get("/admin/")
    let long = try browser.post("/admin/login/", form: [("username", String(repeating: "u", count: 10_000)), ("password", "x")])
    #expect(long.status == 200 && long.body.contains("Ensure this value has at most 150 characters"))
  }

  @Test func changeListFormsDeleteAndHistory() throws {
    let server = try RunningServer()
    let browser = try signedIn(server)
    let index = try browser.get("/admin/")
    #expect(index.status == 200 && index.body.contains("<a href=\"/admin/blog/post/\">Posts</a>") && !index.body.contains("/admin/sessions/"))
    #expect(index.body.contains("/admin/jobs/job/") && index.body.contains("/admin/evals/evalrun/"))
    #expect(try browser.get("/admin/static/admin.css").header("Content-Type") == "text/css; charset=utf-8")

    // An author to write posts.
    try browser.get("/admin/blog/author/add/")
    #expect(try browser.post("/admin/blog/author/add/", form: [("user", "1"), ("display_name", "Ada"), ("_save", "Save")]).status == 302)

    // Add a post with mistakes: each error beside its field, nothing saved, values kept.
    try browser.get("/admin/blog/post/add/")
    let bad = try browser.post("/admin/blog/post/add/", form: [("title", "<script>alert('x')</script>"), ("slug", "not a slug"), ("status", "draft"), ("author", ""), ("_save", "Save")])
    #expect(bad.status == 200)
    #expect(bad.body.contains("<ul class=\"errorlist\" id=\"id_slug_error\"><li>Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.</li></ul>"))
    #expect(bad.body.contains("<ul class=\"errorlist\" id=\"id_author_error\"><li>This field is required.</li></ul>"))
    #expect(bad.body.contains("value=\"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;\""), "the typed value is kept, escaped")
    #expect(!bad.body.contains("<script>alert"))
    let fixed = try browser.post("/admin/blog/post/add/", form: [("title", "<script>alert('x')</script>"), ("slug", "first"), ("status", "draft"), ("author", "1"), ("published_at", "2026-11-27T10:30"), ("_continue", "1")])
    #expect(fixed.status == 302 && fixed.header("Location") == "/admin/blog/post/1/change/")
    let change = try browser.get("/admin/blog/post/1/change/")
    #expect(change.body.contains("was added successfully. You may edit it again below."))
    #expect(change.body.contains("value=\"2026-11-27T10:30:00\""))
    for number in 2...4 {
      try browser.get("/admin/blog/post/add/")
      try browser.post("/admin/blog/post/add/", form: [("title", "Post \(number)"), ("slug", "post-\(number)"), ("status", number == 4 ? "published" : "draft"), ("author", "1"), ("_save", "Save")])
    }

    // Edit: the change is saved and logged, tags ticked in the multiple select included.
    for name in ["swift", "sqlite"] {
      try browser.get("/admin/blog/tag/add/")
      try browser.post("/admin/blog/tag/add/", form: [("name", name), ("_save", "Save")])
    }
    let form = try browser.get("/admin/blog/post/2/change/")
    #expect(form.body.contains("<select multiple name=\"tags\" id=\"id_tags\""))
    let edited = try browser.post("/admin/blog/post/2/change/", form: [("title", "Second post"), ("slug", "post-2"), ("status", "published"), ("author", "1"), ("tags", "1"), ("tags", "2"), ("_save", "Save")])
    #expect(edited.status == 302)
    let list = try browser.get("/admin/blog/post/")
    #expect(list.body.contains("was changed successfully.") && list.body.contains("Second post"))
    #expect(list.body.contains("&lt;script&gt;") && !list.body.contains("<script>"))

    // Search, filter, sort and export.
    #expect(try browser.get("/admin/blog/post/?q=second").body.contains("1 result (4 total)"))
    let published = try browser.get("/admin/blog/post/?status__exact=published")
    #expect(published.body.contains("2 results (4 total)") && published.body.contains("class=\"selected\"><a href=\"/admin/blog/post/?status__exact=published\">published</a>"))
    #expect(try browser.get("/admin/blog/post/?published_at__isnull=True").body.contains("3 results"))
    let sorted = try browser.get("/admin/blog/post/?o=-title")
    let secondAt = try #require(sorted.body.range(of: "Second post")), postFourAt = try #require(sorted.body.range(of: "Post 4"))
    #expect(secondAt.lowerBound < postFourAt.lowerBound)
    let csv = try browser.get("/admin/blog/post/?status__exact=published&_export=csv")
    #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
    let lines = csv.body.split(separator: "\r\n")
    #expect(lines.first == "id,title,slug,body,status,author,published_at,created_at" && lines.count == 3)
    #expect(try browser.get("/admin/blog/post/?colour=red").body.contains("colour: Cannot resolve keyword"))

    // History shows the addition and the change, newest first.
    let history = try browser.get("/admin/blog/post/2/history/")
    #expect(history.body.contains("<td>admin</td><td>Changed</td><td>Changed title, status and tags.</td>"), "\(history.body)")
    #expect(try browser.get("/admin/blog/post/2/change/").body.contains("<option value=\"2\" selected>Tag object (2)</option>"))
    #expect(history.body.contains("<td>Added</td><td>Added.</td>"))

    // Deleting the author lists what cascades, and deletes nothing until confirmed.
    let confirm = try browser.get("/admin/blog/author/1/delete/")
    #expect(confirm.body.contains("Are you sure you want to delete the author “Author object (1)”?"))
    #expect(confirm.body.contains("<li>Posts: 4</li>") && confirm.body.contains("<li>Author: 1</li>"))
    #expect(confirm.body.contains("<li>Post: <a href=\"/admin/blog/post/2/change/\">Post object (2)</a></li>"), "each cascaded row is listed")
    let connection = try Connection(path: server.project.path + "/db.sqlite3")
    #expect(try connection.scalar("SELECT count(*) FROM blog_post")?.int == 4)

    // Bulk delete two posts: a confirmation first, then the deletion.
    try browser.get("/admin/blog/post/")
    let ask = try browser.post("/admin/blog/post/", form: [("action", "delete_selected"), ("_selected_action", "3"), ("_selected_action", "4")])
    #expect(ask.status == 200 && ask.body.contains("Are you sure you want to delete the selected posts?"))
    let done = try browser.post("/admin/blog/post/", form: [("action", "delete_selected"), ("_selected_action", "3"), ("_selected_action", "4"), ("post", "yes")])
    #expect(done.status == 302)
    #expect(try browser.get("/admin/blog/post/").body.contains("Successfully deleted 2 posts."))
    #expect(try connection.scalar("SELECT count(*) FROM blog_post")?.int == 2)
    #expect(try connection.scalar("SELECT count(*) FROM django_admin_log WHERE action_flag = 3")?.int == 2)

    // One delete from the object's page.
    try browser.get("/admin/blog/post/1/delete/")
    #expect(try browser.post("/admin/blog/post/1/delete/", form: []).status == 302)
    #expect(try connection.scalar("SELECT count(*) FROM blog_post")?.int == 1)
    #expect(try browser.get("/admin/blog/post/99/change/").status == 302)
    #expect(try browser.get("/admin/blog/nothing/").status == 404)
  }

  @Test func jobAndEvalRunPages() throws {
    let server = try RunningServer()
    let connection = try Connection(path: server.project.path + "/db.sqlite3")
    try connection.run("INSERT INTO jobs_job (task, queue, payload, state, priority, attempts, max_retries, run_at, last_error, created_at, updated_at) VALUES ('extract_guidance', 'default', '{}', 'dead', 0, 4, 3, '2026-11-27 10:00:00', 'boom', '2026-11-27 10:00:00', '2026-11-27 10:00:00')")
    try connection.run("INSERT INTO jobs_job (task, queue, payload, state, priority, attempts, max_retries, run_at, last_error, created_at, updated_at) VALUES ('extract_guidance', 'default', '{}', 'ready', 0, 0, 3, '2026-11-27 10:00:00', '', '2026-11-27 10:00:00', '2026-11-27 10:00:00')")
    let browser = try signedIn(server)
    let dead = try browser.get("/admin/jobs/job/?state__exact=dead")
    #expect(dead.body.contains("1 result (2 total)") && dead.body.contains("Retry selected jobs"))
    let retried = try browser.post("/admin/jobs/job/", form: [("action", "retry_selected"), ("_selected_action", "1")])
    #expect(retried.status == 302)
    #expect(try browser.get("/admin/jobs/job/").body.contains("1 job(s) queued again."))
    #expect(try connection.scalar("SELECT state FROM jobs_job WHERE id = 1")?.string == "ready")
    try browser.post("/admin/jobs/job/", form: [("action", "cancel_selected"), ("_selected_action", "2")])
    #expect(try connection.scalar("SELECT state FROM jobs_job WHERE id = 2")?.string == "cancelled")
    // A job action posted to another model's list does nothing to jobs, even for a row whose
    // key is a job's.
    try connection.run("INSERT INTO blog_tag (id, name) VALUES (1, 'one'), (2, 'two')")
    try browser.get("/admin/blog/tag/")
    #expect(try browser.post("/admin/blog/tag/", form: [("action", "retry_selected"), ("_selected_action", "2")]).status == 302)
    #expect(try connection.scalar("SELECT state FROM jobs_job WHERE id = 2")?.string == "cancelled")

    // Two eval runs: per-case results from the run's page, and the comparison.
    for (run, rate) in [(1, 0.5), (2, 0.5)] {
      try connection.run("INSERT INTO evals_evalrun (suite, provider, status, total, passed, failed, pass_rate, errors, repeat, git_commit, started_at) VALUES ('guidance', 'echo', 'passed', 2, 1, 1, ?, 0, 1, '', '2026-11-27 10:00:0\(run)')", [.real(rate)])
    }
    for (run, caseID, passed) in [(1, "alpha", 1), (1, "beta", 0), (2, "alpha", 0), (2, "beta", 1)] {
      try connection.run("INSERT INTO evals_evalresult (run_id, case_id, passed, output, error, repeat, scores, created_at) VALUES (?, ?, ?, '', '', 0, ?, '2026-11-27 10:00:00')",
                         [.integer(Int64(run)), .text(caseID), .integer(Int64(passed)), .text("[{\"name\": \"equals\", \"score\": \(passed).0, \"passed\": \(passed == 1)}]")])
    }
    let runPage = try browser.get("/admin/evals/evalrun/2/change/")
    #expect(runPage.body.contains("<a href=\"/admin/evals/evalresult/?run__exact=2\">Eval results (2)</a>"))
    #expect(try browser.get("/admin/evals/evalresult/?run__exact=2").body.contains("2 results (4 total)"))
    try browser.get("/admin/evals/evalrun/")
    let compared = try browser.post("/admin/evals/evalrun/", form: [("action", "compare_selected"), ("_selected_action", "1"), ("_selected_action", "2")])
    #expect(compared.status == 200)
    #expect(compared.body.contains("1 fixed, 1 regressed, 0 unchanged."))
    #expect(compared.body.contains("<h3>Regressed</h3><div class=\"pad\"><ul><li>alpha</li></ul>"))
    #expect(compared.body.contains("<tr><td>equals</td><td>0.500</td><td>0.500</td><td>+0.000</td></tr>"))
  }
}

/// The demo with a superuser and a few rows: every admin page of every model answers 200.
@Suite("runserver: every page of the demo", .serialized)
struct ServerDemoPagesEndToEndTests {
  @Test func everyAdminPageOfEveryModelRenders() throws {
    let server = try RunningServer()
    let token = server.adminToken
    #expect(try server.api("POST", "/api/blog/author/", json: #"{"user": 1, "display_name": "Ada"}"#, token: token).status == 201)
    #expect(try server.api("POST", "/api/blog/tag/", json: #"{"name": "swift"}"#, token: token).status == 201)
    #expect(try server.api("POST", "/api/blog/post/", json: #"{"title": "Hello", "slug": "hello", "author": 1, "tags": [1]}"#, token: token).status == 201)
    #expect(try server.api("POST", "/api/jobs/", json: #"{"task": "extract_guidance", "payload": {"document_id": 1}}"#, token: token).status == 202)
    let browser = BrowserSession(port: server.port)
    try browser.get("/admin/login/")
    try browser.post("/admin/login/", form: [("username", "admin"), ("password", "secret-pass-123")])
    let index = try browser.get("/admin/")
    let links = Set(index.body.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }.filter { $0.hasPrefix("/admin/") })
    let models = links.filter { $0.split(separator: "/").count == 3 && $0.hasSuffix("/") && !$0.contains("/static/") }
    #expect(models.count >= 14, "\(models.sorted())")
    var visited = 0
    for model in models.sorted() {
      let list = try browser.get(model)
      #expect(list.status == 200, "\(model)")
      #expect(try browser.get(model + "add/").status == 200, "\(model)add/")
      #expect(try browser.get(model + "?_export=csv").status == 200, "\(model) CSV")
      // The first row's change, history and delete pages.
      guard let range = list.body.range(of: "<th><a href=\"" + model) else { continue }
      let rowLink = String(list.body[range.upperBound...].prefix { $0 != "\"" })
      let row = model + rowLink.replacingOccurrences(of: "change/", with: "")
      for page in ["change/", "history/", "delete/"] {
        let reply = try browser.get(row + page)
        #expect(reply.status == 200, "\(row)\(page): \(reply.status)")
        visited += 1
      }
    }
    #expect(visited >= 15, "rows of several models were opened")
    #expect(!server.stderr.contains("Internal Server Error"), "\(server.stderr)")
  }
}
