import Testing
@testable import ManageCore

/// Decimal fields are quantized as Python's decimal does (half to even), by digit arithmetic.
@Suite("Decimal quantize")
struct DecimalQuantizeTests {
  @Test(arguments: [
    ("12.345", 2, "12.34"), ("12.355", 2, "12.36"), ("12.365", 2, "12.36"), ("0.5", 0, "0"), ("1.5", 0, "2"),
    ("2.5", 0, "2"), ("-2.5", 0, "-2"), ("9.995", 2, "10.00"), ("999.999", 2, "1000.00"), ("7", 2, "7.00"),
    (".5", 1, "0.5"), ("0.125", 2, "0.12"), ("0.1251", 2, "0.13"), ("-0.001", 2, "-0.00"), ("1e3", 2, "1000.00"),
    ("00012.10", 3, "12.100"), ("19.999", 0, "20"),
  ])
  func matchesPython(_ input: String, _ places: Int, _ expected: String) {
    #expect(ModelValue.quantize(input, places: places) == expected)
  }

  @Test func textThatIsNotANumberIsLeftAlone() {
    #expect(ModelValue.quantize("abc", places: 2) == "abc")
  }
}
