import Foundation
import Testing
@testable import ManageCore

/// The pure parts of the query compiler, each checked against what Python and Django compute
/// (values taken from CPython 3.12 and Django 6.1).
@Suite("Query compiler parts: paths, JSON text, decimals, SQL")
struct QueryCompilerPartsTests {
  @Test func jsonPathsAreDjangosCompileJSONPath() {
    #expect(QueryCompiler.jsonPath(["lang"]) == #"$."lang""#)
    #expect(QueryCompiler.jsonPath(["tags", "0"]) == #"$."tags"[0]"#)
    #expect(QueryCompiler.jsonPath(["a", "-1"]) == #"$."a"[#-1]"#, "SQLite counts negative indexes from the end")
    #expect(QueryCompiler.jsonPath([" 2 "]) == "$[2]", "Python's int() reads surrounding spaces")
    #expect(QueryCompiler.jsonPath(["1_0"]) == "$[10]", "and single underscores")
    #expect(QueryCompiler.jsonPath(["1__0"]) == #"$."1__0""#)
    #expect(QueryCompiler.jsonPath(["é"]) == #"$."\u00e9""#, "keys are ASCII JSON as json.dumps writes them")
    #expect(QueryCompiler.jsonPath(["0"], lastAsKey: true) == #"$."0""#, "has_key's last key is never an index")
    #expect(QueryCompiler.jsonPath(["99999999999999999999"]) == "$[99999999999999999999]", "past 64 bits is still an index, and no trap")
    #expect(QueryCompiler.jsonPath(["007"]) == "$[7]")
  }

  @Test func keysAndLookupsSplitAsDjangoReadsThem() {
    #expect(QueryCompiler.splitJSONPath(["lang"]) == (["lang"], "exact"))
    #expect(QueryCompiler.splitJSONPath(["lang", "icontains"]) == (["lang"], "icontains"))
    #expect(QueryCompiler.splitJSONPath(["contains", "x"]) == (["contains", "x"], "exact"), "a lookup name before the end is a key")
    #expect(QueryCompiler.splitJSONPath(["has_key"]) == ([], "has_key"))
  }

  @Test func documentsAreWrittenAsPythonsJSONDumps() {
    let document = ModelValue.dict(OrderedDictionary([("b", .list([.int(1), .double(2.5)])), ("a", .text("é\n\u{1F600}")), ("n", .null)]))
    #expect(document.pythonJSONText == #"{"b": [1, 2.5], "a": "\u00e9\n\ud83d\ude00", "n": null}"#)
    #expect(document.jsonText == "{\"b\": [1, 2.5], \"a\": \"é\\n\u{1F600}\", \"n\": null}", "the API's JSON keeps UTF-8")
  }

  @Test func computedDecimalsReadAsDjangosFifteenDigitContext() {
    // decimal.Context(prec=15).create_decimal_from_float(x), as CPython 3.12 prints it.
    #expect(ModelValue.decimalFromFloat(12.5) == "12.5")
    #expect(ModelValue.decimalFromFloat(100) == "100")
    #expect(ModelValue.decimalFromFloat(8227.089999999999) == "8227.09000000000")
    #expect(ModelValue.decimalFromFloat(0.1 + 0.2) == "0.300000000000000")
    #expect(ModelValue.decimalFromFloat(35.71897435897436) == "35.7189743589744")
    #expect(ModelValue.decimalFromFloat(-0.000125) == "-0.000125000000000000")
    #expect(ModelValue.decimalFromFloat(0.5) == "0.5", "exactly representable: its own digits")
    #expect(ModelValue.decimalFromFloat(1e20) == "100000000000000000000")
    #expect(ModelValue.decimalFromFloat(0) == "0")
    // A column's own values stay quantized to its places.
    let price = FieldSchema(name: "price", type: .decimal)
    var quantized = price
    quantized.decimalPlaces = 2
    #expect(ModelValue(.real(12.5), field: quantized) == .decimal("12.50"))
    #expect(ModelValue(.real(12.5), field: price) == .decimal("12.5"))
  }

  @Test func functionsAndTruncationsWriteDjangosSQLiteSQL() {
    #expect(DatabaseFunction.concat.sql(["a", "b"], inputType: nil) == "COALESCE(a, '') || COALESCE(b, '')")
    #expect(DatabaseFunction.now.sql([], inputType: nil) == "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')")
    #expect(TruncUnit.week.sql("d", type: .date) == "date(d, 'weekday 0', '-6 days')")
    #expect(TruncUnit.month.sql("t", type: .datetime) == "(date(t, 'start of month') || ' 00:00:00')")
    #expect(DatabaseFunction.byName["ExtractWeekDay"] == .extract(.week_day))
    #expect(DatabaseFunction.byName["TruncQuarter"] == .trunc(.quarter))
    #expect(QueryCompiler.castSQL("x", to: FieldSchema(name: "d", type: .date)) == "date(x)")
    var text = FieldSchema(name: "c", type: .char)
    text.maxLength = 10
    #expect(QueryCompiler.castSQL("x", to: text) == "CAST(x AS varchar(10))")
  }

  @Test func fieldClassesFollowDjangosInheritance() {
    #expect(FieldType.bigAuto.isDjangoInstance(of: .integer))
    #expect(FieldType.email.isDjangoInstance(of: .char))
    #expect(!FieldType.integer.isDjangoInstance(of: .bigInteger), "isinstance(IntegerField(), BigIntegerField) is False")
    #expect(!FieldType.text.isDjangoInstance(of: .char))
  }
}
