import ArgumentParser
import Foundation
import ManageCore

/// `manage dbshell [-- ARGS]`: the `sqlite3` or `psql` client on the project's database.
public struct DbShellCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "dbshell",
    abstract: "Runs the command-line client for the project's database (sqlite3 or psql).",
    discussion: """
      Replaces itself with sqlite3 on the database file named by the settings, or with psql on \
      a PostgreSQL database (its connection parameters, the password included, passed in PG* \
      environment variables, never in argv), passing every argument after -- to it; the \
      client's exit status is manage's.
      """)
  public static let group = "core"

  @Argument(parsing: .postTerminator, help: "Arguments passed to the client (sqlite3 or psql) after --.")
  var parameters: [String] = []

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let settings = try context.settings()
    let program = settings.database.backend == .sqlite ? "sqlite3" : "psql"
    let pathList = context.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    let candidates: [String] = pathList.split(separator: ":").map { directory in String(directory) + "/" + program }
    let client = candidates.first { candidate in access(candidate, X_OK) == 0 }
    guard let client else {
      // Django's wording.
      throw CommandFailure(
        "You appear not to have the '\(program)' program installed or on your path.",
        hint: program == "psql"
          ? "Install it (apt install postgresql-client, brew install libpq) or put it on PATH."
          : "Install it (apt install sqlite3, brew install sqlite) or put it on PATH.")
    }
    var environment = context.environment
    let arguments: [String]
    if let postgres = settings.database.postgres {
      // As Django's PostgreSQL client: every parameter through PG* variables, so the password
      // is in no process listing.
      for name in environment.keys where name.hasPrefix("PG") { environment[name] = nil }
      environment.merge(postgres.psqlEnvironment) { $1 }
      arguments = ["psql"] + parameters
    } else {
      arguments = ["sqlite3", settings.database.path] + parameters
    }
    var pointers = arguments.map { strdup($0) } + [nil]
    var environmentPointers = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    // Replace this process: the client owns the terminal, signals and exit status, and its
    // exit status is ours.
    execve(client, &pointers, &environmentPointers)
    throw CommandFailure("could not run \(client): \(String(cString: strerror(errno)))")
  }
}
