import CSQLite

/// SQLite's marker that makes it copy bound text and blobs before the call returns.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement with typed bindings and column reads.
///
/// Not Sendable on purpose: a statement belongs to its connection, which is confined to one
/// task at a time. It is finalized when released.
public final class Statement {
  /// The SQLite statement; nil on PostgreSQL.
  let sqliteHandle: OpaquePointer?
  /// The PostgreSQL statement; nil on SQLite.
  private let postgres: PostgresStatement?
  /// The SQL text, for error messages.
  public let sql: String
  private unowned let connection: Connection

  var handle: OpaquePointer { sqliteHandle! }

  init(connection: Connection, sql: String) throws {
    self.sql = sql
    self.connection = connection
    if let session = connection.postgres {
      postgres = PostgresStatement(session: session, sql: sql)
      postgres?.trace = connection.traceBox?.body
      sqliteHandle = nil
      return
    }
    postgres = nil
    var statement: OpaquePointer?
    let code = sqlite3_prepare_v2(connection.handle, sql, -1, &statement, nil)
    guard code == SQLITE_OK, let statement else {
      throw connection.error(code: code, sql: sql)
    }
    self.sqliteHandle = statement
  }

  deinit { if let sqliteHandle { sqlite3_finalize(sqliteHandle) } }

  /// Binds `values` to the statement's `?` parameters in order, after a reset.
  public func bind(_ values: [SQLValue]) throws {
    if let postgres { return try postgres.bind(values, database: connection.displayName) }
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
    let expected = Int(sqlite3_bind_parameter_count(handle))
    guard expected == values.count else {
      throw SQLiteError(code: SQLITE_RANGE, reason: "statement takes \(expected) arguments, \(values.count) given",
                        sql: sql, database: connection.displayName)
    }
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      let code: Int32
      switch value {
      case .null: code = sqlite3_bind_null(handle, index)
      case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
      case .real(let number): code = sqlite3_bind_double(handle, index, number)
      case .text(let text): code = sqlite3_bind_text(handle, index, text, -1, SQLITE_TRANSIENT)
      case .blob(let bytes):
        code = bytes.withUnsafeBytes { buffer in
          sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), SQLITE_TRANSIENT)
        }
      }
      guard code == SQLITE_OK else { throw connection.error(code: code, sql: sql) }
    }
  }

  /// Advances to the next row: true while there is one, false when done.
  @discardableResult
  public func step() throws -> Bool {
    if let postgres { return try postgres.step() }
    let code = sqlite3_step(handle)
    switch code {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default:
      sqlite3_reset(handle)
      throw connection.error(code: code, sql: sql)
    }
  }

  /// The number of result columns.
  public var columnCount: Int { postgres?.columnCount ?? Int(sqlite3_column_count(handle)) }

  /// The result column names, in order. (On PostgreSQL the statement runs to learn them.)
  public var columnNames: [String] {
    if let postgres { return (try? postgres.columnNames()) ?? [] }
    return (0..<Int32(columnCount)).map { String(cString: sqlite3_column_name(handle, $0)) }
  }

  /// The value of column `index` in the current row.
  public func column(_ index: Int) -> SQLValue {
    if let postgres { return postgres.column(index) }
    let column = Int32(index)
    switch sqlite3_column_type(handle, column) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
    case SQLITE_TEXT:
      // With the byte count SQLite already knows: no strlen, and embedded NULs survive.
      let count = Int(sqlite3_column_bytes(handle, column))
      guard let pointer = sqlite3_column_text(handle, column) else { return .text("") }
      return .text(String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self))
    case SQLITE_BLOB:
      let count = Int(sqlite3_column_bytes(handle, column))
      guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return .blob([]) }
      return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
    default: return .null
    }
  }

  /// All values of the current row.
  public func row() -> [SQLValue] { (0..<columnCount).map(column) }
}

/// A fetched row: values by position or by column name.
public struct Row: Sendable, Hashable {
  public let columns: [String]
  public let values: [SQLValue]

  public init(columns: [String], values: [SQLValue]) {
    self.columns = columns
    self.values = values
  }

  public subscript(index: Int) -> SQLValue { values[index] }

  /// The value of column `name`, or `.null` when there is no such column.
  public subscript(name: String) -> SQLValue {
    columns.firstIndex(of: name).map { values[$0] } ?? .null
  }
}
