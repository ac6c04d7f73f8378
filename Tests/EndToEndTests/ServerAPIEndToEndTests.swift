import Foundation
import ManageCore
import Testing

/// The JSON API and the enqueue endpoint, over HTTP against `manage runserver` on loopback.
@Suite("runserver: the JSON API", .serialized)
struct ServerAPIEndToEndTests {
  @Test func everyVerbWithFiltersPagesAndValidation() throws {
    let server = try RunningServer()
    let token = server.adminToken

    // Nothing without credentials; a wrong token is no better.
    let anonymous = try server.api("GET", "/api/blog/post/")
    #expect(anonymous.status == 401 && anonymous.header("WWW-Authenticate") == "Token")
    #expect(anonymous.object["detail"] as? String == "Authentication credentials were not provided.")
    #expect(try server.api("GET", "/api/blog/post/", token: "not-a-token").status == 401)

    // Create: an author, then 25 posts, one with SQL-looking text stored verbatim.
    let author = try server.api("POST", "/api/blog/author/", json: #"{"user": 1, "display_name": "Ada"}"#, token: token)
    #expect(author.status == 201, "\(author.body)")
    #expect(author.header("Location") == "/api/blog/author/1/")
    let sneaky = "Robert'); DROP TABLE blog_post;-- <script>alert(1)</script>"
    for index in 1...25 {
      let title = index == 7 ? sneaky : "Post \(index)"
      let body = try JSONSerialization.data(withJSONObject: ["title": title, "slug": "post-\(index)", "author": 1, "status": index % 2 == 0 ? "published" : "draft"])
      let created = try server.api("POST", "/api/blog/post/", json: String(decoding: body, as: UTF8.self), token: token)
      #expect(created.status == 201, "\(created.body)")
    }

    // List: 20 a page with totals and links; page 2 has the rest.
    let first = try server.api("GET", "/api/blog/post/?ordering=id", token: token)
    #expect(first.status == 200)
    #expect(first.object["count"] as? Int == 25)
    #expect((first.object["results"] as? [Any])?.count == 20)
    #expect(first.object["previous"] is NSNull)
    let next = try #require(first.object["next"] as? String)
    #expect(next == "http://127.0.0.1:\(server.port)/api/blog/post/?ordering=id&page=2")
    let second = try server.api("GET", "/api/blog/post/?ordering=id&page=2", token: token)
    #expect((second.object["results"] as? [[String: Any]])?.map { $0["id"] as? Int } == [21, 22, 23, 24, 25])
    #expect(second.object["next"] is NSNull && second.object["previous"] as? String == "http://127.0.0.1:\(server.port)/api/blog/post/?ordering=id")
    #expect(try server.api("GET", "/api/blog/post/?page=9", token: token).status == 404)
    let small = try server.api("GET", "/api/blog/post/?page_size=5&ordering=-id", token: token)
    #expect((small.object["results"] as? [[String: Any]])?.map { $0["id"] as? Int } == [25, 24, 23, 22, 21])

    // Filters are Django lookups.
    func ids(_ query: String) throws -> [Int] {
      let reply = try server.api("GET", "/api/blog/post/?page_size=100&ordering=id&" + query, token: token)
      #expect(reply.status == 200, "\(query): \(reply.body)")
      return (reply.object["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }
    #expect(try ids("status=published").count == 12)
    #expect(try ids("id__in=3,5,9") == [3, 5, 9])
    #expect(try ids("id__gte=24") == [24, 25])
    #expect(try ids("title__icontains=drop%20table") == [7])
    #expect(try ids("published_at__isnull=true").count == 25)
    #expect(try ids("author__display_name=Ada").count == 25)
    #expect(try ids("search=robert") == [7])
    // The SQL-looking value matched as text; it is stored and returned verbatim.
    let seven = try server.api("GET", "/api/blog/post/7/", token: token)
    #expect(seven.object["title"] as? String == sneaky)
    #expect(try ids("title=" + BrowserSession.encode(sneaky)) == [7])
    let badFilter = try server.api("GET", "/api/blog/post/?colour=red&page=0", token: token)
    #expect(badFilter.status == 400)
    let filterErrors = badFilter.object["errors"] as? [String: [String]]
    #expect(filterErrors?["colour"]?.first?.hasPrefix("Cannot resolve keyword 'colour' into field.") == true)
    #expect(filterErrors?["page"] == ["A valid integer of at least 1 is required."])
    // A password hash cannot be probed through a relation.
    #expect(try server.api("GET", "/api/blog/author/?user__password__startswith=pbkdf2", token: token).status == 400)
    #expect(try server.api("GET", "/api/auth/user/1/", token: token).object["password"] == nil)
    #expect(try server.api("PATCH", "/api/auth/user/1/", json: #"{"password": "x"}"#, token: token).status == 400)
    let newUser = try server.api("POST", "/api/auth/user/", json: #"{"username": "grace"}"#, token: token)
    #expect(newUser.status == 201 && newUser.object["password"] == nil, "\(newUser.body)")
    let graceID = try #require(newUser.object["id"] as? Int)
    let hash = "SELECT password FROM auth_user WHERE id = \(graceID)"
    let before = try Connection(path: server.project.path + "/db.sqlite3").scalar(hash)
    #expect(before?.string?.hasPrefix("!") == true, "a user made through the API has an unusable password")
    #expect(try server.api("PUT", "/api/auth/user/\(graceID)/", json: #"{"username": "grace", "email": "grace@example.com"}"#, token: token).status == 200)
    #expect(try Connection(path: server.project.path + "/db.sqlite3").scalar(hash) == before, "PUT keeps the hash")

    // Validation errors come back by field, as JSON, 400; nothing is written.
    let invalid = try server.api("POST", "/api/blog/post/", json: #"{"title": "", "slug": "post-1", "status": "bogus", "author": 99}"#, token: token)
    #expect(invalid.status == 400)
    let errors = invalid.object["errors"] as? [String: [String]]
    #expect(errors?["title"] == ["This field cannot be blank."])
    #expect(errors?["slug"] == ["Post with this Slug already exists."])
    #expect(errors?["status"] == ["Value 'bogus' is not a valid choice."])
    #expect(errors?["author"] == ["author instance with id 99 does not exist."])
    let long = try server.api("POST", "/api/blog/post/", json: "{\"title\": \"\(String(repeating: "x", count: 201))\", \"slug\": \"long\", \"author\": 1}", token: token)
    #expect((long.object["errors"] as? [String: [String]])?["title"] == ["Ensure this value has at most 200 characters (it has 201)."])
    let wrongType = try server.api("POST", "/api/blog/post/", json: #"{"title": 5, "slug": "typed", "author": "one"}"#, token: token)
    #expect(wrongType.status == 400, "\(wrongType.body)")
    #expect(try server.api("GET", "/api/blog/post/?page_size=1", token: token).object["count"] as? Int == 25)

    // Malformed JSON and a body past the cap.
    let malformed = try server.api("POST", "/api/blog/post/", json: #"{"title": "#, token: token)
    #expect(malformed.status == 400 && (malformed.object["detail"] as? String)?.hasPrefix("JSON parse error") == true)
    let huge = try HTTPExchange.send(port: server.port, "POST", "/api/blog/post/",
                                     headers: ["Authorization": "Token \(token)", "Content-Type": "application/json"],
                                     body: Array(repeating: 0x20, count: 3_000_000))
    #expect(huge.status == 413)

    // Update whole (PUT needs every required field) and in part (PATCH).
    let put = try server.api("PUT", "/api/blog/post/1/", json: #"{"title": "Replaced"}"#, token: token)
    #expect(put.status == 400 && (put.object["errors"] as? [String: [String]])?["slug"] == ["This field is required."])
    let putWhole = try server.api("PUT", "/api/blog/post/1/", json: #"{"title": "Replaced", "slug": "replaced", "author": 1, "status": "published"}"#, token: token)
    #expect(putWhole.status == 200 && putWhole.object["slug"] as? String == "replaced")
    let patch = try server.api("PATCH", "/api/blog/post/1/", json: #"{"title": "Patched"}"#, token: token)
    #expect(patch.status == 200 && patch.object["title"] as? String == "Patched" && patch.object["slug"] as? String == "replaced")

    // Many-to-many: a list of keys, each checked; PATCH replaces the links.
    for name in ["swift", "sqlite"] { #expect(try server.api("POST", "/api/blog/tag/", json: "{\"name\": \"\(name)\"}", token: token).status == 201) }
    let tagged = try server.api("PATCH", "/api/blog/post/1/", json: #"{"tags": [2, 1]}"#, token: token)
    #expect(tagged.status == 200 && tagged.object["tags"] as? [Int] == [1, 2], "\(tagged.body)")
    let badTag = try server.api("PATCH", "/api/blog/post/1/", json: #"{"tags": [1, 99], "title": ""}"#, token: token)
    #expect((badTag.object["errors"] as? [String: [String]]) == ["tags": ["Select a valid choice. 99 is not one of the available choices."], "title": ["This field cannot be blank."]])
    #expect(try server.api("PATCH", "/api/blog/post/1/", json: #"{"tags": 1}"#, token: token).status == 400)
    // A list writes rows straight from stored values; they read the same as a retrieve.
    #expect(try server.api("PATCH", "/api/blog/post/1/", json: #"{"published_at": "2026-11-27T10:30:00.250000Z"}"#, token: token).status == 200)
    let listed = try #require((try server.api("GET", "/api/blog/post/?id=1", token: token).object["results"] as? [[String: Any]])?.first)
    let retrieved = try server.api("GET", "/api/blog/post/1/", token: token).object
    #expect(NSDictionary(dictionary: listed) == NSDictionary(dictionary: retrieved), "\(listed) vs \(retrieved)")
    #expect(listed["published_at"] as? String == "2026-11-27T10:30:00.250000Z" && listed["tags"] as? [Int] == [1, 2])
    #expect(try server.api("PATCH", "/api/blog/post/1/", json: #"{"tags": []}"#, token: token).object["tags"] as? [Int] == [])

    // Delete, then it is gone; the author's cascade is a 204 too.
    #expect(try server.api("DELETE", "/api/blog/post/2/", token: token).status == 204)
    #expect(try server.api("GET", "/api/blog/post/2/", token: token).status == 404)
    #expect(try server.api("GET", "/api/blog/post/not-a-number/", token: token).status == 404)
    #expect(try server.api("PATCH", "/api/blog/post/", json: "{}", token: token).status == 405)

    // A user who is not staff may read but not write.
    #expect(try server.api("GET", "/api/blog/post/", token: server.readerToken).status == 200)
    let refused = try server.api("DELETE", "/api/blog/post/3/", token: server.readerToken)
    #expect(refused.status == 403 && refused.object["detail"] as? String == "You do not have permission to perform this action.")

    // Changes through the API are in the admin's history.
    let connection = try Connection(path: server.project.path + "/db.sqlite3")
    #expect(try connection.scalar("SELECT count(*) FROM django_admin_log WHERE action_flag = 1")?.int == 29)
    #expect(try connection.scalar("SELECT change_message FROM django_admin_log WHERE action_flag = 2 AND change_message LIKE '%title%' ORDER BY id DESC LIMIT 1")?.string == "Changed title.")
  }

  @Test func enqueueEndpointOpenAPIHeadersAndUnknownRoutes() throws {
    let server = try RunningServer()
    let queued = try server.api("POST", "/api/jobs/", json: #"{"task": "extract_guidance", "payload": {"document_id": 3}}"#, token: server.adminToken)
    #expect(queued.status == 202, "\(queued.body)")
    #expect(queued.object["status"] as? String == "queued")
    let id = try #require(queued.object["id"] as? Int)
    let connection = try Connection(path: server.project.path + "/db.sqlite3")
    let row = try #require(try connection.query("SELECT task, payload, state FROM jobs_job WHERE id = ?", [.integer(Int64(id))]).first)
    #expect(row[0].string == "extract_guidance" && row[1].string == #"{"document_id": 3}"# && row[2].string == "ready")
    let unknown = try server.api("POST", "/api/jobs/", json: #"{"task": "extract_guidanse"}"#, token: server.adminToken)
    #expect(unknown.status == 400)
    #expect((unknown.object["errors"] as? [String: [String]])?["task"] == ["Unknown task 'extract_guidanse'. Did you mean 'extract_guidance'?"])
    #expect(try server.api("POST", "/api/jobs/", json: #"{"task": "extract_guidance", "payload": [1]}"#, token: server.adminToken).status == 400)
    #expect(try server.api("POST", "/api/jobs/", json: #"{"task": "extract_guidance"}"#).status == 401)

    // The OpenAPI document describes every served model and hides what must stay hidden.
    let document = try server.api("GET", "/api/openapi.json").object
    #expect(document["openapi"] as? String == "3.1.0")
    let paths = try #require(document["paths"] as? [String: Any])
    #expect(paths["/api/blog/post/"] != nil && paths["/api/blog/post/{pk}/"] != nil && paths["/api/jobs/"] != nil)
    #expect(paths["/api/sessions/session/"] == nil && paths["/api/admin/token/"] == nil)
    let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
    let post = try #require(schemas["BlogPost"] as? [String: Any])
    let properties = try #require(post["properties"] as? [String: [String: Any]])
    #expect(properties["title"]?["maxLength"] as? Int == 200)
    #expect(properties["status"]?["enum"] as? [String] == ["draft", "published"])
    #expect((post["required"] as? [String])?.contains("title") == true)
    #expect(((schemas["AuthUser"] as? [String: Any])?["properties"] as? [String: Any])?["password"] == nil)

    // Every response carries the security headers; unknown routes are a plain 404.
    for target in ["/api/openapi.json", "/admin/login/", "/nowhere/../etc/passwd", "/api/blog/nothing/"] {
      let reply = try HTTPExchange.send(port: server.port, "GET", target)
      #expect(reply.header("X-Frame-Options") == "DENY", "\(target)")
      #expect(reply.header("X-Content-Type-Options") == "nosniff")
      #expect(reply.header("Referrer-Policy") == "same-origin")
      #expect(reply.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
    }
    let missing = try HTTPExchange.send(port: server.port, "GET", "/secret/place/")
    #expect(missing.status == 404 && !missing.body.contains("/secret/place/"))

    // The request log is Django's.
    let log = server.stderr
    #expect(log.range(of: #"\[\d\d/[A-Z][a-z]{2}/\d{4} \d\d:\d\d:\d\d\] "POST /api/jobs/ HTTP/1.1" 202 \d+"#, options: .regularExpression) != nil, "\(log)")
  }
}
