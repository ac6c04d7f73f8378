extension QueryCompiler {
  // MARK: - Expressions

  /// An annotation's SQL, compiled the first time it is needed (with the joins made last)
  /// and the same everywhere after.
  mutating func annotationFragment(_ name: String, _ expression: QueryExpression) throws -> Fragment {
    if let cached = annotationFragments[name] { return cached }
    let scope = joinScope
    let depth = negationDepth
    joinScope = nil
    negationDepth = 0
    defer {
      joinScope = scope
      negationDepth = depth
    }
    let fragment = try self.expression(expression)
    annotationFragments[name] = fragment
    return fragment
  }

  mutating func expression(_ expression: QueryExpression) throws -> Fragment {
    switch expression {
    case .field(let path):
      let resolved = try value(path)
      return Fragment(sql: resolved.sql, arguments: resolved.arguments)
    case .value(let value):
      if case .null = value { return Fragment(sql: "NULL") }
      if case .duration = value { return Fragment(sql: "?", arguments: [schema.dialect.durationArgument(try value.plainSQL(), for: .duration)]) }
      return Fragment(sql: "?", arguments: [try value.plainSQL()])
    case .binary(let op, let left, let right):
      let l = try self.expression(left)
      let r = try self.expression(right)
      return try numeric(Fragment(sql: "(\(l.sql) \(op.rawValue) \(r.sql))", arguments: l.arguments + r.arguments), expression)
    case .negated(let inner):
      let fragment = try self.expression(inner)
      return Fragment(sql: "(-\(fragment.sql))", arguments: fragment.arguments)
    case .aggregate(let aggregate):
      return try numeric(try aggregateCall(aggregate), expression)
    case .function(let function, let arguments):
      let compiled = try arguments.map { try self.expression($0) }
      var input = try arguments.first.flatMap { try outputField($0) }
      if input?.type.isRelation == true { input = nil }
      try function.check(input)
      let inputType = input?.type
      let sql = function.sql(compiled.map(\.sql), inputType: inputType, dialect: schema.dialect)
      return try numeric(Fragment(sql: sql, arguments: compiled.flatMap(\.arguments)), expression)
    case .cast(let inner, let field):
      let fragment = try self.expression(inner)
      return Fragment(sql: Self.castSQL(fragment.sql, to: field, dialect: schema.dialect), arguments: fragment.arguments)
    case .conditional(let whens, let otherwise):
      var sql = "CASE"
      var arguments: [SQLValue] = []
      for when in whens {
        let condition = try self.condition(when.condition)
        let result = try self.expression(when.result)
        sql += " WHEN \(condition.sql) THEN \(result.sql)"
        arguments += condition.arguments + result.arguments
      }
      let fallback = try otherwise.map { try self.expression($0) } ?? Fragment(sql: "NULL")
      sql += " ELSE \(fallback.sql) END"
      return try numeric(Fragment(sql: sql, arguments: arguments + fallback.arguments), expression)
    case .subquery(let query):
      let inner = try subquery(query)
      let compiled = try inner.compileSubquery(prefix: nextSubqueryPrefix(), scalar: true)
      return Fragment(sql: "(\(compiled.sql))", arguments: compiled.arguments)
    case .exists(let query):
      let inner = try subquery(query).slice(0, 1)
      var probe = inner
      probe.ordering = []
      let compiled = try probe.compile(prefix: nextSubqueryPrefix(), onlyPrimaryKey: true)
      return Fragment(sql: "EXISTS(\(compiled.sql))", arguments: compiled.arguments)
    case .outerReference(let path):
      if isValidating { return Fragment(sql: "NULL") }
      throw QueryError(
        "This queryset contains a reference to an outer query and may only be used in a subquery.",
        hint: "OuterRef(\(ModelValue.pythonString(path))) belongs inside Subquery(...) or Exists(...)", kind: "ValueError")
    case .window(let window):
      return try numeric(try self.window(window), expression)
    case .ordered(let inner, let descending):
      let fragment = try self.expression(inner)
      return Fragment(sql: fragment.sql + (descending ? " DESC" : " ASC"), arguments: fragment.arguments)
    case .predicate(let q):
      return try condition(q)
    case .compiled(let sql, let arguments, _):
      return Fragment(sql: sql, arguments: arguments)
    }
  }

  /// `COUNT(DISTINCT x)`, `SUM(CASE WHEN … THEN x END)`: an aggregate's call, uncast (a
  /// window puts OVER straight after it).
  mutating func aggregateCall(_ aggregate: Aggregate) throws -> Fragment {
    var argument: Fragment
    if case .field("*") = aggregate.argument {
      argument = Fragment(sql: aggregate.filter == nil ? "*" : "1")
    } else {
      argument = try self.expression(aggregate.argument)
    }
    if let filter = aggregate.filter {
      let condition = try self.condition(filter)
      argument = Fragment(
        sql: "CASE WHEN \(condition.sql) THEN \(argument.sql) ELSE NULL END",
        arguments: condition.arguments + argument.arguments)
    }
    let function = aggregate.function == .avg ? "AVG" : aggregate.function.rawValue.uppercased()
    return Fragment(sql: "\(function)(\(aggregate.distinct ? "DISTINCT " : "")\(argument.sql))", arguments: argument.arguments)
  }

  /// Django's SQLiteNumericMixin: an expression whose values are decimals is cast to NUMERIC,
  /// so comparing it with a bound decimal (text) compares numbers, not text with a number.
  private mutating func numeric(_ fragment: Fragment, _ expression: QueryExpression) throws -> Fragment {
    // As Django's mixin, a type that cannot be inferred (mixed sources) is not an error yet:
    // it is when the values are read.
    // PostgreSQL's numeric arithmetic needs no mixin.
    guard !schema.dialect.isPostgreSQL, (try? outputField(expression))??.type == .decimal else { return fragment }
    return Fragment(sql: "(CAST(\(fragment.sql) AS NUMERIC))", arguments: fragment.arguments)
  }

  /// Django's Cast on SQLite: `date()` for dates, `strftime` for datetimes and times (CAST
  /// would drop their fractional seconds), CAST with the column type otherwise.
  static func castSQL(_ sql: String, to field: FieldSchema, dialect: SQLDialect = SQLDialect(.sqlite)) -> String {
    if dialect.isPostgreSQL {
      // Django's PostgreSQL Cast: `(x)::type` with the column's own type name.
      let type: String = switch field.type {
      case .date: "date"
      case .datetime: "timestamp with time zone"
      case .time: "time"
      case .char, .slug, .email, .url: field.maxLength.map { "varchar(\($0))" } ?? "varchar"
      case .text: "text"
      case .float: "double precision"
      case .decimal: field.maxDigits.map { "numeric(\($0), \(field.decimalPlaces ?? 0))" } ?? "numeric"
      case .boolean: "boolean"
      case .json: "jsonb"
      case .bigInteger, .bigAuto, .positiveBigInteger: "bigint"
      case .smallInteger, .positiveSmallInteger: "smallint"
      case .uuid: "uuid"
      case .duration: "interval"
      case .binary: "bytea"
      default: "integer"
      }
      return "(\(sql))::\(type)"
    }
    return switch field.type {
    case .date: "date(\(sql))"
    case .datetime: "strftime('%Y-%m-%d %H:%M:%f', \(sql))"
    case .time: "strftime('%H:%M:%f', \(sql))"
    case .char, .slug, .email, .url:
      field.maxLength.map { "CAST(\(sql) AS varchar(\($0)))" } ?? "CAST(\(sql) AS text)"
    case .text: "CAST(\(sql) AS text)"
    case .float: "CAST(\(sql) AS real)"
    case .decimal: "CAST(\(sql) AS NUMERIC)"
    case .boolean: "CAST(\(sql) AS bool)"
    case .json: "JSON(\(sql))"
    default: "CAST(\(sql) AS integer)"
    }
  }

  private mutating func nextSubqueryPrefix() -> String {
    subqueryCount += 1
    return aliasPrefix + "q\(subqueryCount)"
  }

  /// A query as the right-hand side of `in`: its OuterRefs resolved here.
  mutating func subqueryOperand(_ query: QuerySet) throws -> Fragment {
    try subquery(query).compileSubquery(prefix: nextSubqueryPrefix())
  }

  /// The query with each `OuterRef` replaced by this query's SQL for it.
  private mutating func subquery(_ query: QuerySet) throws -> QuerySet {
    var resolved: [String: QueryExpression] = [:]
    for path in query.outerReferencePaths() where resolved[path] == nil {
      let fragment = try value(path)
      resolved[path] = .compiled(sql: fragment.sql, arguments: fragment.arguments, field: valueField(fragment.field))
    }
    return query.replacingOuterReferences(resolved)
  }

  private mutating func window(_ window: Window) throws -> Fragment {
    var arguments: [SQLValue] = []
    let call: String
    func compile(_ expression: QueryExpression) throws -> String {
      let fragment = try self.expression(expression)
      arguments += fragment.arguments
      return fragment.sql
    }
    switch window.function {
    case .rowNumber: call = "ROW_NUMBER()"
    case .rank: call = "RANK()"
    case .denseRank: call = "DENSE_RANK()"
    case .percentRank: call = "PERCENT_RANK()"
    case .cumeDist: call = "CUME_DIST()"
    case .lag(let inner, let offset, let fallback), .lead(let inner, let offset, let fallback):
      var parts = [try compile(inner), String(offset)]
      if let fallback { parts.append(try compile(fallback)) }
      if case .lag = window.function { call = "LAG(\(parts.joined(separator: ", ")))" } else { call = "LEAD(\(parts.joined(separator: ", ")))" }
    case .firstValue(let inner): call = "FIRST_VALUE(\(try compile(inner)))"
    case .lastValue(let inner): call = "LAST_VALUE(\(try compile(inner)))"
    case .aggregate(let aggregate):
      let fragment = try aggregateCall(aggregate)
      arguments += fragment.arguments
      call = fragment.sql
    }
    var over: [String] = []
    if !window.partitionBy.isEmpty { over.append("PARTITION BY " + (try window.partitionBy.map(compile)).joined(separator: ", ")) }
    if !window.orderBy.isEmpty {
      over.append("ORDER BY " + (try window.orderBy.map { item -> String in
        if case .ordered = item { return try compile(item) }
        return try compile(.ordered(item, descending: false))
      }).joined(separator: ", "))
    }
    return Fragment(sql: "\(call) OVER (\(over.joined(separator: " ")))", arguments: arguments)
  }

  // MARK: - Output fields

  /// What an expression's values are, so results convert by type (a Sum of a decimal field
  /// is a decimal; a Count an integer).
  mutating func outputField(_ expression: QueryExpression) throws -> FieldSchema? {
    let field = try declaredField(expression)
    // Django's SQLite decimal converter quantizes a column's values to its decimal places,
    // and reads any other expression's (a Sum, a Max, arithmetic) as a float through a
    // 15-digit context: Decimal("8227.08999999999"), not Decimal("8227.09").
    switch expression {
    case .field, .compiled: return field
    default:
      guard var computed = field, computed.type == .decimal else { return field }
      computed.decimalPlaces = nil
      computed.maxDigits = nil
      return computed
    }
  }

  private mutating func declaredField(_ expression: QueryExpression) throws -> FieldSchema? {
    switch expression {
    case .field(let path):
      if path == "*" { return nil }
      var copy = self
      return try copy.value(path).field.map { $0.type.isRelation ? (valueField($0) ?? $0) : $0 }
    case .value: return nil
    case .binary(_, let left, let right):
      let l = try outputField(left)
      let r = try outputField(right)
      // Date arithmetic and mixed types are left raw; like types keep their type.
      if let l, let r, l.type == r.type, l.type != .date, l.type != .datetime { return l }
      if let l, let r, l.type.isInteger || r.type.isInteger, l.type == .decimal || r.type == .decimal {
        return l.type == .decimal ? l : r
      }
      if let l, r == nil, l.type.isInteger || l.type == .decimal || l.type == .float { return l }
      if let r, l == nil, r.type.isInteger || r.type == .decimal || r.type == .float, case .value = left { return r }
      return nil
    case .negated(let inner), .ordered(let inner, _): return try outputField(inner)
    case .aggregate(let aggregate):
      switch aggregate.function {
      case .count: return FieldSchema(name: "count", type: .integer)
      case .avg:
        // Django: Avg of integers is a float, of decimals a decimal.
        let source = try outputField(aggregate.argument)
        if let source, source.type == .decimal || source.type == .duration { return source }
        return FieldSchema(name: "avg", type: .float)
      case .sum, .min, .max:
        if case .field("*") = aggregate.argument { return nil }
        return try outputField(aggregate.argument)
      }
    case .function(let function, let arguments):
      switch function {
      case .length: return FieldSchema(name: "length", type: .integer)
      case .now: return FieldSchema(name: "now", type: .datetime)
      case .extract: return FieldSchema(name: "extract", type: .integer)
      case .trunc(let unit):
        guard let source = try arguments.first.flatMap({ try outputField($0) }) else { return FieldSchema(name: "trunc", type: .datetime) }
        return FieldSchema(name: "trunc", type: unit.outputType(for: source.type))
      case .concat:
        return try commonField(arguments, typingValues: true) ?? FieldSchema(name: "concat", type: .char)
      case .lower, .upper, .abs, .coalesce:
        return try commonField(arguments, typingValues: true)
      }
    case .cast(_, let field): return field
    case .conditional(let whens, let otherwise):
      return try commonField(whens.map(\.result) + (otherwise.map { [$0] } ?? []), typingValues: true)
    case .subquery(let query):
      return try query.compileSubquery(prefix: "probe", scalar: true, validating: true).field
    case .exists, .predicate: return FieldSchema(name: "exists", type: .boolean)
    case .outerReference: return nil
    case .window(let window):
      switch window.function {
      case .rowNumber, .rank, .denseRank: return FieldSchema(name: "rank", type: .integer)
      case .percentRank, .cumeDist: return FieldSchema(name: "rank", type: .float)
      case .lag(let inner, _, _), .lead(let inner, _, _), .firstValue(let inner), .lastValue(let inner): return try outputField(inner)
      case .aggregate(let aggregate): return try outputField(.aggregate(aggregate))
      }
    case .compiled(_, _, let field): return field
    }
  }

  /// Django's `_resolve_output_field` for functions and Case: the sources' one type, or
  /// FieldError when they mix (`Coalesce("title", "pages")`). Value()s count by their type.
  private mutating func commonField(_ sources: [QueryExpression], typingValues: Bool) throws -> FieldSchema? {
    var fields: [FieldSchema] = []
    for source in sources {
      if case .value(let value) = source {
        if typingValues, let type = value.impliedFieldType { fields.append(FieldSchema(name: "value", type: type)) }
      } else if let field = try outputField(source) {
        fields.append(field)
      }
    }
    guard let first = fields.first else { return nil }
    for field in fields.dropFirst() where !first.type.isDjangoInstance(of: field.type) {
      throw QueryError(
        "Expression contains mixed types: \(first.type.djangoName), \(field.type.djangoName). You must set output_field.",
        kind: "FieldError")
    }
    return first
  }
}

extension FieldType {
  /// Python's `isinstance(self_field, other_field.__class__)` over Django's field classes.
  func isDjangoInstance(of other: FieldType) -> Bool {
    var current: FieldType? = self
    while let type = current {
      if type == other { return true }
      current = type.djangoParent
    }
    return false
  }

  /// The Django field class each one subclasses, among these.
  private var djangoParent: FieldType? {
    switch self {
    case .auto, .bigInteger, .smallInteger, .positiveInteger, .positiveSmallInteger, .positiveBigInteger: .integer
    case .bigAuto: .bigInteger
    case .slug, .email, .url: .char
    case .datetime: .date
    default: nil
    }
  }
}

extension ModelValue {
  /// The field Django's Value() infers for a Python value (`Value(1)` is an IntegerField).
  var impliedFieldType: FieldType? {
    switch self {
    case .int: .integer
    case .bool: .boolean
    case .double: .float
    case .decimal: .decimal
    case .text: .char
    case .date: .date
    case .datetime: .datetime
    case .time: .time
    case .duration: .duration
    case .uuid: .uuid
    case .bytes: .binary
    default: nil
    }
  }
}
