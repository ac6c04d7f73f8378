import Foundation

/// Finds commands outside the binary the way git does: `commands/NAME` in an installed app,
/// then an executable `manage-NAME` on PATH.
public enum PluginFinder {
  /// Every `manage-*` executable on PATH, first one of each name winning, sorted by name.
  public static func pathCommands(environment: [String: String]) -> [PluginCommand] {
    var found: [String: PluginCommand] = [:]
    var order: [String] = []
    for directory in (environment["PATH"] ?? "").split(separator: ":").map(String.init) where !directory.isEmpty {
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
      for name in names where name.hasPrefix("manage-") && name.count > 7 {
        let command = String(name.dropFirst(7))
        guard found[command] == nil else { continue }
        let path = Path.join(directory, name)
        guard Path.isExecutableFile(path) else { continue }
        found[command] = PluginCommand(name: command, executable: path, app: nil)
        order.append(command)
      }
    }
    return order.sorted().compactMap { found[$0] }
  }

  /// The plugin that runs as `manage NAME`, if any: app commands before PATH.
  public static func find(_ name: String, registry: AppRegistry?, environment: [String: String]) -> PluginCommand? {
    if let command = registry?.appCommands.first(where: { $0.name == name }) { return command }
    for directory in (environment["PATH"] ?? "").split(separator: ":").map(String.init) where !directory.isEmpty {
      let path = Path.join(directory, "manage-" + name)
      if Path.isExecutableFile(path) { return PluginCommand(name: name, executable: path, app: nil) }
    }
    return nil
  }

  /// The environment a plugin runs with: the project's (`.env` included) plus where to find it.
  public static func environment(for settings: Settings?, base: [String: String]) -> [String: String] {
    var environment = settings?.environment ?? base
    if let settings {
      environment["MANAGE_SETTINGS"] = settings.file ?? ""
      environment["MANAGE_PROJECT_DIR"] = settings.projectDirectory
      environment["MANAGE_DATABASE_URL"] = settings.database.absoluteURL
    }
    return environment
  }

  /// Replaces this process with the plugin, so its exit code, signals and terminal are the
  /// user's directly. Returns only if `execve` fails.
  public static func exec(_ plugin: PluginCommand, arguments: [String], environment: [String: String]) -> ManageError {
    let argv = [plugin.executable] + arguments
    let envp = environment.map { "\($0.key)=\($0.value)" }
    var cArgs = argv.map { strdup($0) } + [nil]
    var cEnv = envp.map { strdup($0) } + [nil]
    execve(plugin.executable, &cArgs, &cEnv)
    let reason = String(cString: strerror(errno))
    return CommandFailure(
      "cannot run plugin '\(plugin.name)' (\(plugin.executable)): \(reason)",
      hint: "Check that the file is executable and that its #! line names an installed interpreter.",
      exitCode: 126)
  }
}
