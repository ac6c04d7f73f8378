import Foundation
import Testing
import FuzzSupport
import ManageCore
@testable import ManageServer

/// `Site.respond` called directly: routing, authentication, CSRF, each status the API answers,
/// and the integrity errors, with no socket in between.
@Suite("Site.respond", .serialized)
struct SiteRespondTests {
  @Test func routingAndAuthentication() throws {
    let f = try SiteFixture()
    #expect(f.respond("GET", "/api/blog/post/").status == 401)
    #expect(f.object(f.respond("GET", "/api/blog/post/")).values.first as? String == "Authentication credentials were not provided.")
    #expect(f.object(f.respond("GET", "/api/blog/post/", token: "nope"))["detail"] as? String == "Invalid token.")
    #expect(f.respond("GET", "/api/blog/post/", token: f.readerToken).status == 200)
    #expect(f.respond("GET", "/api/blog/nosuch/", token: f.readerToken).status == 404)
    #expect(f.respond("GET", "/api/blog/post/1/extra/more/", token: f.readerToken).status == 404)
    #expect(f.respond("POST", "/api/blog/tag/", json: #"{"name": "x"}"#, token: f.readerToken).status == 403, "readers do not write")
    #expect(f.respond("GET", "/api/auth/user/", token: f.readerToken).status == 403, "built-in apps are staff-only")
    #expect(f.respond("GET", "/api/jobs/job/", token: f.readerToken).status == 403)
    #expect(f.respond("GET", "/api/auth/user/", token: f.adminToken).status == 200)
    let deleteList = f.respond("DELETE", "/api/blog/tag/", token: f.adminToken)
    #expect(deleteList.status == 405 && deleteList.header("Allow") == "GET, POST")
    #expect(f.respond("GET", "/admin/").status == 302)
    #expect(f.respond("GET", "/nowhere").status == 404)
    // Every answer carries the security headers.
    #expect(f.respond("GET", "/api/").header("X-Content-Type-Options") == "nosniff")
  }

  @Test func sessionWritesNeedCSRFAndTokensDoNot() throws {
    let f = try SiteFixture()
    let login = f.respond("POST", "/admin/login/", headers: ["content-type": "application/x-www-form-urlencoded"])
    #expect(login.status == 403, "a form post without the CSRF cookie and token is refused")
    #expect(f.respond("POST", "/api/blog/tag/", json: #"{"name": "swift"}"#, token: f.adminToken).status == 201)
  }

  @Test func statusesAndIntegrityErrors() throws {
    let f = try SiteFixture()
    let token = f.adminToken
    #expect(f.respond("POST", "/api/blog/author/", json: #"{"user": 1, "display_name": "Ada"}"#, token: token).status == 201)
    // 400s name the field.
    let twin = f.respond("POST", "/api/blog/author/", json: #"{"user": 1, "display_name": "Twin"}"#, token: token)
    #expect(twin.status == 400 && f.errors(twin)["user"] == ["Author with this User already exists."])
    let missingUser = f.respond("POST", "/api/blog/author/", json: #"{"user": 99, "display_name": "X"}"#, token: token)
    #expect(f.errors(missingUser)["user"] == ["user instance with id 99 does not exist."])
    #expect(f.respond("POST", "/api/blog/post/", json: #"{"title": "t", "slug": "a", "author": 1}"#, token: token).status == 201)
    let duplicateSlug = f.respond("POST", "/api/blog/post/", json: #"{"title": "t", "slug": "a", "author": 1}"#, token: token)
    #expect(duplicateSlug.status == 400 && f.errors(duplicateSlug)["slug"] == ["Post with this Slug already exists."])
    let malformed = f.respond("POST", "/api/blog/tag/", json: "{bad", token: token)
    #expect(malformed.status == 400)
    // Pages and numbers past 64 bits.
    #expect(f.respond("GET", "/api/blog/post/?page=9223372036854775807", token: token).status == 404)
    #expect(f.respond("GET", "/api/blog/post/?page=0", token: token).status == 400)
    let big = f.respond("POST", "/api/blog/post/", json: #"{"title": "t", "slug": "b", "author": 1e300}"#, token: token)
    #expect(big.status == 400 && f.errors(big)["author"] != nil)
    let tags = f.respond("POST", "/api/blog/post/", json: #"{"title": "t", "slug": "c", "author": 1, "tags": [-1e19]}"#, token: token)
    #expect(tags.status == 400 && f.errors(tags)["tags"] != nil)
    // A CHECK constraint in SQL, which the validator cannot see: Django's words, a 400, nothing written.
    try f.connection.run("INSERT INTO documents_document (title, source_url, content, mime_type, status, checksum, created_at, updated_at) VALUES ('d', '', '', 'text/plain', 'pending', 'c', '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
    let checked = f.respond("POST", "/api/documents/extraction/", json: #"{"document": 1, "kind": "summary", "model_name": "m", "confidence": 1.5}"#, token: token)
    #expect(checked.status == 400 && f.errors(checked)["__all__"] == ["Constraint “extraction_confidence_range” is violated."], "\(String(decoding: checked.body, as: UTF8.self))")
    #expect(try f.connection.scalar("SELECT count(*) FROM documents_extraction") == .integer(0))
    // A protected delete is 409 with Django's sentence, not a Python tuple; the row stays.
    #expect(f.respond("POST", "/api/blog/pin/", json: #"{"post": 1}"#, token: token).status == 201)
    let protected = f.respond("DELETE", "/api/blog/post/1/", token: token)
    #expect(protected.status == 409)
    #expect(f.object(protected)["detail"] as? String == "Cannot delete some instances of model 'Post' because they are referenced through protected foreign keys: 'Pin.post'.")
    #expect(try f.connection.scalar("SELECT count(*) FROM blog_post") == .integer(1))
    #expect(f.reports.isEmpty, "no 500s: \(f.reports)")
  }

  /// A database another process holds for writing: a 503 with Retry-After that says nothing
  /// changed, once the busy timeout has passed.
  @Test func aLockedDatabaseIsA503() throws {
    let f = try SiteFixture()
    let other = try Connection(path: f.path + "/db.sqlite3")
    try other.execute("BEGIN IMMEDIATE")
    defer { try? other.execute("ROLLBACK") }
    let reply = f.respond("POST", "/api/blog/tag/", json: #"{"name": "x"}"#, token: f.adminToken)
    #expect(reply.status == 503 && reply.header("Retry-After") == "1")
    #expect((f.object(reply)["detail"] as? String)?.contains("Nothing was changed") == true)
  }

  /// Query strings from anyone reach the ORM's lookups: random ones never give a 500.
  @Test func fuzzedQueryStringsNeverFail() throws {
    let f = try SiteFixture()
    var generator = SeededGenerator(seed: Fuzz.seed(0x9E57))
    let names = ["id", "title", "slug", "status", "author", "author__display_name", "author__user__email", "author__user__password", "tags__name", "published_at", "ordering", "page", "page_size", "search", "created_at__year", "x"]
    let suffixes = ["", "__in", "__gt", "__lte", "__regex", "__iregex", "__isnull", "__range", "__year", "__contains", "__bogus"]
    let values = Fuzz.hostileNumbers + ["(", "^(a+)+$", "%", "true", "-id", "title,-id", "author__user__password", "", "2026-01-01", "%FF%FE", "a%00b"]
    for _ in 0..<Fuzz.iterations(default: 600) {
      var pairs: [String] = []
      for _ in 0..<Int.random(in: 1...3, using: &generator) {
        let name = names.randomElement(using: &generator)! + suffixes.randomElement(using: &generator)!
        pairs.append(WebRequest.encode(name) + "=" + WebRequest.encode(values.randomElement(using: &generator)!))
      }
      let target = "/api/blog/post/?" + pairs.joined(separator: "&")
      let reply = f.respond("GET", target, token: Bool.random(using: &generator) ? f.adminToken : f.readerToken)
      #expect([200, 400, 404].contains(reply.status), "\(target): \(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
    }
    #expect(f.reports.isEmpty, "\(f.reports.prefix(3))")
  }
}

@Suite("Server limits")
struct ServerLimitsTests {
  @Test func regexesThatBacktrackExponentiallyAreRefused() {
    for pattern in ["^(a+)+$", "(x*)*", "((ab)+c)+", "(a{1,}){2,}", "(\\w+\\s?)+$"] {
      #expect(RegexGuard.problem(pattern) != nil, "\(pattern)")
    }
    for pattern in ["^a+$", "(ab)+", "[(a+)+]", "\\(a+\\)+", "(a|b)*c", "colou?r", "^(\\d{3})-(\\d{4})$", "(a+)?"] {
      #expect(RegexGuard.problem(pattern) == nil, "\(pattern)")
    }
  }

  @Test func aRegexFilterThatCouldHangIsA400() throws {
    let f = try SiteFixture()
    let reply = f.respond("GET", "/api/blog/post/?title__regex=" + WebRequest.encode("^(a+)+$"), token: f.adminToken)
    #expect(reply.status == 400)
    #expect(f.errors(reply)["title__regex"]?.first?.contains("nested quantifiers") == true)
  }

  @Test func aQueryPastTheTimeLimitIsInterrupted() throws {
    let connection = try Connection(path: ":memory:")
    let started = Date()
    #expect(throws: SQLiteError.self) {
      try connection.withTimeLimit(0.3) {
        _ = try connection.scalar("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n")
      }
    }
    #expect(Date().timeIntervalSince(started) < 5)
    // The handler is gone afterwards: the connection works without a limit.
    #expect(try connection.scalar("SELECT 1") == .integer(1))
  }
}
