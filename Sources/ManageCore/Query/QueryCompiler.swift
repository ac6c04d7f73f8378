/// A piece of SQL and the values bound to its `?`s, in order.
struct Fragment {
  var sql: String
  var arguments: [SQLValue] = []
}

/// A path resolved against the schema: its SQL, the field it ends on, and what is left of it
/// (transforms and a lookup).
struct ResolvedPath {
  var sql: String
  var arguments: [SQLValue] = []
  var field: FieldSchema?
  var rest: ArraySlice<String>
  var isAggregate = false
}

/// Turns paths, conditions and expressions into SQL over one base model, adding the joins
/// they need. Identifiers come only from the schema; every value is bound.
struct QueryCompiler {
  let schema: ProjectSchema
  let base: ModelSchema
  let baseAlias: String
  let aliasPrefix: String
  let annotations: [(name: String, expression: QueryExpression)]
  private(set) var joins: [String] = []
  private var aliases: [String: String] = [:]
  /// Set once a path walks a relation that can multiply rows (reverse or many-to-many).
  private(set) var usesMultiValuedRelation = false
  /// Which filter() call is being compiled. Django gives each call its own joins over
  /// multi-valued relations (`filter(posts__a=1).filter(posts__b=2)` may match two different
  /// posts) while conditions inside one call share them; the select list, annotations and
  /// ordering use the first call's joins.
  var joinScope = 0

  init(schema: ProjectSchema, base: ModelSchema, annotations: [(name: String, expression: QueryExpression)], aliasPrefix: String = "t") {
    self.schema = schema
    self.base = base
    self.annotations = annotations
    self.aliasPrefix = aliasPrefix
    self.baseAlias = aliasPrefix == "t" ? Identifier.quoted(base.dbTable) : aliasPrefix + "0"
  }

  /// The FROM clause with its joins.
  var fromClause: String {
    let table = Identifier.quoted(base.dbTable)
    let head = baseAlias == table ? table : "\(table) AS \(baseAlias)"
    return ([head] + joins).joined(separator: " ")
  }

  func column(_ alias: String, _ name: String) -> String { "\(alias).\(Identifier.quoted(name))" }

  var basePrimaryKey: String { column(baseAlias, base.primaryKey?.column ?? "id") }

  // MARK: - Paths

  private func isPathStep(_ name: String, of model: ModelSchema) -> Bool {
    name == "pk" || model.field(name) != nil || model.fields.contains { $0.column == name }
      || schema.reverseRelations(of: model).contains { $0.queryName == name }
  }

  private mutating func join(_ key: String, _ sql: (String) -> String) -> String {
    if let existing = aliases[key] { return existing }
    let alias = "\(aliasPrefix)\(aliases.count + 1)"
    aliases[key] = alias
    joins.append(sql(alias))
    return alias
  }

  /// Walks `author__username__icontains` to the column and returns the unwalked `icontains`.
  mutating func resolve(_ path: String) throws -> ResolvedPath {
    let parts = path.components(separatedBy: "__")
    if let annotation = annotations.first(where: { $0.name == parts[0] }) {
      let scope = joinScope
      joinScope = 0
      defer { joinScope = scope }
      let fragment = try expression(annotation.expression)
      return ResolvedPath(
        sql: fragment.sql, arguments: fragment.arguments, field: try outputField(annotation.expression),
        rest: parts.dropFirst(), isAggregate: annotation.expression.containsAggregate)
    }
    var model = base
    var alias = baseAlias
    var key = ""
    var index = 0
    while index < parts.count {
      let part = parts[index]
      let name = part == "pk" ? (model.primaryKey?.name ?? "id") : part
      let hasNext = index + 1 < parts.count
      key += (key.isEmpty ? "" : "__") + name
      if let field = model.field(name) {
        if field.type.isRelation, let target = field.relatedModel.flatMap(schema.model) {
          let targetKey = target.primaryKey?.column ?? "id"
          if field.type == .manyToMany {
            let relation = Relation(kind: .manyToMany, field: field, holder: model, from: model, to: target)
            let through = relation.through!
            let from = alias
            if joinScope > 0 { key += "@\(joinScope)" }
            let middle = join(key + "#through") {
              "LEFT OUTER JOIN \(Identifier.quoted(through.table)) AS \($0) ON \(from).\(Identifier.quoted(model.primaryKey?.column ?? "id")) = \($0).\(Identifier.quoted(through.holderColumn))"
            }
            alias = join(key) {
              "LEFT OUTER JOIN \(Identifier.quoted(target.dbTable)) AS \($0) ON \(middle).\(Identifier.quoted(through.targetColumn)) = \($0).\(Identifier.quoted(targetKey))"
            }
            usesMultiValuedRelation = true
          } else {
            guard hasNext, isPathStep(parts[index + 1], of: target) else {
              return ResolvedPath(sql: column(alias, field.column!), field: field, rest: parts[(index + 1)...])
            }
            // `author__id` needs no join: the foreign key column holds it.
            if parts[index + 1] == "pk" || parts[index + 1] == target.primaryKey?.name, index + 2 == parts.count || !isPathStep(parts[index + 2], of: target) {
              return ResolvedPath(sql: column(alias, field.column!), field: field, rest: parts[(index + 2)...])
            }
            let from = alias
            alias = join(key) {
              "LEFT OUTER JOIN \(Identifier.quoted(target.dbTable)) AS \($0) ON \(from).\(Identifier.quoted(field.column!)) = \($0).\(Identifier.quoted(targetKey))"
            }
          }
          model = target
          index += 1
          if hasNext, isPathStep(parts[index], of: model) { continue }
          return ResolvedPath(sql: column(alias, targetKey), field: model.primaryKey, rest: parts[index...])
        }
        return ResolvedPath(sql: column(alias, field.column ?? field.name), field: field, rest: parts[(index + 1)...])
      }
      if let field = model.fields.first(where: { $0.column == name && $0.type.isConcreteRelation }) {
        return ResolvedPath(sql: column(alias, name), field: field, rest: parts[(index + 1)...])
      }
      if let relation = schema.reverseRelations(of: model).first(where: { $0.queryName == name })?.relation {
        let holder = relation.holder
        let holderKey = holder.primaryKey?.column ?? "id"
        let modelKey = model.primaryKey?.column ?? "id"
        let from = alias
        if joinScope > 0 && relation.field.type != .oneToOne { key += "@\(joinScope)" }
        if let through = relation.through {
          let middle = join(key + "#through") {
            "LEFT OUTER JOIN \(Identifier.quoted(through.table)) AS \($0) ON \(from).\(Identifier.quoted(modelKey)) = \($0).\(Identifier.quoted(through.targetColumn))"
          }
          alias = join(key) {
            "LEFT OUTER JOIN \(Identifier.quoted(holder.dbTable)) AS \($0) ON \(middle).\(Identifier.quoted(through.holderColumn)) = \($0).\(Identifier.quoted(holderKey))"
          }
        } else {
          alias = join(key) {
            "LEFT OUTER JOIN \(Identifier.quoted(holder.dbTable)) AS \($0) ON \(from).\(Identifier.quoted(modelKey)) = \($0).\(Identifier.quoted(relation.field.column!))"
          }
        }
        if relation.field.type != .oneToOne { usesMultiValuedRelation = true }
        model = holder
        index += 1
        if hasNext, isPathStep(parts[index], of: model) { continue }
        return ResolvedPath(sql: column(alias, holderKey), field: model.primaryKey, rest: parts[index...])
      }
      var choices = schema.queryNames(of: model)
      if model.labelLower == base.labelLower { choices = (choices + annotations.map(\.name)).sorted() }
      throw QueryError(
        "Cannot resolve keyword '\(part)' into field. Choices are: \(choices.joined(separator: ", "))",
        hint: Suggestion.closest(to: part, in: choices).map { "did you mean '\($0)'?" })
    }
    throw QueryError("Empty field name in '\(path)'")
  }

  /// A path used as a value (values(), order_by(), F()): transforms allowed, lookups not.
  mutating func value(_ path: String) throws -> ResolvedPath {
    var resolved = try resolve(path)
    for part in resolved.rest {
      guard let transform = Transform(rawValue: part), resolved.field.map({ transform.applies(to: $0.type) }) ?? true else {
        throw unsupported(part, resolved.field, in: path)
      }
      resolved.sql = transform.sql(resolved.sql)
      resolved.field = transform.outputField
    }
    resolved.rest = []
    return resolved
  }

  private func unsupported(_ part: String, _ field: FieldSchema?, in path: String) -> QueryError {
    let type = field?.type.djangoName ?? "the annotation"
    let names = Lookup.allCases.map(\.rawValue) + Transform.allCases.map(\.rawValue)
    let suggestion = Suggestion.closest(to: part, in: names)
    return QueryError(
      "Unsupported lookup '\(part)' for \(type) or join on the field not permitted"
        + (suggestion.map { ", perhaps you meant \($0)?" } ?? "."),
      hint: "in '\(path)'")
  }

  /// The field a relation column's values are typed as: the target's primary key.
  private func valueField(_ field: FieldSchema?) -> FieldSchema? {
    guard let field, field.type.isRelation else { return field }
    return schema.keyField(referencedBy: field)
  }

  // MARK: - Conditions

  /// One `path=value` condition.
  mutating func condition(_ path: String, _ operand: Operand) throws -> Fragment {
    var resolved = try resolve(path)
    var sql = resolved.sql
    var field = resolved.field
    var lookup = Lookup.exact
    var rest = resolved.rest
    var lastTransform: Transform?
    while let part = rest.first {
      rest = rest.dropFirst()
      if let transform = Transform(rawValue: part), field.map({ transform.applies(to: $0.type) }) ?? true {
        sql = transform.sql(sql)
        field = transform.outputField
        lastTransform = transform
      } else if let found = Lookup(rawValue: part), rest.isEmpty {
        lookup = found
      } else {
        throw unsupported(part, field, in: path)
      }
    }
    let arguments = resolved.arguments
    resolved.arguments = []
    // Django's year lookups compare with the year's first and last day, so a year a date cannot
    // hold is datetime's ValueError ("year 10000 is out of range"), not an empty result.
    if lastTransform == .year, [.exact, .gt, .gte, .lt, .lte].contains(lookup), case .value(let value) = operand,
      let year = value.integer, !(1...9999).contains(year)
    {
      throw QueryError("year \(year) is out of range", kind: "ValueError")
    }
    switch operand {
    case .value(let value):
      let target = valueField(field)
      func convert(_ item: ModelValue) throws -> SQLValue {
        if lookup.isTextual {
          if case .null = item { return .null }
          return .text(item.plain)
        }
        if lookup == .isnull {
          guard case .bool(let flag) = item else {
            throw QueryError("The QuerySet value for an isnull lookup must be True or False.")
          }
          return .integer(flag ? 1 : 0)
        }
        return try target.map { try item.sqlValue(for: $0) } ?? item.plainSQL()
      }
      let list: SQLValueList
      switch (lookup, value) {
      case (.in, .list(let items)), (.in, .tuple(let items)), (.range, .list(let items)), (.range, .tuple(let items)):
        list = .many(try items.filter { !$0.isNull || lookup == .range }.map(convert))
      case (.in, _), (.range, _):
        throw QueryError("The '\(lookup.rawValue)' lookup takes a list or tuple, not \(value.typeName).")
      default:
        if case .null = value, lookup == .exact || lookup == .iexact {
          return Fragment(sql: "\(sql) IS NULL", arguments: arguments)
        }
        if case .null = value, lookup != .isnull {
          throw QueryError("Cannot use None as a query value with the '\(lookup.rawValue)' lookup.")
        }
        do {
          list = .one(try convert(value))
        } catch let error as QueryError where error.kind == QueryError.integerOverflow.kind {
          // Django 5.0+ (IntegerFieldOverflow): a comparison with an integer past the column's
          // range matches nothing or everything (EmptyResultSet / FullResultSet), rather than
          // failing; only `in` and writes raise sqlite3's OverflowError.
          guard let everything = Self.overflowMatchesEverything(lookup, value) else { throw error }
          return Fragment(sql: everything ? "1 = 1" : "0 = 1", arguments: arguments)
        }
      }
      let (text, values) = try lookup.sql(sql, list)
      return Fragment(sql: text, arguments: arguments + values)
    case .expression(let expression):
      let right = try self.expression(expression)
      let comparison: String
      switch lookup {
      case .exact: comparison = "="
      case .gt: comparison = ">"
      case .gte: comparison = ">="
      case .lt: comparison = "<"
      case .lte: comparison = "<="
      default: throw QueryError("The '\(lookup.rawValue)' lookup cannot take an F() expression here.")
      }
      return Fragment(sql: "\(sql) \(comparison) (\(right.sql))", arguments: arguments + right.arguments)
    case .subquery(let query):
      guard lookup == .in || lookup == .exact else {
        throw QueryError("A QuerySet can only be the value of an 'in' or 'exact' lookup.")
      }
      let inner = try query.compileSubquery(prefix: aliasPrefix + "s\(joins.count)")
      return Fragment(sql: "\(sql) IN (\(inner.sql))", arguments: arguments + inner.arguments)
    }
  }

  /// For a comparison whose integer is past 64 bits: whether every row matches (`gt` a value
  /// below the range) or none does; nil for lookups that raise instead.
  static func overflowMatchesEverything(_ lookup: Lookup, _ value: ModelValue) -> Bool? {
    let negative: Bool
    switch value {
    case .double(let number): negative = number < 0
    case .decimal(let text), .text(let text): negative = text.hasPrefix("-")
    default: return nil
    }
    switch lookup {
    case .exact: return false
    case .gt, .gte: return negative
    case .lt, .lte: return !negative
    default: return nil
    }
  }

  /// Whether a Q refers to an aggregate annotation, and so belongs in HAVING.
  func refersToAggregate(_ q: Q) -> Bool {
    switch q {
    case .condition(let path, _):
      let first = path.components(separatedBy: "__")[0]
      return annotations.contains { $0.name == first && $0.expression.containsAggregate }
    case .and(let items), .or(let items): return items.contains(where: refersToAggregate)
    case .not(let inner): return refersToAggregate(inner)
    }
  }

  /// A Q tree as a boolean SQL expression. A negation that walks a multi-valued relation
  /// becomes `pk NOT IN (subquery)`, so `exclude(tags__name="x")` drops every post tagged x
  /// rather than keeping those with another tag too, as Django does.
  mutating func condition(_ q: Q) throws -> Fragment {
    switch q {
    case .condition(let path, let operand):
      return try condition(path, operand)
    case .and(let items), .or(let items):
      if items.isEmpty {
        if case .and = q { return Fragment(sql: "1 = 1") } else { return Fragment(sql: "0 = 1") }
      }
      var parts: [String] = []
      var arguments: [SQLValue] = []
      for item in items {
        let fragment = try condition(item)
        parts.append("(\(fragment.sql))")
        arguments += fragment.arguments
      }
      let separator: String
      if case .and = q { separator = " AND " } else { separator = " OR " }
      return Fragment(sql: parts.joined(separator: separator), arguments: arguments)
    case .not(let inner) where inner.isEmpty:
      // ~Q() and exclude(Q()) leave the query alone in Django: an empty condition, negated,
      // is still no condition.
      return Fragment(sql: "1 = 1")
    case .not(let inner):
      var trial = self
      trial.usesMultiValuedRelation = false
      let fragment = try trial.condition(inner)
      if !trial.usesMultiValuedRelation || refersToAggregate(inner) {
        let multi = usesMultiValuedRelation
        self = trial
        usesMultiValuedRelation = multi
        // NULL compared with anything is NULL, and NOT NULL drops the row; Django's exclude
        // keeps rows whose column is NULL, so an unknown counts as false before negating.
        return Fragment(sql: "NOT COALESCE((\(fragment.sql)), 0)", arguments: fragment.arguments)
      }
      var sub = QueryCompiler(schema: schema, base: base, annotations: annotations, aliasPrefix: aliasPrefix + "n\(joins.count)")
      let innerFragment = try sub.condition(inner)
      let sql = "\(basePrimaryKey) NOT IN (SELECT \(sub.basePrimaryKey) FROM \(sub.fromClause) WHERE \(innerFragment.sql))"
      return Fragment(sql: sql, arguments: innerFragment.arguments)
    }
  }

  // MARK: - Expressions

  mutating func expression(_ expression: QueryExpression) throws -> Fragment {
    switch expression {
    case .field(let path):
      let resolved = try value(path)
      return Fragment(sql: resolved.sql, arguments: resolved.arguments)
    case .value(let value):
      return Fragment(sql: "?", arguments: [try value.plainSQL()])
    case .binary(let op, let left, let right):
      let l = try self.expression(left)
      let r = try self.expression(right)
      return Fragment(sql: "(\(l.sql) \(op.rawValue) \(r.sql))", arguments: l.arguments + r.arguments)
    case .negated(let inner):
      let fragment = try self.expression(inner)
      return Fragment(sql: "(-\(fragment.sql))", arguments: fragment.arguments)
    case .aggregate(let aggregate):
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
  }

  /// What an expression's values are, so results convert by type (a Sum of a decimal field
  /// is a decimal; a Count an integer).
  mutating func outputField(_ expression: QueryExpression) throws -> FieldSchema? {
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
      if let l, r == nil, l.type.isInteger || l.type == .decimal || l.type == .float { return l }
      return nil
    case .negated(let inner): return try outputField(inner)
    case .aggregate(let aggregate):
      switch aggregate.function {
      case .count: return FieldSchema(name: "count", type: .integer)
      case .avg: return FieldSchema(name: "avg", type: .float)
      case .sum, .min, .max:
        if case .field("*") = aggregate.argument { return nil }
        return try outputField(aggregate.argument)
      }
    }
  }
}
