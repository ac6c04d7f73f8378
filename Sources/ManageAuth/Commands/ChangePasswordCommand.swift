import ArgumentParser
import ManageCore

/// `manage changepassword [username]`: three attempts, Django's messages.
public struct ChangePasswordCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "changepassword",
    abstract: "Change a user's password for the auth app.")
  public static let group = "auth"

  @Argument(help: "Username to change password for; by default, it's the current username.")
  var username: String?

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let project = try AuthProject(context)
    let store = UserStore(connection: project.connection)
    guard let name = username ?? AuthProject.systemUsername else { throw AuthError("Give the username to change.") }
    guard let user = try store.user(named: name) else { throw AuthError("user '\(name)' does not exist") }
    guard Prompt.isInteractive else {
      throw AuthError("changepassword needs a terminal to ask for the password, and standard input is not one.",
                      hint: "Run it in a terminal.")
    }
    let console = context.console
    console.print("Changing password for user '\(name)'")
    var attempts = 0
    while attempts < 3 {
      guard let first = Prompt.secret("Password: "), let second = Prompt.secret("Password (again): ") else {
        throw AuthError("Operation cancelled.")
      }
      if first != second {
        console.print("Passwords do not match. Please try again.")
        attempts += 1
        continue
      }
      let problems = project.validators.problems(first, user: user.attributes)
      if !problems.isEmpty {
        console.printError(problems.joined(separator: "\n"))
        attempts += 1
        continue
      }
      try store.setPassword(username: name, encodedPassword: PasswordHasher.make(first, iterations: project.iterations))
      console.print("Password changed successfully for user '\(name)'")
      return
    }
    throw AuthError("Aborting password change for user '\(name)' after 3 attempts")
  }
}
