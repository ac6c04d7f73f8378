import CSQLite
import Foundation

/// An open database, SQLite or PostgreSQL: the backend seam. Everything above it (the query
/// compiler, migrations, auth, the shell) talks to a `Connection` and a `Statement`, never to a
/// backend's C types; `backend` and `dialect` say where SQL must differ.
///
/// SQLite: WAL, a busy timeout, and foreign keys enforced. PostgreSQL: a libpq session in UTC.
///
/// Not Sendable on purpose (`OpaquePointer` is not, and connections are not meant to be
/// shared between threads without locking): keep one per task, or confine it behind a lock.
public final class Connection {
  /// The SQLite handle; nil on PostgreSQL.
  let sqliteHandle: OpaquePointer?
  /// The libpq session; nil on SQLite.
  let postgres: PostgresSession?
  /// Which database this is.
  public let backend: DatabaseBackend
  /// The database file's path, or `:memory:`; empty on PostgreSQL.
  public let path: String
  /// How messages name the database (relative to the project when inside it).
  public let displayName: String
  /// The statement tracer's receiver, kept alive while tracing.
  var traceBox: StatementTraceBox?
  /// Enqueues the jobs of models' `on:` events inside the writes' transactions; set by whoever
  /// opens the connection for a project with the jobs app (CommandContext, the server's pool).
  public var eventHandler: ModelEventHandler?

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
    var isDirectory: ObjCBool = false
    if path != ":memory:", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      // SQLite would say "disk I/O error" or "unable to open database file".
      throw SQLiteError(code: SQLITE_CANTOPEN, reason: "the database path is a directory, not a file", database: displayName ?? path)
    }
    var handle: OpaquePointer?
    // A file this process may not write (its mode, a read-only mount) is opened read-only, so
    // it can still be read, WAL included (SQLite reads a WAL database read-only when its -shm
    // and -wal files exist); a write then fails with SQLITE_READONLY and its hint.
    let mayWrite = path == ":memory:" || !FileManager.default.fileExists(atPath: path) || access(path, W_OK) == 0
    let openReadOnly = readOnly || !mayWrite
    var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
    flags |= openReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0))
    let code = sqlite3_open_v2(openReadOnly && path != ":memory:" ? Self.readOnlyURI(path) : path, &handle, flags, nil)
    guard code == SQLITE_OK, let handle else {
      let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
      if let handle { sqlite3_close_v2(handle) }
      throw SQLiteError(code: code, reason: reason, database: displayName ?? path)
    }
    self.sqliteHandle = handle
    self.postgres = nil
    self.backend = .sqlite
    sqlite3_extended_result_codes(handle, 1)
    self.busyTimeout = busyTimeout
    sqlite3_busy_timeout(handle, busyTimeout)
    try execute("PRAGMA foreign_keys = ON")
    registerRegexpFunction()
    isReadOnly = openReadOnly || sqlite3_db_readonly(handle, "main") == 1
    if !isReadOnly && path != ":memory:" {
      // WAL lets readers (the admin, the shell) run while a migration or worker writes.
      try switchToWAL()
      try execute("PRAGMA synchronous = NORMAL")
    }
  }

  /// Whether writes are refused (opened read-only, or the file is not writable).
  public private(set) var isReadOnly = false

  /// Connects to the PostgreSQL database `parameters` name; `displayName` is the redacted URL.
  public init(postgres parameters: PostgresParameters, displayName: String) throws {
    let session = try PostgresSession(parameters: parameters, displayName: displayName)
    sqliteHandle = nil
    postgres = session
    backend = .postgresql
    path = ""
    self.displayName = displayName
    busyTimeout = 5000
  }

  /// Opens the project's database, whichever backend its URL names.
  public convenience init(_ database: DatabaseURL, displayName: String, readOnly: Bool = false, create: Bool = true) throws {
    if let parameters = database.postgres {
      try self.init(postgres: parameters, displayName: displayName)
    } else {
      try self.init(path: database.path, displayName: displayName, readOnly: readOnly, create: create)
    }
  }

  /// The SQLite handle, for the SQLite-only parts (REGEXP, tracing, the progress handler).
  var handle: OpaquePointer { sqliteHandle! }

  /// How SQL is written for this backend.
  public var dialect: SQLDialect { SQLDialect(backend) }

  deinit { if let sqliteHandle { sqlite3_close_v2(sqliteHandle) } }

  /// "SQLite 3.40.1" or "PostgreSQL 15.18", for banners and `check`.
  public var serverDescription: String {
    if let postgres { return "PostgreSQL \(postgres.serverVersion)" }
    return "SQLite \(Self.libraryVersion)"
  }

  /// The server's version as libpq numbers it (150018); nil on SQLite.
  public var postgresServerVersion: Int? { postgres?.serverVersionNumber }

  /// A setting the PostgreSQL server reported (`server_encoding`, …); nil on SQLite.
  public func serverParameter(_ name: String) -> String? { postgres?.parameterStatus(name) }

  /// The PostgreSQL backend process serving this connection; nil on SQLite.
  public var backendPID: Int32? { postgres?.backendPID }

  /// The version of the SQLite library in use, e.g. `3.40.1`.
  public static var libraryVersion: String { String(cString: sqlite3_libversion()) }

  /// Runs one or more statements that take no arguments.
  public func execute(_ sql: String) throws {
    if let postgres {
      traceBox?.body(sql)
      return try postgres.execute(sql)
    }
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
  /// Runs `body` with every statement stopped once `seconds` have passed since it began
  /// (SQLite's progress handler, checked every few thousand virtual-machine steps): a
  /// pathological filter fails with SQLITE_INTERRUPT instead of holding a server thread.
  public func withTimeLimit<T>(_ seconds: Double, _ body: () throws -> T) throws -> T {
    if let postgres {
      // PostgreSQL stops a statement past statement_timeout with SQLSTATE 57014.
      try postgres.execute("SET statement_timeout = \(max(1, Int((seconds * 1000).rounded())))")
      defer { try? postgres.execute("SET statement_timeout = 0") }
      return try body()
    }
    let deadline = Deadline(DispatchTime.now().uptimeNanoseconds + UInt64(max(seconds, 0) * 1_000_000_000))
    let context = Unmanaged.passRetained(deadline).toOpaque()
    sqlite3_progress_handler(handle, 4_000, { raw in
      guard let raw else { return 0 }
      return DispatchTime.now().uptimeNanoseconds > Unmanaged<Deadline>.fromOpaque(raw).takeUnretainedValue().nanoseconds ? 1 : 0
    }, context)
    defer {
      sqlite3_progress_handler(handle, 0, nil, nil)
      Unmanaged<Deadline>.fromOpaque(context).release()
    }
    return try body()
  }

  public func withBusyTimeout<T>(_ milliseconds: Int32, _ body: () throws -> T) rethrows -> T {
    guard backend == .sqlite else { return try body() }
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
  public var interruptHandle: OpaquePointer? { sqliteHandle }

  /// libpq's cancel object for this session (`PQcancel` on it is safe in a signal handler,
  /// as `sqlite3_interrupt` is): the shell's Ctrl-C on PostgreSQL. Nil on SQLite.
  public var cancelHandle: OpaquePointer? { postgresCancel?.handle }

  private lazy var postgresCancel: PostgresCancel? = postgres.map(PostgresCancel.init)

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  public var changes: Int { postgres?.lastChanges ?? Int(sqlite3_changes(handle)) }

  /// The id of the last inserted row: SQLite's rowid, or PostgreSQL's `lastval()` (the last
  /// value a sequence or identity column gave this session).
  public var lastInsertRowID: Int64 {
    guard postgres != nil else { return sqlite3_last_insert_rowid(handle) }
    // lastval() fails when no sequence has given a value yet, which would abort an open
    // transaction: ask inside a savepoint. Inserts on PostgreSQL use RETURNING instead.
    let value = try? savepoint("manage_lastval") { try scalar("SELECT lastval()") }
    if case .integer(let id)? = value { return id }
    return 0
  }

  /// Whether a transaction is open.
  public var isInTransaction: Bool { postgres?.isInTransaction ?? (sqlite3_get_autocommit(handle) == 0) }

  /// Runs `body` in a transaction, committing when it returns and rolling back when it throws.
  /// SQLite writers begin IMMEDIATE; PostgreSQL's BEGIN takes row and table locks as statements
  /// need them, so the kind plays no part there.
  public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
    try execute(backend == .sqlite ? "BEGIN \(kind.rawValue) TRANSACTION" : "BEGIN")
    do {
      let result = try body()
      try execute(backend == .sqlite ? "COMMIT TRANSACTION" : "COMMIT")
      return result
    } catch {
      // A failed COMMIT or a statement error may already have ended the transaction.
      if isInTransaction { try? execute(backend == .sqlite ? "ROLLBACK TRANSACTION" : "ROLLBACK") }
      throw error
    }
  }

  /// Runs `body` inside a savepoint, which nests inside a transaction or opens one.
  public func savepoint<T>(_ name: String = "manage_savepoint", _ body: () throws -> T) throws -> T {
    // PostgreSQL takes a SAVEPOINT only inside a transaction; SQLite opens one for it.
    if backend == .postgresql && !isInTransaction { return try transaction(.immediate, body) }
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
}
