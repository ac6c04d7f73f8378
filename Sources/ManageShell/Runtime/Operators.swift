import ManageCore

/// Python's operators over shell values: arithmetic on numbers, text, dates and durations;
/// `&`, `|`, `~` on Q; arithmetic on F expressions, which builds SQL rather than computing.
enum Operators {
  static func unary(_ op: String, _ value: ShellValue, _ interpreter: Interpreter) throws -> ShellValue {
    if op != "not", let result = try IntegerOperators.unary(op, value) { return result }
    switch (op, value) {
    case ("not", _): return .data(.bool(!(try Builtins.truth(value, interpreter))))
    case ("~", .q(let q)): return .q(~q)
    case ("~", .expression(let expression)): return .q(~Q.expression(expression))
    case ("-", .expression(let expression)): return .expression(.negated(expression))
    case ("-", .data(.double(let number))): return .data(.double(-number))
    case ("-", .data(.decimal(let text))): return .data(.decimal(text.hasPrefix("-") ? String(text.dropFirst()) : "-" + text))
    case ("-", .data(.duration(let micro))): return .data(.duration(-micro))
    case ("+", .data(.int)), ("+", .data(.double)), ("+", .data(.decimal)): return value
    default:
      throw PythonError("TypeError", "bad operand type for unary \(op): '\(value.typeName)'")
    }
  }

  static func binary(_ op: String, _ left: ShellValue, _ right: ShellValue, _ interpreter: Interpreter) throws -> ShellValue {
    if let result = try IntegerOperators.binary(op, left, right) { return result }
    switch (left, right) {
    case (.q(let a), .q(let b)):
      if op == "&" { return .q(a & b) }
      if op == "|" { return .q(a | b) }
    // Conditional expressions (Exists) combine with Q objects and each other into a Q.
    case (.q(let a), .expression(let b)) where op == "&" || op == "|":
      return .q(op == "&" ? a & .expression(b) : a | .expression(b))
    case (.expression(let a), .q(let b)) where op == "&" || op == "|":
      return .q(op == "&" ? .expression(a) & b : .expression(a) | b)
    case (.expression(let a), .expression(let b)) where op == "&" || op == "|":
      return .q(op == "&" ? .expression(a) & .expression(b) : .expression(a) | .expression(b))
    case (.expression, _), (_, .expression), (.aggregate, _), (_, .aggregate):
      guard let arithmetic = ArithmeticOperator(rawValue: op) else { break }
      return .expression(.binary(arithmetic, try expression(left), try expression(right)))
    case (.data(.text(let text)), _) where op == "*" && right.integerOperand != nil: return .data(.text(try ShellLimits.repeated(text, right)))
    case (.data(let a), .data(let b)):
      return .data(try data(op, a, b))
    case (.list(let a), .list(let b)) where op == "+": return .list(try ShellLimits.joined(a, b))
    case (.tuple(let a), .tuple(let b)) where op == "+": return .tuple(try ShellLimits.joined(a, b))
    case (.list(let a), _) where op == "*" && right.integerOperand != nil: return .list(try ShellLimits.repeated(a, right))
    case (.tuple(let a), _) where op == "*" && right.integerOperand != nil: return .tuple(try ShellLimits.repeated(a, right))
    case (.bigInt, .data(let other)), (.data(let other), .bigInt):
      // An int past 64 bits with a float or a Decimal: Python converts the int to the other's type.
      guard let a = try IntegerOperators.mixedOperand(left, with: other), let b = try IntegerOperators.mixedOperand(right, with: other) else { break }
      return .data(try data(op, a, b))
    default: break
    }
    if op == "&" || op == "|", case .q = left {
      throw PythonError("TypeError", "unsupported operand type(s) for \(op): 'Q' and '\(right.typeName)'")
    }
    throw PythonError("TypeError", "unsupported operand type(s) for \(op): '\(left.typeName)' and '\(right.typeName)'")
  }

  /// A value used inside an F expression: fields stay fields, data becomes a bound value.
  static func expression(_ value: ShellValue) throws -> QueryExpression {
    switch value {
    case .expression(let expression): return expression
    case .aggregate(let aggregate): return .aggregate(aggregate)
    case .data(let data): return .value(data)
    default: throw PythonError("TypeError", "unsupported operand type for an F() expression: '\(value.typeName)'")
    }
  }

  private static func number(_ value: ModelValue) -> Double? {
    switch value {
    case .int(let number): Double(number)
    case .double(let number): number
    case .bool(let flag): flag ? 1 : 0
    default: nil
    }
  }

  static func data(_ op: String, _ a: ModelValue, _ b: ModelValue) throws -> ModelValue {
    func unsupported() -> PythonError {
      PythonError("TypeError", "unsupported operand type(s) for \(op): '\(a.typeName)' and '\(b.typeName)'")
    }
    switch (a, b) {
    case (.decimal(let x), _), (_, .decimal(let x)):
      // Decimals stay decimals when both sides are exact, as Python's Decimal does.
      let other = a == .decimal(x) ? b : a
      guard let left = Decimal(string: a.plain), let right = Decimal(string: b.plain),
        other.typeName == "Decimal" || other.typeName == "int"
      else { throw unsupported() }
      switch op {
      case "+": return .decimal("\(left + right)")
      case "-": return .decimal("\(left - right)")
      case "*": return .decimal("\(left * right)")
      case "/":
        guard right != 0 else { throw PythonError("ZeroDivisionError", "[<class 'decimal.DivisionByZero'>]") }
        return .decimal("\(left / right)")
      default: throw unsupported()
      }
    case (.text(let x), .text(let y)) where op == "+": return .text(try ShellLimits.joined(x, y))
    case (.text(let format), _) where op == "%":
      throw PythonError("TypeError", "%-formatting is not supported in manage shell; use + and str(): '\(format.prefix(20))'")
    case (.date(let day), .duration(let micro)) where op == "+" || op == "-":
      let days = Int(micro / 86_400_000_000)
      return .date(try DateArithmetic.date(day, plusDays: op == "+" ? days : -days))
    case (.datetime(let moment), .duration(let micro)) where op == "+" || op == "-":
      return .datetime(try DateArithmetic.moment(moment, plus: micro, negated: op == "-"))
    case (.datetime(let x), .datetime(let y)) where op == "-":
      return .duration(try DateArithmetic.duration(x.microsecondsSinceEpoch, minus: y.microsecondsSinceEpoch))
    case (.date(let x), .date(let y)) where op == "-":
      return .duration(Int64(x.daysSinceEpoch - y.daysSinceEpoch) * 86_400_000_000)
    case (.duration(let x), .duration(let y)) where op == "+" || op == "-":
      return .duration(op == "+" ? try DateArithmetic.duration(x, plus: y) : try DateArithmetic.duration(x, minus: y))
    case (.duration(let x), .int(let n)) where op == "*", (.int(let n), .duration(let x)) where op == "*":
      guard let product = CheckedArithmetic.multiply(x, n) else { throw DateArithmetic.durationOverflow }
      return .duration(product)
    case (.list(let x), .list(let y)) where op == "+": return .list(x + y)
    default:
      guard let x = number(a), let y = number(b) else { throw unsupported() }
      switch op {
      case "+": return .double(x + y)
      case "-": return .double(x - y)
      case "*": return .double(x * y)
      case "/":
        guard y != 0 else { throw PythonError("ZeroDivisionError", "float division by zero") }
        return .double(x / y)
      case "//":
        guard y != 0 else { throw PythonError("ZeroDivisionError", "float floor division by zero") }
        return .double((x / y).rounded(.down))
      case "%":
        guard y != 0 else { throw PythonError("ZeroDivisionError", "float modulo") }
        let r = x.truncatingRemainder(dividingBy: y)
        return .double(r != 0 && (r < 0) != (y < 0) ? r + y : r)
      case "**": return .double(pow(x, y))
      default: throw unsupported()
      }
    }
  }

  static func compare(_ op: String, _ left: ShellValue, _ right: ShellValue, _ interpreter: Interpreter) throws -> Bool {
    switch op {
    case "==": return try equal(left, right)
    case "!=": return try !equal(left, right)
    case "is": return try identical(left, right)
    case "is not": return try !identical(left, right)
    case "in", "not in":
      let found: Bool
      switch right {
      case .data(.text(let text)):
        guard case .data(.text(let part)) = left else {
          throw PythonError("TypeError", "'in <string>' requires string as left operand, not \(left.typeName)")
        }
        found = text.contains(part)
      case .dict(let dictionary): found = dictionary.keys.contains(try Builtins.hashable(left))
      case .data(.dict(let dictionary)):
        guard case .data(.text(let key)) = left else { found = false; break }
        found = dictionary[key] != nil
      default:
        found = try Builtins.iterate(right, interpreter).contains { (try? equal(left, $0)) == true }
      }
      return op == "in" ? found : !found
    default:
      let order: Int
      if let big = try bigOrdering(left, right) {
        order = big
      } else {
        guard case .data(let a) = left, case .data(let b) = right else {
          throw PythonError("TypeError", "'\(op)' not supported between instances of '\(left.typeName)' and '\(right.typeName)'")
        }
        order = try ordering(a, b, op)
      }
      switch op {
      case "<": return order < 0
      case ">": return order > 0
      case "<=": return order <= 0
      default: return order >= 0
      }
    }
  }

  private static func ordering(_ a: ModelValue, _ b: ModelValue, _ op: String) throws -> Int {
    switch (a, b) {
    case (.text(let x), .text(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.date(let x), .date(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.datetime(let x), .datetime(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.time(let x), .time(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.duration(let x), .duration(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    default:
      if let x = number(a) ?? (a.typeName == "Decimal" ? Double(a.plain) : nil),
        let y = number(b) ?? (b.typeName == "Decimal" ? Double(b.plain) : nil)
      {
        return x < y ? -1 : (x == y ? 0 : 1)
      }
      throw PythonError("TypeError", "'\(op)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
    }
  }

  /// The order of two numbers when one is an int past 64 bits; nil when neither is, or the
  /// other is no number.
  private static func bigOrdering(_ left: ShellValue, _ right: ShellValue) throws -> Int? {
    switch (left, right) {
    case (.bigInt, _), (_, .bigInt):
      if let a = left.integerOperand, let b = right.integerOperand { return BigInteger.compare(a.big, b.big) }
      let other: ModelValue
      if case .data(let data) = left { other = data } else if case .data(let data) = right { other = data } else { return nil }
      guard let a = try? IntegerOperators.mixedOperand(left, with: other), let b = try? IntegerOperators.mixedOperand(right, with: other) else {
        // Past every float: the int is larger in magnitude than any finite number.
        guard left.integerOperand != nil || right.integerOperand != nil, other.typeName == "float" || other.typeName == "Decimal" else { return nil }
        if case .bigInt(let number) = left { return number.negative ? -1 : 1 }
        if case .bigInt(let number) = right { return number.negative ? 1 : -1 }
        return nil
      }
      return try ordering(a, b, "<")
    default: return nil
    }
  }

  static func equal(_ left: ShellValue, _ right: ShellValue) throws -> Bool {
    if let order = try? bigOrdering(left, right) { return order == 0 }
    switch (left, right) {
    case (.data(let a), .data(let b)):
      if a == b { return true }
      if let x = number(a) ?? (a.typeName == "Decimal" ? Double(a.plain) : nil),
        let y = number(b) ?? (b.typeName == "Decimal" ? Double(b.plain) : nil)
      {
        return x == y
      }
      return false
    case (.instance(let a), .instance(let b)):
      return a === b || (a.model.labelLower == b.model.labelLower && !a.pk.isNull && a.pk == b.pk)
    case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
      return try a.count == b.count && zip(a, b).allSatisfy { try equal($0, $1) }
    case (.model(let a), .model(let b)), (.manager(let a), .manager(let b)): return a.labelLower == b.labelLower
    default: return false
    }
  }

  private static func identical(_ left: ShellValue, _ right: ShellValue) throws -> Bool {
    switch (left, right) {
    case (.instance(let a), .instance(let b)): return a === b
    case (.data(.null), .data(.null)): return true
    case (.data(.bool(let a)), .data(.bool(let b))): return a == b
    case (.data(.null), _), (_, .data(.null)): return false
    default: return try equal(left, right)
    }
  }
}

import Foundation
