/// `OuterRef("pk")` inside a `Subquery` or `Exists`: found before the inner query compiles,
/// and replaced by the enclosing query's SQL for the path. A nested subquery's own OuterRefs
/// belong to it (they name this query's fields), so the walk stops at subqueries.
extension QuerySet {
  /// The outer paths this query's conditions and annotations refer to.
  func outerReferencePaths() -> [String] {
    var paths: [String] = []
    for condition in conditions { Self.collect(condition, into: &paths) }
    for annotation in annotations { Self.collect(annotation.expression, into: &paths) }
    return paths
  }

  /// The query with `OuterRef(path)` replaced by `replacements[path]`.
  func replacingOuterReferences(_ replacements: [String: QueryExpression]) -> QuerySet {
    guard !replacements.isEmpty else { return self }
    var copy = self
    copy.conditions = conditions.map { Self.replace($0, replacements) }
    copy.annotations = annotations.map { ($0.name, Self.replace($0.expression, replacements)) }
    return copy
  }

  private static func collect(_ q: Q, into paths: inout [String]) {
    switch q {
    case .condition(_, .expression(let expression)), .expression(let expression): collect(expression, into: &paths)
    case .condition: break
    case .and(let items), .or(let items): for item in items { collect(item, into: &paths) }
    case .not(let inner): collect(inner, into: &paths)
    }
  }

  private static func collect(_ expression: QueryExpression, into paths: inout [String]) {
    switch expression {
    case .outerReference(let path): paths.append(path)
    case .binary(_, let left, let right):
      collect(left, into: &paths)
      collect(right, into: &paths)
    case .negated(let inner), .cast(let inner, _), .ordered(let inner, _): collect(inner, into: &paths)
    case .aggregate(let aggregate):
      collect(aggregate.argument, into: &paths)
      if let filter = aggregate.filter { collect(filter, into: &paths) }
    case .function(_, let arguments): for argument in arguments { collect(argument, into: &paths) }
    case .conditional(let whens, let otherwise):
      for when in whens {
        collect(when.condition, into: &paths)
        collect(when.result, into: &paths)
      }
      if let otherwise { collect(otherwise, into: &paths) }
    case .predicate(let q): collect(q, into: &paths)
    case .window(let window):
      for item in window.partitionBy + window.orderBy { collect(item, into: &paths) }
    case .field, .value, .subquery, .exists, .compiled: break
    }
  }

  private static func replace(_ q: Q, _ replacements: [String: QueryExpression]) -> Q {
    switch q {
    case .condition(let path, .expression(let expression)): .condition(path, .expression(replace(expression, replacements)))
    case .condition: q
    case .expression(let expression): .expression(replace(expression, replacements))
    case .and(let items): .and(items.map { replace($0, replacements) })
    case .or(let items): .or(items.map { replace($0, replacements) })
    case .not(let inner): .not(replace(inner, replacements))
    }
  }

  private static func replace(_ expression: QueryExpression, _ replacements: [String: QueryExpression]) -> QueryExpression {
    let again = { (inner: QueryExpression) in replace(inner, replacements) }
    switch expression {
    case .outerReference(let path): return replacements[path] ?? expression
    case .binary(let op, let left, let right): return .binary(op, again(left), again(right))
    case .negated(let inner): return .negated(again(inner))
    case .cast(let inner, let field): return .cast(again(inner), field)
    case .ordered(let inner, let descending): return .ordered(again(inner), descending: descending)
    case .aggregate(var aggregate):
      aggregate.argument = again(aggregate.argument)
      aggregate.filter = aggregate.filter.map { replace($0, replacements) }
      return .aggregate(aggregate)
    case .function(let function, let arguments): return .function(function, arguments.map(again))
    case .conditional(let whens, let otherwise):
      return .conditional(whens.map { When(replace($0.condition, replacements), then: again($0.result)) }, otherwise: otherwise.map(again))
    case .predicate(let q): return .predicate(replace(q, replacements))
    case .window(var window):
      window.partitionBy = window.partitionBy.map(again)
      window.orderBy = window.orderBy.map(again)
      return .window(window)
    case .field, .value, .subquery, .exists, .compiled: return expression
    }
  }
}
