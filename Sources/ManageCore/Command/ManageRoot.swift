import ArgumentParser
import Foundation

/// The root command swift-argument-parser sees: `manage` with every registered command as a
/// subcommand, so usage lines read `manage migrate …` and help, completion and man pages
/// come from the commands' own declarations.
///
/// Its subcommands are whatever the executable registered with the `Dispatcher` before
/// parsing; the list is set once at start-up.
public struct ManageRoot: ParsableCommand {
  public static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "manage",
      abstract: "Django's management commands for SQLite projects, in one binary.",
      discussion: """
        Models are declared in each app's models.yaml; migrations, the shell, the admin server, the \
        job queue and evals all read them. Settings come from the nearest manage.yaml (or \
        --settings, or MANAGE_SETTINGS); without one, manage uses db.sqlite3 in the current \
        directory and the built-in apps. Run 'manage help' for the list of commands.
        """,
      version: ManageVersion.current,
      subcommands: RegisteredCommands.types)
  }

  public init() {}
}

/// The version `manage --version` prints.
public enum ManageVersion {
  public static let current = "0.1.0"
}

/// The command types the executable registered, read by `ManageRoot.configuration`.
enum RegisteredCommands {
  private static let storage = LockedValue<[any ManageCommand.Type]>([])

  static var types: [any ParsableCommand.Type] { storage.value.map { $0 as any ParsableCommand.Type } }
  static var manageTypes: [any ManageCommand.Type] { storage.value }

  static func set(_ types: [any ManageCommand.Type]) { storage.value = types }
}

/// A value behind a lock, for the few globals set at start-up.
final class LockedValue<Value>: @unchecked Sendable {
  private var stored: Value
  private let lock = NSLock()

  init(_ value: Value) { stored = value }

  var value: Value {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}
