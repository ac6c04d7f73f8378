import ArgumentParser
import Foundation
import ManageCore
import ManageMigrations

/// `manage loaddata`: Django's fixtures into the database, every object validated as the
/// admin and the API validate, in one transaction.
public struct LoadDataCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "loaddata",
    abstract: "Installs the named fixture(s) in the database.",
    discussion: """
      A fixture is what dumpdata writes (Django's and manage's alike): a JSON list, JSON Lines \
      or YAML of objects {"model": "app_label.model_name", "pk": 1, "fields": {...}}. A label \
      with a folder, or an absolute path, names a file; a bare name (the extension may be left \
      off) is looked up in every app's fixtures/ folder, then the current directory; - reads \
      standard input (give --format). An object whose pk is in the table updates that row; \
      others are inserted. Unlike Django's raw save, every object is validated as the admin and \
      the API validate (types, lengths, choices, uniqueness, foreign keys, many-to-many keys, \
      each may name a row later in the fixtures), every mistake is reported at its \
      file:line:col, and nothing is written unless everything is valid: all fixtures load in \
      one transaction. auto_now times are kept as given. Models' on: events enqueue their jobs \
      in that transaction, as from any other door.
      """)
  public static let group = "core"

  @Argument(help: ArgumentHelp("Fixture labels.", valueName: "fixture"), completion: .fixtureNames)
  var fixtureLabels: [String] = []

  @Option(name: .customLong("app"), help: ArgumentHelp("Only look for fixtures in the specified app.", valueName: "app_label"), completion: .appLabels)
  var appLabel: String?

  @Flag(name: [.customShort("i"), .customLong("ignorenonexistent")], help: "Ignores entries in the serialized data for fields that do not currently exist on the model.")
  var ignoreNonexistent = false

  @Option(name: [.customShort("e"), .customLong("exclude")], help: ArgumentHelp("An app_label or app_label.ModelName to exclude. Can be used multiple times.", valueName: "exclude"), completion: .appAndModelLabels)
  var exclude: [String] = []

  @Option(help: "Format of serialized data when reading from stdin.")
  var format: FixtureFormat?

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func validate() throws {
    if fixtureLabels.isEmpty {
      throw ValidationError("No database fixture specified. Please provide the path of at least one fixture in the command line.")
    }
    if fixtureLabels.contains("-") && format == nil {
      throw ValidationError("--format must be specified when reading from stdin.")
    }
  }

  public func run(context: CommandContext) async throws {
    let data = try DataProject(context)
    if let appLabel, data.registry.app(appLabel) == nil {
      throw CommandFailure("No installed app with label '\(appLabel)'.", hint: Suggestion.closest(to: appLabel, in: data.registry.labels).map { "Did you mean '\($0)'?" }, exitCode: 2)
    }
    let (apps, models) = try data.excluded(exclude)
    let finder = FixtureFinder(registry: data.registry, appLabel: appLabel, workingDirectory: FileManager.default.currentDirectoryPath)
    var sources: [FixtureLoader.Source] = []
    for label in fixtureLabels {
      if label == "-" {
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        sources.append(FixtureLoader.Source(displayPath: "<stdin>", objects: try FixtureFile.objects(text, format: format!, displayPath: "<stdin>")))
        continue
      }
      for found in try finder.find(label) {
        let text = try FixtureFile.read(path: found.path, displayPath: found.displayPath)
        let objects = try FixtureFile.objects(text, format: found.format, displayPath: found.displayPath)
        if objects.isEmpty {
          // Django's RuntimeWarning for a fixture with nothing in it.
          context.console.printError("warning: No fixture data found for '\(Path.lastComponent(found.path).split(separator: ".").first ?? "")'. (File format may be invalid.)")
        }
        if global.verbosity >= 2 { context.console.print("Installing \(found.format.rawValue) fixture '\(found.displayPath)'.") }
        sources.append(FixtureLoader.Source(displayPath: found.displayPath, objects: objects))
      }
    }
    let loader = FixtureLoader(schema: data.schema, connection: data.connection, ignoreNonexistent: ignoreNonexistent, excludedApps: apps, excludedModels: models)
    let outcome = try loader.load(sources)
    guard global.verbosity >= 1 else { return }
    if outcome.installed == outcome.read {
      context.console.print("Installed \(outcome.installed) object(s) from \(outcome.fixtures) fixture(s)")
    } else {
      context.console.print("Installed \(outcome.installed) object(s) (of \(outcome.read)) from \(outcome.fixtures) fixture(s)")
    }
  }
}
