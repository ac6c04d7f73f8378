/// A lazy query over one model, Django's QuerySet: filters (Q trees with lookups across
/// forward, reverse and many-to-many relations), annotations, ordering, slicing, distinct
/// and the shape of its rows compose into one parameterised SELECT. Every method returns a
/// new QuerySet; nothing runs until a fetching method is given a connection.
public struct QuerySet: Sendable {
  public let model: ModelSchema
  public let schema: ProjectSchema
  var conditions: [Q] = []
  var annotations: [(name: String, expression: QueryExpression)] = []
  /// How many filter() calls came before each annotate(): Django resolves an annotation when
  /// it is added, so it reuses the joins of the filters before it and none after.
  var annotationSteps: [String: Int] = [:]
  var ordering: [String]?
  var limit: Int?
  var offset = 0
  var isDistinct = false
  var isEmpty = false
  var relatedPaths: [String] = []
  /// Set by union(), intersection() and difference().
  var combination: Combination?
  /// Field names only() keeps or defer() leaves out: instances load these later.
  var deferredFields: Set<String> = []
  /// `values_list(named=True)`: rows are named tuples.
  public internal(set) var namedRows = false
  /// Set when annotate() follows values("a"): rows group by the values, not per object.
  var groupsByValues = false
  /// What each row is: a model instance, a dictionary (`values()`) or a tuple (`values_list()`).
  public internal(set) var shape: Shape = .instances

  public enum Shape: Sendable {
    case instances
    case values([String])
    case valuesList([String], flat: Bool)
  }

  public init(model: ModelSchema, schema: ProjectSchema) {
    self.model = model
    self.schema = schema
  }

  /// Whether `[a:b]` has been applied (Django refuses to filter a sliced query).
  public var isSliced: Bool { limit != nil || offset > 0 }

  private func checkNotSliced(_ what: String) throws {
    if isSliced { throw QueryError("Cannot \(what) a query once a slice has been taken.", kind: "TypeError") }
  }

  // MARK: - Building

  /// `filter(...)`: rows where the Q holds.
  public func filter(_ q: Q) throws -> QuerySet {
    try refuseAfterCombination("filter")
    try checkNotSliced("filter")
    var copy = self
    copy.conditions.append(q)
    return copy
  }

  /// `filter(path=value)`.
  public func filter(_ path: String, _ value: ModelValue) throws -> QuerySet { try filter(.condition(path, .value(value))) }

  /// `exclude(...)`: rows where it does not.
  public func exclude(_ q: Q) throws -> QuerySet { try filter(.not(q)) }

  /// `exclude(path=value)`.
  public func exclude(_ path: String, _ value: ModelValue) throws -> QuerySet { try exclude(.condition(path, .value(value))) }

  /// `annotate(name=expression, …)`: a computed column on every row; with an aggregate,
  /// rows are grouped (per object, or per `values()` combination).
  public func annotate(_ pairs: [(String, QueryExpression)]) throws -> QuerySet {
    try refuseAfterCombination("annotate")
    var copy = self
    for (name, expression) in pairs {
      if model.field(name) != nil || schema.reverseRelations(of: model).contains(where: { $0.queryName == name }) {
        throw QueryError("The annotation '\(name)' conflicts with a field on the model.", kind: "ValueError")
      }
      copy.annotations.removeAll { $0.name == name }
      copy.annotations.append((name, expression))
      copy.annotationSteps[name] = conditions.count
      // Django: an annotation after values("a") joins the row, grouped by "a".
      switch copy.shape {
      case .values(let fields) where !fields.isEmpty:
        copy.groupsByValues = true
        if !fields.contains(name) { copy.shape = .values(fields + [name]) }
      case .valuesList(let fields, let flat) where !fields.isEmpty:
        copy.groupsByValues = true
        if !fields.contains(name) { copy.shape = .valuesList(fields + [name], flat: flat) }
      default: break
      }
    }
    // Resolve now, so a mistake is reported at the call that made it.
    var compiler = QueryCompiler(schema: schema, base: model, annotations: copy.annotations)
    compiler.isValidating = true
    for (_, expression) in pairs { _ = try compiler.expression(expression) }
    return copy
  }

  /// `order_by(...)`: `-field` descending, `?` random; replaces the model's default ordering.
  public func orderBy(_ fields: [String]) throws -> QuerySet {
    // Django: reordering a sliced query would change which rows the slice holds.
    if limit != nil || offset > 0 { throw QueryError("Cannot reorder a query once a slice has been taken.", kind: "TypeError") }
    var copy = self
    copy.ordering = fields
    var compiler = QueryCompiler(schema: schema, base: model, annotations: annotations)
    for field in fields where field != "?" { _ = try compiler.value(field.hasPrefix("-") ? String(field.dropFirst()) : field) }
    return copy
  }

  /// `reverse()`: the current ordering turned around.
  public func reversed() -> QuerySet {
    var copy = self
    let current = effectiveOrdering.isEmpty ? [model.primaryKey?.name ?? "id"] : effectiveOrdering
    copy.ordering = current.map { $0 == "?" ? $0 : ($0.hasPrefix("-") ? String($0.dropFirst()) : "-" + $0) }
    return copy
  }

  var effectiveOrdering: [String] { ordering ?? model.ordering }

  /// `distinct()`.
  public func distinct() -> QuerySet {
    var copy = self
    copy.isDistinct = true
    return copy
  }

  /// `none()`: a query that matches nothing, without touching the database.
  public func none() -> QuerySet {
    var copy = self
    copy.isEmpty = true
    return copy
  }

  /// `values(...)`: rows as dictionaries of the named fields (every column when none).
  public func values(_ fields: [String]) throws -> QuerySet {
    var copy = self
    copy.shape = .values(fields)
    _ = try copy.compile(validating: true)
    return copy
  }

  /// `values_list(..., flat=True)`: rows as tuples, or single values when flat, or named
  /// tuples (`Row(id=1, title='x')`) when named.
  public func valuesList(_ fields: [String], flat: Bool = false, named: Bool = false) throws -> QuerySet {
    if flat && fields.count > 1 {
      throw QueryError("'flat' is not valid when values_list is called with more than one field.", kind: "TypeError")
    }
    if flat && named { throw QueryError("'flat' and 'named' can't be used together.", kind: "TypeError") }
    var copy = self
    copy.namedRows = named
    copy.shape = .valuesList(fields, flat: flat)
    _ = try copy.compile(validating: true)
    return copy
  }

  /// `select_related("author", …)`: follow foreign keys in the same query.
  public func selectRelated(_ paths: [String]) throws -> QuerySet {
    try refuseAfterCombination("select_related")
    var copy = self
    for path in paths {
      var current = model
      for part in path.components(separatedBy: "__") {
        guard let field = current.field(part), field.type.isConcreteRelation, let target = field.relatedModel.flatMap(schema.model) else {
          let choices = current.fields.filter(\.type.isConcreteRelation).map(\.name)
          throw QueryError(
            "Invalid field name(s) given in select_related: '\(part)'. Choices are: \(choices.isEmpty ? "(none)" : choices.joined(separator: ", "))")
        }
        current = target
      }
      copy.relatedPaths.append(path)
    }
    return copy
  }

  /// `[start:end]`, as LIMIT/OFFSET (relative to any earlier slice, as Django's are).
  public func slice(_ start: Int, _ end: Int?) throws -> QuerySet {
    guard start >= 0, (end ?? 0) >= 0 else { throw QueryError("Negative indexing is not supported.", kind: "ValueError") }
    var copy = self
    // Slices of slices add up; past Int.max is past every row (an empty page), not a trap.
    copy.offset = CheckedArithmetic.add(offset, start) ?? Int.max
    var newLimit = end.map { max($0 - start, 0) }
    if let old = limit {
      newLimit = min(newLimit ?? Int.max, max(old - start, 0))
    }
    copy.limit = newLimit
    return copy
  }

  // MARK: - Compiling

  /// One result column: its key in a `values()` row and how its values convert.
  struct Output {
    var key: String
    var field: FieldSchema?
    /// For select_related columns: the foreign-key path they belong to.
    var relatedPath: String?
  }

  struct Compiled {
    var sql: String
    var arguments: [SQLValue]
    var outputs: [Output]
  }

  var isGrouped: Bool { annotations.contains { $0.expression.containsAggregate } }

  /// The SELECT for this query. `select` replaces the column list (COUNT(*), a primary key).
  /// `aliased` names each column by its key (`AS "n"`), for a query read as a subquery.
  /// `validating` compiles to find mistakes early, in a query that may yet become a subquery
  /// (its `OuterRef`s stand for NULL then).
  ///
  /// `aggregateColumns` makes the inner query of an `aggregate()` over grouped, distinct or
  /// sliced rows (Django's get_aggregation): it is handed the compiler once the filters and
  /// annotations are in, returns the columns the outer aggregates read (`__col1`, …), and the
  /// model's own columns are left out unless the rows are distinct.
  func compile(
    prefix: String = "t", onlyPrimaryKey: Bool = false, aliased: Bool = false, validating: Bool = false,
    aggregateColumns: ((inout QueryCompiler) throws -> [(String, Fragment)])? = nil
  ) throws -> Compiled {
    if let combination { return try compileCombination(combination) }
    var compiler = QueryCompiler(schema: schema, base: model, annotations: annotations, aliasPrefix: prefix)
    compiler.isValidating = validating
    // Filters and annotations in the order they were called, so each takes the joins Django
    // gives it; the select list, grouping and ordering below reuse what they made.
    var conditionFragments: [Fragment] = []
    func compileConditions(upTo end: Int) throws {
      while conditionFragments.count < min(end, conditions.count) {
        compiler.joinScope = conditionFragments.count + 1
        conditionFragments.append(try compiler.condition(conditions[conditionFragments.count]))
      }
      compiler.joinScope = nil
    }
    for annotation in annotations {
      try compileConditions(upTo: annotationSteps[annotation.name] ?? 0)
      _ = try compiler.annotationFragment(annotation.name, annotation.expression)
    }
    try compileConditions(upTo: conditions.count)
    let extraColumns = try aggregateColumns?(&compiler) ?? []
    var select: [Fragment] = []
    var outputs: [Output] = []
    var groupBy: [String] = []
    var groupArguments: [SQLValue] = []
    /// Groups by the column just selected. PostgreSQL cannot match `x - $5` in GROUP BY with
    /// `x - $1` in the select list, so there the group names the column's position, as Django
    /// does where `allows_group_by_select_index`.
    func groupSelected(_ sql: String, _ arguments: [SQLValue]) {
      if schema.dialect.isPostgreSQL {
        groupBy.append(String(select.count))
      } else {
        groupBy.append(sql)
        groupArguments += arguments
      }
    }
    func groupSelected(_ fragment: Fragment) { groupSelected(fragment.sql, fragment.arguments) }
    func groupSelected(_ resolved: ResolvedPath) { groupSelected(resolved.sql, resolved.arguments) }
    var valuesShape = false
    /// Every annotation as a column. Django groups by every selected expression that is not
    /// an aggregate: one reaching across a multi-valued relation splits the object's group.
    func selectAnnotations() throws {
      for annotation in annotations {
        let fragment = try compiler.annotationFragment(annotation.name, annotation.expression)
        select.append(fragment)
        outputs.append(Output(key: annotation.name, field: try compiler.outputField(annotation.expression)))
        if isGrouped, !annotation.expression.containsAggregate, !annotation.expression.containsWindow {
          groupSelected(fragment)
        }
      }
    }
    if aggregateColumns != nil, !isDistinct, case .instances = shape {
      // The inner query of aggregate(): annotations only, grouped by the object.
      try selectAnnotations()
      if isGrouped { groupBy.insert(compiler.basePrimaryKey, at: 0) }
    } else if onlyPrimaryKey {
      select.append(Fragment(sql: compiler.basePrimaryKey))
      outputs.append(Output(key: "pk", field: model.primaryKey))
    } else {
      switch shape {
      case .instances:
        for field in model.fields where field.isConcrete && (field.primaryKey || !deferredFields.contains(field.name)) {
          select.append(Fragment(sql: compiler.column(compiler.baseAlias, field.column!)))
          outputs.append(Output(key: field.name, field: field))
        }
        for path in relatedPaths {
          var walked: [String] = []
          var current = model
          for part in path.components(separatedBy: "__") {
            walked.append(part)
            current = schema.model(current.field(part)!.relatedModel!)!
            let prefixPath = walked.joined(separator: "__")
            if outputs.contains(where: { $0.relatedPath == prefixPath }) { continue }
            for field in current.fields where field.isConcrete {
              let resolved = try compiler.value(prefixPath + "__" + field.name)
              select.append(Fragment(sql: resolved.sql))
              outputs.append(Output(key: field.name, field: field, relatedPath: prefixPath))
            }
          }
        }
        if isGrouped {
          groupBy = [compiler.basePrimaryKey]
          // A window over grouped rows reads their columns: Django groups by every selected
          // column (SQLite has no functional dependence on the key).
          if annotations.contains(where: { $0.expression.containsWindow }) {
            groupBy += select.map(\.sql).filter { $0 != compiler.basePrimaryKey }
          }
        }
        try selectAnnotations()
      case .values(let fields), .valuesList(let fields, _):
        valuesShape = true
        var names = fields
        if names.isEmpty {
          names = model.fields.filter(\.isConcrete).map { $0.type.isConcreteRelation ? $0.column! : $0.name } + annotations.map(\.name)
        }
        for name in names {
          if let annotation = annotations.first(where: { $0.name == name }) {
            let fragment = try compiler.annotationFragment(annotation.name, annotation.expression)
            select.append(fragment)
            outputs.append(Output(key: name, field: try compiler.outputField(annotation.expression)))
            if !annotation.expression.containsAggregate, !annotation.expression.containsWindow {
              groupSelected(fragment)
            }
          } else {
            let resolved = try compiler.value(name)
            select.append(Fragment(sql: resolved.sql, arguments: resolved.arguments))
            outputs.append(Output(key: name, field: resolved.field))
            groupSelected(resolved)
          }
        }
        if !isGrouped {
          groupBy = []
        } else if !groupsByValues {
          // annotate() came before values(): one group per object, as Django does, and per
          // every other selected column (one across a multi-valued relation splits it).
          groupBy.insert(compiler.basePrimaryKey, at: 0)
        }
      }
    }
    for (alias, fragment) in extraColumns {
      select.append(fragment)
      outputs.append(Output(key: alias, field: fragment.field))
      if isGrouped {
        groupSelected(fragment)
      }
    }
    if select.isEmpty {
      select.append(Fragment(sql: compiler.basePrimaryKey))
      outputs.append(Output(key: "pk", field: model.primaryKey))
    }
    var whereParts: [Fragment] = []
    var havingParts: [Fragment] = []
    if isEmpty { whereParts.append(Fragment(sql: "0 = 1")) }
    for (condition, fragment) in zip(conditions, conditionFragments) {
      if compiler.refersToAggregate(condition) { havingParts.append(fragment) } else { whereParts.append(fragment) }
    }
    var orderParts: [Fragment] = []
    // Django leaves the model's default ordering out of GROUP BY queries over values().
    let order = onlyPrimaryKey && !isSliced ? [] : (ordering ?? (valuesShape && groupsByValues ? [] : model.ordering))
    for item in order {
      if item == "?" {
        orderParts.append(Fragment(sql: "RANDOM()"))
        continue
      }
      let descending = item.hasPrefix("-")
      let resolved = try compiler.value(descending ? String(item.dropFirst()) : item)
      orderParts.append(Fragment(sql: resolved.sql + (descending ? " DESC" : " ASC"), arguments: resolved.arguments))
    }
    let columns = aliased
      ? zip(select, outputs).map { "\($0.sql) AS \(Identifier.quoted($1.key))" }
      : select.map(\.sql)
    var sql = "SELECT " + (isDistinct ? "DISTINCT " : "") + columns.joined(separator: ", ")
    var arguments = select.flatMap(\.arguments)
    sql += " FROM " + compiler.fromClause
    if !whereParts.isEmpty {
      sql += " WHERE " + whereParts.map { "(\($0.sql))" }.joined(separator: " AND ")
      arguments += whereParts.flatMap(\.arguments)
    }
    if !groupBy.isEmpty {
      sql += " GROUP BY " + groupBy.joined(separator: ", ")
      arguments += groupArguments
    }
    if !havingParts.isEmpty {
      sql += " HAVING " + havingParts.map { "(\($0.sql))" }.joined(separator: " AND ")
      arguments += havingParts.flatMap(\.arguments)
    }
    if !orderParts.isEmpty {
      sql += " ORDER BY " + orderParts.map(\.sql).joined(separator: ", ")
      arguments += orderParts.flatMap(\.arguments)
    }
    if let limit { sql += " LIMIT \(limit)" }
    if offset > 0 { sql += (limit == nil ? " LIMIT -1" : "") + " OFFSET \(offset)" }
    return Compiled(sql: sql, arguments: arguments, outputs: outputs)
  }

  /// The query as the inside of `IN (…)` or a `Subquery`: its primary keys, or its one
  /// `values`/`values_list` column (the field it ends on comes along).
  func compileSubquery(prefix: String, scalar: Bool = false, validating: Bool = false) throws -> Fragment {
    switch shape {
    case .valuesList(let fields, _) where fields.count == 1, .values(let fields) where fields.count == 1:
      let compiled = try compile(prefix: prefix, validating: validating)
      return Fragment(sql: compiled.sql, arguments: compiled.arguments, field: compiled.outputs.first?.field)
    case .instances:
      let compiled = try compile(prefix: prefix, onlyPrimaryKey: true, validating: validating)
      return Fragment(sql: compiled.sql, arguments: compiled.arguments, field: model.primaryKey)
    default:
      if scalar { throw QueryError("sub-select returns \(try compile(prefix: prefix).outputs.count) columns - expected 1", kind: "OperationalError") }
      throw QueryError("Cannot use a multi-field QuerySet as a filter value.", kind: "TypeError")
    }
  }

  /// The SQL and its arguments, for tests and the shell's `.sql`.
  public func sql() throws -> (String, [SQLValue]) {
    let compiled = try compile()
    return (compiled.sql, compiled.arguments)
  }

  /// The SQL with its arguments written in, for people to read (never run).
  public func readableSQL() throws -> String {
    let (sql, arguments) = try self.sql()
    return Self.inline(sql, arguments)
  }

  static func inline(_ sql: String, _ arguments: [SQLValue]) -> String {
    var output = ""
    var remaining = arguments[...]
    var inString = false
    for character in sql {
      if character == "'" { inString.toggle() }
      if character == "?", !inString, let value = remaining.popFirst() {
        output += value.description
      } else {
        output.append(character)
      }
    }
    return output
  }
}
