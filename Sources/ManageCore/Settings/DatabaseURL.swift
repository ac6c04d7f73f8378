/// The project's database, from a `sqlite:///…` URL as dj-database-url writes them.
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

  /// The absolute path of the database file, or `:memory:`.
  public var path: String
  public var source: Source

  /// Parses `url`, resolving relative paths against `baseDirectory`.
  ///
  /// `sqlite:///db.sqlite3` is relative, `sqlite:////var/db/app.sqlite3` absolute (four
  /// slashes, as in SQLAlchemy and dj-database-url), `sqlite://:memory:` in memory.
  public init(parsing url: String, baseDirectory: String, source: Source) throws {
    self.source = source
    let location: SourceLocation? = if case .settings(let location) = source { location } else { nil }
    // A position in manage.yaml already says where the URL came from.
    let origin = location == nil ? " from \(source)" : ""
    guard url.hasPrefix("sqlite:") else {
      let scheme = url.split(separator: ":", maxSplits: 1).first.map(String.init) ?? url
      throw SettingsError(
        "unsupported database URL '\(url)'\(origin): manage works with SQLite, not '\(scheme)'",
        at: location,
        hint: "Use sqlite:///db.sqlite3 (relative to manage.yaml) or sqlite:////absolute/path.sqlite3.")
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

  /// The URL in absolute form, as given to plugins in `MANAGE_DATABASE_URL`.
  public var absoluteURL: String { path == ":memory:" ? "sqlite://:memory:" : "sqlite:///" + path }

  public var description: String { absoluteURL }
}
