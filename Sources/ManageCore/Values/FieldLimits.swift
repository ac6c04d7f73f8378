/// Django's per-type validators that the storage conversion does not apply: a decimal's
/// digits and places (`DecimalValidator`), an integer field's range (the backend's
/// `integer_field_range`, which Django's IntegerField adds as Min/MaxValueValidator).
/// Messages are Django's, word for word.
public enum FieldLimits {
  /// The range Django's model validation allows for an integer field type.
  public static func integerRange(_ type: FieldType) -> ClosedRange<Int64>? {
    switch type {
    case .smallInteger: -32_768...32_767
    case .integer, .auto: -2_147_483_648...2_147_483_647
    case .positiveInteger: 0...2_147_483_647
    case .positiveSmallInteger: 0...32_767
    case .positiveBigInteger: 0...Int64.max
    case .bigInteger, .bigAuto: Int64.min...Int64.max
    default: nil
    }
  }

  /// The problem with `number` for `type`, or nil.
  public static func integerProblem(_ number: Int64, _ type: FieldType) -> String? {
    guard let range = integerRange(type) else { return nil }
    if number < range.lowerBound { return "Ensure this value is greater than or equal to \(range.lowerBound)." }
    if number > range.upperBound { return "Ensure this value is less than or equal to \(range.upperBound)." }
    return nil
  }

  /// Django's DecimalValidator on the decimal as written (`12.50`, `-1e3`), or nil when it
  /// fits `maxDigits` and `places`. NaN, infinities and text that is no number are refused.
  public static func decimalProblem(_ text: String, maxDigits: Int?, places: Int?) -> String? {
    guard let shape = DecimalShape(text) else { return "Enter a number." }
    if let maxDigits, shape.digits > maxDigits {
      return "Ensure that there are no more than \(maxDigits) digit\(maxDigits == 1 ? "" : "s") in total."
    }
    if let places, shape.decimals > places {
      return "Ensure that there are no more than \(places) decimal place\(places == 1 ? "" : "s")."
    }
    if let maxDigits, let places, shape.digits - shape.decimals > maxDigits - places {
      let whole = maxDigits - places
      return "Ensure that there are no more than \(whole) digit\(whole == 1 ? "" : "s") before the decimal point."
    }
    return nil
  }
}

/// How many digits a decimal has in all and after the point, counted as Python's
/// `Decimal.as_tuple()` counts them (leading zeros dropped, trailing zeros kept).
struct DecimalShape {
  var digits: Int
  var decimals: Int

  init?(_ text: String) {
    var rest = Substring(text.trimmingCharacters(in: .whitespaces))
    if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
    var exponent = 0
    if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      // Exponents past a million digits are refused outright rather than counted.
      guard let value = Int(rest[rest.index(after: e)...]), abs(value) < 1_000_000 else { return nil }
      exponent = value
      rest = rest[..<e]
    }
    let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    let whole = parts[0], fraction = parts.count > 1 ? parts[1] : ""
    guard !(whole.isEmpty && fraction.isEmpty), (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    var mantissa = Substring(whole + fraction).drop { $0 == "0" }
    if mantissa.isEmpty { mantissa = "0" }
    exponent -= fraction.count
    let count = mantissa.count
    if exponent >= 0 {
      digits = count + (mantissa == "0" ? 0 : exponent)
      decimals = 0
    } else if -exponent > count {
      digits = -exponent
      decimals = -exponent
    } else {
      digits = count
      decimals = -exponent
    }
  }
}
