import Foundation
import Testing

/// schemathesis against the server's own /api/openapi.json (issue 13): thousands of generated
/// requests, every operation, with a fixed seed; no server error, and every answer's status,
/// content type, headers and body as the document says. Runs when MANAGE_TEST_SCHEMATHESIS
/// names the schemathesis program (.ci/run installs it).
@Suite("runserver: its OpenAPI document", .serialized)
struct ServerSchemaEndToEndTests {
  @Test func theServerAnswersAsItsOpenAPIDocumentSays() throws {
    guard let schemathesis = ProcessInfo.processInfo.environment["MANAGE_TEST_SCHEMATHESIS"] else {
      print("skipped: set MANAGE_TEST_SCHEMATHESIS to schemathesis (.ci/run does)")
      return
    }
    let server = try RunningServer()
    // Whether the server accepts every schema-valid body (a key that exists, a unique value not
    // taken) depends on the data, which a schema cannot say: those two checks are left out.
    let checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance"
    let result = try Manage.spawn(
      [schemathesis, "run", "http://127.0.0.1:\(server.port)/api/openapi.json", "-H", "Authorization: Token \(server.adminToken)",
       "--max-examples", "5", "--seed", "13", "--checks", checks],
      in: server.project.path, environment: Manage.baseEnvironment().merging(["NO_COLOR": "1"]) { $1 })
    #expect(result.status == 0, "\(result.stdout.suffix(3000))\(result.stderr.suffix(1000))")
    #expect(!server.stderr.contains("Internal Server Error"), "\(server.stderr.suffix(2000))")
  }
}
