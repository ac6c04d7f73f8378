/// A failure reported by PostgreSQL (or by libpq on its way there): the server's SQLSTATE,
/// message, detail and hint, the statement, and the database as messages show it (never with
/// its password).
public struct PostgresError: ManageError, DatabaseFailure {
  /// The five-character SQLSTATE (`23505` unique_violation, `57014` query_canceled, …); `08006`
  /// for a connection libpq lost or could not make.
  public var sqlState: String
  /// The server's primary message (or libpq's).
  public var reason: String
  public var detail: String?
  public var serverHint: String?
  public var sql: String?
  /// The database, redacted: `postgres://app@db:5432/app`.
  public var database: String

  public init(sqlState: String, reason: String, detail: String? = nil, serverHint: String? = nil, sql: String? = nil, database: String) {
    self.sqlState = sqlState
    self.reason = reason
    self.detail = detail
    self.serverHint = serverHint
    self.sql = sql
    self.database = database
  }

  public var message: String {
    var text = "\(reason) (SQLSTATE \(sqlState)) on database \(database)"
    if let detail, !detail.isEmpty { text += "\n  detail: \(detail)" }
    if let sql { text += "\n  while running: \(sql.count > 300 ? String(sql.prefix(300)) + "…" : sql)" }
    return text
  }

  public var hint: String? {
    if let serverHint, !serverHint.isEmpty { return serverHint }
    switch sqlState {
    case "3D000": return "Create it with `createdb \(databaseName)`, or point `database:` in manage.yaml at one that exists."
    case "28P01", "28000":
      return "Check the user and password in the database URL (manage.yaml, MANAGE_DATABASE_URL or DATABASE_URL) and the server's pg_hba.conf."
    case "57014": return "The statement ran past its time limit (statement_timeout); narrow the query or raise the limit."
    case "55P03", "40P01", "40001": return "Another session holds a lock on these rows or tables; try again when it has finished."
    case "42P01": return "Run `manage migrate` to create the tables."
    default: return nil
    }
  }

  /// The database's name, from the redacted URL.
  private var databaseName: String {
    let path = database.split(separator: "/").last.map(String.init) ?? database
    return String(path.split(separator: "?").first ?? Substring(path))
  }

  public var isBusy: Bool { ["55P03", "40P01", "40001"].contains(sqlState) }
  public var isConstraintViolation: Bool { sqlState.hasPrefix("23") }
  public var isConnectionFailure: Bool { sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03" }

  /// The DB-API exception psycopg raises for the SQLSTATE class, as Django re-raises it.
  public var pythonExceptionName: String {
    switch sqlState.prefix(2) {
    case "23": "IntegrityError"
    case "22": "DataError"
    case "0A": "NotSupportedError"
    case "42", "2B", "34", "3D", "3F", "44": "ProgrammingError"
    case "XX": "InternalError"
    default: "OperationalError"
    }
  }
}

/// What the shell, the migrations and the auth store ask of a database error, whichever
/// backend raised it.
public protocol DatabaseFailure: Error {
  /// The database's own message.
  var reason: String { get }
  /// A lock another connection holds: trying again later may succeed.
  var isBusy: Bool { get }
  /// A NOT NULL, UNIQUE, CHECK or FOREIGN KEY constraint refused the write.
  var isConstraintViolation: Bool { get }
  /// The DB-API exception class Django raises for it (`IntegrityError`, `OperationalError`, …).
  var pythonExceptionName: String { get }
}
