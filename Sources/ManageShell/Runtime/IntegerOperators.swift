import Foundation
import ManageCore

/// Python's int operators: exact at any size (up to BigInteger's bound), on 64 bits while the
/// result fits and on BigInteger once it does not. Nothing here wraps or traps.
enum IntegerOperators {
  /// `left op right` when both are ints (or bools); nil when either is not, or the operator
  /// is not an int operator, so the caller tries other meanings (`[0] * 3`, `'a' * 2`).
  static func binary(_ op: String, _ left: ShellValue, _ right: ShellValue) throws -> ShellValue? {
    guard let a = left.integerOperand, let b = right.integerOperand else { return nil }
    if case .small(let x) = a, case .small(let y) = b, let result = try small(op, x, y) { return result }
    return try big(op, a.big, b.big)
  }

  /// `-x`, `+x`, `~x` on an int.
  static func unary(_ op: String, _ value: ShellValue) throws -> ShellValue? {
    guard let operand = value.integerOperand else { return nil }
    switch (op, operand) {
    case ("+", _): return try .integer(operand.big)
    case ("-", .small(let x)) where x != .min: return .data(.int(-x))
    case ("-", _): return try .integer(-operand.big)
    case ("~", .small(let x)): return .data(.int(~x))
    case ("~", _): return try .integer(-operand.big - BigInteger(1))
    default: return nil
    }
  }

  /// The 64-bit fast path; nil when the exact result needs more bits.
  private static func small(_ op: String, _ x: Int64, _ y: Int64) throws -> ShellValue? {
    func checked(_ pair: (partialValue: Int64, overflow: Bool)) -> ShellValue? {
      pair.overflow ? nil : .data(.int(pair.partialValue))
    }
    switch op {
    case "+": return checked(x.addingReportingOverflow(y))
    case "-": return checked(x.subtractingReportingOverflow(y))
    case "*": return checked(x.multipliedReportingOverflow(by: y))
    case "//", "%":
      guard y != 0 else {
        throw PythonError("ZeroDivisionError", op == "%" ? "integer modulo by zero" : "integer division or modulo by zero")
      }
      if x == .min && y == -1 { return nil }
      var quotient = x / y
      var remainder = x % y
      // Python floors; Swift truncates toward zero.
      if remainder != 0 && (remainder < 0) != (y < 0) {
        quotient -= 1
        remainder += y
      }
      return .data(.int(op == "//" ? quotient : remainder))
    case "**":
      if y < 0 { return nil }
      var result: Int64 = 1
      var base = x
      var rest = y
      while rest > 0 {
        if rest & 1 == 1 {
          let (product, overflow) = result.multipliedReportingOverflow(by: base)
          if overflow { return nil }
          result = product
        }
        rest >>= 1
        if rest > 0 {
          let (square, overflow) = base.multipliedReportingOverflow(by: base)
          if overflow { return nil }
          base = square
        }
      }
      return .data(.int(result))
    case "&": return .data(.int(x & y))
    case "|": return .data(.int(x | y))
    case "^": return .data(.int(x ^ y))
    case "/":
      guard y != 0 else { throw PythonError("ZeroDivisionError", "division by zero") }
      return .data(.double(Double(x) / Double(y)))
    default: return nil
    }
  }

  private static func big(_ op: String, _ a: BigInteger, _ b: BigInteger) throws -> ShellValue? {
    switch op {
    case "+": return try .integer(a + b)
    case "-": return try .integer(a - b)
    case "*":
      guard a.bitWidth + b.bitWidth <= BigInteger.maximumBits + 1 else { throw BigInteger.tooLarge }
      return try .integer(a * b)
    case "//", "%":
      guard !b.isZero else {
        throw PythonError("ZeroDivisionError", op == "%" ? "integer modulo by zero" : "integer division or modulo by zero")
      }
      let (quotient, remainder) = a.floorDivided(by: b)
      return try .integer(op == "//" ? quotient : remainder)
    case "/":
      guard !b.isZero else { throw PythonError("ZeroDivisionError", "division by zero") }
      let (x, y) = (a.double, b.double)
      guard x.isFinite, y.isFinite else { throw PythonError("OverflowError", "integer division result too large for a float") }
      return .data(.double(x / y))
    case "**":
      if b.negative {
        guard !a.isZero else { throw PythonError("ZeroDivisionError", "0.0 cannot be raised to a negative power") }
        let x = a.double
        guard x.isFinite else { throw PythonError("OverflowError", "int too large to convert to float") }
        return .data(.double(pow(x, b.double)))
      }
      guard let exponent = b.int64 else {
        // Only 0, 1 and -1 stay small under an exponent past 64 bits.
        guard a.isZero || a.int64 == 1 || a.int64 == -1 else { throw BigInteger.tooLarge }
        return try .integer(a.power(b.floorDivided(by: BigInteger(2)).remainder.isZero ? 2 : 1))
      }
      return try .integer(a.power(exponent))
    case "&", "|", "^": return try .integer(BigInteger.bitwise(op, a, b))
    default: return nil
    }
  }
}

extension IntegerOperators {
  /// `value` as data for arithmetic with `other`, a float or a Decimal: a big int becomes a
  /// Decimal beside a Decimal and a float beside anything else; nil when `other` is no number.
  static func mixedOperand(_ value: ShellValue, with other: ModelValue) throws -> ModelValue? {
    switch other {
    case .double, .decimal, .int, .bool: break
    default: return nil
    }
    guard case .bigInt(let number) = value else {
      if case .data(let data) = value { return data }
      return nil
    }
    if case .decimal = other { return .decimal(try number.decimalText()) }
    let converted = number.double
    guard converted.isFinite else { throw PythonError("OverflowError", "int too large to convert to float") }
    return .double(converted)
  }
}

/// An int operand: 64 bits or more.
enum IntegerOperand {
  case small(Int64)
  case large(BigInteger)

  var big: BigInteger {
    switch self {
    case .small(let value): BigInteger(value)
    case .large(let value): value
    }
  }
}

extension ShellValue {
  /// The value as an int operand when it is an int or a bool (Python's bool is an int).
  var integerOperand: IntegerOperand? {
    switch self {
    case .data(.int(let number)): .small(number)
    case .data(.bool(let flag)): .small(flag ? 1 : 0)
    case .bigInt(let number): .large(number)
    default: nil
    }
  }

  /// A Python int as a shell value: 64-bit ones as data, larger ones as BigInteger.
  static func integer(_ value: BigInteger) throws -> ShellValue {
    try value.checkSize()
    if let small = value.int64 { return .data(.int(small)) }
    return .bigInt(value)
  }
}
