import ArgumentParser
import Foundation
import ManageCore

/// A command as swift-argument-parser describes it (`--experimental-dump-help`), decoded from
/// the same JSON its own tools read, so man pages and completion scripts come from the
/// commands' declarations and nothing else.
public struct CommandDefinition: Decodable, Sendable {
  public var commandName: String
  public var abstract: String?
  public var discussion: String?
  public var shouldDisplay: Bool?
  public var subcommands: [CommandDefinition]?
  public var arguments: [ArgumentDefinition]?

  /// Every visible argument, in declaration order.
  public var visibleArguments: [ArgumentDefinition] {
    (arguments ?? []).filter { $0.shouldDisplay && !$0.isGenerated }
  }

  /// Visible subcommands, sorted by name. swift-argument-parser's own `help` subcommand is
  /// left out: the dispatcher answers `manage help` itself.
  public var visibleSubcommands: [CommandDefinition] {
    (subcommands ?? []).filter { ($0.shouldDisplay ?? true) && $0.commandName != "help" }
      .sorted { $0.commandName < $1.commandName }
  }

  /// The root `manage` command with every registered command beneath it.
  public static func root() throws -> CommandDefinition {
    struct Dump: Decodable { var command: CommandDefinition }
    return try JSONDecoder().decode(Dump.self, from: Data(ManageRoot._dumpHelp().utf8)).command
  }
}

/// One argument, option or flag of a command.
public struct ArgumentDefinition: Decodable, Sendable {
  public struct Name: Decodable, Sendable {
    public var kind: String
    public var name: String

    /// `--name`, `-n`, or `-name`.
    public var spelled: String {
      switch kind {
      case "long": "--" + name
      case "short": "-" + name
      default: "-" + name
      }
    }
  }

  /// How a value completes.
  public enum Completion: Sendable {
    case list([String])
    case file(extensions: [String])
    case directory
    /// One of our dynamic kinds: `manage ---complete KIND`.
    case dynamic(String)
    case shellCommand(String)
    case none
  }

  public var kind: String
  public var shouldDisplay: Bool
  public var sectionTitle: String?
  public var isOptional: Bool
  public var isRepeating: Bool
  public var names: [Name]?
  public var preferredName: Name?
  public var valueName: String?
  public var defaultValue: String?
  public var allValues: [String]?
  public var abstract: String?
  public var discussion: String?
  public var completion: Completion = .none

  enum CodingKeys: String, CodingKey {
    case kind, shouldDisplay, sectionTitle, isOptional, isRepeating, names, preferredName, valueName
    case defaultValue, allValues, abstract, discussion, completionKind
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    kind = try container.decode(String.self, forKey: .kind)
    shouldDisplay = try container.decodeIfPresent(Bool.self, forKey: .shouldDisplay) ?? true
    sectionTitle = try container.decodeIfPresent(String.self, forKey: .sectionTitle)
    isOptional = try container.decodeIfPresent(Bool.self, forKey: .isOptional) ?? false
    isRepeating = try container.decodeIfPresent(Bool.self, forKey: .isRepeating) ?? false
    names = try container.decodeIfPresent([Name].self, forKey: .names)
    preferredName = try container.decodeIfPresent(Name.self, forKey: .preferredName)
    valueName = try container.decodeIfPresent(String.self, forKey: .valueName)
    defaultValue = try container.decodeIfPresent(String.self, forKey: .defaultValue)
    allValues = try container.decodeIfPresent([String].self, forKey: .allValues)
    abstract = try container.decodeIfPresent(String.self, forKey: .abstract)
    discussion = try container.decodeIfPresent(String.self, forKey: .discussion)
    if let kind = try container.decodeIfPresent(CompletionKindJSON.self, forKey: .completionKind) {
      completion = kind.completion
    } else if let allValues {
      completion = .list(allValues)
    }
  }

  public var isPositional: Bool { kind == "positional" }
  public var isFlag: Bool { kind == "flag" }
  public var takesValue: Bool { kind == "option" }

  /// Arguments swift-argument-parser adds itself (`--help`, `--version`).
  var isGenerated: Bool {
    guard let names else { return false }
    return names.contains { $0.name == "help" || $0.name == "version" || $0.name == "experimental-dump-help" }
  }

  /// All spellings: `-v`, `--verbosity`.
  public var spellings: [String] { (names ?? []).map(\.spelled) }

  /// The name to show for the value (`<file>`, `<app-labels>`).
  public var displayValueName: String { valueName ?? preferredName?.name ?? "value" }
}

/// swift-argument-parser's encoding of `CompletionKind`: `{"list": {"values": […]}}` and so on.
private struct CompletionKindJSON: Decodable {
  var completion: ArgumentDefinition.Completion

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: AnyKey.self)
    guard let key = container.allKeys.first else { completion = .none; return }
    let payload = try container.nestedContainer(keyedBy: AnyKey.self, forKey: key)
    switch key.stringValue {
    case "list":
      completion = .list(try payload.decode([String].self, forKey: AnyKey("values")))
    case "file":
      completion = .file(extensions: try payload.decodeIfPresent([String].self, forKey: AnyKey("extensions")) ?? [])
    case "directory":
      completion = .directory
    case "shellCommand":
      let command = try payload.decode(String.self, forKey: AnyKey("command"))
      let prefix = "manage ---complete "
      completion = command.hasPrefix(prefix) ? .dynamic(String(command.dropFirst(prefix.count))) : .shellCommand(command)
    default:
      completion = .none
    }
  }
}

private struct AnyKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(_ string: String) { stringValue = string }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}
