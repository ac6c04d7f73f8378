import ArgumentParser
import Foundation
import ManageCore

/// `manage startapp NAME [DIRECTORY]`: an app folder with models.yaml and migrations/, added
/// to installed_apps in manage.yaml (Django leaves that step to you; we do it when the list is
/// written in one of the two usual YAML styles, and say so otherwise).
public struct StartAppCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "startapp",
    abstract: "Creates an app directory structure for the given app name in the current directory or optionally in the given directory.",
    discussion: """
      Writes NAME/models.yaml and NAME/migrations/, then adds NAME to installed_apps in \
      manage.yaml.
      """)
  public static let group = "core"

  @Argument(help: "Name of the application.")
  var name: String

  @Argument(help: "Optional destination directory.", completion: .directory)
  var directory: String?

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    guard Identifier.isValid(name) else {
      throw CommandFailure(
        "'\(name)' is not a valid app name. Please make sure the name is a valid identifier.",
        hint: "Use letters, digits and underscores, starting with a letter.")
    }
    guard !Settings.builtinAppLabels.contains(name) else {
      throw CommandFailure(
        "'\(name)' conflicts with the name of a built-in app. Please try another name.")
    }
    let settings = try context.settings()
    if settings.installedApps.contains(where: { $0.label == name }) {
      throw CommandFailure("An app labelled '\(name)' is already in installed_apps.")
    }
    let target: String
    if let directory {
      target = Path.join(context.currentDirectory, directory)
      guard Path.isDirectory(target) else {
        throw CommandFailure("Destination directory '\(target)' does not exist, please create it first.")
      }
      guard !Path.exists(Path.join(target, "models.yaml")) else {
        throw CommandFailure("'\(Path.join(target, "models.yaml"))' already exists")
      }
    } else {
      target = Path.join(context.currentDirectory, name)
      guard !Path.exists(target) else { throw CommandFailure("'\(target)' already exists") }
    }
    let createdFolder = directory == nil
    do {
      try FileManager.default.createDirectory(atPath: Path.join(target, "migrations"), withIntermediateDirectories: true)
      try FileWriter.writeAtomically(ProjectTemplate.models(app: name), to: Path.join(target, "models.yaml"))
      try FileWriter.writeAtomically("", to: Path.join(target, "migrations/.gitkeep"))
    } catch {
      if createdFolder { try? FileManager.default.removeItem(atPath: target) }
      throw error
    }
    let shown = Path.display(target, relativeTo: context.currentDirectory)
    context.console.print(atVerbosity: 1, "Created app '\(name)' in \(shown)/", style: .success)

    guard let file = settings.file else {
      context.console.print(atVerbosity: 1,
        "There is no manage.yaml here; create one with `manage startproject`, then add '\(name)' to installed_apps.")
      return
    }
    let entry = Path.display(target, relativeTo: settings.projectDirectory)
    if try InstalledAppsEditor.add(entry, label: name, to: file) {
      context.console.print(atVerbosity: 1, "Added '\(entry)' to installed_apps in \(settings.display(file)).")
    } else {
      context.console.print(atVerbosity: 1, "Add '\(entry)' to installed_apps in \(settings.display(file)).", style: .warning)
    }
  }
}

/// Adds an entry to `installed_apps` by editing the text, so comments and layout survive.
enum InstalledAppsEditor {
  /// Returns false (leaving the file untouched) when the list is not in a form it can edit.
  static func add(_ entry: String, label: String, to file: String) throws -> Bool {
    guard let original = try? String(contentsOfFile: file, encoding: .utf8) else { return false }
    var lines = original.components(separatedBy: "\n")
    guard let keyLine = lines.firstIndex(where: { $0.hasPrefix("installed_apps:") }) else { return false }
    let line = lines[keyLine]
    if let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]"), open < close {
      // Flow style: installed_apps: [auth, blog]   # comment
      let inside = line[line.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
      let items = inside.isEmpty ? entry : inside + ", " + entry
      lines[keyLine] = String(line[..<open]) + "[" + items + "]" + line[line.index(after: close)...]
    } else if line.trimmingCharacters(in: .whitespaces) == "installed_apps:" {
      // Block style: one `  - app` per line beneath the key.
      var last = keyLine
      var indent = "  "
      for index in (keyLine + 1)..<lines.count {
        let trimmed = lines[index].drop(while: { $0 == " " })
        if trimmed.hasPrefix("- ") {
          last = index
          indent = String(lines[index].prefix(while: { $0 == " " }))
        } else if !(trimmed.isEmpty || trimmed.hasPrefix("#")) {
          break
        }
      }
      lines.insert("\(indent)- \(entry)", at: last + 1)
    } else {
      return false
    }
    let edited = lines.joined(separator: "\n")
    // Only keep the edit if the file still parses and now lists the app.
    guard let document = try? YAMLFile.parse(edited, displayPath: file),
      let apps = document["installed_apps"]?.items?.compactMap(\.string),
      apps.contains(entry)
    else { return false }
    try FileWriter.writeAtomically(edited, to: file)
    return true
  }
}
