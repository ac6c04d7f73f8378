/// A lazy query over one model, Django's QuerySet: filters, exclusions and ordering compose
/// into one parameterised SELECT, with joins for lookups that cross foreign keys
/// (`author__username="bob"`). Identifiers come only from the schema.
///
/// This is the foundation of issue 5: forward relations, the common lookups, ordering, slicing,
/// counting. Reverse and many-to-many relations, Q, F, aggregates and writes come next.
public struct QuerySet: Sendable {
  public let model: ModelSchema
  public let schema: ProjectSchema
  private var conditions: [(negated: Bool, path: String, value: SQLValueList)] = []
  private var ordering: [String]?
  private var limit: Int?
  private var offset = 0

  public init(model: ModelSchema, schema: ProjectSchema) {
    self.model = model
    self.schema = schema
  }

  /// `filter(path=value)`: rows where the lookup holds.
  public func filter(_ path: String, _ value: SQLValueList) -> QuerySet {
    var copy = self
    copy.conditions.append((false, path, value))
    return copy
  }

  /// `exclude(path=value)`: rows where it does not.
  public func exclude(_ path: String, _ value: SQLValueList) -> QuerySet {
    var copy = self
    copy.conditions.append((true, path, value))
    return copy
  }

  /// `order_by(...)`, `-field` descending; replaces the model's default ordering.
  public func orderBy(_ fields: [String]) -> QuerySet {
    var copy = self
    copy.ordering = fields
    return copy
  }

  /// `[start:end]`, as LIMIT/OFFSET.
  public func slice(_ start: Int, _ end: Int?) -> QuerySet {
    var copy = self
    copy.offset += start
    copy.limit = end.map { max($0 - start, 0) }
    return copy
  }

  // MARK: - Running

  public func rows(_ connection: Connection) throws -> [Row] {
    let (sql, arguments) = try compile(select: selectList())
    return try connection.query(sql, arguments)
  }

  public func count(_ connection: Connection) throws -> Int {
    let (sql, arguments) = try compile(select: "COUNT(*)", ordered: false)
    return try connection.scalar(sql, arguments)?.int ?? 0
  }

  public func exists(_ connection: Connection) throws -> Bool {
    try slice(0, 1).rows(connection).isEmpty == false
  }

  public func first(_ connection: Connection) throws -> Row? {
    try slice(0, 1).rows(connection).first
  }

  /// The SQL and its arguments, for tests and `.query` in the shell.
  public func sql() throws -> (String, [SQLValue]) { try compile(select: selectList()) }

  // MARK: - Compiling

  private func selectList() -> String {
    model.fields.compactMap(\.column).map { "\(Identifier.quoted(model.dbTable)).\(Identifier.quoted($0))" }.joined(separator: ", ")
  }

  private func compile(select: String, ordered: Bool = true) throws -> (String, [SQLValue]) {
    var joins = JoinSet(base: model, schema: schema)
    var clauses: [String] = []
    var arguments: [SQLValue] = []
    for condition in conditions {
      let (column, lookup) = try joins.resolve(condition.path, lookups: true)
      let (sql, values) = try lookup.sql(column, condition.value)
      clauses.append(condition.negated ? "NOT (\(sql))" : sql)
      arguments += values
    }
    var orderTerms: [String] = []
    if ordered {
      for item in ordering ?? model.ordering where item != "?" {
        let descending = item.hasPrefix("-")
        let path = descending ? String(item.dropFirst()) : item
        let (column, _) = try joins.resolve(path, lookups: false)
        orderTerms.append(column + (descending ? " DESC" : " ASC"))
      }
    }
    var sql = "SELECT \(select) FROM \(Identifier.quoted(model.dbTable))"
    for join in joins.joins { sql += " " + join }
    if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
    if !orderTerms.isEmpty { sql += " ORDER BY " + orderTerms.joined(separator: ", ") }
    if ordered, let limit { sql += " LIMIT \(limit)" }
    if ordered, offset > 0 { sql += (limit == nil ? " LIMIT -1" : "") + " OFFSET \(offset)" }
    return (sql, arguments)
  }
}

/// The LEFT JOINs a query needs, one per foreign-key path, named t1, t2, ….
struct JoinSet {
  let base: ModelSchema
  let schema: ProjectSchema
  private(set) var joins: [String] = []
  private var aliases: [String: (alias: String, model: ModelSchema)] = [:]

  init(base: ModelSchema, schema: ProjectSchema) {
    self.base = base
    self.schema = schema
  }

  /// The column for `author__username__icontains` and its lookup (exact when none is given).
  mutating func resolve(_ path: String, lookups: Bool) throws -> (String, Lookup) {
    var parts = path.components(separatedBy: "__")
    var lookup = Lookup.exact
    if lookups, parts.count > 1, let last = Lookup(rawValue: parts.last!) {
      lookup = last
      parts.removeLast()
    }
    var model = base
    var alias = Identifier.quoted(base.dbTable)
    var walked: [String] = []
    for (index, part) in parts.enumerated() {
      let name = part == "pk" ? (model.primaryKey?.name ?? "id") : part
      guard let field = model.field(name) ?? model.fields.first(where: { $0.column == name }) else {
        let choices = model.fields.map(\.name).sorted().joined(separator: ", ")
        throw QueryError("Cannot resolve keyword '\(part)' into field. Choices are: \(choices)")
      }
      walked.append(name)
      let isLast = index == parts.count - 1
      if isLast {
        return ("\(alias).\(Identifier.quoted(field.column ?? field.name))", lookup)
      }
      guard field.type.isConcreteRelation, let target = field.relatedModel.flatMap(schema.model) else {
        throw QueryError("Unsupported lookup '\(parts[index + 1])' for \(field.type.djangoName) or join on the field not permitted.")
      }
      let key = walked.joined(separator: "__")
      if let existing = aliases[key] {
        alias = existing.alias
      } else {
        let next = "t\(aliases.count + 1)"
        let targetKey = target.primaryKey?.column ?? "id"
        joins.append("LEFT OUTER JOIN \(Identifier.quoted(target.dbTable)) AS \(next) ON \(alias).\(Identifier.quoted(field.column ?? field.name)) = \(next).\(Identifier.quoted(targetKey))")
        aliases[key] = (next, target)
        alias = next
      }
      model = target
    }
    throw QueryError("Empty lookup path")
  }
}
