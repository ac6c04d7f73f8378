/// An entry of `installed_apps`: a built-in app by label, or a project app by folder.
public struct InstalledApp: Sendable, Hashable {
  /// The label: the folder's name, or the built-in's, unless the entry gives one.
  public var label: String
  /// The folder of a project app as written (relative to the project); nil for a built-in.
  public var path: String?
  /// Where the entry is written in manage.yaml.
  public var declaredAt: DeclaredAt

  public init(label: String, path: String?, location: SourceLocation? = nil) {
    self.label = label
    self.path = path
    self.declaredAt = DeclaredAt(location)
  }
}

/// The project's settings: manage.yaml after `.env`, `${VAR}` interpolation and environment
/// overrides, or the embedded defaults when there is no manage.yaml.
public struct Settings: Sendable {
  /// The settings file's absolute path; nil when running on the embedded defaults.
  public var file: String?
  /// The directory relative paths are resolved against: the settings file's, or the current one.
  public var projectDirectory: String
  public var database: DatabaseURL
  public var installedApps: [InstalledApp]
  /// Signs sessions; empty when unset.
  public var secretKey: String
  public var timeZone: String
  public var debug: Bool
  /// Check ids not to report, like Django's `SILENCED_SYSTEM_CHECKS`.
  public var silencedSystemChecks: [String]
  /// The process environment with `.env` beneath it (the process wins, as with python-dotenv).
  public var environment: [String: String]
  /// `${VAR}` references that had no value and no default.
  public var unsetVariables: [Interpolation.UnsetVariable]
  /// The interpolated document, for settings that belong to other modules (`jobs:`, `server:`).
  public var document: YAMLNode?

  /// The built-in apps, in dependency order.
  public static let builtinAppLabels = ["auth", "contenttypes", "sessions", "jobs", "evals", "admin"]

  /// Top-level keys manage.yaml may hold; anything else is flagged by `manage check`.
  public static let knownKeys: Set<String> = [
    "database", "installed_apps", "secret_key", "time_zone", "debug", "silenced_system_checks",
    "password_iterations", "password_validators", "allowed_hosts", "jobs", "evals", "server", "providers",
  ]

  /// How messages should name `path`: relative to the project when inside it.
  public func display(_ path: String) -> String {
    Path.display(path, relativeTo: projectDirectory)
  }

  /// The database as messages name it: the SQLite file relative to the project, or the
  /// PostgreSQL URL without its password.
  public var databaseDisplay: String {
    database.backend == .sqlite ? display(database.path) : database.description
  }

  /// Whether the database is a SQLite file that does not exist yet (commands that only read
  /// then say "unapplied migrations" instead of creating an empty file). Always false on a
  /// server, which says for itself whether the database exists.
  public var databaseFileIsMissing: Bool {
    database.isSQLiteFile && !Path.exists(database.path)
  }

  /// Where a top-level key is written, if it is.
  public func location(of key: String) -> SourceLocation? {
    document?.entries?.first { $0.key == key }?.keyLocation
  }

  /// The value of a top-level key, for module-specific settings.
  public subscript(key: String) -> YAMLNode? { document?[key] }

  /// Settings for a folder with no manage.yaml: `db.sqlite3` beside you and the built-in apps.
  public static func embeddedDefaults(directory: String, environment: [String: String]) throws -> Settings {
    Settings(
      file: nil, projectDirectory: directory,
      database: try DatabaseURL(parsing: "sqlite:///db.sqlite3", baseDirectory: directory, source: .defaults),
      installedApps: builtinAppLabels.map { InstalledApp(label: $0, path: nil) },
      secretKey: "", timeZone: "UTC", debug: true, silencedSystemChecks: [],
      environment: environment, unsetVariables: [], document: nil)
  }
}
