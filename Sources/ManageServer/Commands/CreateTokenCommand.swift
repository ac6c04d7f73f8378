import ArgumentParser
import Foundation
import ManageCore

/// `manage createtoken USERNAME`: makes an API token for a user and prints it once; only its
/// SHA-256 digest is stored, so it cannot be read back.
public struct CreateTokenCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "createtoken",
    abstract: "Creates an API token for a user and prints it (only its digest is stored).",
    discussion: """
      Send it as `Authorization: Token <token>` to the JSON API that runserver serves. The \
      token is printed once; the database keeps only its SHA-256 digest. --revoke deletes the \
      user's tokens instead.
      """)
  public static let group = "server"

  @Argument(help: "The user the token acts for.")
  var username: String

  @Flag(help: "Delete every token of the user instead of making one.")
  var revoke = false

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    try context.requireSQLite(for: "`manage createtoken`")
    let registry = try context.registry()
    guard registry.app("admin") != nil else {
      throw CommandFailure("The admin app is not installed.", hint: "Add admin to installed_apps (it keeps the tokens), then run `manage migrate`.")
    }
    let connection = try context.openDatabase()
    guard try connection.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'admin_api_token'") != nil else {
      throw CommandFailure("The token table does not exist yet.", hint: "Run `manage migrate` to create it.")
    }
    guard let row = try connection.query("SELECT id, is_active FROM auth_user WHERE username = ?", [.text(username)]).first,
          let id = row[0].int
    else {
      throw CommandFailure("User '\(username)' does not exist.", hint: "Create one with `manage createsuperuser`.")
    }
    if !revoke && row[1].int != 1 {
      // The API refuses inactive users, so a token for one would never work.
      throw CommandFailure("User '\(username)' is inactive.", hint: "Tick 'Active' on the user in the admin first.")
    }
    if revoke {
      try connection.run("DELETE FROM admin_api_token WHERE user_id = ?", [.integer(Int64(id))])
      context.console.print("Revoked \(connection.changes) token(s) of '\(username)'.")
      return
    }
    let token = Signer.randomString(40)
    try connection.run(
      "INSERT INTO admin_api_token (digest, user_id, created) VALUES (?, ?, ?)",
      [.text(Authenticator.digest(token)), .integer(Int64(id)), .text(CivilDateTime.now().iso)])
    context.console.print(token)
  }
}

/// The server module's commands, for the dispatcher.
public enum ServerCommands {
  public static let all: [any ManageCommand.Type] = [RunserverCommand.self, CreateTokenCommand.self]
}
