import Foundation
import ManageCore
import ManageJobs

/// Reads the project into a `SiteState`: at start-up, and again for each reload.
public enum SiteLoader {
  public static func load(settingsPath: String?, environment: [String: String], currentDirectory: String) throws -> (SiteState, AppRegistry) {
    let settings = try SettingsLoader.load(explicit: settingsPath, environment: environment, currentDirectory: currentDirectory)
    let registry = try AppRegistry(settings: settings)
    return (state(settings: settings, registry: registry, schema: try registry.loadSchema()), registry)
  }

  /// The state for a project already read (runserver's start-up reuses what its checks read).
  public static func state(settings: Settings, registry: AppRegistry, schema: ProjectSchema) -> SiteState {
    let tasks = registry.app("jobs") != nil ? try? TaskRegistry(registry: registry, extra: BuiltinTasks.all) : nil
    return SiteState(settings: settings, schema: schema, tasks: tasks, installedApps: registry.labels)
  }

  /// The files whose change reloads the site: manage.yaml, .env, each app's models.yaml and
  /// tasks.yaml, and its migrations folder.
  public static func watchedFiles(_ state: SiteState, registry: AppRegistry) -> [String] {
    var files: [String] = []
    if let file = state.settings.file {
      files.append(file)
      files.append(((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(".env"))
    }
    for app in registry.apps {
      guard let directory = app.directory else { continue }
      files.append((directory as NSString).appendingPathComponent("models.yaml"))
      files.append((directory as NSString).appendingPathComponent("tasks.yaml"))
      files.append((directory as NSString).appendingPathComponent("migrations") + "/")
    }
    return files
  }
}
