/// Django's database functions (django.db.models.functions), written as Django's SQLite
/// backend writes them.
public enum DatabaseFunction: Sendable, Hashable {
  case lower, upper, length, concat, coalesce, now, abs
  /// `Extract("published", "year")`, `ExtractMonth(...)`: a part of a date or time.
  case extract(Transform)
  /// `Trunc("published", "month")`, `TruncDay(...)`: a date or time cut down to a unit.
  case trunc(TruncUnit)

  /// The name Python calls it by.
  public var name: String {
    switch self {
    case .lower: "Lower"
    case .upper: "Upper"
    case .length: "Length"
    case .concat: "Concat"
    case .coalesce: "Coalesce"
    case .now: "Now"
    case .abs: "Abs"
    case .extract(let part): "Extract" + Self.capitalized(part.rawValue)
    case .trunc(let unit): "Trunc" + Self.capitalized(unit.rawValue)
    }
  }

  private static func capitalized(_ text: String) -> String {
    text.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
  }

  /// How many arguments it takes, for Python's TypeError.
  public var arity: ClosedRange<Int> {
    switch self {
    case .now: 0...0
    case .concat, .coalesce: 2...Int.max
    default: 1...1
    }
  }

  /// Every function the shell offers by its Python name.
  public static let byName: [String: DatabaseFunction] = {
    var table: [String: DatabaseFunction] = [
      "Lower": .lower, "Upper": .upper, "Length": .length, "Concat": .concat, "Coalesce": .coalesce, "Now": .now,
      "Abs": .abs,
    ]
    for part in Transform.allCases where part != .date && part != .time { table[DatabaseFunction.extract(part).name] = .extract(part) }
    for unit in TruncUnit.allCases { table[DatabaseFunction.trunc(unit).name] = .trunc(unit) }
    return table
  }()

  /// Django's checks when Extract and Trunc resolve, on the field of their argument (nil when
  /// that is not a column, which Django does not check either).
  func check(_ field: FieldSchema?) throws {
    guard let field else { return }
    let temporal: Set<FieldType> = [.date, .datetime, .time]
    switch self {
    case .extract(let part):
      guard temporal.contains(field.type) || field.type == .duration else {
        throw QueryError("Extract input expression must be DateField, DateTimeField, TimeField, or DurationField.", kind: "ValueError")
      }
      if field.type == .date, [.hour, .minute, .second].contains(part) {
        throw QueryError("Cannot extract time component '\(part.rawValue)' from DateField '\(field.name)'.", kind: "ValueError")
      }
    case .trunc(let unit):
      guard temporal.contains(field.type) else {
        throw QueryError("'\(field.name)' isn't a DateField, TimeField, or DateTimeField.", kind: "TypeError")
      }
      if field.type == .date, [.hour, .minute, .second, .time].contains(unit) {
        throw QueryError("Cannot truncate DateField '\(field.name)' to DateTimeField.", kind: "ValueError")
      }
      if field.type == .time, [.year, .quarter, .month, .week, .day, .date].contains(unit) {
        throw QueryError("Cannot truncate TimeField '\(field.name)' to DateTimeField.", kind: "ValueError")
      }
    default:
      return
    }
  }

  /// The SQL over already-compiled arguments, for the backend (Django's `as_postgresql`
  /// where PostgreSQL differs: Concat casts to text, Now is STATEMENT_TIMESTAMP()).
  func sql(_ arguments: [String], inputType: FieldType?, dialect: SQLDialect = SQLDialect(.sqlite)) -> String {
    if dialect.isPostgreSQL {
      switch self {
      case .concat: return "(" + arguments.map { "COALESCE((\($0))::text, '')" }.joined(separator: " || ") + ")"
      case .now: return "STATEMENT_TIMESTAMP()"
      case .extract(let part): return part.sql(arguments[0], dialect)
      case .trunc(let unit): return unit.postgresSQL(arguments[0], type: inputType ?? .datetime)
      default: break
      }
    }
    switch self {
    case .lower: return "LOWER(\(arguments[0]))"
    case .upper: return "UPPER(\(arguments[0]))"
    case .length: return "LENGTH(\(arguments[0]))"
    case .abs: return "ABS(\(arguments[0]))"
    // Django's ConcatPair on SQLite: NULL counts as the empty string.
    case .concat: return arguments.map { "COALESCE(\($0), '')" }.joined(separator: " || ")
    case .coalesce: return "COALESCE(\(arguments.joined(separator: ", ")))"
    // Django's Now() on SQLite: the current UTC time with microseconds.
    case .now: return "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')"
    case .extract(let part): return part.sql(arguments[0])
    case .trunc(let unit): return unit.sql(arguments[0], type: inputType ?? .datetime)
    }
  }
}

/// The units `Trunc` cuts to.
public enum TruncUnit: String, Sendable, CaseIterable {
  case year, quarter, month, week, day, date, time, hour, minute, second

  /// The SQL for a column of `type`: dates stay dates, datetimes stay datetimes (Django's
  /// `django_datetime_trunc` on SQLite returns the same text forms).
  func sql(_ column: String, type: FieldType) -> String {
    let firstOfQuarter = "'+' || ((CAST(strftime('%m', \(column)) AS INTEGER) - 1) / 3 * 3) || ' months'"
    let day: String
    switch self {
    case .year: day = "date(\(column), 'start of year')"
    case .quarter: day = "date(\(column), 'start of year', \(firstOfQuarter))"
    case .month: day = "date(\(column), 'start of month')"
    // Weeks start on Monday: forward to Sunday (or stay), then back six days.
    case .week: day = "date(\(column), 'weekday 0', '-6 days')"
    case .day, .date: day = "date(\(column))"
    case .time: return "time(\(column))"
    case .hour: return "strftime('%Y-%m-%d %H:00:00', \(column))"
    case .minute: return "strftime('%Y-%m-%d %H:%M:00', \(column))"
    case .second: return "strftime('%Y-%m-%d %H:%M:%S', \(column))"
    }
    if type == .date || self == .date { return day }
    return "(\(day) || ' 00:00:00')"
  }

  /// PostgreSQL's DATE_TRUNC in UTC, as Django's `datetime_trunc_sql` writes it; a date column
  /// stays a date.
  func postgresSQL(_ column: String, type: FieldType) -> String {
    let utc = type == .datetime ? "(\(column) AT TIME ZONE 'UTC')" : "(\(column))"
    switch self {
    case .date: return "\(utc)::date"
    case .time: return "\(utc)::time"
    default:
      if type == .time { return "('2000-01-01'::date + \(column))::time" }
      let truncated = "DATE_TRUNC('\(rawValue)', \(utc))"
      return type == .date ? "\(truncated)::date" : truncated
    }
  }

  /// The field its values are.
  func outputType(for type: FieldType) -> FieldType {
    switch self {
    case .date: .date
    case .time: .time
    default: type
    }
  }
}

/// One `When(condition, then=result)` of a `Case`.
public struct When: Sendable {
  public var condition: Q
  public var result: QueryExpression

  public init(_ condition: Q, then result: QueryExpression) {
    self.condition = condition
    self.result = result
  }
}

/// `Window(expression, partition_by=[...], order_by=[...])`.
public struct Window: Sendable {
  public enum Function: Sendable {
    case rowNumber, rank, denseRank, percentRank, cumeDist
    case lag(QueryExpression, offset: Int, default: QueryExpression?)
    case lead(QueryExpression, offset: Int, default: QueryExpression?)
    case firstValue(QueryExpression), lastValue(QueryExpression)
    case aggregate(Aggregate)
  }

  public var function: Function
  public var partitionBy: [QueryExpression]
  public var orderBy: [QueryExpression]

  public init(_ function: Function, partitionBy: [QueryExpression] = [], orderBy: [QueryExpression] = []) {
    self.function = function
    self.partitionBy = partitionBy
    self.orderBy = orderBy
  }

  var functionName: String {
    switch function {
    case .rowNumber: "RowNumber"
    case .rank: "Rank"
    case .denseRank: "DenseRank"
    case .percentRank: "PercentRank"
    case .cumeDist: "CumeDist"
    case .lag: "Lag"
    case .lead: "Lead"
    case .firstValue: "FirstValue"
    case .lastValue: "LastValue"
    case .aggregate(let aggregate): aggregate.function.rawValue
    }
  }

  public var repr: String {
    "<Window: \(functionName)() OVER (\(partitionBy.isEmpty ? "" : "PARTITION BY \(partitionBy.map(\.repr).joined(separator: ", "))"))>"
  }
}
