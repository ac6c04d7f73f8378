/// Lookups on JSONField columns as Django's PostgreSQL backend writes them on `jsonb`
/// (django/db/models/fields/json.py, `as_postgresql`): `->` and `#>` key transforms compared
/// as jsonb with the value Python's json.dumps writes, `->>` for the text lookups, `@>`/`<@`
/// for contains/contained_by, and the key-existence operators (written as jsonb_exists,
/// jsonb_exists_all and jsonb_exists_any, the functions behind `?`, `?&` and `?|`, since `?` is
/// manage's placeholder).
extension QueryCompiler {
  /// The key transform of `column`: `(col -> 'k')`, `(col -> 0)` for an index, `(col #> '{a,b}')`
  /// for a path; `->>`/`#>>` when `text`.
  static func postgresKeyTransform(_ column: String, _ keys: [String], text: Bool) -> (String, [SQLValue]) {
    guard !keys.isEmpty else { return (column, []) }
    if keys.count == 1 {
      let arrow = text ? "->>" : "->"
      if let index = pythonInteger(keys[0]), let number = Int64(index) { return ("(\(column) \(arrow) \(number))", []) }
      return ("(\(column) \(arrow) ?)", [.text(keys[0])])
    }
    return ("(\(column) \(text ? "#>>" : "#>") ?::text[])", [.text(postgresTextArray(keys))])
  }

  /// A text[] literal: `{"a","b"}` with `"` and `\\` escaped.
  static func postgresTextArray(_ items: [String]) -> String {
    "{" + items.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
  }

  mutating func postgresJSONCondition(
    _ column: String, _ prefixArguments: [SQLValue], keys: [String], lookup name: String, _ operand: Operand, path: String
  ) throws -> Fragment {
    let (keyed, keyedArguments) = Self.postgresKeyTransform(column, keys, text: false)
    let jsonArguments = prefixArguments + keyedArguments
    func json(_ value: ModelValue) -> SQLValue {
      // The shell holds an int past 64 bits as digits; json.dumps writes it as a number.
      if case .decimal(let text) = value, let checked = CheckedInteger(parsing: text), checked == .above || checked == .below,
         text.allSatisfy({ $0 == "-" || ($0.isASCII && $0.isNumber) })
      {
        return .text(text)
      }
      return .text(value.pythonJSONText)
    }
    if name == "has_key" || name == "has_keys" || name == "has_any_keys" {
      guard case .value(let value) = operand else { throw QueryError("\(name) takes key names") }
      let names: [String] = if case .list(let items) = value.asList, name != "has_key" { items.map(\.plain) } else { [value.plain] }
      switch name {
      case "has_key": return Fragment(sql: "jsonb_exists(\(keyed), ?)", arguments: jsonArguments + [.text(names[0])])
      case "has_keys": return Fragment(sql: "jsonb_exists_all(\(keyed), ?::text[])", arguments: jsonArguments + [.text(Self.postgresTextArray(names))])
      default: return Fragment(sql: "jsonb_exists_any(\(keyed), ?::text[])", arguments: jsonArguments + [.text(Self.postgresTextArray(names))])
      }
    }
    if name == "contains" || name == "contained_by" {
      guard case .value(let value) = operand else { throw QueryError("\(name) takes a value") }
      return Fragment(sql: "\(keyed) \(name == "contains" ? "@>" : "<@") ?::jsonb", arguments: jsonArguments + [json(value)])
    }
    guard let lookup = Lookup(rawValue: name) else { throw QueryError("Unsupported lookup '\(name)' for JSONField", hint: "in '\(path)'") }
    switch operand {
    case .value(let item):
      switch lookup {
      case .isnull:
        guard case .bool(let flag) = item else { throw QueryError("The QuerySet value for an isnull lookup must be True or False.") }
        return Fragment(sql: "\(keyed) IS \(flag ? "" : "NOT ")NULL", arguments: jsonArguments)
      case .exact:
        return Fragment(sql: "\(keyed) = ?::jsonb", arguments: jsonArguments + [json(item)])
      case .in:
        guard case .list(let items) = item.asList else { throw QueryError("The 'in' lookup takes a list or tuple, not \(item.typeName).") }
        if items.isEmpty { return Fragment(sql: "0 = 1") }
        return Fragment(sql: "\(keyed) IN (\(items.map { _ in "?::jsonb" }.joined(separator: ", ")))", arguments: jsonArguments + items.map(json))
      case .gt, .gte, .lt, .lte:
        if case .null = item { throw QueryError("Cannot use None as a query value with the '\(lookup.rawValue)' lookup.", kind: "ValueError") }
        return Fragment(sql: "\(keyed) \(try lookup.comparisonOperator) ?::jsonb", arguments: jsonArguments + [json(item)])
      case .range:
        guard case .list(let items) = item.asList, items.count == 2 else { throw QueryError("range takes two values") }
        return Fragment(sql: "\(keyed) BETWEEN ?::jsonb AND ?::jsonb", arguments: jsonArguments + items.map(json))
      default:
        if case .null = item {
          if lookup == .iexact { return Fragment(sql: "\(keyed) = 'null'::jsonb", arguments: jsonArguments) }
          throw QueryError("Cannot use None as a query value with the '\(lookup.rawValue)' lookup.", kind: "ValueError")
        }
        // Django's KeyTextTransform: the text lookups read the key as text (`->>`).
        let (text, textArguments) = keys.isEmpty ? (column, []) : Self.postgresKeyTransform(column, keys, text: true)
        let (sql, arguments) = try lookup.sql(text, .one(.text(item.plain)), schema.dialect)
        return Fragment(sql: sql, arguments: prefixArguments + textArguments + arguments)
      }
    case .expression(let expression):
      let right = try self.expression(expression)
      return Fragment(sql: "\(keyed) \(try lookup.comparisonOperator) to_jsonb(\(right.sql))", arguments: jsonArguments + right.arguments)
    case .subquery(let query):
      let inner = try subqueryOperand(query)
      return Fragment(sql: "\(keyed) IN (\(inner.sql))", arguments: jsonArguments + inner.arguments)
    }
  }
}
