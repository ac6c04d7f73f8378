import ArgumentParser
import Foundation
import ManageCore

/// `manage createsuperuser`: Django's prompts and messages, plus what CI and containers need:
/// validation in `--noinput` mode too, `--if-not-exists`, and `--password-stdin`.
public struct CreateSuperuserCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "createsuperuser",
    abstract: "Used to create a superuser.",
    discussion: """
      Interactively, asks for a username, an email address and a password (twice, not echoed). \
      With --noinput, reads MANAGE_SUPERUSER_USERNAME, MANAGE_SUPERUSER_EMAIL and \
      MANAGE_SUPERUSER_PASSWORD (or the DJANGO_SUPERUSER_* names), or the password from stdin \
      with --password-stdin; without a password the user gets an unusable one. The password \
      never appears in arguments, logs or messages.
      """)
  public static let group = "auth"

  @Option(help: "Specifies the login for the superuser.")
  var username: String?

  @Option(help: "Specifies the email for the superuser.")
  var email: String?

  @Flag(name: [.customLong("noinput"), .customLong("no-input")], help: "Tells manage to NOT prompt the user for input of any kind.")
  var noInput = false

  @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input (with --noinput).")
  var passwordStdin = false

  @Flag(name: .customLong("skip-validation"), help: "Create the user even if the password fails the validators.")
  var skipValidation = false

  @Flag(name: .customLong("if-not-exists"), help: "Do nothing, successfully, when the user already exists.")
  var ifNotExists = false

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let project = try AuthProject(context)
    let store = UserStore(connection: project.connection)
    let console = context.console
    let environment = context.environment
    func setting(_ name: String) -> String? {
      environment["MANAGE_SUPERUSER_\(name)"] ?? environment["DJANGO_SUPERUSER_\(name)"]
    }

    if noInput || passwordStdin {
      guard let name = username ?? setting("USERNAME"), !name.isEmpty else {
        throw AuthError("You must use --username with --noinput.", hint: "Or set MANAGE_SUPERUSER_USERNAME.")
      }
      if let problem = UserFields.usernameProblem(name) { throw AuthError("Error: \(problem)") }
      if try store.exists(name) {
        if ifNotExists {
          console.print(atVerbosity: 1, "Superuser '\(name)' already exists; nothing changed.")
          return
        }
        throw AuthError("Error: That username is already taken.", hint: "Pass --if-not-exists to make this a no-op when the user exists.")
      }
      let address = email ?? setting("EMAIL") ?? ""
      if !address.isEmpty && !UserFields.isValidEmail(address) { throw AuthError("Error: Enter a valid email address.") }
      var password = passwordStdin ? readStandardInput() : setting("PASSWORD")
      if passwordStdin && (password ?? "").isEmpty { throw AuthError("Error: Blank passwords aren't allowed.", hint: "Pipe the password into --password-stdin.") }
      if let given = password, !skipValidation {
        let problems = project.validators.problems(given, user: UserAttributes(username: name, email: address))
        if !problems.isEmpty {
          throw AuthError(problems.joined(separator: "\n"), hint: "Choose another password, or pass --skip-validation to create the user anyway.")
        }
      }
      let encoded = password.map { PasswordHasher.make($0, iterations: project.iterations) } ?? PasswordHasher.unusable()
      password = nil
      try store.createSuperuser(username: name, email: address, encodedPassword: encoded)
      console.print(atVerbosity: 1, "Superuser created successfully.")
      return
    }

    guard Prompt.isInteractive else {
      throw AuthError(
        "createsuperuser needs a terminal to ask for the password, and standard input is not one.",
        hint: "Run it in a terminal, or use --noinput with MANAGE_SUPERUSER_PASSWORD (or --password-stdin).")
    }
    let name = try askUsername(store: store, console: console)
    if ifNotExists, try store.exists(name) { return }
    var address = email ?? ""
    if email == nil {
      while true {
        guard let answer = Prompt.line("Email address: ") else { throw cancelled() }
        if answer.isEmpty || UserFields.isValidEmail(answer) {
          address = answer
          break
        }
        console.printError("Error: Enter a valid email address.")
      }
    } else if !address.isEmpty && !UserFields.isValidEmail(address) {
      throw AuthError("Error: Enter a valid email address.")
    }
    let encoded = try askPassword(validators: project.validators, user: UserAttributes(username: name, email: address), console: console, iterations: project.iterations)
    try store.createSuperuser(username: name, email: address, encodedPassword: encoded)
    console.print(atVerbosity: 1, "Superuser created successfully.")
  }

  private func askUsername(store: UserStore, console: Console) throws -> String {
    if let username {
      if let problem = UserFields.usernameProblem(username) { throw AuthError("Error: \(problem)") }
      if try store.exists(username), !ifNotExists { throw AuthError("Error: That username is already taken.") }
      return username
    }
    var fallback = AuthProject.systemUsername
    if let candidate = fallback {
      let taken = try store.exists(candidate)
      if taken || UserFields.usernameProblem(candidate) != nil { fallback = nil }
    }
    while true {
      let question = fallback.map { "Username (leave blank to use '\($0)'): " } ?? "Username: "
      guard var answer = Prompt.line(question) else { throw cancelled() }
      if answer.isEmpty, let fallback { answer = fallback }
      if let problem = UserFields.usernameProblem(answer) {
        console.printError("Error: \(problem)")
        continue
      }
      if try store.exists(answer) {
        console.printError("Error: That username is already taken.")
        continue
      }
      return answer
    }
  }

  private func askPassword(validators: PasswordValidators, user: UserAttributes, console: Console, iterations: Int) throws -> String {
    while true {
      guard let first = Prompt.secret("Password: ") else { throw cancelled() }
      guard let second = Prompt.secret("Password (again): ") else { throw cancelled() }
      if first != second {
        console.printError("Error: Your passwords didn't match.")
        continue
      }
      if first.trimmingCharacters(in: .whitespaces).isEmpty {
        console.printError("Error: Blank passwords aren't allowed.")
        continue
      }
      let problems = skipValidation ? [] : validators.problems(first, user: user)
      if !problems.isEmpty {
        console.printError(problems.joined(separator: "\n"))
        guard let answer = Prompt.line("Bypass password validation and create user anyway? [y/N]: ") else { throw cancelled() }
        if !answer.lowercased().hasPrefix("y") { continue }
      }
      return PasswordHasher.make(first, iterations: iterations)
    }
  }

  private func readStandardInput() -> String? {
    var text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
    return text
  }

  private func cancelled() -> AuthError { AuthError("Operation cancelled.") }
}
