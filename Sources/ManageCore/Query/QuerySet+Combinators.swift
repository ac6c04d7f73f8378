/// `union()`, `intersection()` and `difference()`: compound SELECTs, as Django writes them
/// on SQLite, where the parts may not be ordered or sliced and the combined query may only
/// be ordered (by its columns), sliced, counted and fetched.
extension QuerySet {
  /// A compound query: the parts after the first, which is the query itself.
  struct Combination: Sendable {
    enum Operator: String, Sendable { case union = "UNION", intersection = "INTERSECT", difference = "EXCEPT" }
    var kind: Operator
    var all: Bool
    var parts: [QuerySet]
  }

  /// `qs.union(other, …, all=False)` and its siblings.
  public func combined(_ kind: String, with others: [QuerySet], all: Bool = false) throws -> QuerySet {
    guard let operation = Combination.Operator(rawValue: kind) else { throw QueryError("unknown combinator \(kind)") }
    try refuseAfterCombination(operation == .union ? "union" : operation == .intersection ? "intersection" : "difference")
    // Django: a union with nothing else is the query itself; with only empty queries, empty.
    if others.isEmpty { return self }
    var result = QuerySet(model: model, schema: schema)
    result.shape = shape
    result.combination = Combination(kind: operation, all: all, parts: [self] + others)
    result.ordering = []
    return result
  }

  /// Django's `_not_support_combined_queries`.
  func refuseAfterCombination(_ method: String) throws {
    guard let combination else { return }
    let name = combination.kind == .union ? "union" : combination.kind == .intersection ? "intersection" : "difference"
    throw QueryError("Calling QuerySet.\(method)() after \(name)() is not supported.", kind: "NotSupportedError")
  }

  func compileCombination(_ combination: Combination) throws -> Compiled {
    var sqls: [String] = []
    var arguments: [SQLValue] = []
    var outputs: [Output] = []
    for (index, part) in combination.parts.enumerated() {
      if part.isSliced {
        throw QueryError("LIMIT/OFFSET not allowed in subqueries of compound statements.", kind: "DatabaseError")
      }
      if let ordering = part.ordering, !ordering.isEmpty {
        throw QueryError("ORDER BY not allowed in subqueries of compound statements.", kind: "DatabaseError")
      }
      var plain = part
      plain.ordering = []
      let compiled = try plain.compile()
      if index == 0 {
        outputs = compiled.outputs
      } else if compiled.outputs.count != outputs.count {
        throw QueryError("SELECTs to the left and right of \(combination.kind.rawValue) do not have the same number of result columns", kind: "OperationalError")
      }
      sqls.append(compiled.sql)
      arguments += compiled.arguments
    }
    var sql = sqls.joined(separator: " \(combination.kind.rawValue)\(combination.all ? " ALL" : "") ")
    // Django orders a compound query by the position of the named column.
    let order = (ordering ?? []).map { item -> String in
      let descending = item.hasPrefix("-")
      let name = descending ? String(item.dropFirst()) : item
      let key = name == "pk" ? (model.primaryKey?.name ?? "id") : name
      let position = outputs.firstIndex { $0.key == key || $0.key == name || ($0.key == "pk" && key == model.primaryKey?.name) }
      return position.map { "(\($0 + 1))\(descending ? " DESC" : " ASC")" } ?? ""
    }
    if order.contains("") {
      throw QueryError("ORDER BY term does not match any column in the result set.", kind: "DatabaseError")
    }
    if !order.isEmpty { sql += " ORDER BY " + order.joined(separator: ", ") }
    if let limit { sql += " LIMIT \(limit)" }
    if offset > 0 { sql += (limit == nil ? " LIMIT -1" : "") + " OFFSET \(offset)" }
    return Compiled(sql: sql, arguments: arguments, outputs: outputs)
  }
}

/// `dates()` and `datetimes()`: the distinct truncated values of a date or datetime field, as
/// Django builds them (an annotation, a NULL filter, values_list, distinct, ordering).
extension QuerySet {
  public func dates(_ path: String, _ kind: String, order: String = "ASC", datetimes: Bool = false) throws -> QuerySet {
    let kinds = datetimes ? ["year", "month", "week", "day", "hour", "minute", "second"] : ["year", "month", "week", "day"]
    guard kinds.contains(kind), let unit = TruncUnit(rawValue: kind) else {
      throw QueryError(
        datetimes
          ? "'kind' must be one of 'year', 'month', 'week', 'day', 'hour', 'minute', or 'second'."
          : "'kind' must be one of 'year', 'month', 'week', or 'day'.", kind: "ValueError")
    }
    guard order == "ASC" || order == "DESC" else { throw QueryError("'order' must be either 'ASC' or 'DESC'.", kind: "ValueError") }
    var compiler = QueryCompiler(schema: schema, base: model, annotations: annotations)
    let field = try compiler.value(path).field
    guard let type = field?.type, type == .date || type == .datetime else {
      throw QueryError("'\(model.name).\(path)' isn't a DateField, TimeField, or DateTimeField.", kind: "ValueError")
    }
    if datetimes, type != .datetime { throw QueryError("'\(model.name).\(path)' isn't a DateTimeField.", kind: "ValueError") }
    let output = FieldSchema(name: "datefield", type: datetimes ? .datetime : .date)
    let truncated = QueryExpression.cast(.function(.trunc(unit), [.field(path)]), output)
    return try annotate([("datefield", truncated), ("plain_field", .field(path))])
      .valuesList(["datefield"], flat: true)
      .distinct()
      .filter("plain_field__isnull", .bool(false))
      .orderBy([(order == "DESC" ? "-" : "") + "datefield"])
  }
}

/// `only()` and `defer()`: which columns instances load now.
extension QuerySet {
  /// `only("title", …)`: load these (and the primary key); `defer("body", …)`: all but these.
  /// Calling either with no names (`defer(None)`) loads everything again.
  public func loading(only names: [String]?, defer deferred: [String]?) throws -> QuerySet {
    try refuseAfterCombination(names != nil ? "only" : "defer")
    var copy = self
    let concrete = model.fields.filter(\.isConcrete)
    for name in (names ?? []) + (deferred ?? []) where !concrete.contains(where: { $0.name == name || $0.column == name }) && name != "pk" {
      if name.contains("__") {
        throw QueryError("\(model.name) has no field named '\(name.components(separatedBy: "__")[0])'", kind: "FieldDoesNotExist")
      }
      throw QueryError("\(model.name) has no field named '\(name)'", kind: "FieldDoesNotExist")
    }
    func fieldName(_ name: String) -> String { concrete.first { $0.column == name }?.name ?? name }
    if let names {
      let kept = Set(names.map(fieldName))
      copy.deferredFields = Set(concrete.filter { !$0.primaryKey && !kept.contains($0.name) }.map(\.name))
    } else if let deferred {
      copy.deferredFields = deferred.isEmpty ? [] : copy.deferredFields.union(deferred.map(fieldName))
    }
    return copy
  }

  /// The value of a field `object` left deferred, read now (Django's refresh_from_db(fields=)).
  public static func loadDeferred(_ name: String, of object: ModelInstance, schema: ProjectSchema, _ connection: Connection) throws -> ModelValue {
    let query = try QuerySet(model: object.model, schema: schema).filter("pk", object.pk).valuesList([name], flat: true)
    let value = try query.results(connection).first ?? .null
    object.values[name] = value
    object.deferred.remove(name)
    return value
  }
}
