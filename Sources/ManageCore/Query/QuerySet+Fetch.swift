extension QuerySet {
  /// The column keys of each row in this query's shape (`values()` keys, tuple positions).
  public func columnKeys() throws -> [String] {
    try compile().outputs.filter { $0.relatedPath == nil }.map { output in
      // A row's foreign keys are headed by their column, `author_id`, as in values().
      if case .instances = shape, let field = output.field, field.type.isConcreteRelation, model.field(output.key) != nil {
        return field.column!
      }
      return output.key
    }
  }

  /// The field of each column the query returns (nil for an annotation), in order: what
  /// `forEachStoredRow` hands over with each row, known before the first row.
  public func outputFields() throws -> [FieldSchema?] {
    try compile().outputs.map(\.field)
  }

  /// Runs the query and hands each row's values, converted by field type, to `body`:
  /// no row objects are kept, so a 100,000-row `values()` streams in flat memory.
  public func forEachRow(_ connection: Connection, _ body: ([ModelValue]) throws -> Void) throws {
    let compiled = try compile()
    let statement = try connection.prepare(compiled.sql)
    try statement.bind(compiled.arguments)
    let outputs = compiled.outputs
    var row: [ModelValue] = []
    row.reserveCapacity(outputs.count)
    while try statement.step() {
      row.removeAll(keepingCapacity: true)
      for (index, output) in outputs.enumerated() {
        let value = statement.column(index)
        row.append(output.field.map { ModelValue(value, field: $0) } ?? ModelValue(value))
      }
      try body(row)
    }
  }

  /// Runs the query and hands each row's stored values, unconverted, to `body` with the field
  /// of each column: for writers (CSV) that print most columns as SQLite holds them.
  public func forEachStoredRow(_ connection: Connection, _ body: ([SQLValue], [FieldSchema?]) throws -> Void) throws {
    let compiled = try compile()
    let statement = try connection.prepare(compiled.sql)
    try statement.bind(compiled.arguments)
    let fields = compiled.outputs.map(\.field)
    var row: [SQLValue] = []
    row.reserveCapacity(fields.count)
    while try statement.step() {
      row.removeAll(keepingCapacity: true)
      for index in fields.indices { row.append(statement.column(index)) }
      try body(row, fields)
    }
  }

  /// The rows as model instances (with select_related rows attached and annotations set).
  public func instances(_ connection: Connection) throws -> [ModelInstance] {
    var result: [ModelInstance] = []
    try forEachInstance(connection) { result.append($0) }
    return result
  }

  /// Each row as an instance, one at a time (Django's `iterator()`): what dumpdata streams, so
  /// a table larger than memory is written without holding it.
  public func forEachInstance(_ connection: Connection, _ body: (ModelInstance) throws -> Void) throws {
    guard case .instances = shape else {
      throw QueryError("this query returns \(shapeName), not \(model.name) objects", kind: "TypeError")
    }
    let outputs = try compile().outputs
    try forEachRow(connection) { row in try body(instance(from: row, outputs: outputs)) }
  }

  private var shapeName: String {
    switch shape {
    case .instances: "objects"
    case .values: "dictionaries"
    case .valuesList: "tuples"
    }
  }

  func instance(from row: [ModelValue], outputs: [Output]) -> ModelInstance {
    let object = ModelInstance(model: model, values: [:], isStored: true)
    object.deferred = deferredFields
    var relatedValues: [String: [String: ModelValue]] = [:]
    for (output, value) in zip(outputs, row) {
      if let path = output.relatedPath {
        relatedValues[path, default: [:]][output.key] = value
      } else if annotations.contains(where: { $0.name == output.key }) {
        object.annotations[output.key] = value
      } else {
        object.values[output.key] = value
      }
    }
    // Attach related rows from the shortest path down: author, then author__user.
    for path in relatedValues.keys.sorted(by: { $0.count < $1.count }) {
      var owner = object
      let parts = path.components(separatedBy: "__")
      for part in parts.dropLast() { owner = owner.related[part]! }
      let field = owner.model.field(parts.last!)!
      guard let target = schema.model(field.relatedModel!), let values = relatedValues[path] else { continue }
      let related = ModelInstance(model: target, values: values, isStored: true)
      if !related.pk.isNull { owner.related[field.name] = related }
    }
    return object
  }

  /// The rows as `values()` dictionaries, or `values_list()` tuples, or flat values.
  public func results(_ connection: Connection) throws -> [ModelValue] {
    let keys = try columnKeys()
    var result: [ModelValue] = []
    switch shape {
    case .instances:
      throw QueryError("results(_:) is for values() and values_list(); use instances(_:)", kind: "TypeError")
    case .values:
      try forEachRow(connection) { row in result.append(.dict(OrderedDictionary(Array(zip(keys, row))))) }
    case .valuesList(_, let flat):
      try forEachRow(connection) { row in result.append(flat ? row[0] : .tuple(row)) }
    }
    return result
  }

  /// `count()`: a COUNT(*) in the database, over a subquery when the rows are sliced,
  /// distinct or grouped.
  public func count(_ connection: Connection) throws -> Int {
    var plain = self
    plain.ordering = []
    let compiled: Compiled
    if isSliced || isDistinct || isGrouped || combination != nil {
      let inner = try plain.compile()
      // PostgreSQL requires an alias on a subquery in FROM; SQLite accepts one.
      compiled = Compiled(sql: "SELECT COUNT(*) FROM (\(inner.sql)) \"subquery\"", arguments: inner.arguments, outputs: [])
    } else {
      var counting = plain
      counting.shape = .instances
      counting.relatedPaths = []
      let inner = try counting.compile(onlyPrimaryKey: true)
      // Replace the column list with COUNT(*): same FROM, joins and WHERE.
      let fromIndex = inner.sql.range(of: " FROM ")!.lowerBound
      compiled = Compiled(sql: "SELECT COUNT(*)" + inner.sql[fromIndex...], arguments: inner.arguments, outputs: [])
    }
    return try connection.scalar(compiled.sql, compiled.arguments)?.int ?? 0
  }

  /// `exists()`.
  public func exists(_ connection: Connection) throws -> Bool {
    var probe = try slice(0, 1)
    probe.ordering = []
    if isGrouped || groupsByValues || combination != nil {
      // HAVING needs the GROUP BY the full query has.
      let inner = try probe.compile()
      return try connection.scalar("SELECT 1 FROM (\(inner.sql)) \"subquery\"", inner.arguments) != nil
    }
    let compiled = try probe.compile(onlyPrimaryKey: true)
    return try connection.scalar(compiled.sql, compiled.arguments) != nil
  }

  /// The first row in the query's ordering (by primary key when it has none), or nil.
  public func first(_ connection: Connection) throws -> ModelValueOrInstance? {
    var ordered = self
    if effectiveOrdering.isEmpty { ordered.ordering = [model.primaryKey?.name ?? "id"] }
    return try ordered.slice(0, 1).fetchAll(connection).first
  }

  /// The last row: the ordering reversed.
  public func last(_ connection: Connection) throws -> ModelValueOrInstance? {
    try reversed().slice(0, 1).fetchAll(connection).first
  }

  /// Every row in the query's shape.
  public func fetchAll(_ connection: Connection) throws -> [ModelValueOrInstance] {
    if case .instances = shape { return try instances(connection).map { .instance($0) } }
    return try results(connection).map { .value($0) }
  }

  /// `get(...)`: exactly one row, else Django's DoesNotExist or MultipleObjectsReturned.
  public func get(_ connection: Connection) throws -> ModelValueOrInstance {
    // Django fetches at most 21 rows to say how many matched without counting them all.
    let probe = isSliced ? self : try slice(0, 21)
    let rows = try probe.fetchAll(connection)
    if rows.count == 1 { return rows[0] }
    if rows.isEmpty {
      throw QueryError("\(model.name) matching query does not exist.", kind: "\(model.name).DoesNotExist")
    }
    let count = rows.count > 20 ? "more than 20" : String(rows.count)
    throw QueryError(
      "get() returned more than one \(model.name) -- it returned \(count)!", kind: "\(model.name).MultipleObjectsReturned")
  }

  /// Runs `aggregate(...)` and returns its dictionary.
  public func aggregate(_ pairs: [(String, Aggregate)], _ connection: Connection) throws -> OrderedDictionary {
    var compiler = QueryCompiler(schema: schema, base: model, annotations: annotations)
    let fields = try pairs.map { try compiler.outputField(.aggregate($0.1)) }
    let compiled = try compileAggregate(pairs)
    let row = try connection.query(compiled.sql, compiled.arguments).first
    var result = OrderedDictionary()
    for (index, (name, aggregate)) in pairs.enumerated() {
      let raw = row?.values[index] ?? .null
      var value = fields[index].map { ModelValue(raw, field: $0) } ?? ModelValue(raw)
      // Django: Count of nothing is 0, never None.
      if aggregate.function == .count, value.isNull { value = .int(0) }
      result[name] = value
    }
    return result
  }

  /// The readable SQL `aggregate(...)` runs.
  public func aggregateSQL(_ pairs: [(String, Aggregate)]) throws -> String {
    let compiled = try compileAggregate(pairs)
    return Self.inline(compiled.sql, compiled.arguments)
  }
}

/// A fetched row: a model instance, or a `values()`/`values_list()` value.
public enum ModelValueOrInstance {
  case instance(ModelInstance)
  case value(ModelValue)
}
