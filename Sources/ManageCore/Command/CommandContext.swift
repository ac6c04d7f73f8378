import Foundation
import Logging

/// What a running command is given: its console, its settings, apps and schema (loaded on
/// first use, so `startproject` never reads a manage.yaml), a logger and the database.
///
/// Not Sendable on purpose: it belongs to the task running the command. Pass `settings()` (a
/// Sendable value) to other tasks instead.
public final class CommandContext {
  public let global: GlobalOptions
  public let console: Console
  /// The process environment (`.env` is merged into `settings().environment`).
  public let environment: [String: String]
  public let currentDirectory: String
  /// Diagnostics for `-v 2` (info) and `-v 3` (debug, e.g. the SQL run), on stderr.
  public let logger: Logger
  /// The system checks the binary was built with.
  public let checks: [SystemCheck]
  /// The commands the binary was built with, by name.
  public let commandNames: [String]

  private var loadedSettings: Settings?
  private var loadedRegistry: AppRegistry?
  private var loadedSchema: ProjectSchema?

  public init(
    global: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath, checks: [SystemCheck] = [],
    commandNames: [String] = []
  ) {
    self.global = global
    self.environment = environment
    self.currentDirectory = currentDirectory
    self.checks = checks
    self.commandNames = commandNames
    console = Console(verbosity: global.verbosity, color: global.colorChoice, environment: environment)
    var logger = Logger(label: "manage") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = switch global.verbosity {
    case 3: .debug
    case 2: .info
    default: .warning
    }
    self.logger = logger
  }

  public var verbosity: Int { global.verbosity }

  /// The project's settings.
  public func settings() throws -> Settings {
    if let loadedSettings { return loadedSettings }
    let settings = try SettingsLoader.load(
      explicit: global.settings, environment: environment, currentDirectory: currentDirectory)
    logger.debug("settings: \(settings.file ?? "embedded defaults"); database: \(settings.database)")
    loadedSettings = settings
    return settings
  }

  /// The installed apps.
  public func registry() throws -> AppRegistry {
    if let loadedRegistry { return loadedRegistry }
    let registry = try AppRegistry(settings: settings())
    loadedRegistry = registry
    return registry
  }

  /// Every installed app's models, validated.
  public func schema() throws -> ProjectSchema {
    if let loadedSchema { return loadedSchema }
    var schema = try registry().loadSchema()
    schema.dialect = SQLDialect(try settings().database.backend)
    loadedSchema = schema
    return schema
  }

  /// Stops a command that does not run on PostgreSQL yet (the server, the job queue and the
  /// evals move there in a later release) with a clear error instead of a wrong answer.
  public func requireSQLite(for what: String) throws {
    guard try settings().database.backend == .sqlite else {
      throw CommandFailure(
        "\(what) does not run on PostgreSQL yet (database \(try settings().databaseDisplay))",
        hint: "The server, the job queue and the evals come to PostgreSQL in a later release; run them on a SQLite database for now (MANAGE_DATABASE_URL=sqlite:///db.sqlite3).")
    }
  }

  /// Opens the project's database.
  public func openDatabase(readOnly: Bool = false) throws -> Connection {
    let settings = try settings()
    let connection = try Connection(settings.database, displayName: settings.databaseDisplay, readOnly: readOnly)
    if !readOnly { try ConnectionSetup.apply(registry(), connection) }
    return connection
  }

  /// Runs the system checks and stops the command on an error, as Django does before commands
  /// that set `requires_system_checks`.
  public func requireSystemChecks() throws {
    let report = try CheckRunner(checks: checks).run(
      CheckInput(registry: registry(), schema: schema(), commandNames: commandNames))
    if report.isSerious(failLevel: .error) {
      console.printError(report.rendered(console: console, failLevel: .error))
      throw ExitStatus(1)
    }
  }
}
