/// The backends manage runs on.
public enum DatabaseBackend: String, Sendable, Hashable {
  case sqlite, postgresql

  /// How messages name it.
  public var displayName: String { self == .sqlite ? "SQLite" : "PostgreSQL" }
}

/// The project's database, from a URL as dj-database-url writes them: `sqlite:///…` (the
/// embedded default) or `postgres://…` (also `postgresql://`).
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
  /// Where the URL came from, for messages.
  public enum Source: Sendable, Hashable, CustomStringConvertible {
    case defaults
    case settings(SourceLocation?)
    case environment(String)

    public var description: String {
      switch self {
      case .defaults: "the embedded defaults"
      case .settings(let location): location.map { "manage.yaml (\($0))" } ?? "manage.yaml"
      case .environment(let name): name
      }
    }
  }

  public var backend: DatabaseBackend
  /// The absolute path of the SQLite file, or `:memory:`; empty on PostgreSQL.
  public var path: String
  /// The server and database on PostgreSQL; nil on SQLite.
  public var postgres: PostgresParameters?
  public var source: Source

  /// Parses `url`, resolving relative paths against `baseDirectory`.
  ///
  /// `sqlite:///db.sqlite3` is relative, `sqlite:////var/db/app.sqlite3` absolute (four
  /// slashes, as in SQLAlchemy and dj-database-url), `sqlite://:memory:` in memory;
  /// `postgres://user:password@host:5432/name?sslmode=require` a PostgreSQL database.
  public init(parsing url: String, baseDirectory: String, source: Source) throws {
    self.source = source
    let location: SourceLocation? = if case .settings(let location) = source { location } else { nil }
    // A position in manage.yaml already says where the URL came from.
    let origin = location == nil ? " from \(source)" : ""
    if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") || url.hasPrefix("pgsql://") {
      backend = .postgresql
      path = ""
      // The URL may carry a password: no message repeats it.
      postgres = try PostgresURLParser.parse(url) { problem, hint in
        SettingsError("\(problem) in the database URL\(origin)", at: location, hint: hint)
      }
      return
    }
    backend = .sqlite
    postgres = nil
    guard url.hasPrefix("sqlite:") else {
      let scheme = url.split(separator: ":", maxSplits: 1).first.map(String.init) ?? url
      let shown = url.contains("@") ? scheme + "://…" : url
      throw SettingsError(
        "unsupported database URL '\(shown)'\(origin): manage works with SQLite and PostgreSQL, not '\(scheme)'",
        at: location,
        hint: "Use sqlite:///db.sqlite3 (relative to manage.yaml), sqlite:////absolute/path.sqlite3 or postgres://user@host:5432/name.")
    }
    var rest = url.dropFirst("sqlite:".count)
    if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
    if rest == "//:memory:" || rest == "///:memory:" || rest == "" || rest == "//" {
      path = ":memory:"
      return
    }
    guard rest.hasPrefix("///") else {
      throw SettingsError(
        "malformed database URL '\(url)'\(origin)", at: location,
        hint: "Write sqlite:///relative/path.sqlite3 or sqlite:////absolute/path.sqlite3.")
    }
    let file = String(rest.dropFirst(3))
    guard !file.isEmpty else {
      throw SettingsError("database URL '\(url)'\(origin) names no file", at: location,
                          hint: "Write sqlite:///db.sqlite3.")
    }
    path = file.hasPrefix("/") ? Path.normalized(file) : Path.join(baseDirectory, file)
  }

  /// A SQLite database at `path`.
  public init(sqlitePath path: String, source: Source) {
    backend = .sqlite
    self.path = path
    postgres = nil
    self.source = source
  }

  /// Whether the database is a SQLite file (not `:memory:`, not a server).
  public var isSQLiteFile: Bool { backend == .sqlite && path != ":memory:" }

  /// The URL in absolute form with its password, as given to plugins in `MANAGE_DATABASE_URL`
  /// (an environment variable: never print it).
  public var absoluteURL: String {
    if let postgres { return postgres.fullURL }
    return path == ":memory:" ? "sqlite://:memory:" : "sqlite:///" + path
  }

  /// The URL as messages show it: a PostgreSQL password is masked.
  public var description: String {
    if let postgres { return postgres.redactedURL }
    return absoluteURL
  }
}
