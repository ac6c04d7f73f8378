/// Django's transforms on date and time columns (`created__year=2026`, `published__date`):
/// each turns a column into another value that lookups then compare.
public enum Transform: String, Sendable, CaseIterable {
  case year, month, day, week_day, quarter, hour, minute, second, date, time

  /// The SQL of the transformed column: SQLite's strftime, or PostgreSQL's EXTRACT in UTC as
  /// Django's `datetime_extract_sql` writes it (cast to integer, as Django reads it).
  func sql(_ column: String, _ dialect: SQLDialect = SQLDialect(.sqlite)) -> String {
    if dialect.isPostgreSQL {
      let utc = "(\(column) AT TIME ZONE 'UTC')"
      switch self {
      case .year: return "EXTRACT(YEAR FROM \(utc))::integer"
      case .month: return "EXTRACT(MONTH FROM \(utc))::integer"
      case .day: return "EXTRACT(DAY FROM \(utc))::integer"
      case .week_day: return "(EXTRACT(DOW FROM \(utc))::integer + 1)"
      case .quarter: return "EXTRACT(QUARTER FROM \(utc))::integer"
      case .hour: return "EXTRACT(HOUR FROM \(column))::integer"
      case .minute: return "EXTRACT(MINUTE FROM \(column))::integer"
      case .second: return "FLOOR(EXTRACT(SECOND FROM \(column)))::integer"
      case .date: return "\(utc)::date"
      case .time: return "(\(column))::time"
      }
    }
    return switch self {
    case .year: "CAST(strftime('%Y', \(column)) AS INTEGER)"
    case .month: "CAST(strftime('%m', \(column)) AS INTEGER)"
    case .day: "CAST(strftime('%d', \(column)) AS INTEGER)"
    // Django numbers days from Sunday = 1; SQLite's %w from Sunday = 0.
    case .week_day: "(CAST(strftime('%w', \(column)) AS INTEGER) + 1)"
    case .quarter: "((CAST(strftime('%m', \(column)) AS INTEGER) + 2) / 3)"
    case .hour: "CAST(strftime('%H', \(column)) AS INTEGER)"
    case .minute: "CAST(strftime('%M', \(column)) AS INTEGER)"
    case .second: "CAST(strftime('%S', \(column)) AS INTEGER)"
    case .date: "date(\(column))"
    case .time: "time(\(column))"
    }
  }

  /// The field the transformed value behaves as, for converting the compared value.
  var outputField: FieldSchema {
    switch self {
    case .date: FieldSchema(name: rawValue, type: .date)
    case .time: FieldSchema(name: rawValue, type: .time)
    default: FieldSchema(name: rawValue, type: .integer)
    }
  }

  /// Which field types the transform applies to.
  public func applies(to type: FieldType) -> Bool {
    switch self {
    case .year, .month, .day, .week_day, .quarter: type == .date || type == .datetime
    case .hour, .minute, .second, .time: type == .datetime || type == .time
    case .date: type == .datetime
    }
  }
}
