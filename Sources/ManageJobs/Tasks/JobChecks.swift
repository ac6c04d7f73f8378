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
