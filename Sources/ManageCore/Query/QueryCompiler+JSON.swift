/// Lookups on JSONField columns, as Django's SQLite backend writes them: key transforms
/// (`meta__lang`, `meta__tags__0`) read with JSON_TYPE/JSON_EXTRACT, `has_key`, `has_keys`
/// and `has_any_keys` with JSON_TYPE, and `=None` meaning JSON's null, not SQL's NULL.
extension QueryCompiler {
  /// The lookup names a key transform takes; any other name is one more key.
  static let jsonKeyLookups: Set<String> = [
    "exact", "iexact", "contains", "icontains", "in", "gt", "gte", "lt", "lte", "startswith", "istartswith", "endswith",
    "iendswith", "range", "isnull", "regex", "iregex", "has_key", "has_keys", "has_any_keys", "contained_by",
  ]

  /// Django's `compile_json_path`: `$."key"[0]`, a key that Python's int() reads being an
  /// array index (negative ones from the end, `[#-1]`); keys are JSON strings (ASCII escapes).
  static func jsonPath(_ keys: some Collection<String>, root: Bool = true, lastAsKey: Bool = false) -> String {
    var path = root ? "$" : ""
    for (index, key) in keys.enumerated() {
      if !(lastAsKey && index == keys.count - 1), let number = pythonInteger(key) {
        path += number.hasPrefix("-") ? "[#\(number)]" : "[\(number)]"
      } else {
        path += "." + ModelValue.jsonQuote(key, asciiOnly: true)
      }
    }
    return path
  }

  /// What Python's int() makes of a key, as decimal digits (any length: an index past 64
  /// bits is still an index, matching nothing): optional sign and surrounding spaces, digits
  /// with single underscores between them; nil when it is not an integer.
  static func pythonInteger(_ text: String) -> String? {
    var trimmed = Substring(text.trimmingCharacters(in: .whitespaces))
    var negative = false
    if let sign = trimmed.first, sign == "-" || sign == "+" {
      negative = sign == "-"
      trimmed = trimmed.dropFirst()
    }
    guard let first = trimmed.first, first.isASCII, first.isNumber, trimmed.last != "_", !trimmed.contains("__") else { return nil }
    let digits = trimmed.replacingOccurrences(of: "_", with: "")
    guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    let significant = String(digits.drop { $0 == "0" })
    if significant.isEmpty { return "0" }
    return (negative ? "-" : "") + significant
  }

  /// The SQL of a key transform's value: JSON's true, false and null as those words,
  /// everything else as JSON_EXTRACT gives it.
  static func keyValueSQL(_ column: String) -> String {
    "(CASE WHEN JSON_TYPE(\(column), ?) IN ('null', 'false', 'true') THEN JSON_TYPE(\(column), ?) ELSE JSON_EXTRACT(\(column), ?) END)"
  }

  /// Splits what follows a JSON field into keys and the final lookup.
  static func splitJSONPath(_ rest: ArraySlice<String>) -> (keys: [String], lookup: String) {
    guard let last = rest.last else { return ([], "exact") }
    if jsonKeyLookups.contains(last) { return (Array(rest.dropLast()), last) }
    return (Array(rest), "exact")
  }

  /// `Python's json.dumps(value)` as the right-hand side of a JSON comparison: `?` bound to
  /// the words true/false/null, JSON_EXTRACT(?, '$') to anything else.
  private static func jsonOperand(_ value: ModelValue) -> (String, SQLValue) {
    let text = value.pythonJSONText
    if ["null", "true", "false"].contains(text) { return ("?", .text(text)) }
    return ("JSON_EXTRACT(?, '$')", .text(text))
  }

  /// A condition on a JSON column `column`, with `keys` walked and `lookup` applied.
  mutating func jsonCondition(_ column: String, _ prefixArguments: [SQLValue], keys: [String], lookup name: String, _ operand: Operand, path: String) throws -> Fragment {
    if schema.dialect.isPostgreSQL {
      return try postgresJSONCondition(column, prefixArguments, keys: keys, lookup: name, operand, path: path)
    }
    if name == "contains" || name == "contained_by" {
      throw QueryError("\(name) lookup is not supported on this database backend.", kind: "NotSupportedError")
    }
    if name == "has_key" || name == "has_keys" || name == "has_any_keys" {
      guard case .value(let value) = operand else { throw QueryError("\(name) takes key names") }
      let names: [String]
      switch value {
      case .list(let items), .tuple(let items):
        guard name != "has_key" else { return Fragment(sql: "JSON_TYPE(\(column), ?) IS NOT NULL", arguments: prefixArguments + [.text(Self.jsonPath(keys + [value.plain], lastAsKey: true))]) }
        names = items.map(\.plain)
      default:
        names = [value.plain]
      }
      if names.isEmpty { return Fragment(sql: name == "has_keys" ? "1 = 1" : "0 = 1") }
      let parts = names.map { _ in "JSON_TYPE(\(column), ?) IS NOT NULL" }
      let arguments = names.flatMap { prefixArguments + [SQLValue.text(Self.jsonPath(keys + [$0], lastAsKey: true))] }
      return Fragment(sql: names.count == 1 ? parts[0] : "(" + parts.joined(separator: name == "has_keys" ? " AND " : " OR ") + ")", arguments: arguments)
    }
    guard let lookup = Lookup(rawValue: name) else { throw QueryError("Unsupported lookup '\(name)' for JSONField", hint: "in '\(path)'") }
    let keyPath = SQLValue.text(Self.jsonPath(keys))
    if keys.isEmpty {
      // The column itself: `=None` is JSON null (Django's deprecated but current meaning);
      // `isnull` is SQL NULL; other values compare as Python's json.dumps writes them.
      switch (lookup, operand) {
      case (.exact, .value(let value)):
        return Fragment(sql: "\(column) = ?", arguments: prefixArguments + [.text(value.pythonJSONText)])
      case (.isnull, .value(let value)):
        return try Fragment(sql: lookup.sql(column, .one(.integer(value.isTruthy ? 1 : 0)), schema.dialect).0, arguments: prefixArguments)
      case (.in, _):
        break  // Django's JSONIn reads the whole document as a key at "$", below.
      case (_, .value(let item)):
        // Text lookups on the whole document read its JSON text.
        let (sql, arguments) = try lookup.sql(column, .one(.text(item.plain)), schema.dialect)
        return Fragment(sql: sql, arguments: prefixArguments + arguments)
      default:
        break
      }
    }
    let value = Self.keyValueSQL(column)
    let valueArguments = prefixArguments + [keyPath] + prefixArguments + [keyPath] + prefixArguments + [keyPath]
    switch operand {
    case .value(let item):
      switch lookup {
      case .isnull:
        guard case .bool(let flag) = item else { throw QueryError("The QuerySet value for an isnull lookup must be True or False.") }
        return Fragment(sql: "JSON_TYPE(\(column), ?) IS \(flag ? "" : "NOT ")NULL", arguments: prefixArguments + [keyPath])
      case .exact:
        let (right, argument) = Self.jsonOperand(item)
        return Fragment(sql: "\(value) = \(right)", arguments: valueArguments + [argument])
      case .in:
        guard case .list(let items) = item.asList else { throw QueryError("The 'in' lookup takes a list or tuple, not \(item.typeName).") }
        if items.isEmpty { return Fragment(sql: "0 = 1") }
        let right = items.map(Self.jsonOperand)
        return Fragment(sql: "\(value) IN (\(right.map(\.0).joined(separator: ", ")))", arguments: valueArguments + right.map(\.1))
      case .gt, .gte, .lt, .lte, .range:
        // Django's KeyTransformNumericLookupMixin: the value as JSON would read it back, so an
        // int past 64 bits reaches sqlite3 as one (its OverflowError).
        func bound(_ value: ModelValue) throws -> SQLValue {
          if case .decimal(let text) = value, let checked = CheckedInteger(parsing: text), checked == .above || checked == .below {
            throw QueryError.integerOverflow
          }
          return try value.plainSQL()
        }
        let list: SQLValueList
        if lookup == .range {
          guard case .list(let items) = item.asList else { throw QueryError("range takes two values") }
          list = .many(try items.map(bound))
        } else {
          if case .null = item { throw QueryError("Cannot use None as a query value with the '\(lookup.rawValue)' lookup.", kind: "ValueError") }
          list = .one(try bound(item))
        }
        let (sql, arguments) = try lookup.sql(value, list, schema.dialect)
        return Fragment(sql: sql, arguments: valueArguments + arguments)
      default:
        if case .null = item {
          if lookup == .iexact {
            let (right, argument) = Self.jsonOperand(.null)
            return Fragment(sql: "\(value) = \(right)", arguments: valueArguments + [argument])
          }
          throw QueryError("Cannot use None as a query value with the '\(lookup.rawValue)' lookup.", kind: "ValueError")
        }
        let (sql, arguments) = try lookup.sql(value, .one(.text(item.plain)), schema.dialect)
        return Fragment(sql: sql, arguments: valueArguments + arguments)
      }
    case .expression(let expression):
      let right = try self.expression(expression)
      let comparison = try lookup.comparisonOperator
      return Fragment(sql: "\(value) \(comparison) (\(right.sql))", arguments: valueArguments + right.arguments)
    case .subquery(let query):
      let inner = try subqueryOperand(query)
      return Fragment(sql: "\(value) IN (\(inner.sql))", arguments: valueArguments + inner.arguments)
    }
  }
}

extension ModelValue {
  /// Lists and tuples as a list; anything else as itself.
  var asList: ModelValue {
    switch self {
    case .list: self
    case .tuple(let items): .list(items)
    default: self
    }
  }
}
