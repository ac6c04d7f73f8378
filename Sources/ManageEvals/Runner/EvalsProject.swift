import Foundation
import ManageCore
import ManageJobs
import ManageMigrations

/// What `manage evals` needs: the database with the evals tables, and the suites of the
/// installed apps (`<app>/evals/*.yaml`, by file name; `app.name` when two apps share one).
struct EvalsProject {
  let settings: Settings
  let registry: AppRegistry
  let connection: Connection

  init(_ context: CommandContext) throws {
    settings = try context.settings()
    try context.requireSQLite(for: "`manage evals`")
    registry = try context.registry()
    guard registry.app("evals") != nil else {
      throw EvalsError("The evals app is not installed.", hint: "Add evals to installed_apps, then run `manage migrate`.", exitCode: 2)
    }
    if settings.databaseFileIsMissing {
      try UnappliedMigrations.require(registry: registry, connection: nil)
    }
    connection = try context.openDatabase()
    try UnappliedMigrations.require(registry: registry, connection: connection)
  }

  /// Every suite file: (name, app, path).
  var suiteFiles: [(name: String, app: String, path: String)] {
    registry.apps.flatMap { app in
      app.evalSuiteFiles.map { (((($0 as NSString).lastPathComponent) as NSString).deletingPathExtension, app.label, $0) }
    }
  }

  /// The suites named (all when none), loaded and checked.
  func suites(_ names: [String]) throws -> [Suite] {
    let files = suiteFiles
    var chosen: [(name: String, app: String, path: String)] = []
    if names.isEmpty {
      chosen = files
    } else {
      for name in names {
        let matches = files.filter { $0.name == name || "\($0.app).\($0.name)" == name }
        guard !matches.isEmpty else {
          let known = files.map(\.name)
          throw EvalsError(
            "Unknown suite '\(name)'." + (Suggestion.closest(to: name, in: known).map { " Did you mean '\($0)'?" } ?? ""),
            hint: known.isEmpty ? "Put suites in an app's evals/ folder (evals/NAME.yaml)." : "Suites: " + known.joined(separator: ", ") + ".")
        }
        guard matches.count == 1 else {
          throw EvalsError("Two apps have a suite '\(name)'.", hint: "Say which: " + matches.map { "\($0.app).\($0.name)" }.joined(separator: " or ") + ".")
        }
        chosen.append(matches[0])
      }
    }
    return try chosen.map(load)
  }

  /// What suites may name: manage.yaml's providers, and the project's tasks (read on first use).
  var suiteProject: SuiteLoader.Project {
    get throws {
      let registry = self.registry
      return SuiteLoader.Project(providers: try ProjectProviders(settings: settings)) { try TaskRegistry(registry: registry) }
    }
  }

  /// One suite file, loaded and checked.
  func load(_ file: (name: String, app: String, path: String)) throws -> Suite {
    try SuiteLoader.load(path: file.path, displayPath: settings.display(file.path), app: file.app, projectDirectory: settings.projectDirectory, project: suiteProject)
  }

  /// The checked-out commit, when the project is in a git repository.
  var gitCommit: String {
    let head = Path.join(settings.projectDirectory, ".git/HEAD")
    guard let text = try? String(contentsOfFile: head, encoding: .utf8) else { return "" }
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed.hasPrefix("ref: ") else { return String(trimmed.prefix(40)) }
    let reference = Path.join(settings.projectDirectory, ".git/" + trimmed.dropFirst(5))
    return (try? String(contentsOfFile: reference, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
  }
}
