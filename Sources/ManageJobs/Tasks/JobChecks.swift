import Foundation
import ManageCore

/// `manage check` for the job queue: every tasks.yaml parses, and every task's program exists.
public enum JobChecks {
  public static let all: [SystemCheck] = [tasks]

  static let tasks = SystemCheck(tags: ["jobs"]) { input in
    guard input.registry.app("jobs") != nil else { return [] }
    let registry: TaskRegistry
    do {
      registry = try TaskRegistry(registry: input.registry)
    } catch let error as ManageError {
      let (location, message) = split(error.message, relativeTo: input.settings)
      return [CheckMessage(.error, "jobs.E001", message, hint: error.hint, object: "tasks", at: location)]
    }
    var messages: [CheckMessage] = []
    // Models' `on:` events must enqueue tasks that exist: a typo is found now, not at the
    // first write (which it would refuse).
    for model in input.schema.models {
      for rule in model.events.rules where registry.tasks[rule.task] == nil {
        messages.append(CheckMessage(
          .error, "jobs.E002", "\(model.label)'s `on: \(rule.kind.rawValue)` enqueues '\(rule.task)', which is no task.",
          hint: Suggestion.closest(to: rule.task, in: registry.tasks.keys).map { "Did you mean '\($0)'?" } ?? "Declare it in an app's tasks.yaml.",
          object: model.label, at: rule.location))
      }
    }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for task in registry.tasks.values.sorted(by: { $0.name < $1.name }) {
      guard case .command(let argv, _) = task.body, let program = argv.first else { continue }
      let found = program.contains("/")
        ? FileManager.default.isExecutableFile(atPath: program) || FileManager.default.fileExists(atPath: program)
        : path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
      if !found {
        messages.append(CheckMessage(
          .warning, "jobs.W001", "Task '\(task.name)' runs '\(program)', which is not \(program.contains("/") ? "there" : "on PATH").",
          hint: "Jobs of this task will go dead with 'could not start'. Install it or fix `command:`.",
          object: "\(task.app ?? "?").\(task.name)", at: task.declaredAt.location))
      }
    }
    return messages
  }

  /// `work/tasks.yaml:3:5: unknown …` → the location and the message.
  private static func split(_ message: String, relativeTo settings: Settings) -> (SourceLocation?, String) {
    let parts = message.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
    guard parts.count == 4, let line = Int(parts[1]), let column = Int(parts[2]) else { return (nil, message) }
    return (SourceLocation(file: String(parts[0]), line: line, column: column), parts[3].trimmingCharacters(in: .whitespaces))
  }
}
