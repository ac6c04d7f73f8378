import Foundation
import ManageCore

/// The functions in scope: the ORM's helpers (Q, F, Count, …), dates, and a few harmless
/// Python builtins. None of them reaches outside the database.
enum Builtins {
  static let functions: Set<String> = Set<String>([
    "Q", "F", "Value", "Count", "Sum", "Avg", "Min", "Max", "date", "datetime", "time", "timedelta", "now", "today",
    "Decimal", "UUID", "len", "list", "tuple", "dict", "str", "int", "float", "bool", "repr", "print", "sorted", "sum",
    "min", "max", "abs", "round", "range", "type",
  ]).union(ExpressionBuiltins.globalNames)

  // MARK: - Conversions

  /// A value as data, for a filter or a field; rows become their primary keys.
  static func data(_ value: ShellValue, _ role: String) throws -> ModelValue {
    switch value {
    case .data(let data): return data
    // An int past 64 bits crosses to the ORM as its exact digits: an integer column then
    // answers as Django does (OverflowError to store it, no rows to compare with it).
    case .bigInt(let number): return .decimal(try number.decimalText())
    case .instance(let object):
      guard !object.pk.isNull else {
        throw PythonError("ValueError", "Model instances passed to related filters must be saved.")
      }
      return object.pk
    case .list(let items): return .list(try items.map { try data($0, role) })
    case .tuple(let items): return .tuple(try items.map { try data($0, role) })
    case .dict(let dictionary):
      var result = OrderedDictionary()
      for (key, item) in zip(dictionary.keys, dictionary.values) {
        guard case .text(let name) = key else { throw PythonError("TypeError", "keys must be str to be stored, not \(key.typeName)") }
        result[name] = try data(item, role)
      }
      return .dict(result)
    default:
      throw PythonError("TypeError", "\(role) cannot be a \(value.typeName)")
    }
  }

  /// A dict key.
  static func hashable(_ value: ShellValue) throws -> ModelValue {
    if case .bigInt(let number) = value { return .decimal(try number.decimalText()) }
    guard case .data(let data) = value else { throw PythonError("TypeError", "unhashable type: '\(value.typeName)'") }
    if case .list = data { throw PythonError("TypeError", "unhashable type: 'list'") }
    return data
  }

  static func truth(_ value: ShellValue, _ interpreter: Interpreter) throws -> Bool {
    switch value {
    case .data(let data): return data.isTruthy
    case .list(let items), .tuple(let items): return !items.isEmpty
    case .dict(let dictionary): return !dictionary.keys.isEmpty
    case .queryset(let query): return try interpreter.orm { try query.exists(interpreter.connection) }
    default: return true
    }
  }

  /// The items of a list, tuple, dict (its keys), string, or query (its rows).
  static func iterate(_ value: ShellValue, _ interpreter: Interpreter) throws -> [ShellValue] {
    switch value {
    case .list(let items), .tuple(let items): return items
    case .namedRow(_, let values): return values.map { .data($0) }
    case .dict(let dictionary): return dictionary.keys.map { .data($0) }
    case .data(.list(let items)), .data(.tuple(let items)): return items.map { .data($0) }
    case .data(.dict(let dictionary)): return dictionary.keys.map { .data(.text($0)) }
    case .data(.text(let text)): return text.map { .data(.text(String($0))) }
    case .queryset(let query): return try interpreter.rows(of: query)
    case .related(let related): return try interpreter.rows(of: related.query)
    case .manager:
      throw PythonError("TypeError", "'Manager' object is not iterable")
    default: throw PythonError("TypeError", "'\(value.typeName)' object is not iterable")
    }
  }

  // MARK: - Subscripts

  static func item(_ container: ShellValue, _ key: ShellValue, _ interpreter: Interpreter) throws -> ShellValue {
    switch container {
    case .queryset(let query):
      guard case .data(.int(let index)) = key else {
        throw PythonError("TypeError", "QuerySet indices must be integers or slices, not \(key.typeName).")
      }
      guard index >= 0 else { throw PythonError("ValueError", "Negative indexing is not supported.") }
      guard index < Int64.max else { throw PythonError("IndexError", "list index out of range") }
      let rows = try interpreter.rows(of: try interpreter.orm { try query.slice(Int(index), Int(index) + 1) })
      guard let row = rows.first else { throw PythonError("IndexError", "list index out of range") }
      return row
    case .related(let related): return try item(.queryset(related.query), key, interpreter)
    case .dict(let dictionary):
      guard let value = dictionary[try hashable(key)] else { throw PythonError("KeyError", try hashable(key).repr) }
      return value
    case .data(.dict(let dictionary)):
      guard case .data(.text(let name)) = key, let value = dictionary[name] else {
        throw PythonError("KeyError", (try? hashable(key).repr) ?? "?")
      }
      return .data(value)
    default:
      let items = try iterate(container, interpreter)
      if case .bigInt = key { throw PythonError("IndexError", "cannot fit 'int' into an index-sized integer") }
      guard case .data(let data) = key, let raw = data.integer else {
        throw PythonError("TypeError", "\(container.typeName) indices must be integers or slices, not \(key.typeName)")
      }
      let index = raw < 0 ? Int(raw) + items.count : Int(raw)
      guard items.indices.contains(index) else {
        throw PythonError("IndexError", "\(container.typeName) index out of range")
      }
      if case .data(.text) = container { return items[index] }
      return items[index]
    }
  }

  static func slice(_ container: ShellValue, _ start: ShellValue?, _ stop: ShellValue?, _ step: ShellValue?, _ interpreter: Interpreter) throws -> ShellValue {
    func bound(_ value: ShellValue?) throws -> Int? {
      guard let value else { return nil }
      if case .data(.null) = value { return nil }
      // Python clamps slice bounds past any length.
      if case .bigInt(let number) = value { return number.negative ? Int.min / 2 : Int.max / 2 }
      guard case .data(let data) = value, let number = data.integer else {
        throw PythonError("TypeError", "slice indices must be integers or None")
      }
      return Int(number)
    }
    let low = try bound(start)
    let high = try bound(stop)
    let stride = try bound(step) ?? 1
    switch container {
    case .queryset(let query):
      guard stride == 1 else { throw PythonError("ValueError", "Step is not supported on a QuerySet slice.") }
      if (low ?? 0) < 0 || (high ?? 0) < 0 { throw PythonError("ValueError", "Negative indexing is not supported.") }
      return .queryset(try interpreter.orm { try query.slice(low ?? 0, high) })
    case .related(let related): return try slice(.queryset(related.query), start, stop, step, interpreter)
    default:
      let items = try iterate(container, interpreter)
      guard stride != 0 else { throw PythonError("ValueError", "slice step cannot be zero") }
      func clamp(_ value: Int?, _ fallback: Int) -> Int {
        guard let value else { return fallback }
        let adjusted = value < 0 ? value + items.count : value
        return min(max(adjusted, stride > 0 ? 0 : -1), stride > 0 ? items.count : items.count - 1)
      }
      var picked: [ShellValue] = []
      var index = clamp(low, stride > 0 ? 0 : items.count - 1)
      let end = clamp(high, stride > 0 ? items.count : -1)
      while stride > 0 ? index < end : index > end {
        picked.append(items[index])
        index += stride
      }
      switch container {
      case .data(.text): return .data(.text(picked.map { if case .data(.text(let c)) = $0 { c } else { "" } }.joined()))
      case .tuple, .data(.tuple): return .tuple(picked)
      default: return .list(picked)
      }
    }
  }

  // MARK: - Calls

  static func call(_ name: String, _ arguments: Arguments, _ interpreter: Interpreter) throws -> ShellValue {
    let args = arguments.positional
    switch name {
    case "Q":
      var parts: [Q] = []
      for value in args {
        guard case .q(let q) = value else { throw PythonError("TypeError", "Q() takes Q objects and keyword arguments, not \(value.typeName)") }
        parts.append(q)
      }
      // Django's Q sorts its keyword arguments by name.
      parts += try arguments.keywords.sorted(by: { $0.0 < $1.0 }).map { .condition($0.0, try interpreter.operand($0.1)) }
      return .q(parts.count == 1 ? parts[0] : .and(parts))
    case "F":
      try arguments.count(1...1, "F")
      try arguments.noKeywords("F")
      guard case .data(.text(let path)) = args[0] else { throw PythonError("TypeError", "F() takes a field name as a string") }
      return .expression(.field(path))
    case "Value":
      try arguments.count(1...1, "Value")
      return .expression(.value(try data(args[0], "Value()")))
    case "Count", "Sum", "Avg", "Min", "Max":
      try arguments.count(1...1, name)
      try arguments.allow(["distinct", "filter"], in: name)
      let argument: QueryExpression
      switch args[0] {
      case .data(.text(let path)): argument = .field(path)
      case .expression(let expression): argument = expression
      default: throw PythonError("TypeError", "\(name)() takes a field name or an F() expression, not \(args[0].typeName)")
      }
      var filter: Q?
      if let value = arguments.keyword("filter") {
        guard case .q(let q) = value else { throw PythonError("TypeError", "\(name)(filter=...) takes a Q object") }
        filter = q
      }
      let distinct = try arguments.keyword("distinct").map { try truth($0, interpreter) } ?? false
      return .aggregate(Aggregate(Aggregate.Function(rawValue: name)!, argument, distinct: distinct, filter: filter))
    case "date":
      try arguments.count(3...3, "date")
      try arguments.noKeywords("date")
      let parts = try args.map { try integer($0, "date") }
      return .data(.date(try interpreter.orm { try CivilDate(year: parts[0], month: parts[1], day: parts[2]) }))
    case "datetime":
      try arguments.count(3...7, "datetime")
      try arguments.allow(["tzinfo", "hour", "minute", "second", "microsecond"], in: "datetime")
      var parts = try args.map { try integer($0, "datetime") }
      while parts.count < 7 { parts.append(0) }
      for (index, key) in ["hour", "minute", "second", "microsecond"].enumerated() {
        if let value = arguments.keyword(key) { parts[3 + index] = try integer(value, "datetime") }
      }
      return .data(.datetime(try interpreter.orm {
        CivilDateTime(
          date: try CivilDate(year: parts[0], month: parts[1], day: parts[2]),
          time: try CivilTime(hour: parts[3], minute: parts[4], second: parts[5], microsecond: parts[6]))
      }))
    case "time":
      try arguments.count(0...4, "time")
      var parts = try args.map { try integer($0, "time") }
      while parts.count < 4 { parts.append(0) }
      return .data(.time(try interpreter.orm { try CivilTime(hour: parts[0], minute: parts[1], second: parts[2], microsecond: parts[3]) }))
    case "timedelta":
      try arguments.allow(["days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"], in: "timedelta")
      let units: [(String, Double)] = [
        ("days", 86_400_000_000), ("seconds", 1_000_000), ("microseconds", 1), ("milliseconds", 1000),
        ("minutes", 60_000_000), ("hours", 3_600_000_000), ("weeks", 604_800_000_000),
      ]
      var total = 0.0
      for (index, value) in args.enumerated() where index < 3 { total += try number(value, "timedelta") * units[index].1 }
      for (key, value) in arguments.keywords { total += try number(value, "timedelta") * units.first { $0.0 == key }!.1 }
      guard let micro = CheckedInteger(truncating: total.rounded())?.value else {
        let days = total.isFinite ? String(format: "%.0f", (total / 86_400_000_000).rounded(.towardZero)) : "\(total)"
        throw PythonError("OverflowError", "days=\(days); must have magnitude <= \(Int64.max / 86_400_000_000)")
      }
      return .data(.duration(micro))
    case "now":
      try arguments.count(0...0, "now")
      return .data(.datetime(CivilDateTime.now()))
    case "today":
      try arguments.count(0...0, "today")
      return .data(.date(CivilDateTime.now().date))
    case "Decimal":
      try arguments.count(1...1, "Decimal")
      let text: String
      switch args[0] {
      case .data(.text(let value)): text = value.trimmingCharacters(in: .whitespaces)
      case .data(.int(let value)): text = String(value)
      case .data(.double(let value)): text = String(value)
      case .data(.decimal(let value)): text = value
      case .bigInt(let value): text = try value.decimalText()
      default: throw PythonError("TypeError", "conversion from \(args[0].typeName) to Decimal is not supported")
      }
      guard Decimal(string: text) != nil, Double(text) != nil else {
        throw PythonError("decimal.InvalidOperation", "[<class 'decimal.ConversionSyntax'>]")
      }
      return .data(.decimal(text))
    case "UUID":
      try arguments.count(1...1, "UUID")
      guard case .data(.text(let text)) = args[0], let uuid = ModelValue.parseUUID(text) else {
        throw PythonError("ValueError", "badly formed hexadecimal UUID string")
      }
      return .data(.uuid(uuid))
    case "len":
      try arguments.count(1...1, "len")
      switch args[0] {
      case .queryset(let query): return .data(.int(Int64(try interpreter.rows(of: query).count)))
      case .data(.text(let text)): return .data(.int(Int64(text.count)))
      case .dict(let dictionary): return .data(.int(Int64(dictionary.keys.count)))
      case .data(.dict(let dictionary)): return .data(.int(Int64(dictionary.count)))
      case .list, .tuple, .data(.list), .data(.tuple), .related:
        return .data(.int(Int64(try iterate(args[0], interpreter).count)))
      default: throw PythonError("TypeError", "object of type '\(args[0].typeName)' has no len()")
      }
    case "list", "tuple", "sorted":
      try arguments.count(0...1, name)
      try arguments.allow(name == "sorted" ? ["reverse"] : [], in: name)
      var items = try args.first.map { try iterate($0, interpreter) } ?? []
      if name == "sorted" {
        var failure: Error?
        items.sort { a, b in
          do { return try Operators.compare("<", a, b, interpreter) } catch {
            failure = error
            return false
          }
        }
        if let failure { throw failure }
        if try arguments.keyword("reverse").map({ try truth($0, interpreter) }) == true { items.reverse() }
      }
      return name == "tuple" ? .tuple(items) : .list(items)
    case "dict":
      var dictionary = ShellDictionary()
      if let first = args.first {
        if case .dict(let existing) = first { dictionary = existing } else if case .data(.dict(let existing)) = first {
          for (key, value) in existing.pairs { dictionary[.text(key)] = .data(value) }
        } else {
          for pair in try iterate(first, interpreter) {
            let items = try iterate(pair, interpreter)
            guard items.count == 2 else { throw PythonError("ValueError", "dictionary update sequence element has length \(items.count); 2 is required") }
            dictionary[try hashable(items[0])] = items[1]
          }
        }
      }
      for (key, value) in arguments.keywords { dictionary[.text(key)] = value }
      return .dict(dictionary)
    case "str":
      try arguments.count(0...1, "str")
      return .data(.text(try args.first.map { try interpreter.str($0) } ?? ""))
    case "repr":
      try arguments.count(1...1, "repr")
      return .data(.text(try interpreter.repr(args[0])))
    case "int":
      try arguments.count(0...1, "int")
      guard let value = args.first else { return .data(.int(0)) }
      switch value {
      case .data(.int(let number)): return .data(.int(number))
      case .bigInt: return value
      case .data(.bool(let flag)): return .data(.int(flag ? 1 : 0))
      case .data(.double(let number)): return try integer(truncating: number)
      case .data(.decimal(let text)):
        let digits = text.split(separator: ".", maxSplits: 1).first.map(String.init) ?? text
        if let whole = try BigInteger(decimal: Substring(digits)) { return try .integer(whole) }
        return try integer(truncating: Double(text) ?? .nan)
      case .data(.text(let text)):
        guard let number = try BigInteger(decimal: Substring(text.trimmingCharacters(in: .whitespaces))) else {
          throw PythonError("ValueError", "invalid literal for int() with base 10: \(ModelValue.text(text).repr)")
        }
        return try .integer(number)
      default: throw PythonError("TypeError", "int() argument must be a string or a number, not '\(value.typeName)'")
      }
    case "float":
      try arguments.count(0...1, "float")
      guard let value = args.first else { return .data(.double(0)) }
      if case .data(.text(let text)) = value {
        guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else {
          throw PythonError("ValueError", "could not convert string to float: \(ModelValue.text(text).repr)")
        }
        return .data(.double(number))
      }
      return .data(.double(try number(value, "float")))
    case "bool":
      try arguments.count(0...1, "bool")
      return .data(.bool(try args.first.map { try truth($0, interpreter) } ?? false))
    case "print":
      try arguments.allow(["sep", "end"], in: "print")
      let separator = try arguments.keyword("sep").map { try interpreter.str($0) } ?? " "
      let end = try arguments.keyword("end").map { try interpreter.str($0) } ?? "\n"
      interpreter.printed(try args.map { try interpreter.str($0) }.joined(separator: separator) + end)
      return .none
    case "sum":
      try arguments.count(1...2, "sum")
      var total = args.count > 1 ? args[1] : .data(.int(0))
      for item in try iterate(args[0], interpreter) { total = try Operators.binary("+", total, item, interpreter) }
      return total
    case "min", "max":
      let items = args.count == 1 ? try iterate(args[0], interpreter) : args
      guard var best = items.first else { throw PythonError("ValueError", "\(name)() arg is an empty sequence") }
      for item in items.dropFirst() where try Operators.compare(name == "min" ? "<" : ">", item, best, interpreter) { best = item }
      return best
    case "abs":
      try arguments.count(1...1, "abs")
      if try Operators.compare("<", args[0], .data(.int(0)), interpreter) { return try Operators.unary("-", args[0], interpreter) }
      return args[0]
    case "round":
      try arguments.count(1...2, "round")
      if args[0].integerOperand != nil && args.count == 1 { return args[0] }
      let value = try number(args[0], "round")
      if args.count == 2 {
        let places = try integer(args[1], "round")
        // Past 10^±308 the scale is an infinity: every double is already that precise, or rounds to 0.
        guard value.isFinite, places < 308 else { return .data(.double(value)) }
        guard places > -308 else { return .data(.double(0 * value)) }
        let scale = pow(10.0, Double(places))
        return .data(.double((value * scale).rounded(.toNearestOrEven) / scale))
      }
      return try integer(truncating: value.rounded(.toNearestOrEven))
    case "range":
      try arguments.count(1...3, "range")
      let bounds = try args.map { try integer($0, "range") }
      let (start, stop, step) = bounds.count == 1 ? (0, bounds[0], 1) : (bounds[0], bounds[1], bounds.count == 3 ? bounds[2] : 1)
      guard step != 0 else { throw PythonError("ValueError", "range() arg 3 must not be zero") }
      let count = try ShellLimits.rangeCount(Int64(start), Int64(stop), Int64(step))
      return .list((0..<count).map { .data(.int(Int64(start) + Int64($0) * Int64(step))) })
    case "type":
      try arguments.count(1...1, "type")
      return .data(.text("<class '\(args[0].typeName)'>"))
    default:
      if let value = try ExpressionBuiltins.call(name, arguments, interpreter) { return value }
      throw PythonError("NameError", "name '\(name)' is not defined")
    }
  }

  static func integer(_ value: ShellValue, _ function: String) throws -> Int {
    if case .bigInt = value { throw PythonError("OverflowError", "Python int too large to convert to C long") }
    guard case .data(let data) = value, let number = data.integer else {
      throw PythonError("TypeError", "'\(value.typeName)' object cannot be interpreted as an integer")
    }
    return Int(number)
  }

  /// Python's int() of a float: exact at any size; OverflowError and ValueError for the
  /// infinities and NaN, with CPython's words.
  static func integer(truncating number: Double) throws -> ShellValue {
    if number.isNaN { throw PythonError("ValueError", "cannot convert float NaN to integer") }
    guard let whole = BigInteger(truncating: number) else { throw PythonError("OverflowError", "cannot convert float infinity to integer") }
    return try .integer(whole)
  }

  static func number(_ value: ShellValue, _ function: String) throws -> Double {
    switch value {
    case .data(.int(let number)): return Double(number)
    case .bigInt(let number):
      guard number.double.isFinite else { throw PythonError("OverflowError", "int too large to convert to float") }
      return number.double
    case .data(.double(let number)): return number
    case .data(.bool(let flag)): return flag ? 1 : 0
    case .data(.decimal(let text)): return Double(text) ?? 0
    default: throw PythonError("TypeError", "\(function)() argument must be a number, not '\(value.typeName)'")
    }
  }
}
