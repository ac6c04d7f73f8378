import ManageCore

/// Django's query expressions beyond Q, F and the aggregates: database functions, Case and
/// When, Cast with field instances, Subquery, Exists and OuterRef, and window functions.
/// Strings name fields (Django's `_parse_expressions`), other data becomes Value().
enum ExpressionBuiltins {
  static let fieldClasses: [String: FieldType] = [
    "IntegerField": .integer, "BigIntegerField": .bigInteger, "SmallIntegerField": .smallInteger,
    "PositiveIntegerField": .positiveInteger, "PositiveSmallIntegerField": .positiveSmallInteger,
    "PositiveBigIntegerField": .positiveBigInteger, "FloatField": .float, "DecimalField": .decimal, "CharField": .char,
    "TextField": .text, "BooleanField": .boolean, "DateField": .date, "DateTimeField": .datetime, "TimeField": .time,
    "DurationField": .duration, "JSONField": .json, "UUIDField": .uuid,
  ]

  static let windowFunctions: Set<String> = [
    "RowNumber", "Rank", "DenseRank", "PercentRank", "CumeDist", "Lag", "Lead", "FirstValue", "LastValue",
  ]

  static let others: Set<String> = [
    "Cast", "Case", "When", "Subquery", "Exists", "OuterRef", "Window", "ExpressionWrapper", "Extract", "Trunc",
  ]

  /// Every name this adds to `models.` (field classes included, as `models.IntegerField()`).
  static let names: Set<String> = Set(DatabaseFunction.byName.keys).union(fieldClasses.keys).union(windowFunctions).union(others)

  /// The names in the shell's global scope: the expressions, not the field classes (which
  /// Django users write as `models.IntegerField()`, and which would crowd Tab completion).
  static let globalNames: Set<String> = Set(DatabaseFunction.byName.keys).union(windowFunctions).union(others)

  /// What `functions.` (django.db.models.functions) holds.
  static let functionNames: [String] = (Array(DatabaseFunction.byName.keys) + ["Cast", "Extract", "Trunc"] + Array(windowFunctions)).sorted()

  /// An argument as an expression: a string names a field, data is a Value.
  static func expression(_ value: ShellValue, _ function: String) throws -> QueryExpression {
    switch value {
    case .data(let data): return QueryExpression.parse(data)
    case .expression(let expression): return expression
    case .aggregate(let aggregate): return .aggregate(aggregate)
    case .q(let q): return .predicate(q)
    case .queryset(let query): return .subquery(query)
    default: throw PythonError("TypeError", "\(function)() cannot take a \(value.typeName) as an expression")
    }
  }

  static func call(_ name: String, _ arguments: Arguments, _ interpreter: Interpreter) throws -> ShellValue? {
    let args = arguments.positional
    if let type = fieldClasses[name] {
      try arguments.count(0...0, name)
      try arguments.allow(["max_length", "max_digits", "decimal_places", "null", "blank"], in: name)
      var field = FieldSchema(name: name, type: type)
      if let length = arguments.keyword("max_length") { field.maxLength = try Builtins.integer(length, name) }
      if let places = arguments.keyword("decimal_places") { field.decimalPlaces = try Builtins.integer(places, name) }
      if let digits = arguments.keyword("max_digits") { field.maxDigits = try Builtins.integer(digits, name) }
      return .field(field)
    }
    if let function = DatabaseFunction.byName[name] {
      try arguments.allow(["output_field"], in: name)
      guard function.arity.contains(args.count) else {
        if function == .concat { throw PythonError("ValueError", "Concat must take at least two expressions") }
        if function == .coalesce { throw PythonError("ValueError", "Coalesce must take at least two expressions") }
        throw PythonError("TypeError", "\(name).__init__() takes \(function.arity.lowerBound + 1) positional arguments but \(args.count + 1) were given")
      }
      let call = QueryExpression.function(function, try args.map { try self.expression($0, name) })
      if let output = arguments.keyword("output_field") { return .expression(.cast(call, try field(output, name))) }
      return .expression(call)
    }
    switch name {
    case "Extract", "Trunc":
      try arguments.count(2...2, name)
      try arguments.allow(["output_field", "tzinfo"], in: name)
      guard case .data(.text(let kind)) = args[1] else { throw PythonError("TypeError", "\(name)() takes the unit as a string") }
      let source = try expression(args[0], name)
      if name == "Extract" {
        guard let part = Transform(rawValue: kind), part != .date, part != .time else {
          throw PythonError("ValueError", "Extract requires native DurationField database support.")
        }
        return .expression(.function(.extract(part), [source]))
      }
      guard let unit = TruncUnit(rawValue: kind) else { throw PythonError("ValueError", "Unsupported kind '\(kind)' for Trunc") }
      return .expression(.function(.trunc(unit), [source]))
    case "Cast":
      try arguments.count(1...2, name)
      try arguments.allow(["output_field"], in: name)
      guard let output = args.count == 2 ? args[1] : arguments.keyword("output_field") else {
        throw PythonError("TypeError", "Cast.__init__() missing 1 required positional argument: 'output_field'")
      }
      return .expression(.cast(try expression(args[0], name), try field(output, name)))
    case "ExpressionWrapper":
      try arguments.count(1...2, name)
      try arguments.allow(["output_field"], in: name)
      let inner = try expression(args[0], name)
      guard let output = args.count == 2 ? args[1] : arguments.keyword("output_field") else { return .expression(inner) }
      return .expression(.cast(inner, try field(output, name)))
    case "When":
      try arguments.allow(Set(arguments.keywords.map(\.0)), in: name)
      var conditions: [Q] = []
      for value in args {
        switch value {
        case .q(let q): conditions.append(q)
        case .expression(let expression): conditions.append(.expression(expression))
        default: throw PythonError("TypeError", "When() supports a Q object, a boolean expression, or lookups as a condition.")
        }
      }
      for (key, value) in arguments.keywords where key != "then" { conditions.append(.condition(key, try interpreter.operand(value))) }
      guard !conditions.isEmpty else { throw PythonError("TypeError", "When() supports a Q object, a boolean expression, or lookups as a condition.") }
      guard let then = arguments.keyword("then") else { throw PythonError("TypeError", "When() missing 'then'") }
      let condition = conditions.count == 1 ? conditions[0] : .and(conditions)
      if condition.isEmpty { throw PythonError("ValueError", "An empty Q() can't be used as a When() condition.") }
      return .when(When(condition, then: try expression(then, name)))
    case "Case":
      try arguments.allow(["default", "output_field"], in: name)
      let whens = try args.map { value -> When in
        guard case .when(let when) = value else { throw PythonError("TypeError", "Positional arguments must all be When objects.") }
        return when
      }
      let otherwise = try arguments.keyword("default").map { try self.expression($0, name) }
      let conditional = QueryExpression.conditional(whens, otherwise: otherwise)
      if let output = arguments.keyword("output_field") { return .expression(.cast(conditional, try field(output, name))) }
      return .expression(conditional)
    case "OuterRef":
      try arguments.count(1...1, name)
      guard case .data(.text(let path)) = args[0] else { throw PythonError("TypeError", "OuterRef() takes a field name") }
      return .expression(.outerReference(path))
    case "Subquery", "Exists":
      try arguments.count(1...1, name)
      try arguments.allow(["output_field"], in: name)
      let query = try interpreter.querySet(args[0])
      return .expression(name == "Exists" ? .exists(query) : .subquery(query))
    case "Window":
      try arguments.allow(["expression", "partition_by", "order_by", "frame"], in: name)
      if arguments.keyword("frame") != nil { throw PythonError("NotSupportedError", "Window frames are not supported by manage yet.") }
      guard let source = args.first ?? arguments.keyword("expression") else {
        throw PythonError("TypeError", "Window.__init__() missing 1 required positional argument: 'expression'")
      }
      let function: Window.Function
      switch source {
      case .expression(.window(let window)): function = window.function
      case .aggregate(let aggregate): function = .aggregate(aggregate)
      default: throw PythonError("ValueError", "Expression '\(source.typeName)' isn't compatible with OVER clauses.")
      }
      let partition = try arguments.keyword("partition_by").map { try list($0).map { try expression($0, name) } } ?? []
      let order = try arguments.keyword("order_by").map { try list($0).map { try ordering($0) } } ?? []
      return .expression(.window(Window(function, partitionBy: partition, orderBy: order)))
    case "RowNumber", "Rank", "DenseRank", "PercentRank", "CumeDist":
      try arguments.count(0...0, name)
      let function: Window.Function
      switch name {
      case "RowNumber": function = .rowNumber
      case "Rank": function = .rank
      case "DenseRank": function = .denseRank
      case "PercentRank": function = .percentRank
      default: function = .cumeDist
      }
      return .expression(.window(Window(function)))
    case "Lag", "Lead":
      try arguments.count(1...3, name)
      try arguments.allow(["offset", "default"], in: name)
      let source = try expression(args[0], name)
      let offsetValue = args.count > 1 ? args[1] : arguments.keyword("offset")
      let offset = try offsetValue.map { try Builtins.integer($0, name) } ?? 1
      if offset <= 0 { throw PythonError("ValueError", "\(name) requires a positive integer for the offset.") }
      let fallbackValue = args.count > 2 ? args[2] : arguments.keyword("default")
      let fallback = try fallbackValue.flatMap { value -> QueryExpression? in
        if case .data(.null) = value { return nil }
        return try expression(value, name)
      }
      return .expression(.window(Window(name == "Lag" ? .lag(source, offset: offset, default: fallback) : .lead(source, offset: offset, default: fallback))))
    case "FirstValue", "LastValue":
      try arguments.count(1...1, name)
      let source = try expression(args[0], name)
      return .expression(.window(Window(name == "FirstValue" ? .firstValue(source) : .lastValue(source))))
    default:
      return nil
    }
  }

  /// An `order_by` item of a window: `"-pages"`, `F("pages").desc()`, an expression.
  static func ordering(_ value: ShellValue) throws -> QueryExpression {
    if case .data(.text(let text)) = value {
      return text.hasPrefix("-") ? .ordered(.field(String(text.dropFirst())), descending: true) : .ordered(.field(text), descending: false)
    }
    return try expression(value, "order_by")
  }

  private static func list(_ value: ShellValue) throws -> [ShellValue] {
    switch value {
    case .list(let items), .tuple(let items): items
    default: [value]
    }
  }

  private static func field(_ value: ShellValue, _ function: String) throws -> FieldSchema {
    guard case .field(let field) = value else {
      throw PythonError("TypeError", "\(function)() output_field must be a field instance such as IntegerField(), not \(value.typeName)")
    }
    return field
  }
}
