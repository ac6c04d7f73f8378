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
}
