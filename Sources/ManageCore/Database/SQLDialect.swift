/// Where SQL differs between the backends: everything the query compiler, the migrations and
/// the stores need to know to write one statement for either.
public struct SQLDialect: Sendable, Hashable {
  public let backend: DatabaseBackend

  public init(_ backend: DatabaseBackend) { self.backend = backend }

  public var isPostgreSQL: Bool { backend == .postgresql }

  /// Both quote identifiers with double quotes (SQL's rule; SQLite and PostgreSQL agree).
  public func quoted(_ identifier: String) -> String { Identifier.quoted(identifier) }

  /// The longest identifier the backend keeps (PostgreSQL truncates at NAMEDATALEN - 1).
  public var maxNameLength: Int { isPostgreSQL ? 63 : 200 }

  /// `INSERT … RETURNING` is available on both (SQLite since 3.35); PostgreSQL needs it to
  /// learn a new row's id without a second statement.
  public var supportsReturning: Bool { true }

  /// INSERT that skips rows a unique constraint already holds: `INSERT OR IGNORE` on SQLite,
  /// `ON CONFLICT DO NOTHING` on PostgreSQL. Returns (verb, suffix).
  public var insertIgnoring: (verb: String, suffix: String) {
    isPostgreSQL ? ("INSERT", " ON CONFLICT DO NOTHING") : ("INSERT OR IGNORE", "")
  }

  /// Case-insensitive LIKE: SQLite's LIKE already is (for ASCII); Django's PostgreSQL backend
  /// writes `UPPER(x) LIKE UPPER(y)`.
  public func caseInsensitiveLike(_ column: String, _ pattern: String) -> String {
    isPostgreSQL ? "UPPER(\(column)::text) LIKE UPPER(\(pattern)) ESCAPE '\\'" : "\(column) LIKE \(pattern) ESCAPE '\\'"
  }

  /// Case-sensitive LIKE: PostgreSQL's LIKE is; SQLite's is not, so Django's sqlite3 backend
  /// uses GLOB-free `LIKE` with `case_sensitive_like` off and manage uses instr/substr (see Lookup).
  public var likeIsCaseSensitive: Bool { isPostgreSQL }

  /// Regular expression match: SQLite's REGEXP function (registered by manage, Python's re
  /// semantics), PostgreSQL's `~` and `~*` (POSIX), as Django's backends write them.
  public func regex(_ column: String, _ pattern: String, caseInsensitive: Bool) -> String {
    if isPostgreSQL { return "\(column)::text \(caseInsensitive ? "~*" : "~") \(pattern)" }
    return caseInsensitive ? "\(column) REGEXP '(?i)' || \(pattern)" : "\(column) REGEXP \(pattern)"
  }
}
