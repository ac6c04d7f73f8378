import Testing
@testable import ManageCore

@Suite("Checked conversions of outside values")
struct CheckedValueTests {
  @Test func doublesTruncateLikePythonsIntAndStopAt64Bits() {
    #expect(CheckedInteger(truncating: 1.9) == .exact(1))
    #expect(CheckedInteger(truncating: -1.9) == .exact(-1))
    #expect(CheckedInteger(truncating: 9_223_372_036_854_774_784.0) == .exact(9_223_372_036_854_774_784))
    #expect(CheckedInteger(truncating: 9_223_372_036_854_775_808.0) == .above, "2^63 itself is past Int64.max")
    #expect(CheckedInteger(truncating: -9_223_372_036_854_775_808.0) == .exact(.min))
    #expect(CheckedInteger(truncating: 1e300) == .above)
    #expect(CheckedInteger(truncating: -1.8e19) == .below)
    #expect(CheckedInteger(truncating: .infinity) == nil)
    #expect(CheckedInteger(truncating: .nan) == nil)
  }

  @Test func textParsesAtAnyLengthWithoutTrapping() {
    #expect(CheckedInteger(parsing: "9223372036854775807") == .exact(.max))
    #expect(CheckedInteger(parsing: "-9223372036854775808") == .exact(.min))
    #expect(CheckedInteger(parsing: "9223372036854775808") == .above)
    #expect(CheckedInteger(parsing: "-9223372036854775809") == .below)
    #expect(CheckedInteger(parsing: String(repeating: "9", count: 5_000)) == .above)
    #expect(CheckedInteger(parsing: "+12.90") == .exact(12))
    #expect(CheckedInteger(parsing: "-0.5") == .exact(0))
    #expect(CheckedInteger(parsing: "1e3") == .exact(1000))
    #expect(CheckedInteger(parsing: "1e400") == nil, "an infinity is not an integer")
    for bad in ["", "-", ".", "1.2.3", "12a", "--1", " 1"] { #expect(CheckedInteger(parsing: bad) == nil, "\(bad)") }
  }

  @Test func checkedArithmeticAnswersNilInsteadOfTrapping() {
    #expect(CheckedArithmetic.multiply(Int.max, 2) == nil)
    #expect(CheckedArithmetic.multiply(9_223_372_036_854_775_806, 20) == nil)
    #expect(CheckedArithmetic.add(Int64.max, 1) == nil)
    #expect(CheckedArithmetic.multiply(Int64(3), 4) == 12)
  }

  @Test func durationsAreBoundedAndStrict() {
    #expect(DurationText.seconds("500ms") == 0.5)
    #expect(DurationText.seconds("2h") == 7200)
    #expect(DurationText.seconds("36525d") == 3_155_760_000)
    #expect(DurationText.seconds("36526d") == nil)
    #expect(DurationText.seconds("99999999999999999s") == nil)
    #expect(DurationText.seconds("99999999999999999999") == nil)
    for bad in ["inf", "infs", "nan", "1e3s", "-5s", "s", "", "5x"] { #expect(DurationText.seconds(bad) == nil, "\(bad)") }
  }

  @Test func storingAnIntegerPast64BitsIsSqlitesOverflowError() throws {
    let field = FieldSchema(name: "pages", type: .integer)
    #expect(try ModelValue.double(3.7).sqlValue(for: field) == .integer(3))
    #expect(throws: QueryError.integerOverflow) { try ModelValue.double(1e300).sqlValue(for: field) }
    #expect(throws: QueryError.integerOverflow) { try ModelValue.decimal("18446744073709551616").sqlValue(for: field) }
    #expect(throws: QueryError.integerOverflow) { try ModelValue.text("-99999999999999999999").sqlValue(for: field) }
    let duration = FieldSchema(name: "wait", type: .duration)
    #expect(throws: QueryError.self) { try ModelValue.int(.max).sqlValue(for: duration) }
  }
}
