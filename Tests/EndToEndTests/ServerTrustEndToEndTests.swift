import Foundation
import ManageCore
import Testing

/// Issue 13's reproducers against a running server: untrusted numbers, bad values and probes
/// are field errors or refusals, and the server is still there to answer afterwards.
@Suite("runserver: untrusted input", .serialized)
struct ServerTrustEndToEndTests {
  @Test func hugeNumbersAreFieldErrorsAndTheServerLives() throws {
    let server = try RunningServer()
    let token = server.adminToken
    #expect(try server.api("POST", "/api/blog/author/", json: #"{"user": 1, "display_name": "Ada"}"#, token: token).status == 201)
    // Pages past any count: DRF's 404, for a reader too.
    for page in ["9223372036854775807", "99999999999999999999999", "-1", "abc"] {
      let reply = try server.api("GET", "/api/blog/post/?page=\(page)", token: server.readerToken)
      #expect(reply.status == 404 || reply.status == 400, "page=\(page): \(reply.status) \(reply.body)")
    }
    #expect(try server.api("GET", "/api/blog/post/?page_size=9223372036854775807", token: token).status == 400)
    // Foreign and many-to-many keys outside 64 bits.
    for (field, value) in [("author", "1e300"), ("author", "-1.8e19"), ("author", "99999999999999999999"), ("author", "1.5"), ("tags", "[-1e19]")] {
      let body = #"{"title": "t", "slug": "s-\#(abs(value.hashValue % 1000))", "author": \#(field == "author" ? value : "1")\#(field == "tags" ? #", "tags": "# + value : "")}"#
      let reply = try server.api("POST", "/api/blog/post/", json: body, token: token)
      #expect(reply.status == 400, "\(field)=\(value): \(reply.body)")
      #expect((reply.object["errors"] as? [String: Any])?[field] != nil, "\(field)=\(value): \(reply.body)")
    }
    // Filters with values past 64 bits answer as Django: nothing, not a crash.
    let filtered = try server.api("GET", "/api/blog/post/?id__gt=99999999999999999999", token: token)
    #expect(filtered.status == 200 && filtered.object["count"] as? Int == 0, "\(filtered.body)")
    let badRegex = try server.api("GET", "/api/blog/post/?title__regex=(", token: token)
    #expect(badRegex.status == 400 && badRegex.body.contains("title__regex"), "\(badRegex.body)")
    // Still serving.
    #expect(try server.api("GET", "/api/blog/post/", token: token).status == 200)
  }

  @Test func writesStoreOnlyWhatTheModelAllows() throws {
    let server = try RunningServer()
    let token = server.adminToken
    #expect(try server.api("POST", "/api/blog/author/", json: #"{"user": 1, "display_name": "Ada"}"#, token: token).status == 201)
    // A second Author for the same user: the one-to-one's field error, not a 500.
    let twin = try server.api("POST", "/api/blog/author/", json: #"{"user": 1, "display_name": "Twin"}"#, token: token)
    #expect(twin.status == 400, "\(twin.body)")
    #expect(((twin.object["errors"] as? [String: [String]])?["user"]) == ["Author with this User already exists."])
    // Decimals: digits and places as Django's DecimalValidator; NaN and infinities refused.
    let document = try server.api("POST", "/api/documents/document/", json: #"{"title": "d", "checksum": "c1"}"#, token: token)
    #expect(document.status == 201, "\(document.body)")
    func extraction(_ cost: String, kind: String = "summary", version: Int = 1) throws -> HTTPExchange {
      try server.api("POST", "/api/documents/extraction/", json: #"{"document": 1, "kind": "\#(kind)", "model_name": "m", "prompt_version": \#(version), "cost_usd": \#(cost)}"#, token: token)
    }
    for (cost, message) in [
      ("12345.5", "Ensure that there are no more than 4 digits before the decimal point."),
      ("\"12345678901.5\"", "Ensure that there are no more than 10 digits in total."),
      ("1.1234567", "Ensure that there are no more than 6 decimal places."),
      ("\"NaN\"", "Enter a number."),
      ("\"Infinity\"", "Enter a number."),
    ] {
      let reply = try extraction(cost)
      #expect(reply.status == 400, "\(cost): \(reply.body)")
      #expect(((reply.object["errors"] as? [String: [String]])?["cost_usd"]) == [message], "\(cost): \(reply.body)")
    }
    // A number JSON itself cannot hold is the body's parse error, still a 400.
    let huge = try extraction("1e400")
    #expect(huge.status == 400 && huge.body.contains("1e400"), "\(huge.body)")
    let small = try server.api("POST", "/api/documents/extraction/", json: #"{"document": 1, "kind": "summary", "model_name": "m", "prompt_version": 40000}"#, token: token)
    #expect(((small.object["errors"] as? [String: [String]])?["prompt_version"]) == ["Ensure this value is less than or equal to 32767."], "\(small.body)")
    #expect(try extraction("1.25").status == 201)
    // A JSON field is stored as JSON, and survives a round trip unchanged.
    let patched = try server.api("PATCH", "/api/documents/extraction/1/", json: #"{"output": {"low": 4.1}}"#, token: token)
    #expect(patched.status == 200, "\(patched.body)")
    let connection = try Connection(path: server.project.path + "/db.sqlite3")
    #expect(try connection.scalar("SELECT output FROM documents_extraction WHERE id = 1") == .text(#"{"low": 4.1}"#))
  }

  @Test func readersSeeOnlyTheirAppsAndProbesFail() throws {
    let server = try RunningServer()
    // The built-in apps are staff-only, for reading too; a relation into them is no way round.
    for path in ["/api/auth/user/", "/api/jobs/job/", "/api/admin/logentry/"] {
      let reply = try server.api("GET", path, token: server.readerToken)
      #expect(reply.status == 403 || reply.status == 404, "\(path): \(reply.status)")
    }
    #expect(try server.api("GET", "/api/auth/user/", token: server.adminToken).status == 200)
    let probe = try server.api("GET", "/api/documents/document/?uploaded_by__email__startswith=a", token: server.readerToken)
    #expect(probe.status == 400, "\(probe.body)")
    // A token that matches no one is "Invalid token." (DRF's words).
    let invalid = try server.api("GET", "/api/blog/post/", token: "no-such-token")
    #expect(invalid.status == 401 && invalid.object["detail"] as? String == "Invalid token.")
  }
}
