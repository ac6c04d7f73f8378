import Foundation
import ManageCore
import Testing
@testable import ManageServer

/// The API's list filters speak the shell's lookups: JSON key transforms and key lookups
/// (values read as JSON when they are JSON), Django's errors for what Django refuses.
@Suite("API filters: Django's lookups on every field")
struct APIFilterLookupTests {
  private func ids(_ f: SiteFixture, _ query: String) -> [Int] {
    let response = f.respond("GET", "/api/documents/extraction/?ordering=id&\(query)", token: f.adminToken)
    let results = f.object(response)["results"] as? [[String: Any]] ?? []
    return results.compactMap { $0["id"] as? Int }
  }

  @Test func jsonKeyTransformsAndKeyLookupsFilterTheList() throws {
    let f = try SiteFixture()
    try f.connection.execute("""
      INSERT INTO documents_document (id, title, source_url, content, mime_type, status, checksum, created_at, updated_at)
        VALUES (1, 'd', '', '', 'text/plain', 'done', 'c1', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
      INSERT INTO documents_extraction (id, document_id, kind, model_name, prompt_version, output, tokens_in, tokens_out, cost_usd, created_at) VALUES
        (1, 1, 'summary', 'm', 1, '{"lang": "en", "n": 2, "tags": ["a", "b"]}', 0, 0, '0', '2026-01-01 00:00:00'),
        (2, 1, 'entities', 'm', 1, '{"lang": "fr", "n": 10}', 0, 0, '0', '2026-01-01 00:00:00'),
        (3, 1, 'guidance', 'm', 1, '{"lang": null, "ok": true}', 0, 0, '0', '2026-01-01 00:00:00'),
        (4, 1, 'guidance', 'm', 2, '[1, 2, 3]', 0, 0, '0', '2026-01-01 00:00:00');
      """)
    #expect(ids(f, "output__lang=en") == [1])
    // A number is compared as a number: 10 > 2, not "10" < "2".
    #expect(ids(f, "output__n__gt=2") == [2])
    #expect(ids(f, "output__n__in=2,10") == [1, 2])
    #expect(ids(f, "output__lang=null") == [3])
    #expect(ids(f, "output__ok=true") == [3])
    #expect(ids(f, "output__tags__1=b") == [1])
    #expect(ids(f, "output__0=1") == [4])
    #expect(ids(f, "output__has_key=lang") == [1, 2, 3])
    #expect(ids(f, "output__has_keys=lang,n") == [1, 2])
    #expect(ids(f, "output__has_any_keys=ok,tags") == [1, 3])
    #expect(ids(f, "output__lang__isnull=true") == [4])
    #expect(ids(f, "output__lang__icontains=F") == [2])
    #expect(ids(f, #"output={"lang": "fr", "n": 10}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!.replacingOccurrences(of: "output%3D", with: "output=")) == [2])
    // Django's refusals are 400s naming the filter.
    let contains = f.respond("GET", "/api/documents/extraction/?output__contains=x", token: f.adminToken)
    #expect(contains.status == 400 && f.errors(contains)["output__contains"] == ["contains lookup is not supported on this database backend."])
    let related = f.respond("GET", "/api/documents/extraction/?document__range=1", token: f.adminToken)
    #expect(related.status == 400 && f.errors(related)["document__range"] == ["Related Field got invalid lookup: range"])
    // Numbers past 64 bits: the query string's JSON reads them as floats (as JSON.parse
    // does), an index past 64 bits is still an index; comparisons, never a 500.
    #expect(ids(f, "output__n__lt=1e300") == [1, 2])
    #expect(ids(f, "output__99999999999999999999=1") == [])
    let huge = f.respond("GET", "/api/documents/extraction/?output__n__gt=99999999999999999999", token: f.adminToken)
    #expect(huge.status == 200 && ids(f, "output__n__gt=99999999999999999999") == [])
    #expect(ids(f, "output__n__gt=-9223372036854775809") == [1, 2])
    #expect(f.reports.isEmpty, "\(f.reports)")
  }

  @Test func theOpenAPIDocumentDescribesJSONLookups() throws {
    let f = try SiteFixture()
    let document = String(decoding: f.respond("GET", "/api/openapi.json", token: f.adminToken).body, as: UTF8.self)
    #expect(document.contains("output__has_key=key"))
  }
}
