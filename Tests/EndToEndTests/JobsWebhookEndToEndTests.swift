import Crypto
import Foundation
import ManageCore
import Testing

/// `webhook:` tasks against a loopback receiver: signed, retried on 5xx, final on other 4xx.
@Suite("jobs: webhook tasks", .serialized)
struct JobsWebhookEndToEndTests {
  func project(url: String, body: String? = nil) throws -> TemporaryDirectory {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", "installed_apps: [jobs, work]\n")
    try project.write("work/tasks.yaml", """
      tasks:
        notify:
          webhook: {url: "\(url)", secret_env: HOOK_SECRET}
      \(body.map { "    body: \($0)" } ?? "")
          max_retries: 3
          retry_delay: 10ms
          backoff: fixed
      """)
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    return project
  }

  func drain(_ project: TemporaryDirectory, environment: [String: String]) throws {
    for _ in 0..<20 {
      let worker = try Manage.run(["worker", "--burst"], in: project.path, environment: environment)
      #expect(worker.status == 0, "\(worker.stderr)")
      let pending = try Connection(path: project.path + "/db.sqlite3")
        .scalar("SELECT count(*) FROM jobs_job WHERE state NOT IN ('succeeded', 'dead')")?.int ?? 0
      if pending == 0 { return }
      usleep(30_000)
    }
  }

  @Test func aReceiverThatFailsTwiceSeesThreeSignedDeliveriesAndTheJobSucceeds() throws {
    let receiver = try ProviderStub(replies: [.init(status: 500), .init(status: 503)], default: .init(status: 200))
    let project = try project(url: receiver.url + "/hooks/slack", body: #"{text: "Document {{payload.document_id}} is done", job: "{{job.id}}"}"#)
    #expect(try Manage.run(["enqueue", "notify", "document_id=7"], in: project.path).status == 0)
    try drain(project, environment: ["HOOK_SECRET": "s3cret"])
    let deliveries = receiver.requests
    #expect(deliveries.map(\.status) == [500, 503, 200])
    for delivery in deliveries {
      #expect(delivery.path == "/hooks/slack")
      #expect(delivery.body == #"{"text": "Document 7 is done", "job": 1}"#, "\(delivery.body)")
      // The receiver's check: HMAC-SHA256 of "timestamp.body" under the shared secret.
      let timestamp = try #require(delivery.headers["X-Manage-Timestamp"])
      let expected = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(delivery.body)".utf8), using: SymmetricKey(data: Data("s3cret".utf8)))
      #expect(delivery.headers["X-Manage-Signature"] == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
      #expect(abs((Double(timestamp) ?? 0) - Date().timeIntervalSince1970) < 60)
      // A forged body does not verify.
      let forged = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).{}".utf8), using: SymmetricKey(data: Data("s3cret".utf8)))
      #expect(delivery.headers["X-Manage-Signature"] != "sha256=" + forged.map { String(format: "%02x", $0) }.joined())
    }
    let connection = try Connection(path: project.path + "/db.sqlite3")
    #expect(try connection.scalar("SELECT state || ' ' || attempts FROM jobs_job WHERE id = 1")?.string == "succeeded 3")
    #expect(try connection.scalar("SELECT json_extract(details, '$.status') FROM jobs_job WHERE id = 1")?.int == 200)
    #expect(try connection.scalar("SELECT json_extract(details, '$.attempts[0].status') FROM jobs_job WHERE id = 1")?.int == 500)
    #expect(try connection.scalar("SELECT json_extract(details, '$.attempts[0].error') FROM jobs_job WHERE id = 1")?.string?.hasPrefix("the receiver answered HTTP 500") == true)
  }

  @Test func aClientErrorIsFinalAndAReceiverThatIsDownIsRetried() throws {
    let receiver = try ProviderStub(default: .init(status: 404))
    let project = try project(url: receiver.url + "/gone")
    #expect(try Manage.run(["enqueue", "notify", "n=1"], in: project.path).status == 0)
    try drain(project, environment: ["HOOK_SECRET": "x"])
    let connection = try Connection(path: project.path + "/db.sqlite3")
    // 404 will not mend by asking again: one delivery, the job dead, the status kept.
    #expect(receiver.requests.count == 1)
    #expect(try connection.scalar("SELECT state || ' ' || attempts FROM jobs_job WHERE id = 1")?.string == "dead 1")
    #expect(try connection.scalar("SELECT last_error FROM jobs_job WHERE id = 1")?.string?.hasPrefix("the receiver answered HTTP 404 (not retried: only 408, 429 and 5xx are)") == true)

    // Nothing listening: a network error, retried to the end of max_retries.
    let down = try self.project(url: "http://127.0.0.1:9/hook")
    #expect(try Manage.run(["enqueue", "notify", "n=1"], in: down.path).status == 0)
    try drain(down, environment: ["HOOK_SECRET": "x"])
    let downConnection = try Connection(path: down.path + "/db.sqlite3")
    #expect(try downConnection.scalar("SELECT state || ' ' || attempts FROM jobs_job WHERE id = 1")?.string == "dead 4")
    // No secret in the worker's environment: said, not sent unsigned.
    let unsigned = try self.project(url: receiver.url + "/x")
    #expect(try Manage.run(["enqueue", "notify", "n=1"], in: unsigned.path).status == 0)
    _ = try Manage.run(["worker", "--burst"], in: unsigned.path)
    #expect(try Connection(path: unsigned.path + "/db.sqlite3").scalar("SELECT last_error FROM jobs_job WHERE id = 1")?.string
      == "the signing secret HOOK_SECRET is not set in the worker's environment")
  }
}
