/// A value computed in SQL: Django's F expressions, literals, arithmetic and aggregates
/// (`F("score") + 1`, `Count("posts")`).
public indirect enum QueryExpression: Sendable {
  /// A field path, Django's `F("author__username")`.
  case field(String)
  case value(ModelValue)
  case binary(ArithmeticOperator, QueryExpression, QueryExpression)
  case negated(QueryExpression)
  case aggregate(Aggregate)
  /// Django's database functions (`Lower("title")`, `Coalesce(...)`, `TruncMonth(...)`).
  case function(DatabaseFunction, [QueryExpression])
  /// `Cast(expression, output_field=IntegerField())`.
  case cast(QueryExpression, FieldSchema)
  /// `Case(When(...), ..., default=...)`.
  case conditional([When], otherwise: QueryExpression?)
  /// `Subquery(queryset)`: the first column of the query's first row.
  case subquery(QuerySet)
  /// `Exists(queryset)`: whether the query has a row.
  case exists(QuerySet)
  /// `OuterRef("pk")`: a field of the query a subquery sits in.
  case outerReference(String)
  /// `Window(expression, partition_by=..., order_by=...)`.
  case window(Window)
  /// `F("pages").desc()`: an ordering, for `order_by` and windows.
  case ordered(QueryExpression, descending: Bool)
  /// A condition as a value (`ExpressionWrapper(Q(...))`, a `When` without a lookup).
  case predicate(Q)
  /// SQL compiled in an enclosing query (an `OuterRef` once resolved): never written by users.
  case compiled(sql: String, arguments: [SQLValue], field: FieldSchema?)

  /// Whether an aggregate occurs anywhere inside (annotations with one need GROUP BY). A
  /// window's aggregate is computed over the rows, not by grouping them; a subquery's belong
  /// to it.
  public var containsAggregate: Bool {
    switch self {
    case .aggregate: true
    case .binary(_, let left, let right): left.containsAggregate || right.containsAggregate
    case .negated(let inner), .cast(let inner, _), .ordered(let inner, _): inner.containsAggregate
    case .function(_, let arguments): arguments.contains { $0.containsAggregate }
    case .conditional(let whens, let otherwise):
      whens.contains { $0.result.containsAggregate } || (otherwise?.containsAggregate ?? false)
    case .field, .value, .subquery, .exists, .outerReference, .window, .predicate, .compiled: false
    }
  }

  /// Whether a window function occurs inside (such annotations cannot be grouped or filtered
  /// in the same SELECT).
  public var containsWindow: Bool {
    switch self {
    case .window: true
    case .binary(_, let left, let right): left.containsWindow || right.containsWindow
    case .negated(let inner), .cast(let inner, _), .ordered(let inner, _): inner.containsWindow
    case .function(_, let arguments): arguments.contains { $0.containsWindow }
    case .conditional(let whens, let otherwise): whens.contains { $0.result.containsWindow } || (otherwise?.containsWindow ?? false)
    default: false
    }
  }

  /// How Python writes it, for reprs and messages.
  public var repr: String {
    switch self {
    case .field(let path): "F(\(ModelValue.pythonString(path)))"
    case .value(let value): "Value(\(value.repr))"
    case .binary(let op, let left, let right): "\(left.repr) \(op.rawValue) \(right.repr)"
    case .negated(let inner): "-\(inner.repr)"
    case .aggregate(let aggregate): aggregate.repr
    case .function(let function, let arguments): "\(function.name)(\(arguments.map(\.repr).joined(separator: ", ")))"
    case .cast(let inner, let field): "Cast(\(inner.repr), output_field=\(field.type.djangoName)())"
    case .conditional(let whens, let otherwise):
      "<Case: CASE \(whens.map { "WHEN \($0.condition.repr) THEN \($0.result.repr)" }.joined(separator: ", ")), ELSE \(otherwise?.repr ?? "Value(None)")>"
    case .subquery(let query): "<Subquery: \(query.model.name)>"
    case .exists(let query): "<Exists: \(query.model.name)>"
    case .outerReference(let path): "OuterRef(\(ModelValue.pythonString(path)))"
    case .window(let window): window.repr
    case .ordered(let inner, let descending): "OrderBy(\(inner.repr), descending=\(descending ? "True" : "False"))"
    case .predicate(let q): q.repr
    case .compiled(let sql, _, _): sql
    }
  }

  /// Django's `_parse_expressions`: a string argument names a field (`Lower("title")`).
  public static func parse(_ value: ModelValue) -> QueryExpression {
    if case .text(let path) = value { return .field(path) }
    return .value(value)
  }
}

/// `+ - * / %` between expressions.
public enum ArithmeticOperator: String, Sendable, Hashable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
}

/// Count, Sum, Avg, Min and Max over a field path or expression.
public struct Aggregate: Sendable {
  public enum Function: String, Sendable, Hashable, CaseIterable {
    case count = "Count", sum = "Sum", avg = "Avg", min = "Min", max = "Max"
  }

  public var function: Function
  /// The argument; `.field("*")` counts rows.
  public var argument: QueryExpression
  public var distinct: Bool
  /// Django's `filter=Q(...)`: only rows where it holds are aggregated.
  public var filter: Q?

  public init(_ function: Function, _ argument: QueryExpression, distinct: Bool = false, filter: Q? = nil) {
    self.function = function
    self.argument = argument
    self.distinct = distinct
    self.filter = filter
  }

  /// Django's default alias: `posts__count`, `score__sum`.
  public var defaultAlias: String? {
    guard case .field(let path) = argument, path != "*" else { return nil }
    return "\(path)__\(function.rawValue.lowercased())"
  }

  public var repr: String {
    let argumentText: String
    if case .field(let path) = argument { argumentText = ModelValue.pythonString(path) } else { argumentText = argument.repr }
    return "\(function.rawValue)(\(argumentText)\(distinct ? ", distinct=True" : ""))"
  }
}

/// A filter's right-hand side: a value, a list of values, an expression (`F`) or a subquery.
public indirect enum Operand: Sendable {
  case value(ModelValue)
  case expression(QueryExpression)
  case subquery(QuerySet)
}

/// Django's Q objects: conditions combined with `&`, `|` and `~`.
public indirect enum Q: Sendable {
  /// `path=value`, the path ending in an optional lookup (`title__icontains`).
  case condition(String, Operand)
  case and([Q])
  case or([Q])
  case not(Q)
  /// A boolean expression used as a filter: `filter(Exists(...))`.
  case expression(QueryExpression)

  public static func & (lhs: Q, rhs: Q) -> Q {
    // Django drops an empty Q() when combining: Q(id=1) & Q() is Q(id=1).
    if rhs.isEmpty { return lhs }
    if lhs.isEmpty { return rhs }
    if case .and(let items) = lhs { return .and(items + [rhs]) }
    return .and([lhs, rhs])
  }

  public static func | (lhs: Q, rhs: Q) -> Q {
    // Q(id=1) | Q() is Q(id=1) too, not "everything".
    if rhs.isEmpty { return lhs }
    if lhs.isEmpty { return rhs }
    if case .or(let items) = lhs { return .or(items + [rhs]) }
    return .or([lhs, rhs])
  }

  /// `Q()`: no condition at all, which Django leaves out of the WHERE clause, negated or not.
  public var isEmpty: Bool {
    switch self {
    case .and(let items), .or(let items): items.allSatisfy(\.isEmpty)
    case .not(let inner): inner.isEmpty
    case .condition, .expression: false
    }
  }

  public static prefix func ~ (operand: Q) -> Q {
    if case .not(let inner) = operand { return inner }
    return .not(operand)
  }

  /// The keyword arguments of one `filter(a=1, b=2)` call, ANDed.
  public static func all(_ pairs: [(String, Operand)]) -> Q {
    pairs.count == 1 ? .condition(pairs[0].0, pairs[0].1) : .and(pairs.map { .condition($0.0, $0.1) })
  }

  /// How Django prints it: `<Q: (AND: ('status', 'draft'))>`.
  public var repr: String { "<Q: \(inner)>" }

  private var inner: String {
    switch self {
    case .condition(let path, let operand):
      let value: String
      switch operand {
      case .value(let item): value = item.repr
      case .expression(let expression): value = expression.repr
      case .subquery(let query): value = "<QuerySet \(query.model.name)>"
      }
      return "(AND: (\(ModelValue.pythonString(path)), \(value)))"
    case .and(let items): return "(AND: " + items.map(\.inner).joined(separator: ", ") + ")"
    case .or(let items): return "(OR: " + items.map(\.inner).joined(separator: ", ") + ")"
    case .not(let item): return "(NOT (AND: \(item.inner)))"
    case .expression(let expression): return "(AND: \(expression.repr))"
    }
  }
}
