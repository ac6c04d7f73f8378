import Foundation
import Testing
import ManageMigrations
import TestDatabases
@testable import ManageCore
@testable import ManageShell

/// loaddata's loader and dumpdata's writer over every field type, on each backend: values in
/// Django's serialized forms in, the same forms out, every refusal in Django's words at its
/// place, and nothing written when anything is refused.
@Suite("Fixtures: the loader and the writer", .serialized)
struct FixtureLoaderTests {
  static let models = """
    models:
      Kind:
        fields:
          name: {type: char, max_length: 20, unique: true}
      Item:
        fields:
          name: {type: char, max_length: 10}
          slug: {type: slug, max_length: 20, blank: true, default: ""}
          email: {type: email, max_length: 100, blank: true, default: ""}
          size: {type: char, max_length: 1, choices: [S, M, L], default: M}
          count: {type: positive_integer, default: 0}
          price: {type: decimal, max_digits: 6, decimal_places: 2, null: true}
          ratio: {type: float, null: true}
          active: {type: boolean, default: true}
          day: {type: date, null: true}
          at: {type: datetime, null: true}
          clock: {type: time, null: true}
          took: {type: duration, null: true}
          token: {type: uuid, null: true}
          data: {type: json, null: true}
          blob: {type: binary, null: true}
          kind: {type: foreign_key, to: Kind, on_delete: cascade, null: true, related_name: items}
          kinds: {type: many_to_many, to: Kind, blank: true, related_name: tagged}
          made: {type: datetime, auto_now_add: true}
        ordering: [id]
    """

  /// A project on disk with the models above and their tables, on `backend`.
  final class Project {
    let path: String
    let connection: Connection
    let schema: ProjectSchema
    private var scratch: ScratchPostgresDatabase?

    init(_ backend: DatabaseBackend) throws {
      (path, schema, connection, scratch) = try FixtureDatabase.project(app: "shop", models: FixtureLoaderTests.models, backend: backend, prefix: "manage-fixtures")
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func load(_ text: String, format: FixtureFormat = .json, ignore: Bool = false, excludedModels: Set<String> = []) throws -> FixtureLoader.Outcome {
      let objects = try FixtureFile.objects(text, format: format, displayPath: "f.\(format.rawValue)")
      let loader = FixtureLoader(schema: schema, connection: connection, ignoreNonexistent: ignore, excludedModels: excludedModels)
      return try loader.load([FixtureLoader.Source(displayPath: "f.\(format.rawValue)", objects: objects)])
    }

    /// The problems a load reports, one line each.
    func problems(_ text: String) -> [String] {
      do {
        _ = try load(text)
        return []
      } catch let failure as FixtureLoader.Failure {
        return failure.problems.map(\.description)
      } catch {
        return ["\(error)"]
      }
    }

    /// dumpdata of one model, as JSON Lines.
    func dump(_ label: String) throws -> [String] {
      let model = try #require(schema.model(label))
      let writer = FixtureWriter(schema: schema, format: .jsonl)
      return try QuerySet(model: model, schema: schema).orderBy(["id"]).instances(connection).map {
        writer.text(try writer.object($0, connection)).trimmingCharacters(in: .newlines)
      }
    }

    func count(_ table: String) throws -> Int { try connection.scalar("SELECT count(*) FROM \(table)")?.int ?? -1 }
  }

  static let full = #"""
    [{"model": "shop.item", "pk": 1, "fields": {"name": "Tea", "slug": "tea", "email": "a@b.co", "size": "L", "count": 3,
      "price": "12.50", "ratio": 0.25, "active": false, "day": "2026-01-31", "at": "2026-01-31T09:15:00.000123Z",
      "clock": "23:59:58.5", "took": "1 02:03:04.000005", "token": "12345678-1234-5678-1234-567812345678",
      "data": {"a": [1, "é", null], "b": {}}, "blob": "AAEC/w==", "kind": 2, "kinds": [1, 2],
      "made": "2020-02-03T04:05:06Z"}},
     {"model": "shop.kind", "pk": 1, "fields": {"name": "plain"}},
     {"model": "shop.kind", "pk": 2, "fields": {"name": "fancy"}}]
    """#

  /// Every type read from Django's forms (a later row referenced first) and written back in
  /// the same forms; the auto_now_add time is the fixture's, not now.
  @Test(arguments: TestCluster.backends)
  func everyTypeLoadsAndDumpsInDjangosForms(_ backend: DatabaseBackend) throws {
    let project = try Project(backend)
    #expect(try project.load(Self.full) == FixtureLoader.Outcome(installed: 3, read: 3, fixtures: 1))
    let item = try project.dump("shop.Item")
    #expect(item == [
      #"{"model": "shop.item", "pk": 1, "fields": {"name": "Tea", "slug": "tea", "email": "a@b.co", "size": "L", "count": 3, "price": "12.50", "ratio": 0.25, "active": false, "day": "2026-01-31", "at": "2026-01-31T09:15:00.000123Z", "clock": "23:59:58.500000", "took": "1 02:03:04.000005", "token": "12345678-1234-5678-1234-567812345678", "data": {"a": [1, "é", null], "b": {}}, "blob": "AAEC/w==", "kind": 2, "made": "2020-02-03T04:05:06Z", "kinds": [1, 2]}}"#,
    ], "\(item)")
    #expect(try project.dump("shop.Kind") == [#"{"model": "shop.kind", "pk": 1, "fields": {"name": "plain"}}"#, #"{"model": "shop.kind", "pk": 2, "fields": {"name": "fancy"}}"#])
    // What was dumped loads again to the same rows.
    let dumped = "[" + (try project.dump("shop.Kind") + item).joined(separator: ", ") + "]"
    #expect(try project.load(dumped).installed == 3)
    #expect(try project.dump("shop.Item") == item)
  }

  /// An object with a pk in the table changes that row (its links replaced); one without a
  /// pk is a new row with the next key; fields left out take the model's defaults.
  @Test(arguments: TestCluster.backends)
  func aKnownPkUpdatesAndNoPkInserts(_ backend: DatabaseBackend) throws {
    let project = try Project(backend)
    _ = try project.load(Self.full)
    _ = try project.load(#"[{"model": "shop.item", "pk": 1, "fields": {"name": "Coffee", "kinds": [2], "made": "2021-01-01T00:00:00Z"}}, {"model": "shop.item", "fields": {"name": "New"}}]"#)
    let rows = try project.dump("shop.Item")
    #expect(rows.count == 2)
    #expect(rows[0].contains(#""name": "Coffee""#) && rows[0].contains(#""kinds": [2]"#) && rows[0].contains(#""size": "M""#) && rows[0].contains(#""price": null"#), "\(rows[0])")
    #expect(rows[1].hasPrefix(#"{"model": "shop.item", "pk": 2, "fields": {"name": "New", "slug": "", "email": "", "size": "M", "count": 0"#), "\(rows[1])")
    #expect(try project.count("shop_item") == 2)
    // One key twice in a load: the second object updates the row the first inserted.
    #expect(try project.load(#"[{"model": "shop.kind", "pk": 7, "fields": {"name": "first"}}, {"model": "shop.kind", "pk": 7, "fields": {"name": "second"}}]"#).installed == 2)
    #expect(try project.dump("shop.Kind").last == #"{"model": "shop.kind", "pk": 7, "fields": {"name": "second"}}"#)
  }

  /// Each refusal in Django's words, at the value it is about, and the table untouched.
  @Test(arguments: TestCluster.backends)
  func eachRefusalIsDjangosMessageAtItsPlace(_ backend: DatabaseBackend) throws {
    let project = try Project(backend)
    let cases: [(String, String)] = [
      (#""name": "far too long a name""#, "name: Ensure this value has at most 10 characters (it has 19)."),
      (#""name": """#, "name: This field cannot be blank."),
      (#""name": "x", "slug": "a b""#, "slug: Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
      (#""name": "x", "email": "nope""#, "email: Enter a valid email address."),
      (#""name": "x", "size": "XL""#, "size: Value 'XL' is not a valid choice."),
      (#""name": "x", "count": -1"#, "count: Ensure this value is greater than or equal to 0."),
      (#""name": "x", "price": "12345.678""#, "price: Ensure that there are no more than 6 digits in total."),
      (#""name": "x", "price": "abc""#, "price: “abc” value must be a decimal number."),
      (#""name": "x", "day": "2026-02-30""#, "day: “2026-02-30” value has the correct format (YYYY-MM-DD) but it is an invalid date."),
      (#""name": "x", "took": "soon""#, "took: “soon” value has an invalid format. It must be in [DD] [[HH:]MM:]ss[.uuuuuu] format."),
      (#""name": "x", "took": "99999999999999 00:00:00""#, "took: “99999999999999 00:00:00” is longer than a duration can be (about 292,000 years)."),
      (#""name": "x", "token": "xyz""#, "token: “xyz” is not a valid UUID."),
      (#""name": "x", "kind": 5"#, "kind: kind instance with id 5 does not exist."),
      (#""name": "x", "kinds": [1, 9]"#, "kinds: Select a valid choice. 9 is not one of the available choices."),
      (#""name": "x", "kinds": 1"#, "kinds: a many-to-many field takes a list of keys, not an integer."),
      (#""name": "x", "count": 9223372036854775808"#, "count: "),
      (#""name": "x", "blob": "not base64!""#, "blob: Enter valid base64-encoded data."),
      (#""name": "x", "at": "2026-02-30T10:00:00Z""#, "at: “2026-02-30T10:00:00Z” value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time."),
      (#""name": null"#, "name: This field cannot be null."),
    ]
    for (fields, expected) in cases {
      let problems = project.problems(#"[{"model": "shop.kind", "pk": 1, "fields": {"name": "k"}}, {"model": "shop.item", "pk": 1, "fields": {\#(fields)}}]"#)
      #expect(problems.count == 1 && problems.first?.contains("shop.item(pk=1): \(expected)") == true, "\(fields): \(problems)")
      #expect(try project.count("shop_item") == 0 && project.count("shop_kind") == 0, "nothing written for \(fields)")
    }
    // Several objects' mistakes in one run, in file order; unknown models and fields named.
    let many = project.problems(#"[{"model": "shop.itme", "pk": 1}, {"model": "shop.item", "pk": "one", "fields": {"name": "a"}}, {"model": "shop.item", "pk": 2, "fields": {"nam": "a"}}]"#)
    #expect(many == [
      "f.json:1:12: shop.itme: Invalid model identifier: 'shop.itme'. Did you mean 'shop.item'?",
      "f.json:1:64: shop.item(pk=one): pk: “one” value must be an integer.",
      "f.json:1:140: shop.item(pk=2): Item has no field named 'nam'. Did you mean 'name'?",
    ], "\(many)")
    // A unique value twice in one fixture: the second is refused.
    let twice = project.problems(#"[{"model": "shop.kind", "pk": 1, "fields": {"name": "k"}}, {"model": "shop.kind", "pk": 2, "fields": {"name": "k"}}]"#)
    #expect(twice == ["f.json:1:111: shop.kind(pk=2): name: Kind with this Name already exists."], "\(twice)")
  }

  /// --ignorenonexistent skips unknown models and fields; --exclude skips a model; both are
  /// counted in "(of N)".
  @Test func skippingCountsWhatWasRead() throws {
    let project = try Project(.sqlite)
    let text = "- model: shop.kind\n  pk: 1\n  fields: {name: k, colour: red}\n- model: shop.gone\n  pk: 1\n- model: shop.item\n  pk: 1\n  fields: {name: x}\n"
    #expect(try project.load(text, format: .yaml, ignore: true, excludedModels: ["shop.item"]) == FixtureLoader.Outcome(installed: 1, read: 3, fixtures: 1))
    #expect(try project.count("shop_item") == 0 && project.count("shop_kind") == 1)
  }

  /// The writer's JSON: one line, or Python's `json.dumps(indent=N)` layout, as Django writes.
  @Test func theJSONLayoutIsPythons() throws {
    let project = try Project(.sqlite)
    _ = try project.load(#"[{"model": "shop.kind", "pk": 1, "fields": {"name": "k"}}]"#)
    let model = try #require(project.schema.model("shop.Kind"))
    let row = try #require(try QuerySet(model: model, schema: project.schema).instances(project.connection).first)
    let indented = FixtureWriter(schema: project.schema, format: .json, indent: 2)
    let object = try indented.object(row, project.connection)
    #expect(indented.opening + indented.separator(first: true) + indented.text(object) + indented.closing == "[\n{\n  \"model\": \"shop.kind\",\n  \"pk\": 1,\n  \"fields\": {\n    \"name\": \"k\"\n  }\n}\n]\n")
    let compact = FixtureWriter(schema: project.schema, format: .json)
    #expect(compact.opening + compact.separator(first: true) + compact.text(object) + compact.separator(first: false) + compact.text(object) + compact.closing
      == #"[{"model": "shop.kind", "pk": 1, "fields": {"name": "k"}}, {"model": "shop.kind", "pk": 1, "fields": {"name": "k"}}]"# + "\n")
    let yaml = FixtureWriter(schema: project.schema, format: .yaml)
    #expect(yaml.text(object) == "- model: shop.kind\n  pk: 1\n  fields:\n    name: \"k\"\n")
    #expect(try FixtureFile.objects(yaml.text(object), format: .yaml, displayPath: "y").first?.fields.first?.value.string == "k")
  }
}
