/// A piece of SQL and the values bound to its `?`s, in order.
struct Fragment {
  var sql: String
  var arguments: [SQLValue] = []
  /// What its values are, where known (a subquery's one column).
  var field: FieldSchema? = nil
}

/// A path resolved against the schema: its SQL, the field it ends on, and what is left of it
/// (transforms and a lookup).
struct ResolvedPath {
  var sql: String
  var arguments: [SQLValue] = []
  var field: FieldSchema?
  var rest: ArraySlice<String>
  var isAggregate = false
  /// The path names a relation itself (`author`, `tags`, `reviews`), whose lookups are
  /// Django's related lookups.
  var endsOnRelation = false
  /// The path walked a join that may find no row (a nullable foreign key, a reverse or
  /// many-to-many relation): Django's LEFT OUTER joins.
  var outerJoined = false
  /// The path names an annotation.
  var isAnnotation = false
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
  /// Set once a path walks a relation that can multiply rows (reverse or many-to-many): read
  /// on a copy that walks one condition's path, to tell whether a negation splits it off.
  private(set) var usesMultiValuedRelation = false
  /// Which filter() call is being compiled (from 1), or nil for annotations, the select list
  /// and ordering. Django gives each filter() call its own joins over multi-valued relations
  /// (`filter(posts__a=1).filter(posts__b=2)` may match two different posts) while conditions
  /// inside one call share them; everything else reuses the join made last.
  var joinScope: Int? = nil
  /// For each multi-valued join path, the scope whose join was used last: what annotate(),
  /// values() and order_by() reuse (Django's `reuse_aliases[-1]`).
  private var lastScope: [String: String] = [:]
  /// The alias Django would give each join: the table's name the first time the query reads
  /// that table, else `T<n>` (n counting the base table and every join before it). Its
  /// split_exclude compares these names (`alias in can_reuse`), so correlating the way it
  /// does needs them.
  private var djangoAliases: [String: String] = [:]
  private var tablesRead: Set<String> = []
  /// How many negations enclose the condition being compiled (Django's `current_negated`
  /// is this being odd).
  var negationDepth = 0
  /// Annotations compiled so far, by name: each is resolved once, where Django resolves it
  /// (at its annotate() call, after the filters before it), and reused wherever it is named.
  var annotationFragments: [String: Fragment] = [:]
  /// Set while a query is compiled only to check it: an `OuterRef` is then NULL, since the
  /// query may yet be used inside another.
  var isValidating = false
  /// Subqueries compiled so far, so each gets its own table aliases.
  var subqueryCount = 0

  init(schema: ProjectSchema, base: ModelSchema, annotations: [(name: String, expression: QueryExpression)], aliasPrefix: String = "t") {
    self.schema = schema
    self.base = base
    self.annotations = annotations
    self.aliasPrefix = aliasPrefix
    self.baseAlias = aliasPrefix == "t" ? Identifier.quoted(base.dbTable) : aliasPrefix + "0"
    self.tablesRead = [base.dbTable]
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

  /// The suffix that picks which join over a multi-valued relation `key` uses.
  private mutating func scopeSuffix(_ key: String) -> String {
    let suffix = joinScope.map { "@\($0)" } ?? lastScope[key] ?? "@0"
    lastScope[key] = suffix
    return suffix
  }

  private mutating func join(_ key: String, table: String, _ sql: (String) -> String) -> String {
    if let existing = aliases[key] { return existing }
    let alias = "\(aliasPrefix)\(aliases.count + 1)"
    aliases[key] = alias
    djangoAliases[alias] = tablesRead.insert(table).inserted ? table : "T\(aliases.count + 1)"
    joins.append(sql(alias))
    return alias
  }

  /// Walks `author__username__icontains` to the column and returns the unwalked `icontains`.
  mutating func resolve(_ path: String) throws -> ResolvedPath {
    let parts = path.components(separatedBy: "__")
    if let annotation = annotations.first(where: { $0.name == parts[0] }) {
      let fragment = try annotationFragment(annotation.name, annotation.expression)
      return ResolvedPath(
        sql: fragment.sql, arguments: fragment.arguments, field: try outputField(annotation.expression),
        rest: parts.dropFirst(), isAggregate: annotation.expression.containsAggregate, isAnnotation: true)
    }
    var model = base
    var alias = baseAlias
    var key = ""
    var index = 0
    var outer = false
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
            key += scopeSuffix(key)
            outer = true
            let middle = join(key + "#through", table: through.table) {
              "LEFT OUTER JOIN \(Identifier.quoted(through.table)) AS \($0) ON \(from).\(Identifier.quoted(model.primaryKey?.column ?? "id")) = \($0).\(Identifier.quoted(through.holderColumn))"
            }
            alias = join(key, table: target.dbTable) {
              "LEFT OUTER JOIN \(Identifier.quoted(target.dbTable)) AS \($0) ON \(middle).\(Identifier.quoted(through.targetColumn)) = \($0).\(Identifier.quoted(targetKey))"
            }
            usesMultiValuedRelation = true
          } else {
            guard hasNext, isPathStep(parts[index + 1], of: target) else {
              return ResolvedPath(sql: column(alias, field.column!), field: field, rest: parts[(index + 1)...], endsOnRelation: true, outerJoined: outer)
            }
            // `author__id` needs no join: the foreign key column holds it.
            if parts[index + 1] == "pk" || parts[index + 1] == target.primaryKey?.name, index + 2 == parts.count || !isPathStep(parts[index + 2], of: target) {
              return ResolvedPath(sql: column(alias, field.column!), field: field, rest: parts[(index + 2)...], outerJoined: outer)
            }
            let from = alias
            if field.null { outer = true }
            alias = join(key, table: target.dbTable) {
              "LEFT OUTER JOIN \(Identifier.quoted(target.dbTable)) AS \($0) ON \(from).\(Identifier.quoted(field.column!)) = \($0).\(Identifier.quoted(targetKey))"
            }
          }
          model = target
          index += 1
          if hasNext, isPathStep(parts[index], of: model) { continue }
          return ResolvedPath(sql: column(alias, targetKey), field: model.primaryKey, rest: parts[index...], endsOnRelation: true, outerJoined: outer)
        }
        return ResolvedPath(sql: column(alias, field.column ?? field.name), field: field, rest: parts[(index + 1)...], outerJoined: outer)
      }
      if let field = model.fields.first(where: { $0.column == name && $0.type.isConcreteRelation }) {
        return ResolvedPath(sql: column(alias, name), field: field, rest: parts[(index + 1)...], endsOnRelation: true, outerJoined: outer)
      }
      if let relation = schema.reverseRelations(of: model).first(where: { $0.queryName == name })?.relation {
        let holder = relation.holder
        let holderKey = holder.primaryKey?.column ?? "id"
        let modelKey = model.primaryKey?.column ?? "id"
        let from = alias
        if relation.field.type != .oneToOne { key += scopeSuffix(key) }
        outer = true
        if let through = relation.through {
          let middle = join(key + "#through", table: through.table) {
            "LEFT OUTER JOIN \(Identifier.quoted(through.table)) AS \($0) ON \(from).\(Identifier.quoted(modelKey)) = \($0).\(Identifier.quoted(through.targetColumn))"
          }
          alias = join(key, table: holder.dbTable) {
            "LEFT OUTER JOIN \(Identifier.quoted(holder.dbTable)) AS \($0) ON \(middle).\(Identifier.quoted(through.holderColumn)) = \($0).\(Identifier.quoted(holderKey))"
          }
        } else {
          alias = join(key, table: holder.dbTable) {
            "LEFT OUTER JOIN \(Identifier.quoted(holder.dbTable)) AS \($0) ON \(from).\(Identifier.quoted(modelKey)) = \($0).\(Identifier.quoted(relation.field.column!))"
          }
        }
        if relation.field.type != .oneToOne { usesMultiValuedRelation = true }
        model = holder
        index += 1
        if hasNext, isPathStep(parts[index], of: model) { continue }
        return ResolvedPath(sql: column(alias, holderKey), field: model.primaryKey, rest: parts[index...], endsOnRelation: true, outerJoined: outer)
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
      resolved.sql = transform.sql(resolved.sql, schema.dialect)
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
  func valueField(_ field: FieldSchema?) -> FieldSchema? {
    guard let field, field.type.isRelation else { return field }
    return schema.keyField(referencedBy: field)
  }

  // MARK: - Conditions

  /// Django's related lookups: what a relation itself (`author`, `tags`) may be compared with.
  static let relatedLookups: Set<String> = ["exact", "in", "gt", "gte", "lt", "lte", "isnull"]

  /// One `path=value` condition. Under an odd number of negations (Django's current_negated),
  /// a nullable or outer-joined column adds `AND column IS NOT NULL`, and so does a bare F()
  /// of one, as Django's build_filter does: so `exclude(meta__lang="en")` drops a row whose
  /// document lacks the key, and `exclude(score=5)` keeps one whose score is NULL.
  mutating func condition(_ path: String, _ operand: Operand) throws -> Fragment {
    if negationDepth > 0 {
      // Only the left-hand path decides whether a negation becomes a subquery (Django's
      // MultiJoin comes from it); an F() value's joins stay in this query. It is walked on a
      // copy, so the joins a subquery takes over are not made here.
      var probe = self
      probe.usesMultiValuedRelation = false
      let left = try probe.resolve(path)
      if probe.usesMultiValuedRelation, !left.isAnnotation { return try splitExclude(path, operand) }
    }
    let resolved = try resolve(path)
    let fragment = try comparison(path, resolved, operand)
    guard negationDepth % 2 == 1 else { return fragment }
    // An integer past the column's range already decided the condition (Django's
    // EmptyResultSet/FullResultSet): nothing is left for NULL to change.
    if fragment.sql == "1 = 1" || fragment.sql == "0 = 1" { return fragment }
    if resolved.isAnnotation || resolved.rest.last == "isnull" { return fragment }
    if case .value(.null) = operand { return fragment }
    var checks: [String] = []
    var arguments: [SQLValue] = []
    if resolved.field?.null == true || resolved.outerJoined {
      checks.append("\(resolved.sql) IS NOT NULL")
      arguments += resolved.arguments
    }
    if case .expression(.field(let other)) = operand, !annotations.contains(where: { $0.name == other }) {
      // Only the field's own nullability counts here (Django's is_nullable(value.target)).
      let value = try self.value(other)
      if value.field?.null == true {
        checks.append("\(value.sql) IS NOT NULL")
        arguments += value.arguments
      }
    }
    if checks.isEmpty { return fragment }
    return Fragment(sql: ([fragment.sql] + checks).joined(separator: " AND "), arguments: fragment.arguments + arguments)
  }

  private mutating func comparison(_ path: String, _ resolvedPath: ResolvedPath, _ operand: Operand) throws -> Fragment {
    var resolved = resolvedPath
    if resolved.endsOnRelation, let name = resolved.rest.first, resolved.rest.count > 1 || !Self.relatedLookups.contains(name) {
      throw QueryError("Related Field got invalid lookup: \(name)")
    }
    if resolved.field?.type == .json, !resolved.isAggregate {
      let (keys, lookup) = Self.splitJSONPath(resolved.rest)
      return try jsonCondition(resolved.sql, resolved.arguments, keys: keys, lookup: lookup, operand, path: path)
    }
    var sql = resolved.sql
    var field = resolved.field
    var lookup = Lookup.exact
    var rest = resolved.rest
    var lastTransform: Transform?
    while let part = rest.first {
      rest = rest.dropFirst()
      if let transform = Transform(rawValue: part), field.map({ transform.applies(to: $0.type) }) ?? true {
        sql = transform.sql(sql, schema.dialect)
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
      let isRelation = field?.type.isRelation == true
      let columnRange = (isRelation ? target?.type : field?.type).flatMap { IntegerFieldRange.of($0, on: schema.dialect) }
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
        return schema.dialect.durationArgument(try target.map { try item.sqlValue(for: $0) } ?? item.plainSQL(), for: target?.type)
      }
      let list: SQLValueList
      switch (lookup, value) {
      case (.in, .list(let items)), (.in, .tuple(let items)), (.range, .list(let items)), (.range, .tuple(let items)):
        let kept = items.filter { !$0.isNull || lookup == .range }
        if schema.dialect.isPostgreSQL, let range = columnRange {
          // psycopg binds ints typed, so values past the column's type compare rather than fail:
          // an `in` item the column cannot hold matches nothing (dropped); a `range` bound past
          // it becomes the range's end, unless it leaves no column value between the bounds.
          let bounds = try kept.map { try Self.bound($0, within: range, convert) }
          if lookup == .range, bounds.count == 2, bounds[0].below == false || bounds[1].below == true {
            return Fragment(sql: "0 = 1", arguments: arguments)
          }
          list = .many(bounds.compactMap { bound in
            guard let below = bound.below else { return bound.value }
            return lookup == .range ? .integer(below ? range.lowerBound : range.upperBound) : nil
          })
        } else {
          list = .many(try kept.map(convert))
        }
      case (.in, .text(let text)), (.range, .text(let text)):
        // Python iterates a string's characters.
        list = .many(try text.map { try convert(.text(String($0))) })
      case (.in, _), (.range, _):
        throw QueryError("'\(value.typeName)' object is not iterable", kind: "TypeError")
      default:
        if case .null = value, lookup == .exact || lookup == .iexact {
          return Fragment(sql: "\(sql) IS NULL", arguments: arguments)
        }
        if case .null = value, lookup != .isnull {
          throw QueryError("Cannot use None as a query value with the '\(lookup.rawValue)' lookup.")
        }
        // A comparison with an integer past the column's range matches nothing or everything
        // (see IntegerFieldRange); on SQLite a relation's past 64 bits is sqlite3's OverflowError.
        let comparesRange = isRelation ? schema.dialect.isPostgreSQL : columnRange != nil
        guard comparesRange, let range = columnRange else {
          list = .one(try convert(value))
          break
        }
        let bound = try Self.bound(value, within: range, convert)
        if let below = bound.below, let everything = IntegerFieldRange.matchesEverything(lookup, below: below) {
          return Fragment(sql: everything ? "1 = 1" : "0 = 1", arguments: arguments)
        }
        // Past 64 bits for a lookup Django leaves to the driver: sqlite3's OverflowError.
        guard let converted = bound.value else { throw QueryError.integerOverflow }
        list = .one(converted)
      }
      let (text, values) = try lookup.sql(sql, list, schema.dialect)
      return Fragment(sql: text, arguments: arguments + values)
    case .expression(let expression):
      let right = try self.expression(expression)
      let comparison = try lookup.comparisonOperator
      return Fragment(sql: "\(sql) \(comparison) (\(right.sql))", arguments: arguments + right.arguments)
    case .subquery(let query):
      guard lookup == .in || lookup == .exact else {
        throw QueryError("A QuerySet can only be the value of an 'in' or 'exact' lookup.")
      }
      let inner = try subqueryOperand(query)
      return Fragment(sql: "\(sql) IN (\(inner.sql))", arguments: arguments + inner.arguments)
    }
  }

  /// A query value against an integer column's range: its SQL value when it has one (nil past
  /// 64 bits), and `below` true or false when it lies below or above the range (nil within it).
  static func bound(
    _ item: ModelValue, within range: ClosedRange<Int64>, _ convert: (ModelValue) throws -> SQLValue
  ) throws -> (value: SQLValue?, below: Bool?) {
    do {
      let converted = try convert(item)
      guard case .integer(let number) = converted, !range.contains(number) else { return (converted, nil) }
      return (converted, number < range.lowerBound)
    } catch let error as QueryError where error.kind == QueryError.integerOverflow.kind {
      guard let negative = overflowIsNegative(item) else { throw error }
      return (nil, negative)
    }
  }

  /// Whether an integer past 64 bits (as a float, a decimal or digits) lies below the range.
  static func overflowIsNegative(_ value: ModelValue) -> Bool? {
    switch value {
    case .double(let number): number < 0
    case .decimal(let text), .text(let text): text.hasPrefix("-")
    default: nil
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
    case .expression(let expression): return expression.containsAggregate
    }
  }

  /// A Q tree as a boolean SQL expression. A negation that walks a multi-valued relation
  /// becomes `pk NOT IN (subquery)`, so `exclude(tags__name="x")` drops every post tagged x
  /// rather than keeping those with another tag too, as Django does.
  mutating func condition(_ q: Q) throws -> Fragment {
    switch q {
    case .condition(let path, let operand):
      return try condition(path, operand)
    case .expression(let expression):
      return try self.expression(expression)
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
      // Each condition below keeps its place; one whose path walks a multi-valued relation
      // becomes an EXISTS subquery of its own (Django's split_exclude, per condition).
      negationDepth += 1
      defer { negationDepth -= 1 }
      let fragment = try condition(inner)
      return Fragment(sql: "NOT (\(fragment.sql))", arguments: fragment.arguments)
    }
  }

  /// Django's split_exclude for one condition under a negation whose path walks a
  /// multi-valued relation: `EXISTS(SELECT 1 … WHERE condition AND inner.pk = outer.pk)`, so
  /// `exclude(tags__name="x")` drops every post tagged x rather than keeping those with another
  /// tag too. Its F() values were resolved in this query first: the joins they made stay here
  /// (and multiply its rows), a bare F() becomes an OuterRef to them, and the subquery is then
  /// correlated with that join's row (`U1.id = outer_link.id`) rather than the object.
  private mutating func splitExclude(_ path: String, _ operand: Operand) throws -> Fragment {
    let leaf = try leakedOuterReferences(.condition(path, operand))
    var sub = QueryCompiler(schema: schema, base: base, annotations: annotations, aliasPrefix: aliasPrefix + "n\(joins.count)")
    sub.isValidating = isValidating
    let inner = try sub.condition(leaf)
    var correlation = "\(sub.basePrimaryKey) = \(basePrimaryKey)"
    if let prefix = multiValuedPrefix(path), let theirs = sub.innerJoinAlias(prefix), let mine = lastJoinAlias(prefix), mine.name == theirs.name {
      correlation = "\(theirs.alias).\"id\" = \(mine.alias).\"id\""
    }
    var sql = "EXISTS(SELECT 1 FROM \(sub.fromClause) WHERE (\(inner.sql)) AND \(correlation))"
    var arguments = inner.arguments
    // When the path reaches the relation through a nullable foreign key, Django adds
    // `OR prefix IS NULL` (contains_louter), so the negation drops rows without it.
    if let prefix = singleValuedPrefix(path) {
      var probe = self
      let resolved = try probe.resolve(prefix)
      if resolved.outerJoined || resolved.field?.null == true {
        let column = try resolve(prefix)
        sql = "(\(sql) OR \(column.sql) IS NULL)"
        arguments += column.arguments
      }
    }
    return Fragment(sql: sql, arguments: arguments)
  }

  /// `path` up to and including its first multi-valued step.
  private func multiValuedPrefix(_ path: String) -> String? {
    let parts = path.components(separatedBy: "__")
    for length in 1...parts.count {
      var probe = self
      probe.usesMultiValuedRelation = false
      guard (try? probe.resolve(parts.prefix(length).joined(separator: "__"))) != nil else { return nil }
      if probe.usesMultiValuedRelation { return parts.prefix(length).joined(separator: "__") }
    }
    return nil
  }

  /// The part of `path` before its first multi-valued step, if that step is not the first.
  private func singleValuedPrefix(_ path: String) -> String? {
    let parts = path.components(separatedBy: "__")
    for length in 1..<parts.count {
      var probe = self
      probe.usesMultiValuedRelation = false
      guard (try? probe.resolve(parts.prefix(length).joined(separator: "__"))) != nil else { return nil }
      if probe.usesMultiValuedRelation { return length == 1 ? nil : parts.prefix(length - 1).joined(separator: "__") }
    }
    return nil
  }

  /// For split_exclude: resolves every F() path of `q`'s values here (making their joins) and
  /// replaces the bare ones with this query's SQL for them.
  private mutating func leakedOuterReferences(_ q: Q) throws -> Q {
    switch q {
    case .condition(let path, .expression(let expression)):
      for field in Self.fieldPaths(expression) where !annotations.contains(where: { $0.name == field }) {
        let resolved = try value(field)
        if case .field(field) = expression {
          return .condition(path, .expression(.compiled(sql: resolved.sql, arguments: resolved.arguments, field: valueField(resolved.field))))
        }
      }
      return q
    case .condition, .expression: return q
    case .and(let items): return .and(try items.map { try leakedOuterReferences($0) })
    case .or(let items): return .or(try items.map { try leakedOuterReferences($0) })
    case .not(let inner): return .not(try leakedOuterReferences(inner))
    }
  }

  /// This filter call's join over multi-valued `prefix` and the alias Django would give it:
  /// the many-to-many link row, or the related row of a reverse foreign key. split_exclude
  /// correlates on that row when the inner query's join has the same Django alias.
  func lastJoinAlias(_ prefix: String) -> (alias: String, name: String)? {
    guard let scope = joinScope else { return nil }
    let key = prefix + "@\(scope)"
    guard let alias = aliases[key + "#through"] ?? aliases[key], let name = djangoAliases[alias] else { return nil }
    return (alias, name)
  }

  /// The inner query's own join over `prefix` and its Django alias, for the correlation.
  func innerJoinAlias(_ prefix: String) -> (alias: String, name: String)? {
    let key = prefix + (lastScope[prefix] ?? "@0")
    guard let alias = aliases[key + "#through"] ?? aliases[key], let name = djangoAliases[alias] else { return nil }
    return (alias, name)
  }

  /// The F() paths inside an expression.
  static func fieldPaths(_ expression: QueryExpression) -> [String] {
    switch expression {
    case .field(let path): path == "*" ? [] : [path]
    case .binary(_, let left, let right): fieldPaths(left) + fieldPaths(right)
    case .negated(let inner), .cast(let inner, _): fieldPaths(inner)
    case .function(_, let arguments): arguments.flatMap(fieldPaths)
    default: []
    }
  }
}
