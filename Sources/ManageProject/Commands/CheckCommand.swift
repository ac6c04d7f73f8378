import ArgumentParser
import ManageCore

/// `manage check`: Django's system check framework over settings, apps and models.
public struct CheckCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Checks the entire project for potential problems.",
    discussion: """
      Runs the system checks over manage.yaml, the installed apps and every models.yaml, and \
      prints what it finds in Django's format, each message led by the file:line:col it is about. \
      Exits 1 when a message reaches --fail-level (ERROR by default), so CI can gate on it.
      """)
  public static let group = "core"

  @Argument(help: "Only report issues of these apps.", completion: .appLabels)
  var appLabels: [String] = []

  @Option(name: [.customShort("t"), .long], help: ArgumentHelp("Run only checks labeled with given tag.", valueName: "tag"),
          completion: .list(["commands", "database", "models", "security", "settings"]))
  var tag: [String] = []

  @Flag(name: .customLong("list-tags"), help: "List available tags.")
  var listTags = false

  @Flag(help: "Check deployment settings.")
  var deploy = false

  @Option(name: .customLong("fail-level"),
          help: "Message level that will cause the command to exit with a non-zero status.")
  var failLevel: FailLevel = .ERROR

  @Flag(help: "Also run the checks that open the database.")
  var database = false

  @Option(help: "Output format.")
  var format: OutputFormat = .text

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let runner = CheckRunner(checks: context.checks)
    if listTags {
      var tags = runner.availableTags
      if !deploy { tags.removeAll { tag in context.checks.allSatisfy { !$0.tags.contains(tag) || $0.deployOnly } } }
      context.console.print(tags.joined(separator: "\n"))
      return
    }
    let registry = try context.registry()
    for label in appLabels where registry.app(label) == nil {
      var hint: String? = nil
      if let guess = Suggestion.closest(to: label, in: registry.labels) { hint = "Did you mean '\(guess)'?" }
      throw CommandFailure("No installed app with label '\(label)'.", hint: hint)
    }
    let unknownTags = tag.filter { !runner.availableTags.contains($0) }
    if !unknownTags.isEmpty {
      throw CommandFailure("There is no system check with the \(unknownTags.joined(separator: ", ")) tag.",
                           hint: "Available tags: \(runner.availableTags.joined(separator: ", ")).")
    }
    let input = CheckInput(
      registry: registry, schema: try context.schema(), commandNames: context.commandNames, includeDatabase: database)
    let report = try runner.run(input, tags: tag, appLabels: appLabels, deploy: deploy)
    let serious = report.isSerious(failLevel: failLevel.level)
    switch format {
    case .json:
      context.console.print(report.json())
    case .text:
      let text = report.rendered(console: context.console, failLevel: failLevel.level, toStandardError: !report.visible.isEmpty)
      if report.visible.isEmpty {
        context.console.print(text)
      } else {
        context.console.printError(text)
      }
    }
    if serious { throw ExitStatus(1) }
  }
}

/// `--fail-level` values, spelled as Django spells them.
enum FailLevel: String, ExpressibleByArgument, CaseIterable {
  case CRITICAL, ERROR, WARNING, INFO, DEBUG

  var level: CheckMessage.Level {
    switch self {
    case .CRITICAL: .critical
    case .ERROR: .error
    case .WARNING: .warning
    case .INFO: .info
    case .DEBUG: .debug
    }
  }
}
