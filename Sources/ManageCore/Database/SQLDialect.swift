import Foundation

/// Where SQL differs between the backends: what the query compiler, the migrations and the
/// stores ask before writing a statement for either. (The lookups' PostgreSQL forms live in
/// Lookup, the transforms' in Transform, the functions' in DatabaseFunction.)
public struct SQLDialect: Sendable, Hashable {
  public let backend: DatabaseBackend

  public init(_ backend: DatabaseBackend) { self.backend = backend }

  public var isPostgreSQL: Bool { backend == .postgresql }

  /// INSERT that skips rows a unique constraint already holds: `INSERT OR IGNORE` on SQLite,
  /// `ON CONFLICT DO NOTHING` on PostgreSQL. Returns (verb, suffix).
  public var insertIgnoring: (verb: String, suffix: String) {
    isPostgreSQL ? ("INSERT", " ON CONFLICT DO NOTHING") : ("INSERT OR IGNORE", "")
  }

  /// A DurationField's argument from its microseconds: SQLite stores the count itself (Django's
  /// bigint); PostgreSQL's interval would read a bare number as seconds, so it is sent as
  /// psycopg sends a timedelta, `D days S.ffffff seconds` with Python's signed days and
  /// seconds in 0..<86400, so the column holds what Django stores (`1 day 02:03:04`, which
  /// EXTRACT(day …) reads as 1). Other values pass.
  public func durationArgument(_ value: SQLValue, for type: FieldType?) -> SQLValue {
    guard isPostgreSQL, type == .duration, case .integer(let micro) = value else { return value }
    let (days, rest) = DjangoDurationText.daysAndRest(micro)
    return .text("\(days) days \(rest / 1_000_000).\(String(format: "%06lld", rest % 1_000_000)) seconds")
  }
}
