import ArgumentParser
import Foundation
import ManageCore

/// `manage startproject NAME [DIRECTORY]`: a new project folder with manage.yaml, a .env
/// holding a fresh secret key, and a .gitignore that keeps both the database and .env out.
public struct StartProjectCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "startproject",
    abstract: "Creates a project directory structure for the given project name in the current directory or optionally in the given directory.",
    discussion: """
      Writes manage.yaml (settings), .env (a new random MANAGE_SECRET_KEY) and .gitignore. \
      Without DIRECTORY a folder named NAME is created; an existing DIRECTORY is used as it is, \
      provided it has no manage.yaml yet.
      """)
  public static let group = "core"

  @Argument(help: "Name of the project.")
  var name: String

  @Argument(help: "Optional destination directory.", completion: .directory)
  var directory: String?

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    guard Identifier.isValid(name) else {
      throw CommandFailure(
        "'\(name)' is not a valid project name. Please make sure the name is a valid identifier.",
        hint: "Use letters, digits and underscores, starting with a letter.")
    }
    let target: String
    var created = false
    if let directory {
      target = Path.join(context.currentDirectory, directory)
      guard Path.isDirectory(target) else {
        throw CommandFailure("Destination directory '\(target)' does not exist, please create it first.")
      }
    } else {
      target = Path.join(context.currentDirectory, name)
      guard !Path.exists(target) else { throw CommandFailure("'\(target)' already exists") }
      try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
      created = true
    }
    let files = [
      ("manage.yaml", ProjectTemplate.settings(project: name)),
      (".env", ProjectTemplate.dotEnv(secretKey: SecretKey.generate())),
      (".gitignore", ProjectTemplate.gitignore),
    ]
    for (file, _) in files where Path.exists(Path.join(target, file)) && file != ".gitignore" {
      throw CommandFailure("'\(Path.join(target, file))' already exists", hint: "Choose an empty directory, or remove the file.")
    }
    do {
      for (file, contents) in files where !Path.exists(Path.join(target, file)) {
        try FileWriter.writeAtomically(contents, to: Path.join(target, file), permissions: file == ".env" ? 0o600 : 0o644)
      }
    } catch {
      if created { try? FileManager.default.removeItem(atPath: target) }
      throw error
    }
    let shown = Path.display(target, relativeTo: context.currentDirectory)
    context.console.print(atVerbosity: 1, "Created project '\(name)' in \(shown)/", style: .success)
    context.console.print(atVerbosity: 1, """
      Next:
        cd \(shown)
        manage startapp blog          # then declare models in blog/models.yaml
        manage check
      """)
  }
}

/// A random secret key, 50 characters from Django's alphabet, from the system's CSPRNG.
enum SecretKey {
  static func generate() -> String {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)")
    var generator = SystemRandomNumberGenerator()
    return String((0..<50).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
  }
}
