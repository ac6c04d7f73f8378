/// The integers a column of an integer field holds on each backend, and what Django does with a
/// query value outside them.
///
/// Django 5.0+ (`IntegerFieldOverflow`) answers `exact`/`gt`/`gte`/`lt`/`lte` on an integer field
/// with a value past `connection.ops.integer_field_range` as no rows or every row, without asking
/// the database: SQLite's range is 64 bits (0 up for positive fields), PostgreSQL's the column
/// type's (`smallint`, `integer`, `bigint`). Other lookups reach the driver: Python's sqlite3
/// cannot bind an int past 64 bits (OverflowError), while psycopg binds it as a typed number, so
/// on PostgreSQL an `in` item or a comparison past the column's type simply matches nothing.
public enum IntegerFieldRange {
  /// The values the field's column holds on `dialect`; nil for fields that are not integers.
  public static func of(_ type: FieldType, on dialect: SQLDialect) -> ClosedRange<Int64>? {
    let positive = type.isPositive
    guard dialect.isPostgreSQL else {
      switch type {
      case .auto, .bigAuto, .integer, .bigInteger, .smallInteger, .positiveInteger, .positiveSmallInteger, .positiveBigInteger:
        return positive ? 0...Int64.max : Int64.min...Int64.max
      default: return nil
      }
    }
    switch type {
    case .smallInteger: return Int64(Int16.min)...Int64(Int16.max)
    case .positiveSmallInteger: return 0...Int64(Int16.max)
    case .auto, .integer: return Int64(Int32.min)...Int64(Int32.max)
    case .positiveInteger: return 0...Int64(Int32.max)
    case .bigAuto, .bigInteger: return Int64.min...Int64.max
    case .positiveBigInteger: return 0...Int64.max
    default: return nil
    }
  }

  /// For a comparison with a value outside the column's range: whether every row matches
  /// (Django's FullResultSet: `gt` a value below the range, `lt` one above) or none does
  /// (EmptyResultSet); nil for lookups Django leaves to the database.
  static func matchesEverything(_ lookup: Lookup, below: Bool) -> Bool? {
    switch lookup {
    case .exact: false
    case .gt, .gte: below
    case .lt, .lte: !below
    default: nil
    }
  }

  /// The PostgreSQL integer type Django gives an integer field's column (its data_types), as
  /// the server also names it in "integer out of range"; nil for other fields.
  public static func postgresType(_ type: FieldType) -> String? {
    switch type {
    case .auto, .integer, .positiveInteger: "integer"
    case .bigAuto, .bigInteger, .positiveBigInteger: "bigint"
    case .smallInteger, .positiveSmallInteger: "smallint"
    default: nil
    }
  }

  /// `body`'s value for a write, with sqlite3's OverflowError turned into the server's DataError
  /// on PostgreSQL (psycopg binds the int as numeric and the column refuses it, SQLSTATE 22003).
  static func refusing(_ field: FieldSchema, on dialect: SQLDialect?, _ body: () throws -> SQLValue) throws -> SQLValue {
    do {
      return try body()
    } catch let error as QueryError where error.kind == QueryError.integerOverflow.kind && dialect?.isPostgreSQL == true {
      throw QueryError("\(postgresType(field.type) ?? "integer") out of range", kind: "DataError")
    }
  }
}
