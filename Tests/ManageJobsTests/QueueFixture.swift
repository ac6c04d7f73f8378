import Foundation
import ManageCore
import ManageMigrations
@testable import ManageJobs

/// A migrated jobs table in a temporary file, a clock the test moves by hand, and tasks.
final class QueueFixture: @unchecked Sendable {
  let path: String
  let connection: Connection
  private let lock = NSLock()
  private var current = CivilDateTime(iso: "2026-11-27 12:00:00")!
  var queue: JobQueue!
  /// How long the last `work` call's worker ran, timed on its own thread (the test's await
  /// can resume later when other tests keep the concurrency pool busy).
  private(set) var lastRunSeconds: Double = 0

  init() throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("manage-jobs-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    try "installed_apps: [jobs]\n".write(toFile: path + "/manage.yaml", atomically: true, encoding: .utf8)
    let registry = try AppRegistry(settings: SettingsLoader.load(environment: [:], currentDirectory: path))
    var schema = try registry.loadSchema()
    for index in schema.models.indices { schema.models[index].fields = schema.models[index].fields }
    connection = try Connection(path: path + "/db.sqlite3")
    let editor = SchemaEditor(sink: .execute(connection))
    let state = ProjectState(schema: schema)
    for model in schema.models { try editor.createModel(model, state: state) }
    queue = JobQueue(connection: connection) { [unowned self] in self.now }
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  var now: CivilDateTime { lock.withLock { current } }

  func advance(_ seconds: Double) {
    lock.withLock { current = CivilDateTime(microsecondsSinceEpoch: current.microsecondsSinceEpoch + Int64(seconds * 1_000_000)) }
  }

  func state(_ id: Int64) throws -> Job.State { try queue.job(id)!.state }

  static func task(_ name: String, maxRetries: Int = 3, retryDelay: Double = 10, backoff: TaskDefinition.Backoff = .exponential, _ body: @escaping @Sendable (ModelValue) async throws -> ModelValue) -> TaskDefinition {
    var task = TaskDefinition(name: name, body: .closure(body))
    task.maxRetries = maxRetries
    task.retryDelay = retryDelay
    task.backoff = backoff
    return task
  }

  /// Runs a burst worker over the queue with `tasks`, jitter fixed at `random`. The loop
  /// blocks, so it gets a thread of its own (as `manage worker` gives it), leaving Swift's
  /// concurrency pool to the closure tasks.
  func work(_ tasks: [TaskDefinition], random: Double = 0, options: Worker.Options = Worker.Options()) async throws -> Worker.Summary {
    var registry = TaskRegistry()
    for task in tasks { try registry.register(task) }
    var options = options
    options.burst = true
    let worker = Worker(queue: queue, tasks: registry, options: options, random: { random })
    return try await withCheckedThrowingContinuation { continuation in
      Thread {
        let started = Date()
        do {
          let summary = try worker.run()
          self.lastRunSeconds = Date().timeIntervalSince(started)
          continuation.resume(returning: summary)
        } catch {
          continuation.resume(throwing: error)
        }
      }.start()
    }
  }
}

struct TaskFailure: Error, CustomStringConvertible {
  var description: String
}
