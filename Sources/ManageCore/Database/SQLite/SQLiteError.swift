import CSQLite

/// A failure reported by SQLite, with the result code, the SQL and the database file, like
/// GRDB's `DatabaseError`.
public struct SQLiteError: ManageError, DatabaseFailure {
  /// The extended result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`, …).
  public var code: Int32
  /// SQLite's own message.
  public var reason: String
  /// The statement that failed, if a statement did.
  public var sql: String?
  /// The database file, as messages should show it.
  public var database: String

  /// The primary result code, without the extended bits.
  public var primaryCode: Int32 { code & 0xFF }

  /// Another connection held a lock past the busy timeout: trying again later may succeed.
  public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

  public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

  /// Django's name for it: constraint failures are IntegrityError, the rest OperationalError
  /// (as Python's sqlite3 module raises them).
  public var pythonExceptionName: String { isConstraintViolation ? "IntegrityError" : "OperationalError" }

  /// Ctrl-C (sqlite3_interrupt) or a time limit stopped the statement.
  public var isInterrupt: Bool { primaryCode == SQLITE_INTERRUPT }

  public init(code: Int32, reason: String, sql: String? = nil, database: String) {
    self.code = code
    self.reason = reason
    self.sql = sql
    self.database = database
  }

  public var message: String {
    var text = "\(reason) (\(codeName)) on database \(database)"
    if let sql { text += "\n  while running: \(sql.count > 300 ? String(sql.prefix(300)) + "…" : sql)" }
    return text
  }

  public var hint: String? {
    switch primaryCode {
    case SQLITE_BUSY, SQLITE_LOCKED:
      "Another process is writing to the database; wait for it to finish, or stop it, and try again."
    case SQLITE_CANTOPEN where reason.contains("is a directory"):
      "Point `database:` in manage.yaml (or DATABASE_URL) at a file, such as sqlite:///db.sqlite3, not at a folder."
    case SQLITE_CANTOPEN:
      "Check that the folder exists and that you may write to it; set the path with `database:` in manage.yaml or DATABASE_URL."
    case SQLITE_NOTADB, SQLITE_CORRUPT:
      "The file is not a usable SQLite database; point `database:` in manage.yaml at the right file."
    case SQLITE_READONLY:
      "The database (or its folder, which SQLite needs for its journal) is read-only."
    case SQLITE_FULL:
      "The disk is full; free some space and try again."
    default:
      nil
    }
  }

  /// The name of the result code, as SQLite's documentation spells it.
  public var codeName: String {
    switch primaryCode {
    case SQLITE_ERROR: "SQLITE_ERROR"
    case SQLITE_BUSY: "SQLITE_BUSY"
    case SQLITE_LOCKED: "SQLITE_LOCKED"
    case SQLITE_READONLY: "SQLITE_READONLY"
    case SQLITE_CANTOPEN: "SQLITE_CANTOPEN"
    case SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT"
    case SQLITE_NOTADB: "SQLITE_NOTADB"
    case SQLITE_CORRUPT: "SQLITE_CORRUPT"
    case SQLITE_FULL: "SQLITE_FULL"
    case SQLITE_IOERR: "SQLITE_IOERR"
    case SQLITE_MISMATCH: "SQLITE_MISMATCH"
    case SQLITE_RANGE: "SQLITE_RANGE"
    default: "SQLite error \(code)"
    }
  }
}
