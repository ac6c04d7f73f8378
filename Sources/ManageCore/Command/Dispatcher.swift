import ArgumentParser
import Foundation

/// Turns argv into a running command: a built-in by name, else an app's or a PATH plugin,
/// else `Unknown command` with a suggestion (exit 2). It also owns `help`, `--version`, the
/// hidden `---complete` used by shell completion, and how errors are printed.
public struct Dispatcher {
  public let commands: [any ManageCommand.Type]
  public let checks: [SystemCheck]
  /// The modules' completion sources, by kind.
  public let completions: [String: CompletionSource]
  public let environment: [String: String]
  public let currentDirectory: String

  public init(
    commands: [any ManageCommand.Type], checks: [SystemCheck] = CoreChecks.all, completions: [CompletionSource] = [],
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) {
    self.commands = commands.sorted { $0._commandName < $1._commandName }
    self.checks = checks
    self.completions = Dictionary(completions.map { ($0.kind, $0) }) { first, _ in first }
    self.environment = environment
    self.currentDirectory = currentDirectory
    RegisteredCommands.set(self.commands)
  }

  /// Runs the process's arguments and exits with the command's code.
  public static func main(
    commands: [any ManageCommand.Type], checks: [SystemCheck] = CoreChecks.all, completions: [CompletionSource] = []
  ) async -> Never {
    let dispatcher = Dispatcher(commands: commands, checks: checks, completions: completions)
    let code = await dispatcher.run(Array(CommandLine.arguments.dropFirst()))
    exit(code)
  }

  /// Runs `arguments` (argv without the program name) and returns the exit code.
  public func run(_ arguments: [String]) async -> Int32 {
    let scan = ArgumentsPreScan(arguments)
    let console = Console(color: scan.color, environment: environment)
    guard let name = scan.command else {
      if scan.leadingOptions.contains("--version") {
        console.print(ManageVersion.current)
        return 0
      }
      if let unknown = scan.unknownLeadingOption {
        let problem = ["--settings", "-v", "--verbosity"].contains(unknown)
          ? "Missing value for '\(unknown)'." : "Unknown option '\(unknown)'."
        return fail(UsageError(problem, hint: "Type 'manage help' for usage."), console: console, traceback: scan.traceback)
      }
      console.print(listing(settingsPath: scan.settings).rendered(console: console))
      return 0
    }
    switch name {
    case "help": return await help(scan, console: console)
    case "---complete": return complete(scan.commandArguments, settingsPath: scan.settings)
    default: break
    }
    if commands.contains(where: { $0._commandName == name }) {
      return await runBuiltin(name, scan.commandArguments, console: console, traceback: scan.traceback)
    }
    return runPlugin(name, scan, console: console)
  }

  // MARK: - Built-in commands

  private func runBuiltin(_ name: String, _ arguments: [String], console: Console, traceback: Bool) async -> Int32 {
    do {
      let parsed = try ManageRoot.parseAsRoot([name] + arguments)
      guard let command = parsed as? any ManageCommand else {
        // swift-argument-parser answers `--help` with its own command, which throws the
        // help text as a CleanExit for `fail` to print.
        var builtin = parsed
        try builtin.run()
        return 0
      }
      let context = CommandContext(
        global: command.global, environment: environment, currentDirectory: currentDirectory, checks: checks,
        commandNames: commands.map { $0._commandName })
      try await command.run(context: context)
      return 0
    } catch {
      return fail(error, console: console, traceback: traceback)
    }
  }

  /// Prints `error` the way the user should see it and returns the exit code.
  func fail(_ error: any Error, console: Console, traceback: Bool) -> Int32 {
    switch error {
    case let status as ExitStatus:
      return status.code
    case let error as ManageError:
      console.printError(console.styleError("error:", .error) + " " + error.message)
      if let hint = error.hint { console.printError(console.styleError("hint:", .notice) + " " + hint) }
      if traceback { console.printError("traceback:\n" + Self.dumped(error)) }
      return error.exitCode
    default:
      let code = ManageRoot.exitCode(for: error)
      let message = ManageRoot.fullMessage(for: error)
      if code == .success {
        console.print(message)
        return 0
      }
      if error is ExitCode { return code.rawValue }
      if code == .validationFailure {
        console.printError(message)
        return 2
      }
      console.printError(console.styleError("error:", .error) + " " + message)
      console.printError(console.styleError("hint:", .notice) + " This is a bug in manage; rerun with --traceback and report what it prints.")
      if traceback { console.printError("traceback:\n" + Self.dumped(error)) }
      return 1
    }
  }

  /// Every stored property of the error, nested errors included: what `--traceback` shows,
  /// Swift having no stack trace for a thrown error.
  static func dumped(_ error: any Error) -> String {
    var text = ""
    dump(error, to: &text)
    return text
  }

  // MARK: - help

  private func help(_ scan: ArgumentsPreScan, console: Console) async -> Int32 {
    let words = scan.commandArguments.filter { !$0.hasPrefix("-") || $0 == "--commands" }
    if words.contains("--commands") {
      console.print(listing(settingsPath: scan.settings).names.joined(separator: "\n"))
      return 0
    }
    guard let topic = words.first(where: { !$0.hasPrefix("-") }) else {
      console.print(listing(settingsPath: scan.settings).rendered(console: console))
      return 0
    }
    if topic == "help" {
      console.print("USAGE: manage help [<command>] [--commands]\n\n  Lists the commands, or shows one command's help.\n  --commands lists the command names only, one per line.")
      return 0
    }
    if let type = commands.first(where: { $0._commandName == topic }) {
      console.print(ManageRoot.helpMessage(for: type, columns: nil))
      return 0
    }
    var helpScan = scan
    helpScan.commandArguments = ["--help"]
    return runPlugin(topic, helpScan, console: console)
  }

  private func listing(settingsPath: String?) -> HelpListing {
    var listing = HelpListing(
      builtins: commands, appCommands: [], pathCommands: PluginFinder.pathCommands(environment: environment))
    do {
      let settings = try SettingsLoader.load(explicit: settingsPath, environment: environment, currentDirectory: currentDirectory)
      listing.appCommands = try AppRegistry(settings: settings).appCommands
    } catch let error as ManageError {
      listing.settingsProblem = error.message
    } catch {
      listing.settingsProblem = "\(error)"
    }
    return listing
  }

  // MARK: - Plugins

  private func runPlugin(_ name: String, _ scan: ArgumentsPreScan, console: Console) -> Int32 {
    var settings: Settings?
    var registry: AppRegistry?
    var settingsError: (any Error)?
    do {
      settings = try SettingsLoader.load(explicit: scan.settings, environment: environment, currentDirectory: currentDirectory)
      registry = try AppRegistry(settings: settings!)
    } catch {
      settingsError = error
    }
    if let plugin = PluginFinder.find(name, registry: registry, environment: settings?.environment ?? environment) {
      if let settingsError, settings == nil {
        // A plugin needs MANAGE_SETTINGS and friends; running it with none would mislead it.
        return fail(settingsError, console: console, traceback: scan.traceback)
      }
      let error = PluginFinder.exec(
        plugin, arguments: scan.commandArguments,
        environment: PluginFinder.environment(for: settings, base: environment))
      return fail(error, console: console, traceback: scan.traceback)
    }
    let names = listing(settingsPath: scan.settings).names
    var message = "Unknown command: '\(name)'."
    if let guess = Suggestion.closest(to: name, in: names) { message += " Did you mean \(guess)?" }
    console.printError(message)
    console.printError("Type 'manage help' for usage.")
    if let problem = settingsError as? ManageError {
      console.printError(console.styleError("note:", .notice) + " app commands could not be searched: \(problem.message)")
    }
    return 2
  }

  // MARK: - Shell completion

  /// `manage ---complete KIND`: values for shell completion, one per line, never an error.
  private func complete(_ arguments: [String], settingsPath: String?) -> Int32 {
    let console = Console(color: false, environment: environment)
    let kind = arguments.first ?? "commands"
    let values: [String]
    switch kind {
    case "commands":
      values = listing(settingsPath: settingsPath).names
    case "apps":
      values = (try? AppRegistry(settings: SettingsLoader.load(
        explicit: settingsPath, environment: environment, currentDirectory: currentDirectory)).labels) ?? []
    case "models", "apps-and-models":
      let registry = try? AppRegistry(settings: SettingsLoader.load(
        explicit: settingsPath, environment: environment, currentDirectory: currentDirectory))
      let models = (try? registry?.loadSchema())??.models.map(\.label) ?? []
      values = kind == "models" ? models : (registry?.labels ?? []) + models
    default:
      let settings = try? SettingsLoader.load(explicit: settingsPath, environment: environment, currentDirectory: currentDirectory)
      values = completions[kind]?.values(CompletionRequest(settings: settings, words: Array(arguments.dropFirst()))) ?? []
    }
    if !values.isEmpty { console.print(values.joined(separator: "\n")) }
    return 0
  }
}
