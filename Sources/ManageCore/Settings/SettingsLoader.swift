import Foundation

/// Finds and reads manage.yaml the way git finds `.git`: `--settings`, then `MANAGE_SETTINGS`,
/// then the current directory and each parent in turn; none found means embedded defaults.
public enum SettingsLoader {
  public static let fileName = "manage.yaml"

  /// The settings file to use, or nil for embedded defaults.
  public static func locate(
    explicit: String?, environment: [String: String], currentDirectory: String
  ) throws -> String? {
    if let named = explicit ?? environment["MANAGE_SETTINGS"].flatMap({ $0.isEmpty ? nil : $0 }) {
      let path = Path.join(currentDirectory, named)
      let origin = explicit != nil ? "--settings" : "MANAGE_SETTINGS"
      guard Path.exists(path) else {
        throw SettingsError(
          "settings file '\(named)' (from \(origin)) does not exist",
          hint: "Check the path, or run `manage startproject NAME` to create a project.")
      }
      guard !Path.isDirectory(path) else {
        throw SettingsError(
          "settings file '\(named)' (from \(origin)) is a directory",
          hint: "Name the file itself: \(Path.join(named, fileName)).")
      }
      return path
    }
    var directory = currentDirectory
    while true {
      let candidate = Path.join(directory, fileName)
      if Path.exists(candidate) && !Path.isDirectory(candidate) { return candidate }
      if directory == "/" || directory.isEmpty { return nil }
      directory = Path.directory(of: directory)
    }
  }

  /// Loads the settings that apply in `currentDirectory`.
  public static func load(
    explicit: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) throws -> Settings {
    guard let file = try locate(explicit: explicit, environment: environment, currentDirectory: currentDirectory)
    else {
      let merged = try withDotEnv(in: currentDirectory, environment: environment)
      var settings = try Settings.embeddedDefaults(directory: currentDirectory, environment: merged)
      try applyDatabaseOverride(to: &settings)
      return settings
    }
    return try load(file: file, environment: environment)
  }

  /// Loads a given settings file.
  public static func load(file: String, environment: [String: String]) throws -> Settings {
    let directory = Path.directory(of: file)
    let merged = try withDotEnv(in: directory, environment: environment)
    let displayPath = Path.display(file, relativeTo: FileManager.default.currentDirectoryPath)
    var unset: [Interpolation.UnsetVariable] = []
    let document = try YAMLFile.load(path: file, displayPath: displayPath).map {
      try interpolate($0, environment: merged, unset: &unset)
    }
    if let document, document.entries == nil {
      throw SettingsError(
        "manage.yaml must be a mapping of settings, found \(document.kindDescription)",
        at: document.location, hint: "Start from `database: sqlite:///db.sqlite3` on its own line.")
    }
    var settings = try Settings.embeddedDefaults(directory: directory, environment: merged)
    settings.file = file
    settings.document = document
    settings.unsetVariables = unset
    settings.secretKey = ""

    if let node = document?["database"] {
      guard let url = node.string else {
        throw typeError("database", expected: "a string like sqlite:///db.sqlite3", node)
      }
      settings.database = try DatabaseURL(parsing: url, baseDirectory: directory, source: .settings(node.location))
    }
    if let node = document?["installed_apps"] {
      settings.installedApps = try installedApps(node)
    }
    if let node = document?["secret_key"] {
      if case .null = node.value {} else {
        settings.secretKey = try string("secret_key", node)
      }
    }
    if let node = document?["time_zone"] { settings.timeZone = try string("time_zone", node) }
    if let node = document?["debug"] {
      guard case .bool(let flag) = node.value else { throw typeError("debug", expected: "true or false", node) }
      settings.debug = flag
    }
    if let node = document?["silenced_system_checks"] {
      guard let items = node.items else {
        throw typeError("silenced_system_checks", expected: "a list of check ids like [fields.W340]", node)
      }
      settings.silencedSystemChecks = try items.map { try string("silenced_system_checks", $0) }
    }
    try applyDatabaseOverride(to: &settings)
    return settings
  }

  /// `MANAGE_DATABASE_URL` wins over `DATABASE_URL`, which wins over the file.
  private static func applyDatabaseOverride(to settings: inout Settings) throws {
    for name in ["MANAGE_DATABASE_URL", "DATABASE_URL"] {
      if let url = settings.environment[name], !url.isEmpty {
        settings.database = try DatabaseURL(
          parsing: url, baseDirectory: settings.projectDirectory, source: .environment(name))
        return
      }
    }
  }

  /// The environment with the `.env` in `directory` beneath it.
  private static func withDotEnv(in directory: String, environment: [String: String]) throws -> [String: String] {
    let path = Path.join(directory, ".env")
    guard let data = FileManager.default.contents(atPath: path) else { return environment }
    let text = String(decoding: data, as: UTF8.self)
    var merged = environment
    for (key, value) in try DotEnv.parse(text, displayPath: Path.display(path, relativeTo: FileManager.default.currentDirectoryPath))
    where merged[key] == nil {
      merged[key] = value
    }
    return merged
  }

  private static func interpolate(
    _ node: YAMLNode, environment: [String: String], unset: inout [Interpolation.UnsetVariable]
  ) throws -> YAMLNode {
    switch node.value {
    case .string(let text, let plain):
      let expanded = try Interpolation.expand(text, environment: environment, location: node.location, unset: &unset)
      guard expanded != text else { return node }
      // `debug: ${DEBUG:-false}` must become a boolean, as if written without the reference.
      return YAMLNode(plain ? YAMLFile.resolvePlain(expanded) : .string(expanded, plain: false), at: node.location)
    case .list(let items):
      return YAMLNode(.list(try items.map { try interpolate($0, environment: environment, unset: &unset) }), at: node.location)
    case .map(let entries):
      return YAMLNode(.map(try entries.map {
        YAMLEntry(key: $0.key, keyLocation: $0.keyLocation,
                  value: try interpolate($0.value, environment: environment, unset: &unset))
      }), at: node.location)
    default:
      return node
    }
  }

  private static func installedApps(_ node: YAMLNode) throws -> [InstalledApp] {
    guard let items = node.items else {
      throw typeError("installed_apps", expected: "a list like [auth, contenttypes, sessions, blog]", node)
    }
    return try items.map { item in
      if let name = item.string {
        if Settings.builtinAppLabels.contains(name) {
          return InstalledApp(label: name, path: nil, location: item.location)
        }
        let trimmed = name.hasSuffix("/") ? String(name.dropLast()) : name
        return InstalledApp(label: Path.lastComponent(trimmed), path: trimmed, location: item.location)
      }
      if let path = item["path"]?.string {
        let label = try item["label"].map { try string("label", $0) } ?? Path.lastComponent(path)
        return InstalledApp(label: label, path: path, location: item.location)
      }
      throw SettingsError(
        "an installed app is a label or a folder, found \(item.kindDescription)", at: item.location,
        hint: "Write the app's folder name (blog), a built-in label (auth), or {path: apps/blog, label: blog}.")
    }
  }

  private static func string(_ key: String, _ node: YAMLNode) throws -> String {
    switch node.value {
    case .string(let text, _): return text
    case .int, .float, .bool: return node.scalarText
    default: throw typeError(key, expected: "a string", node)
    }
  }

  private static func typeError(_ key: String, expected: String, _ node: YAMLNode) -> SettingsError {
    SettingsError("'\(key)' must be \(expected), found \(node.kindDescription)", at: node.location,
                  hint: "See the manage.yaml section of the README.")
  }
}
