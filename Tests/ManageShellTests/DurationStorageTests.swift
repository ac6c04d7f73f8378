import Foundation
import Testing
import TestDatabases
@testable import ManageCore
@testable import ManageShell

/// DurationField values on each backend: stored as Django stores them (microseconds on SQLite,
/// psycopg's interval on PostgreSQL, where a bare number would be read as seconds), and found,
/// updated and read back as the same timedelta.
@Suite("Durations on each backend")
struct DurationStorageTests {
  @Test(arguments: TestCluster.backends)
  func aDurationIsStoredFoundAndUpdatedAsItself(_ backend: DatabaseBackend) throws {
    let project = try FixtureLoaderTests.Project(backend)
    let model = try #require(project.schema.model("shop.Item"))
    let items = QuerySet(model: model, schema: project.schema)
    let long: Int64 = 93_784_000_005  // 1 day, 02:03:04.000005
    _ = try items.create([("name", .text("a")), ("took", .duration(long))], project.connection)
    _ = try items.create([("name", .text("b")), ("took", .duration(-1_000_000))], project.connection)
    let stored = try project.connection.query("SELECT took FROM shop_item ORDER BY id").map { $0[0] }
    if backend == .postgresql {
      // What psycopg makes of timedelta(days=1, seconds=7384, microseconds=5) and of -1 second
      // (`1 day 02:03:04.000005`, `-1 days +23:59:59`), in manage's session's IntervalStyle
      // iso_8601: the days kept apart from the hours, so EXTRACT(day …) reads 1 and -1.
      let texts = try project.connection.query("SELECT took::text, EXTRACT(day FROM took)::int FROM shop_item ORDER BY id").map { "\($0[0].string ?? "") \($0[1].int ?? 99)" }
      #expect(texts == ["P1DT2H3M4.000005S 1", "P-1DT23H59M59S -1"])
    } else {
      #expect(stored == [.integer(long), .integer(-1_000_000)])
    }
    #expect(try items.filter("took", .duration(long)).count(project.connection) == 1)
    #expect(try items.filter("took__lt", .duration(0)).count(project.connection) == 1)
    _ = try items.filter("name", .text("a")).update([("took", .expression(.binary(.add, .field("took"), .value(.duration(1_000_000)))))], project.connection)
    let values = try items.orderBy(["id"]).instances(project.connection).map { $0.values["took"] }
    #expect(values == [.duration(long + 1_000_000), .duration(-1_000_000)], "\(values)")
  }
}
