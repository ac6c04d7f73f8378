import Foundation
import ManageCore

/// Reads an app's tasks.yaml:
///
/// ```yaml
/// tasks:
///   extract_guidance:
///     command: [python3, tasks/extract_guidance.py]   # or one string run by /bin/sh -c
///     queue: default
///     max_retries: 3
///     retry_delay: 30s
///     backoff: exponential       # or fixed
///     timeout: 2m
///     priority: 0
///     unique: false
///     protocol: stdin            # or jsonl: long-lived processes, a JSON line per job
/// ```
///
/// Every mistake is reported with file:line:col and a hint.
enum TasksFileLoader {
  static let kinds = ["command", "llm", "webhook"]
  static let options = ["command", "protocol", "queue", "max_retries", "retry_delay", "backoff", "timeout", "priority", "unique", "description"]
    + LLMTaskLoader.options.dropFirst() + WebhookTaskLoader.options.dropFirst() + ["llm", "webhook", "schedule", "every"]

  static func load(
    app: AppConfig, path: String, displayPath: String, projectDirectory: String, providers: ProjectProviders = ProjectProviders(),
    timeZone: TimeZone = TimeZone(identifier: "UTC")!
  ) throws -> [TaskDefinition] {
    guard let root = try YAMLFile.load(path: path, displayPath: displayPath) else { return [] }
    guard let top = root.entries else {
      throw JobsError("\(root.location): tasks.yaml must be a mapping with a 'tasks' key", hint: "Write `tasks:` and the tasks under it.")
    }
    for entry in top where entry.key != "tasks" {
      throw JobsError("\(entry.keyLocation): unknown key '\(entry.key)' in tasks.yaml", hint: "The file has one key, `tasks:`.")
    }
    guard let tasks = root["tasks"] else { return [] }
    guard let entries = tasks.entries else {
      throw JobsError("\(tasks.location): 'tasks' must map task names to their settings, not be \(tasks.kindDescription)")
    }
    return try entries.map { try task($0, app: app, projectDirectory: projectDirectory, providers: providers, timeZone: timeZone) }
  }

  private static func task(_ entry: YAMLEntry, app: AppConfig, projectDirectory: String, providers: ProjectProviders, timeZone: TimeZone) throws -> TaskDefinition {
    let name = entry.key
    guard name.split(separator: ".").allSatisfy({ Identifier.isValid(String($0)) }) else {
      throw JobsError("\(entry.keyLocation): '\(name)' is not a valid task name", hint: "Use letters, digits and underscores.")
    }
    guard let settings = entry.value.entries else {
      throw JobsError("\(entry.value.location): task '\(name)' needs settings, at least `command:`")
    }
    for setting in settings where !options.contains(setting.key) {
      let suggestion = Suggestion.closest(to: setting.key, in: options)
      throw JobsError(
        "\(setting.keyLocation): unknown task option '\(setting.key)'",
        hint: (suggestion.map { "Did you mean '\($0)'? " } ?? "") + "Known: " + options.joined(separator: ", ") + ".")
    }
    let kinds = settings.filter { Self.kinds.contains($0.key) }
    guard kinds.count == 1 else {
      if kinds.count > 1 {
        throw JobsError("\(kinds[1].keyLocation): task '\(name)' has both `\(kinds[0].key):` and `\(kinds[1].key):`", hint: "A task is one of command, llm or webhook.")
      }
      throw JobsError("\(entry.keyLocation): task '\(name)' has no command", hint: "Add `command: [program, argument]`, `llm: {provider: NAME}` or `webhook: {url: …}`.")
    }
    let kindOptions: [String]
    var task: TaskDefinition
    switch kinds[0].key {
    case "llm":
      task = TaskDefinition(name: name, body: .llm(try LLMTaskLoader.load(entry.value, name: name, providers: providers)))
      kindOptions = LLMTaskLoader.options
    case "webhook":
      task = TaskDefinition(name: name, body: .webhook(try WebhookTaskLoader.load(entry.value, name: name)))
      kindOptions = WebhookTaskLoader.options
    default:
      task = TaskDefinition(name: name, body: .command(try command(entry.value["command"]!, app: app), workingDirectory: projectDirectory))
      kindOptions = ["command", "protocol"]
    }
    // The options of one kind mean nothing on another: said, not ignored.
    let foreign = Set(LLMTaskLoader.options + WebhookTaskLoader.options + ["command", "protocol"]).subtracting(kindOptions)
    for setting in settings where foreign.contains(setting.key) {
      throw JobsError("\(setting.keyLocation): '\(setting.key)' is not an option of a \(kinds[0].key) task", hint: "\(kinds[0].key) tasks take: " + kindOptions.joined(separator: ", ") + " and the common options.")
    }
    task.app = app.label
    task.declaredAt = DeclaredAt(entry.keyLocation)
    if let node = entry.value["queue"] {
      guard let queue = node.string, !queue.isEmpty else { throw JobsError("\(node.location): 'queue' must be a name") }
      task.queue = queue
    }
    if let node = entry.value["max_retries"] {
      guard case .int(let count) = node.value, (0...TaskDefinition.maximumRetries).contains(count) else {
        throw JobsError("\(node.location): 'max_retries' must be a whole number from 0 to \(TaskDefinition.maximumRetries)")
      }
      task.maxRetries = count
    }
    if let node = entry.value["retry_delay"] { task.retryDelay = try duration(node, "retry_delay") }
    if let node = entry.value["timeout"] { task.timeout = try duration(node, "timeout") }
    if let node = entry.value["backoff"] {
      guard let text = node.string, let backoff = TaskDefinition.Backoff(rawValue: text) else {
        throw JobsError("\(node.location): 'backoff' must be exponential or fixed")
      }
      task.backoff = backoff
    }
    if let node = entry.value["priority"] {
      guard case .int(let priority) = node.value, TaskDefinition.priorities.contains(priority) else {
        throw JobsError("\(node.location): 'priority' must be a whole number from \(TaskDefinition.priorities.lowerBound) to \(TaskDefinition.priorities.upperBound)")
      }
      task.priority = priority
    }
    if let node = entry.value["unique"] {
      guard case .bool(let flag) = node.value else { throw JobsError("\(node.location): 'unique' must be true or false") }
      task.unique = flag
    }
    switch (entry.value["schedule"], entry.value["every"]) {
    case (let cron?, let every?):
      throw JobsError("\(every.location): task '\(name)' has both `schedule:` (\(cron.scalarText)) and `every:`", hint: "Keep one.")
    case (let cron?, nil):
      guard let text = cron.string else { throw JobsError("\(cron.location): 'schedule' must be a cron expression in quotes, such as \"*/15 * * * *\"") }
      do {
        task.schedule = .cron(try CronExpression(text), timeZone)
      } catch let problem as CronExpression.Problem {
        throw JobsError("\(cron.location): schedule '\(text)': \(problem.message)", hint: "Five fields: minute hour day-of-month month day-of-week, such as \"*/15 * * * *\" or \"0 9 * * mon-fri\".")
      }
    case (nil, let every?):
      let seconds = try duration(every, "every")
      guard seconds >= TaskSchedule.shortestInterval else { throw JobsError("\(every.location): 'every' must be at least 1s, not \(every.scalarText)") }
      task.schedule = .every(seconds)
    case (nil, nil): break
    }
    if let node = entry.value["protocol"] {
      guard let text = node.string, let value = TaskDefinition.CommandProtocol(rawValue: text) else {
        let given = node.string.map { " '\($0)'" } ?? ""
        throw JobsError("\(node.location): unknown protocol\(given): 'protocol' must be stdin (a process per job) or jsonl (long-lived processes)",
                        hint: node.string.flatMap { Suggestion.closest(to: $0, in: TaskDefinition.CommandProtocol.allCases.map(\.rawValue)) }.map { "Did you mean '\($0)'?" })
      }
      task.commandProtocol = value
    }
    return task
  }

  private static func command(_ commandNode: YAMLNode, app: AppConfig) throws -> [String] {
    var argv: [String]
    if let items = commandNode.items {
      argv = try items.map {
        switch $0.value {
        case .list, .map, .null: throw JobsError("\($0.location): command arguments must be text, not \($0.kindDescription)")
        default: return $0.scalarText
        }
      }
    } else if let text = commandNode.string {
      argv = ["/bin/sh", "-c", text]
    } else {
      throw JobsError("\(commandNode.location): 'command' must be a list of arguments or a string")
    }
    guard let program = argv.first, !program.isEmpty else { throw JobsError("\(commandNode.location): 'command' is empty") }
    // A relative program is the app's own script when it exists there.
    if program.contains("/") && !program.hasPrefix("/"), let directory = app.directory, Path.exists(Path.join(directory, program)) {
      argv[0] = Path.join(directory, program)
    }
    for index in argv.indices.dropFirst() where !argv[index].hasPrefix("/") && !argv[index].hasPrefix("-") {
      if let directory = app.directory, argv[index].contains("/"), Path.exists(Path.join(directory, argv[index])) {
        argv[index] = Path.join(directory, argv[index])
      }
    }
    return argv
  }

  static func duration(_ node: YAMLNode, _ name: String) throws -> Double {
    guard let seconds = DurationText.seconds(of: node) else { throw JobsError(DurationText.problem(node, key: name)) }
    return seconds
  }
}
