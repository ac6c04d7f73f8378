import ArgumentParser
import ManageCore

/// What the shell completes for the job commands: task names, queue names, recent job ids.
public enum JobCompletions {
  public static let all: [CompletionSource] = [
    CompletionSource("tasks") { request in
      guard let registry = request.registry, let tasks = try? TaskRegistry(registry: registry, extra: BuiltinTasks.all) else { return [] }
      return tasks.tasks.keys.sorted()
    },
    CompletionSource("queues") { request in
      var queues = Set<String>()
      if let registry = request.registry, let tasks = try? TaskRegistry(registry: registry, extra: BuiltinTasks.all) {
        queues.formUnion(tasks.tasks.values.map(\.queue))
      }
      if let connection = request.openDatabase(), let rows = try? connection.query("SELECT DISTINCT queue FROM jobs_job") {
        queues.formUnion(rows.compactMap { $0[0].string })
      }
      return queues.sorted()
    },
    // The 50 newest, newest first: what `jobs show <Tab>` is for.
    CompletionSource("jobs") { request in
      guard let connection = request.openDatabase(), let rows = try? connection.query("SELECT id FROM jobs_job ORDER BY id DESC LIMIT 50") else { return [] }
      return rows.compactMap { $0[0].int.map(String.init) }
    },
  ]
}

extension CompletionKind {
  /// Task names from the installed apps' tasks.yaml and the built-in tasks.
  public static var taskNames: CompletionKind { CompletionSource.kind("tasks") }
  /// Queue names: the tasks' queues and those jobs are on.
  public static var queueNames: CompletionKind { CompletionSource.kind("queues") }
  /// The newest job ids.
  public static var jobIDs: CompletionKind { CompletionSource.kind("jobs") }
}
