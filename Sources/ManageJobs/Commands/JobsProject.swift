import Foundation
import ManageCore
import ManageMigrations

/// What the job commands share: the database, checked to have the jobs table, and the tasks.
struct JobsProject {
  let connection: Connection
  let queue: JobQueue
  let tasks: TaskRegistry
  let settings: Settings

  init(_ context: CommandContext, needsTasks: Bool = true) throws {
    settings = try context.settings()
    try context.requireSQLite(for: "The job queue (enqueue, worker, jobs)")
    let registry = try context.registry()
    guard registry.app("jobs") != nil else {
      throw JobsError("The jobs app is not installed.", hint: "Add jobs to installed_apps, then run `manage migrate`.")
    }
    // A missing database is reported as unapplied migrations, without creating an empty file.
    if settings.databaseFileIsMissing {
      try UnappliedMigrations.require(registry: registry, connection: nil)
    }
    connection = try context.openDatabase()
    if try connection.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs_job'") == nil {
      throw JobsError("The jobs table does not exist yet.", hint: "Run `manage migrate` to create it.")
    }
    queue = JobQueue(connection: connection)
    tasks = needsTasks ? try TaskRegistry(registry: registry, extra: BuiltinTasks.all) : TaskRegistry()
  }
}

/// Tasks compiled into manage, registered by the modules that provide them (`evals.run`)
/// before the dispatcher starts.
public enum BuiltinTasks {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var providers: [@Sendable () -> [TaskDefinition]] = []

  /// The registered tasks, made now: only the job commands pay for them, not every start-up.
  public static var all: [TaskDefinition] { lock.withLock { providers }.flatMap { $0() } }

  /// Registers a module's tasks, made when a job command first needs them.
  public static func register(_ tasks: @escaping @Sendable () -> [TaskDefinition]) { lock.withLock { providers.append(tasks) } }
}
