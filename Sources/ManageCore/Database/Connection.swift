import CSQLite

/// An open SQLite database: WAL, a busy timeout, and foreign keys enforced.
///
/// Not Sendable on purpose (`OpaquePointer` is not, and SQLite connections are not meant to be
/// shared between threads without locking): keep one per task, or confine it behind a lock.
public final class Connection {
  let handle: OpaquePointer
  /// The database file's path, or `:memory:`.
  public let path: String
  /// How messages name the database (relative to the project when inside it).
  public let displayName: String
  /// The statement tracer's receiver, kept alive while tracing.
  var traceBox: StatementTraceBox?

  /// How a transaction takes its lock. Writers begin IMMEDIATE so they queue on the busy
  /// timeout instead of failing with SQLITE_BUSY when upgrading a read lock.
  public enum TransactionKind: String, Sendable {
    case deferred = "DEFERRED", immediate = "IMMEDIATE", exclusive = "EXCLUSIVE"
  }

  /// Opens (creating when `create` is true) the database at `path`.
  ///
  /// - Parameters:
  ///   - busyTimeout: milliseconds to wait for another writer's lock before SQLITE_BUSY.
  ///   - readOnly: open without write access (no WAL switch, no file created).
  public init(
    path: String, displayName: String? = nil, readOnly: Bool = false, create: Bool = true,
    busyTimeout: Int32 = 5000
  ) throws {
    _ = Self.configureLibrary
    self.path = path
    self.displayName = displayName ?? path
    var handle: OpaquePointer?
    var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
    flags |= readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0))
    let code = sqlite3_open_v2(path, &handle, flags, nil)
    guard code == SQLITE_OK, let handle else {
      let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
      if let handle { sqlite3_close_v2(handle) }
      throw SQLiteError(code: code, reason: reason, database: displayName ?? path)
    }
    self.handle = handle
    sqlite3_extended_result_codes(handle, 1)
    self.busyTimeout = busyTimeout
    sqlite3_busy_timeout(handle, busyTimeout)
    try execute("PRAGMA foreign_keys = ON")
    registerRegexpFunction()
    if !readOnly && path != ":memory:" {
      // WAL lets readers (the admin, the shell) run while a migration or worker writes.
      try execute("PRAGMA journal_mode = WAL")
      try execute("PRAGMA synchronous = NORMAL")
    }
  }

  deinit { sqlite3_close_v2(handle) }

  /// Process-wide SQLite settings, applied once before the first connection opens: no memory
  /// statistics, which otherwise take a global mutex on every allocation (a few percent of a
  /// large migrate).
  private static let configureLibrary: Void = {
    _ = manage_sqlite3_disable_memstatus()
  }()

  /// The version of the SQLite library in use, e.g. `3.40.1`.
  public static var libraryVersion: String { String(cString: sqlite3_libversion()) }

  /// Runs one or more statements that take no arguments.
  public func execute(_ sql: String) throws {
    var message: UnsafeMutablePointer<CChar>?
    let code = sqlite3_exec(handle, sql, nil, nil, &message)
    guard code == SQLITE_OK else {
      let reason = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
      sqlite3_free(message)
      throw SQLiteError(code: sqlite3_extended_errcode(handle), reason: reason, sql: sql, database: displayName)
    }
  }

  /// Milliseconds a statement waits for another connection's lock.
  public private(set) var busyTimeout: Int32

  /// Runs `body` waiting at most `milliseconds` for a lock, for work worth doing only when the
  /// database is free now (a last-used timestamp), then restores the usual timeout.
  public func withBusyTimeout<T>(_ milliseconds: Int32, _ body: () throws -> T) rethrows -> T {
    let usual = busyTimeout
    sqlite3_busy_timeout(handle, milliseconds)
    defer { sqlite3_busy_timeout(handle, usual) }
    return try body()
  }

  /// Prepares a statement.
  public func prepare(_ sql: String) throws -> Statement {
    try Statement(connection: self, sql: sql)
  }

  /// Runs one statement with bound arguments, discarding any rows.
  public func run(_ sql: String, _ arguments: [SQLValue] = []) throws {
    let statement = try prepare(sql)
    try statement.bind(arguments)
    while try statement.step() {}
  }

  /// Runs a query and returns every row.
  public func query(_ sql: String, _ arguments: [SQLValue] = []) throws -> [Row] {
    let statement = try prepare(sql)
    try statement.bind(arguments)
    let columns = statement.columnNames
    var rows: [Row] = []
    while try statement.step() { rows.append(Row(columns: columns, values: statement.row())) }
    return rows
  }

  /// The first column of the first row, or nil when there are no rows.
  public func scalar(_ sql: String, _ arguments: [SQLValue] = []) throws -> SQLValue? {
    let statement = try prepare(sql)
    try statement.bind(arguments)
    return try statement.step() ? statement.column(0) : nil
  }

  /// The raw handle, for `sqlite3_interrupt` from a signal handler (the shell's Ctrl-C stops
  /// a running query, as the sqlite3 CLI's does). Nothing else should use it.
  public var interruptHandle: OpaquePointer { handle }

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  public var changes: Int { Int(sqlite3_changes(handle)) }

  /// The rowid of the last inserted row.
  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// Whether a transaction is open.
  public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

  /// Runs `body` in a transaction, committing when it returns and rolling back when it throws.
  public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
    try execute("BEGIN \(kind.rawValue) TRANSACTION")
    do {
      let result = try body()
      try execute("COMMIT TRANSACTION")
      return result
    } catch {
      // A failed COMMIT or a statement error may already have ended the transaction.
      if isInTransaction { try? execute("ROLLBACK TRANSACTION") }
      throw error
    }
  }

  /// Runs `body` inside a savepoint, which nests inside a transaction or opens one.
  public func savepoint<T>(_ name: String = "manage_savepoint", _ body: () throws -> T) throws -> T {
    let quoted = Identifier.quoted(name)
    try execute("SAVEPOINT \(quoted)")
    do {
      let result = try body()
      try execute("RELEASE SAVEPOINT \(quoted)")
      return result
    } catch {
      try? execute("ROLLBACK TO SAVEPOINT \(quoted)")
      try? execute("RELEASE SAVEPOINT \(quoted)")
      throw error
    }
  }

  /// The error SQLite reports for `code` on this connection.
  func error(code: Int32, sql: String?) -> SQLiteError {
    let extended = sqlite3_extended_errcode(handle)
    return SQLiteError(
      code: extended != 0 ? extended : code, reason: String(cString: sqlite3_errmsg(handle)), sql: sql,
      database: displayName)
  }
}
