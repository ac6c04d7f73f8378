import Foundation
import Testing
import FuzzSupport
import ManageCore
@testable import ManageMigrations

/// Fuzzing the parsers that take untrusted input and reach the database: query-string lookups
/// (the API's and the admin's filters), JSON bodies (the API's writes) and migration files.
/// Each input either works or is a QueryError / validation error / positioned file error:
/// never a trap, a crash or a hang.
@Suite("Fuzz: lookups, bodies and migration files")
struct UntrustedInputFuzzTests {
  static let paths = [
    "id", "pk", "title", "status", "score", "rating", "published", "created", "meta", "uid", "author", "author_id", "editor",
    "author__username", "author__joined", "tags", "tags__name", "comments__body", "posts", "nope", "author__nope", "",
  ]
  static let suffixes = [
    "", "__exact", "__iexact", "__contains", "__icontains", "__in", "__gt", "__gte", "__lt", "__lte", "__startswith",
    "__endswith", "__range", "__isnull", "__regex", "__iregex", "__year", "__month__gte", "__date", "__hour", "__bogus", "__",
  ]

  static func hostileValue(_ generator: inout SeededGenerator) -> ModelValue {
    let text = Fuzz.hostileNumbers.randomElement(using: &generator)!
    switch Int.random(in: 0..<9, using: &generator) {
    case 0: return .text(text)
    case 1: return .double(Double(text) ?? .nan)
    case 2: return .int(Int64.random(in: .min ... .max, using: &generator))
    case 3: return .list([.text(text), .int(Int64.random(in: -5...5, using: &generator))])
    case 4: return .null
    case 5: return .bool(Bool.random(using: &generator))
    case 6: return .decimal(text)
    case 7: return .text(["(", "[a-", "^(a+)+$", "%_\\", "'; DROP TABLE blog_post; --", "2026-13-45", "é\u{0}"].randomElement(using: &generator)!)
    default: return .tuple([.text(text)])
    }
  }

  @Test func lookupsFromOutsideNeverCrash() throws {
    let fixture = try QuerySetTests.fixture()
    var generator = SeededGenerator(seed: Fuzz.seed(0x1007))
    let before = try fixture.connection.scalar("SELECT count(*) FROM blog_post")
    for _ in 0..<Fuzz.iterations(default: 1_500) {
      let path = Self.paths.randomElement(using: &generator)! + Self.suffixes.randomElement(using: &generator)!
      let value = Self.hostileValue(&generator)
      do {
        let query = try fixture.query("Post").filter(path, value)
        let negated = try fixture.query("Post").exclude(path, value)
        _ = try query.count(fixture.connection)
        _ = try negated.count(fixture.connection)
      } catch is QueryError {
      } catch let error as SQLiteError {
        // A malformed pattern or text compared as a number may reach SQLite; it must say so, not crash.
        #expect(!error.reason.isEmpty, "\(path)=\(value)")
      }
    }
    #expect(try fixture.connection.scalar("SELECT count(*) FROM blog_post") == before, "filters never write")
  }

  @Test func apiBodiesNeverCrashAndNeverStoreWhatTheModelForbids() throws {
    let fixture = try QuerySetTests.fixture()
    let model = try #require(fixture.schema.model("blog.Post"))
    let validator = RecordValidator(model: model, schema: fixture.schema)
    var generator = SeededGenerator(seed: Fuzz.seed(0xB0D7))
    let names = ["title", "status", "score", "rating", "published", "created", "meta", "uid", "author", "editor", "tags", "extra"]
    for _ in 0..<Fuzz.iterations(default: 1_500) {
      var input: [String: ModelValue] = [:]
      for name in names where Bool.random(using: &generator) { input[name] = Self.hostileValue(&generator) }
      let source: RecordValidator.Source = Bool.random(using: &generator) ? .json : .form
      guard case .success(let cleaned) = try validator.clean(input, source: source, fixture.connection) else { continue }
      // What validated must store, and read back within the model's limits.
      do {
        let row = try fixture.query("Post").create(cleaned, fixture.connection)
        let rating = row.values["rating"] ?? .null
        if case .decimal(let text) = rating { #expect(FieldLimits.decimalProblem(text, maxDigits: 5, places: 2) == nil, "\(text)") }
        if case .int(let score) = row.values["score"] ?? .null { #expect(FieldLimits.integerProblem(score, .integer) == nil) }
        _ = try row.delete(fixture.connection, schema: fixture.schema)
      } catch let error as SQLiteError {
        // Only the database's own constraints may still refuse (none here beyond NOT NULL on a relation).
        #expect(error.pythonKindForTests == "IntegrityError", "\(cleaned): \(error)")
      }
    }
  }

  @Test func migrationFilesNeverCrashTheReader() throws {
    var generator = SeededGenerator(seed: Fuzz.seed(0x3160))
    let seeds = [
      #"{"dependencies": [["blog", "0001_initial"]], "operations": [{"op": "AddField", "model": "Post", "name": "n", "field": {"type": "integer", "default": 9223372036854775807}}]}"#,
      #"{"initial": true, "dependencies": [], "operations": [{"op": "CreateModel", "name": "Post", "fields": [["id", {"type": "big_auto", "primary_key": true}], ["price", {"type": "decimal", "max_digits": 99999999999999999999, "decimal_places": -1}]]}]}"#,
      #"{"dependencies": [], "operations": [{"op": "RunSQL", "sql": "SELECT 1", "reverse_sql": ""}, {"op": "AlterField", "model": "Post", "name": "t", "field": {"type": "char", "max_length": 1e300}}]}"#,
    ]
    let alphabet = Array(#"{}[]":,0123456789.e-+ abcdefnulltrue\"#) + Fuzz.hostileNumbers.joined().map { $0 }
    let reader = MigrationFileReader(app: "blog", displayPath: "blog/migrations/0002_x.json")
    for _ in 0..<Fuzz.iterations(default: 3_000) {
      let text = Fuzz.mutate(seeds, alphabet: alphabet, using: &generator)
      do {
        _ = try reader.read(text, name: "0002_x")
      } catch let error as any ManageError {
        #expect(!error.message.isEmpty, "\(text)")
      } catch {
        Issue.record("not a ManageError for \(text.debugDescription): \(error)")
      }
    }
  }
}

extension SQLiteError {
  /// The class Django would raise: constraint failures are IntegrityError.
  var pythonKindForTests: String { code & 0xFF == 19 ? "IntegrityError" : "OperationalError" }
}
