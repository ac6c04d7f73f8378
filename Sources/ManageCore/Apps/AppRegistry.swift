import Foundation

/// The installed apps, in `installed_apps` order, checked for duplicate labels and missing folders.
public struct AppRegistry: Sendable {
  public let settings: Settings
  public let apps: [AppConfig]

  /// Builds the registry from the settings; a duplicate label, an unknown built-in or a
  /// missing folder is an error pointing at its line in manage.yaml.
  public init(settings: Settings) throws {
    self.settings = settings
    var apps: [AppConfig] = []
    var labels: [String: InstalledApp] = [:]
    for entry in settings.installedApps {
      if let previous = labels[entry.label] {
        let earlier = previous.declaredAt.location.map { " (first at \($0))" } ?? ""
        throw SettingsError(
          "Application labels aren't unique, duplicates: \(entry.label)\(earlier)",
          at: entry.declaredAt.location,
          hint: "Remove the repeated entry, or give one app another label with {path: …, label: …}.")
      }
      labels[entry.label] = entry
      guard Identifier.isValid(entry.label) else {
        throw SettingsError(
          "'\(entry.label)' is not a valid app label", at: entry.declaredAt.location,
          hint: "An app label is the folder name: letters, digits and underscores, starting with a letter.")
      }
      guard let path = entry.path else {
        apps.append(AppConfig(label: entry.label, directory: nil, declaredAt: entry.declaredAt))
        continue
      }
      let directory = Path.join(settings.projectDirectory, path)
      guard Path.isDirectory(directory) else {
        var hint = "Create it with `manage startapp \(entry.label)`, or fix the name in installed_apps."
        if let guess = Suggestion.closest(to: entry.label, in: Settings.builtinAppLabels) {
          hint = "Did you mean the built-in app '\(guess)'? " + hint
        }
        throw SettingsError(
          "No app folder '\(path)' for installed app '\(entry.label)' (looked in \(settings.display(directory)))",
          at: entry.declaredAt.location, hint: hint)
      }
      apps.append(AppConfig(label: entry.label, directory: directory, declaredAt: entry.declaredAt))
    }
    self.apps = apps
  }

  /// The app with `label`.
  public func app(_ label: String) -> AppConfig? { apps.first { $0.label == label } }

  /// The labels of the installed apps, in order.
  public var labels: [String] { apps.map(\.label) }

  /// The commands the installed apps provide, in app order.
  public var appCommands: [PluginCommand] { apps.flatMap(\.commands) }

  /// Loads every app's models and validates them together.
  ///
  /// Malformed YAML throws (nothing sensible can be said about the rest of that file); every
  /// other mistake is collected in `ProjectSchema.diagnostics`.
  public func loadSchema() throws -> ProjectSchema {
    let results = try parallelMap(apps) { app -> ([ModelSchema], [CheckMessage]) in
      let document: YAMLNode?
      if let source = BuiltinApps.modelsSource(app.label), app.isBuiltin {
        document = try YAMLFile.parse(source, displayPath: "<built-in \(app.label)>/models.yaml")
      } else if let file = app.modelsFile {
        document = try YAMLFile.load(path: file, displayPath: Path.display(file, relativeTo: FileManager.default.currentDirectoryPath))
      } else {
        document = nil
      }
      var loader = ModelsFileLoader(app: app.label)
      let models = loader.load(document)
      return (models, loader.diagnostics)
    }
    var validator = SchemaValidator(models: results.flatMap(\.0))
    validator.validate()
    var diagnostics = results.flatMap(\.1)
    diagnostics.append(contentsOf: validator.diagnostics)
    for app in apps where app.isBuiltin {
      for required in BuiltinApps.requirements(app.label) where self.app(required) == nil {
        diagnostics.append(CheckMessage(
          .error, "apps.E001", "The '\(app.label)' app needs '\(required)' in installed_apps.",
          hint: "Add \(required) to installed_apps, before \(app.label).", object: app.label,
          at: app.declaredAt.location))
      }
    }
    return ProjectSchema(models: validator.models, diagnostics: diagnostics)
  }
}
