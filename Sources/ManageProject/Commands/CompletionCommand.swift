import ArgumentParser
import ManageCore

/// `manage completion bash|zsh|fish`: prints the shell completion script, generated from the
/// commands' own definitions.
public struct CompletionCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "completion",
    abstract: "Prints the shell completion script for bash, zsh or fish.",
    discussion: """
      Command names (plugins included), app labels and model labels complete from the project \
      you are in: the script asks the binary with the hidden ---complete argument. Install with \
      `manage completion bash > ~/.local/share/bash-completion/completions/manage`, \
      `manage completion zsh > ~/.zfunc/_manage` or \
      `manage completion fish > ~/.config/fish/completions/manage.fish`.
      """)
  public static let group = "core"

  @Argument(help: "The shell to write the script for.")
  var shell: Shell

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    context.console.print(try CompletionScripts.script(for: shell), terminator: "")
  }
}

/// The shells completion scripts are written for.
public enum Shell: String, ExpressibleByArgument, CaseIterable, Sendable {
  case bash, zsh, fish

  /// The file name the project keeps the script under in completions/.
  public var fileName: String {
    switch self {
    case .bash: "manage.bash"
    case .zsh: "_manage"
    case .fish: "manage.fish"
    }
  }
}

/// The three scripts, from the registered commands.
public enum CompletionScripts {
  public static func script(for shell: Shell) throws -> String {
    let root = try CommandDefinition.root()
    switch shell {
    case .bash: return BashCompletion.script(for: root)
    case .zsh: return ZshCompletion.script(for: root)
    case .fish: return FishCompletion.script(for: root)
    }
  }
}
