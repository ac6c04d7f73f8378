import ArgumentParser

/// The options every command takes, as Django's `BaseCommand` gives every command
/// `--settings`, `-v/--verbosity`, `--no-color`, `--force-color` and `--traceback`.
public struct GlobalOptions: ParsableArguments, Sendable {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "The settings file to use instead of the nearest manage.yaml (also MANAGE_SETTINGS).", valueName: "file"),
    completion: .file(extensions: ["yaml", "yml"]))
  public var settings: String?

  @Option(
    name: [.customShort("v"), .long],
    help: ArgumentHelp(
      "Verbosity level; 0=minimal output, 1=normal output, 2=verbose output, 3=very verbose output.",
      valueName: "level"),
    completion: .list(["0", "1", "2", "3"]))
  public var verbosity: Int = 1

  @Flag(name: .customLong("no-color"), help: "Don't colorize the command output (also NO_COLOR).")
  public var noColor = false

  @Flag(name: .customLong("force-color"), help: "Force colorization of the command output.")
  public var forceColor = false

  @Flag(help: "Show the full error, with its underlying causes, on failure.")
  public var traceback = false

  public init() {}

  public func validate() throws {
    guard (0...3).contains(verbosity) else {
      throw ValidationError("Verbosity must be 0, 1, 2 or 3, not \(verbosity).")
    }
    guard !(noColor && forceColor) else {
      throw ValidationError("The --no-color and --force-color options can't be used together.")
    }
  }

  /// `true`, `false`, or nil to decide by the terminal.
  public var colorChoice: Bool? { noColor ? false : (forceColor ? true : nil) }
}
