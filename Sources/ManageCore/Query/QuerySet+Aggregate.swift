/// `aggregate(total=Sum("score"), …)`, compiled as Django's `get_aggregation` does: over the
/// filtered rows directly, or, when the rows are grouped (an aggregate annotation, values()
/// then annotate()), distinct, sliced or windowed, over an inner query whose `__colN` columns
/// hold what each aggregate reads. The second form is why Django's answers depend on it:
/// `distinct().aggregate(Sum("reviews__stars"))` sums distinct (object, stars) rows.
extension QuerySet {
  func compileAggregate(_ pairs: [(String, Aggregate)]) throws -> Compiled {
    let windowed = annotations.contains { $0.expression.containsWindow }
    if isGrouped || groupsByValues || isDistinct || isSliced || windowed {
      return try compileAggregateOverSubquery(pairs)
    }
    var compiler = QueryCompiler(schema: schema, base: model, annotations: annotations)
    var whereParts: [Fragment] = isEmpty ? [Fragment(sql: "0 = 1")] : []
    // Filters and annotations in call order. An annotation no aggregate names is not selected,
    // but its joins stay and multiply the rows, as in Django.
    for (index, condition) in conditions.enumerated() {
      for annotation in annotations where (annotationSteps[annotation.name] ?? 0) == index {
        _ = try compiler.annotationFragment(annotation.name, annotation.expression)
      }
      compiler.joinScope = index + 1
      whereParts.append(try compiler.condition(condition))
    }
    compiler.joinScope = nil
    for annotation in annotations where (annotationSteps[annotation.name] ?? 0) >= conditions.count {
      _ = try compiler.annotationFragment(annotation.name, annotation.expression)
    }
    // The aggregates come last, reusing the joins the filters made (Django resolves them at
    // the aggregate() call).
    var select: [Fragment] = []
    for (_, aggregate) in pairs { select.append(try compiler.expression(.aggregate(aggregate))) }
    var sql = "SELECT " + select.map(\.sql).joined(separator: ", ") + " FROM " + compiler.fromClause
    if !whereParts.isEmpty { sql += " WHERE " + whereParts.map { "(\($0.sql))" }.joined(separator: " AND ") }
    return Compiled(sql: sql, arguments: select.flatMap(\.arguments) + whereParts.flatMap(\.arguments), outputs: [])
  }

  private func compileAggregateOverSubquery(_ pairs: [(String, Aggregate)]) throws -> Compiled {
    var inner = self
    if !isSliced { inner.ordering = [] }
    var rewritten: [Aggregate] = []
    var virtual: [(name: String, expression: QueryExpression)] = []
    let annotationNames = Set(selectedAnnotationNames)
    let compiled = try inner.compile(prefix: "g", aliased: true) { compiler in
      var rewriter = SubqueryColumns(annotationNames: annotationNames)
      rewritten = try pairs.map { try rewriter.rewrite($0.1, &compiler) }
      virtual = rewriter.virtualAnnotations
      return rewriter.columns
    }
    // The outer query reads the inner one's columns by name; its compiler only renders the
    // rewritten aggregates, which name nothing but those columns.
    var outer = QueryCompiler(schema: schema, base: model, annotations: virtual, aliasPrefix: "o")
    let select = try rewritten.map { try outer.expression(.aggregate($0)) }
    return Compiled(
      sql: "SELECT \(select.map(\.sql).joined(separator: ", ")) FROM (\(compiled.sql)) AS \"subquery\"",
      arguments: select.flatMap(\.arguments) + compiled.arguments, outputs: [])
  }

  /// The annotations the inner query selects (all of them, or those values() names).
  private var selectedAnnotationNames: [String] {
    switch shape {
    case .instances: return annotations.map(\.name)
    case .values(let fields), .valuesList(let fields, _):
      return fields.isEmpty ? annotations.map(\.name) : fields.filter { name in annotations.contains { $0.name == name } }
    }
  }
}

/// Django's `rewrite_cols`: each column an aggregate reads becomes a `__colN` of the inner
/// query, and each annotation it names is read from the inner query's column of that name.
private struct SubqueryColumns {
  let annotationNames: Set<String>
  var columns: [(String, Fragment)] = []
  /// Names the outer compiler resolves (`manage_col1`, the annotations) to the inner columns.
  var virtualAnnotations: [(name: String, expression: QueryExpression)] = []

  init(annotationNames: Set<String>) {
    self.annotationNames = annotationNames
  }

  mutating func rewrite(_ aggregate: Aggregate, _ compiler: inout QueryCompiler) throws -> Aggregate {
    var result = aggregate
    result.argument = try rewrite(aggregate.argument, &compiler)
    result.filter = try aggregate.filter.map { try rewrite($0, &compiler) }
    return result
  }

  private mutating func column(_ fragment: Fragment) -> String {
    let alias = "__col\(columns.count + 1)"
    columns.append((alias, fragment))
    let name = "manage_col\(columns.count)"
    virtualAnnotations.append((name, .compiled(sql: "\"subquery\".\(Identifier.quoted(alias))", arguments: [], field: fragment.field)))
    return name
  }

  private mutating func annotationReference(_ name: String, _ compiler: inout QueryCompiler) throws -> QueryExpression {
    let field = try compiler.annotations.first { $0.name == name }.map { try compiler.outputField($0.expression) } ?? nil
    return .compiled(sql: "\"subquery\".\(Identifier.quoted(name))", arguments: [], field: field)
  }

  mutating func rewrite(_ expression: QueryExpression, _ compiler: inout QueryCompiler) throws -> QueryExpression {
    switch expression {
    case .field("*"): return expression
    case .field(let path):
      if annotationNames.contains(path) { return try annotationReference(path, &compiler) }
      var resolved = try compiler.value(path)
      resolved.field = compiler.valueField(resolved.field)
      let name = column(Fragment(sql: resolved.sql, arguments: resolved.arguments, field: resolved.field))
      return .field(name)
    case .binary(let op, let left, let right): return .binary(op, try rewrite(left, &compiler), try rewrite(right, &compiler))
    case .negated(let inner): return .negated(try rewrite(inner, &compiler))
    case .cast(let inner, let field): return .cast(try rewrite(inner, &compiler), field)
    case .function(let function, let arguments): return .function(function, try arguments.map { try rewrite($0, &compiler) })
    case .conditional(let whens, let otherwise):
      return .conditional(
        try whens.map { When(try rewrite($0.condition, &compiler), then: try rewrite($0.result, &compiler)) },
        otherwise: try otherwise.map { try rewrite($0, &compiler) })
    default:
      // Anything else (a subquery, a value) is computed in the inner query as one column.
      let fragment = try compiler.expression(expression)
      return .field(column(Fragment(sql: fragment.sql, arguments: fragment.arguments, field: try compiler.outputField(expression))))
    }
  }

  mutating func rewrite(_ q: Q, _ compiler: inout QueryCompiler) throws -> Q {
    switch q {
    case .condition(let path, let operand):
      let first = path.components(separatedBy: "__")[0]
      var rewrittenOperand = operand
      if case .expression(let expression) = operand { rewrittenOperand = .expression(try rewrite(expression, &compiler)) }
      if annotationNames.contains(first) {
        let name = "manage_ann_\(first)"
        virtualAnnotations.append((name, try annotationReference(first, &compiler)))
        return .condition(([name] + path.components(separatedBy: "__").dropFirst()).joined(separator: "__"), rewrittenOperand)
      }
      let resolved = try compiler.resolve(path)
      let name = column(Fragment(sql: resolved.sql, arguments: resolved.arguments, field: resolved.field))
      return .condition(([name] + resolved.rest).joined(separator: "__"), rewrittenOperand)
    case .and(let items): return .and(try items.map { try rewrite($0, &compiler) })
    case .or(let items): return .or(try items.map { try rewrite($0, &compiler) })
    case .not(let inner): return .not(try rewrite(inner, &compiler))
    case .expression(let expression): return .expression(try rewrite(expression, &compiler))
    }
  }
}
