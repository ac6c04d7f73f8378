import ArgumentParser
import Foundation
import ManageCore

/// `manage dbshell [-- ARGS]`: the `sqlite3` client on the project's database.
public struct DbShellCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "dbshell",
    abstract: "Runs the command-line client for the project's database (sqlite3).",
    discussion: """
      Replaces itself with sqlite3 on the database file named by the settings, passing every \
      argument after -- to it; the client's exit status is manage's.
      """)
  public static let group = "core"

  @Argument(parsing: .postTerminator, help: "Arguments passed to the sqlite3 client after --.")
  var parameters: [String] = []

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let settings = try context.settings()
    let path = settings.database.path
    let pathList = context.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    let candidates: [String] = pathList.split(separator: ":").map { directory in String(directory) + "/sqlite3" }
    let client = candidates.first { candidate in access(candidate, X_OK) == 0 }
    guard let client else {
      // Django's wording.
      throw CommandFailure(
        "You appear not to have the 'sqlite3' program installed or on your path.",
        hint: "Install it (apt install sqlite3, brew install sqlite) or put it on PATH.")
    }
    let arguments = ["sqlite3", path] + parameters
    var pointers = arguments.map { strdup($0) } + [nil]
    // Replace this process: the client owns the terminal, signals and exit status, and its
    // exit status is ours.
    execv(client, &pointers)
    throw CommandFailure("could not run \(client): \(String(cString: strerror(errno)))")
  }
}
