import Foundation

/// An installed app: a built-in compiled into the binary, or a folder of the project.
///
/// A project app's folder holds `models.yaml`, `migrations/`, `tasks.yaml`, `evals/*.yaml` and
/// `commands/` executables; every part is optional.
public struct AppConfig: Sendable {
  public let label: String
  /// The app folder's absolute path; nil for a built-in app.
  public let directory: String?
  /// Where the app is listed in manage.yaml.
  public let declaredAt: DeclaredAt

  public init(label: String, directory: String?, declaredAt: DeclaredAt = DeclaredAt(nil)) {
    self.label = label
    self.directory = directory
    self.declaredAt = declaredAt
  }

  public var isBuiltin: Bool { directory == nil }

  /// The app's models.yaml, when the folder has one.
  public var modelsFile: String? { existing("models.yaml") }

  /// Where the app's migration files live (the folder may not exist yet).
  public var migrationsDirectory: String? { directory.map { Path.join($0, "migrations") } }

  /// The app's tasks.yaml, when the folder has one.
  public var tasksFile: String? { existing("tasks.yaml") }

  /// The app's eval suite files, `evals/*.yaml`, sorted by name.
  public var evalSuiteFiles: [String] {
    guard let folder = existing("evals"), let names = try? FileManager.default.contentsOfDirectory(atPath: folder)
    else { return [] }
    return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { Path.join(folder, $0) }
  }

  /// The app's commands: executables in `commands/`, by name.
  public var commands: [PluginCommand] {
    guard let folder = existing("commands"), let names = try? FileManager.default.contentsOfDirectory(atPath: folder)
    else { return [] }
    return names.sorted().compactMap { name in
      let path = Path.join(folder, name)
      guard !name.hasPrefix("."), Path.isExecutableFile(path) else { return nil }
      return PluginCommand(name: name, executable: path, app: label)
    }
  }

  private func existing(_ name: String) -> String? {
    guard let directory else { return nil }
    let path = Path.join(directory, name)
    return Path.exists(path) ? path : nil
  }
}

/// A command found outside the binary: `commands/NAME` in an app, or `manage-NAME` on PATH.
public struct PluginCommand: Sendable, Hashable {
  public var name: String
  public var executable: String
  /// The app that provides it; nil for one found on PATH.
  public var app: String?

  public init(name: String, executable: String, app: String?) {
    self.name = name
    self.executable = executable
    self.app = app
  }
}
