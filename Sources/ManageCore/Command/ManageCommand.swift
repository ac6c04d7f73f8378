import ArgumentParser

/// A `manage` command: one small type whose declaration is its help, its man page and its
/// completion (swift-argument-parser), plus the group `manage help` lists it under.
///
/// Command modules export their commands as a list (`ProjectCommands.all`); `manage/main.swift`
/// hands the lists to the `Dispatcher`.
public protocol ManageCommand: ParsableCommand {
  /// The heading `manage help` lists the command under (`core`, `migrations`, `auth`, …).
  static var group: String { get }
  /// The options every command takes.
  var global: GlobalOptions { get }
  /// Runs the command. Throw a `ManageError` for anything the user can fix.
  func run(context: CommandContext) async throws
}

/// Ends a command with an exit code after it has printed its own report (like `check`'s
/// SystemCheckError or `makemigrations --check`), so the dispatcher adds nothing.
public struct ExitStatus: Error, Sendable {
  public var code: Int32
  public init(_ code: Int32) { self.code = code }
}
