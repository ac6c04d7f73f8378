import CPostgreSQL
import Foundation

/// One libpq connection (`PGconn`), synchronous like the SQLite layer.
///
/// The session is set up as Django's PostgreSQL backend sets it up: UTF8 client encoding,
/// `TimeZone` UTC (datetimes travel as UTC text, as on SQLite) and ISO dates. Not Sendable: a
/// session belongs to one connection, which belongs to one task.
final class PostgresSession {
  let handle: OpaquePointer
  /// The database as messages show it (password masked).
  let displayName: String
  /// Rows the last INSERT, UPDATE or DELETE changed.
  var lastChanges = 0

  /// The oldest server manage supports: Django 6.1 supports PostgreSQL 15 and later, and
  /// manage's SQL needs 13 (identity columns and `gen_random_uuid` are older still).
  static let minimumServerVersion = 130_000

  init(parameters: PostgresParameters, displayName: String) throws {
    self.displayName = displayName
    var reason = [CChar](repeating: 0, count: 512)
    guard manage_libpq_load(&reason, reason.count) == 0 else {
      throw PostgresError(
        sqlState: "08001", reason: String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
        serverHint: "Install the PostgreSQL client library (apt install libpq5, brew install libpq).", database: displayName)
    }
    let pairs = parameters.libpqKeywords + [("client_encoding", "UTF8"), ("fallback_application_name", "manage")]
    let keywords = pairs.map { strdup($0.0) } + [nil]
    let values = pairs.map { strdup($0.1) } + [nil]
    defer {
      for pointer in keywords { free(pointer) }
      for pointer in values { free(pointer) }
    }
    let connection = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordBuffer in
      values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valueBuffer in
        PQconnectdbParams(keywordBuffer.baseAddress, valueBuffer.baseAddress, 0)
      }
    }
    guard let connection else {
      throw PostgresError(sqlState: "08001", reason: "out of memory opening a PostgreSQL connection", database: displayName)
    }
    guard PQstatus(connection) == CONNECTION_OK else {
      let reason = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
      PQfinish(connection)
      throw Self.connectionError(reason, parameters: parameters, displayName: displayName)
    }
    // Checked before `handle` is set: a throw after every stored property is initialised runs
    // deinit, which would PQfinish the connection a second time.
    let version = Int(PQserverVersion(connection))
    guard version >= Self.minimumServerVersion else {
      PQfinish(connection)
      throw PostgresError(
        sqlState: "0A000",
        reason: "PostgreSQL \(Self.versionText(version)) is too old: manage needs PostgreSQL 13 or later",
        serverHint: "Upgrade the server (Django 6.1 itself needs PostgreSQL 15).", database: displayName)
    }
    handle = connection
    // Without a notice processor libpq prints NOTICEs (DROP … IF EXISTS) on stderr.
    PQsetNoticeProcessor(connection, { _, _ in }, nil)
    try execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET standard_conforming_strings = on")
  }

  deinit { PQfinish(handle) }

  /// "15.4" from libpq's 150004.
  static func versionText(_ number: Int) -> String {
    number >= 100_000 ? "\(number / 10_000).\(number % 10_000)" : "\(number / 10_000).\(number / 100 % 100).\(number % 100)"
  }

  /// The server's version, e.g. `15.18`.
  var serverVersion: String { Self.versionText(Int(PQserverVersion(handle))) }
  var serverVersionNumber: Int { Int(PQserverVersion(handle)) }

  /// A server setting reported at connection time (`server_encoding`, `server_version`, …).
  func parameterStatus(_ name: String) -> String? {
    PQparameterStatus(handle, name).map { String(cString: $0) }
  }

  /// The backend process serving this session (for `pg_locks` and cancel messages).
  var backendPID: Int32 { PQbackendPID(handle) }

  var isInTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

  /// libpq's message for a connection that failed, as an error with a hint that fits: the
  /// server is down or unreachable, the password is wrong (never repeated), the database is
  /// missing.
  static func connectionError(_ reason: String, parameters: PostgresParameters, displayName: String) -> PostgresError {
    let lower = reason.lowercased()
    let place = "\(parameters.displayHost) port \(parameters.effectivePort)"
    if lower.contains("password authentication failed") || lower.contains("no password supplied") {
      return PostgresError(
        sqlState: "28P01", reason: "password authentication failed for user \"\(parameters.user ?? "")\"", database: displayName)
    }
    if lower.contains("does not exist") && lower.contains("database") {
      return PostgresError(sqlState: "3D000", reason: "database \"\(parameters.name)\" does not exist", database: displayName)
    }
    if lower.contains("timeout expired") {
      return PostgresError(
        sqlState: "08001", reason: "could not connect to the PostgreSQL server at \(place): no answer within \(parameters.connectTimeout) s",
        serverHint: "Check that the server is running and reachable at \(place); `connect_timeout` in the URL sets the wait.",
        database: displayName)
    }
    if lower.contains("connection refused") || lower.contains("no such file or directory") || lower.contains("could not translate host name")
      || lower.contains("could not connect") || lower.contains("network is unreachable")
    {
      let first = reason.split(separator: "\n").first.map(String.init) ?? reason
      return PostgresError(
        sqlState: "08001", reason: "could not connect to the PostgreSQL server at \(place): \(Self.redacted(first, parameters))",
        serverHint: "Start the server, or fix the host and port in the database URL (manage.yaml, MANAGE_DATABASE_URL or DATABASE_URL).",
        database: displayName)
    }
    return PostgresError(sqlState: "08001", reason: Self.redacted(reason, parameters), database: displayName)
  }

  /// libpq's text with the password taken out, should it ever appear.
  static func redacted(_ text: String, _ parameters: PostgresParameters) -> String {
    guard let password = parameters.password, !password.isEmpty else { return text }
    return text.replacingOccurrences(of: password, with: "********")
  }

  /// Runs statements without parameters (simple query protocol: several may be given).
  func execute(_ sql: String) throws {
    guard let result = PQexec(handle, sql) else { throw lostConnection(sql) }
    defer { PQclear(result) }
    try check(result, sql: sql)
    lastChanges = Int(String(cString: PQcmdTuples(result))) ?? 0
  }

  /// Runs one statement with text parameters (nil for NULL); bytea ones are typed so the
  /// server reads their `\x` hex, the rest are left for the server to type from context as
  /// psycopg's literals are.
  func execute(_ sql: String, parameters: [SQLValue]) throws -> OpaquePointer {
    var types: [Oid] = []
    var texts: [UnsafeMutablePointer<CChar>?] = []
    for value in parameters {
      switch value {
      case .null: types.append(0); texts.append(nil)
      case .integer(let number): types.append(0); texts.append(strdup(String(number)))
      case .real(let number): types.append(0); texts.append(strdup(Self.floatText(number)))
      case .text(let text):
        // C strings end at NUL; psycopg refuses such text the same way (DataError).
        guard !text.utf8.contains(0) else {
          for pointer in texts { free(pointer) }
          throw PostgresError(sqlState: "22021", reason: "PostgreSQL text fields cannot contain NUL (0x00) bytes", sql: sql, database: displayName)
        }
        types.append(0); texts.append(strdup(text))
      case .blob(let bytes):
        types.append(17)  // bytea
        texts.append(strdup("\\x" + bytes.map { String(format: "%02x", $0) }.joined()))
      }
    }
    defer { for pointer in texts { free(pointer) } }
    let result = texts.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
      PQexecParams(handle, sql, Int32(parameters.count), types, values.baseAddress, nil, nil, 0)
    }
    guard let result else { throw lostConnection(sql) }
    do {
      try check(result, sql: sql)
    } catch {
      PQclear(result)
      throw error
    }
    lastChanges = Int(String(cString: PQcmdTuples(result))) ?? 0
    return result
  }

  /// A float as PostgreSQL reads it: `Infinity`, `NaN`, or Swift's shortest round-trip text.
  static func floatText(_ number: Double) -> String {
    if number.isNaN { return "NaN" }
    if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
    return String(number)
  }

  private func check(_ result: OpaquePointer, sql: String) throws {
    switch PQresultStatus(result) {
    case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_COPY_OUT: return
    default:
      func field(_ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
      }
      let state = field(Int32(UInt8(ascii: "C"))) ?? (PQstatus(handle) == CONNECTION_OK ? "XX000" : "08006")
      let reason = field(Int32(UInt8(ascii: "M")))
        ?? String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
      throw PostgresError(
        sqlState: state, reason: reason.isEmpty ? "the server closed the connection" : reason,
        detail: field(Int32(UInt8(ascii: "D"))), serverHint: field(Int32(UInt8(ascii: "H"))), sql: sql, database: displayName)
    }
  }

  private func lostConnection(_ sql: String) -> PostgresError {
    let reason = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
    return PostgresError(
      sqlState: "08006", reason: reason.isEmpty ? "the connection to the server was lost" : reason, sql: sql,
      database: displayName)
  }

  /// Asks the server to stop the running statement (the shell's Ctrl-C); safe from another thread.
  func cancel() {
    guard let cancel = PQgetCancel(handle) else { return }
    var buffer = [CChar](repeating: 0, count: 256)
    _ = PQcancel(cancel, &buffer, 256)
    PQfreeCancel(cancel)
  }
}

/// A cancel request for one session, sendable to the thread that handles Ctrl-C (libpq's
/// `PGcancel` may be used from any thread).
final class PostgresCancel: @unchecked Sendable {
  let handle: OpaquePointer?

  init(_ session: PostgresSession) { handle = PQgetCancel(session.handle) }

  deinit { if let handle { PQfreeCancel(handle) } }

  func send() {
    guard let handle else { return }
    var buffer = [CChar](repeating: 0, count: 256)
    _ = PQcancel(handle, &buffer, 256)
  }
}
