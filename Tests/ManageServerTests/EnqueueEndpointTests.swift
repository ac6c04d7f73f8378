import Foundation
import FuzzSupport
import Testing
import ManageCore
@testable import ManageServer

/// `POST /api/jobs/` through `Site.respond`: one job, or an array added in one transaction,
/// where one bad item adds none and the answer names each item's errors as DRF's `many=True`.
@Suite("Enqueue endpoint")
struct EnqueueEndpointTests {
  func jobCount(_ f: SiteFixture) throws -> Int { try f.connection.scalar("SELECT count(*) FROM jobs_job")?.int ?? -1 }

  @Test func anArrayAddsEveryJobInOrderOrNone() throws {
    let f = try SiteFixture()
    let batch = (1...50).map { #"{"task": "extract_guidance", "payload": {"document_id": \#($0)}}"# }.joined(separator: ", ")
    let added = f.respond("POST", "/api/jobs/", json: "[\(batch)]", token: f.adminToken)
    #expect(added.status == 202)
    let results = try #require(try JSONSerialization.jsonObject(with: Data(added.body)) as? [[String: Any]])
    #expect(results.count == 50)
    #expect(results.map { $0["status"] as? String } == Array(repeating: "queued", count: 50))
    let ids = results.compactMap { ($0["id"] as? NSNumber)?.int64Value }
    #expect(ids == ids.sorted() && Set(ids).count == 50)
    // The stored payloads follow the array's order.
    let stored = try f.connection.query("SELECT payload FROM jobs_job ORDER BY id").map { $0[0].string ?? "" }
    #expect(stored.first == #"{"document_id": 1}"# && stored.last == #"{"document_id": 50}"#)
    // extract_guidance is unique: the same payload again is the existing job, within one array too.
    let again = f.respond("POST", "/api/jobs/", json: #"[{"task": "extract_guidance", "payload": {"document_id": 1}}, {"task": "extract_guidance", "payload": {"document_id": 99}}, {"task": "extract_guidance", "payload": {"document_id": 99}}]"#, token: f.adminToken)
    let repeated = try #require(try JSONSerialization.jsonObject(with: Data(again.body)) as? [[String: Any]])
    #expect(repeated.map { $0["status"] as? String } == ["existing", "queued", "existing"])
    #expect((repeated[0]["id"] as? NSNumber)?.int64Value == ids[0])
    #expect(try jobCount(f) == 51)
  }

  /// Bodies from anyone: random objects and arrays of them are a 202 or a 400, never a 500.
  @Test func fuzzedBodiesAreAcceptedOrRefusedNeverFail() throws {
    let f = try SiteFixture()
    var generator = SeededGenerator(seed: Fuzz.seed(0xE9C0))
    let seeds = [
      #"{"task": "extract_guidance", "payload": {"document_id": 7}}"#, #"[{"task": "extract_guidance", "priority": 5}, {"task": "x"}]"#,
      #"{"task": "extract_guidance", "queue": "q", "unique_key": "k", "priority": -1000000}"#, "[]", "[1, null, \"a\"]",
    ] + Fuzz.hostileNumbers.map { #"{"task": "extract_guidance", "priority": \#($0)}"# }
    let alphabet = Array("{}[]\",:0123456789.eE+-truefalsn taskpyloadqueprioritx_\\")
    for _ in 0..<Fuzz.iterations(default: 400) {
      let body = Fuzz.mutate(seeds, alphabet: alphabet, using: &generator)
      let reply = f.respond("POST", "/api/jobs/", json: body, token: f.adminToken)
      #expect([202, 400].contains(reply.status), "\(body): \(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
    }
    #expect(f.reports.isEmpty, "\(f.reports.prefix(3))")
  }

  @Test func oneBadItemAddsNoneAndEachItemHasItsErrors() throws {
    let f = try SiteFixture()
    let refused = f.respond("POST", "/api/jobs/", json: #"[{"task": "extract_guidance"}, {"task": "extract_guidanse"}, 7, {"task": "extract_guidance", "priority": 2000000}]"#, token: f.adminToken)
    #expect(refused.status == 400)
    let errors = try #require(try JSONSerialization.jsonObject(with: Data(refused.body)) as? [[String: [String]]])
    #expect(errors.count == 4)
    #expect(errors[0].isEmpty)
    #expect(errors[1]["task"]?.first?.contains("Unknown task 'extract_guidanse'") == true)
    #expect(errors[2]["non_field_errors"] == ["Invalid data. Expected a dictionary, but got int."])
    #expect(errors[3]["priority"]?.first?.hasPrefix("Ensure this value is a whole number") == true)
    let infinite = f.respond("POST", "/api/jobs/", json: #"{"task": "extract_guidance", "payload": {"x": [1e400]}}"#, token: f.adminToken)
    #expect(infinite.status == 400 && (f.object(infinite)["detail"] as? String)?.hasPrefix("JSON parse error") == true)
    // A whole number past 64 bits is refused by name, not kept as a rounded float.
    for body in [#"{"task": "extract_guidance", "payload": {"document_id": 18446744073709551616}}"#, #"[{"task": "extract_guidance", "payload": {"n": [1, -9223372036854775809]}}]"#] {
      let huge = f.respond("POST", "/api/jobs/", json: body, token: f.adminToken)
      #expect(huge.status == 400 && ((f.object(huge)["errors"] as? [String: Any])?["payload"] as? [String])?.first?.contains("is past what a payload keeps exactly") == true, "\(String(decoding: huge.body, as: UTF8.self))")
    }
    #expect(try jobCount(f) == 0, "nothing was added")
    let tooMany = f.respond("POST", "/api/jobs/", json: "[" + Array(repeating: "{}", count: EnqueueEndpoint.batchLimit + 1).joined(separator: ",") + "]", token: f.adminToken)
    #expect(tooMany.status == 400)
    #expect(f.object(tooMany)["detail"] as? String == "Ensure this list has at most 10000 jobs (it has 10001).")
    #expect(f.respond("POST", "/api/jobs/", json: "[]", token: f.adminToken).status == 202)
    #expect(f.respond("POST", "/api/jobs/", json: "\"x\"", token: f.adminToken).status == 400)
    #expect(f.respond("POST", "/api/jobs/", json: #"[{"task": "extract_guidance"}]"#, token: f.readerToken).status == 403)
  }
}
