import Foundation
import ManageCore

/// Every task the project knows: those in the installed apps' tasks.yaml files, then Swift
/// closures registered in code (`evals.run` will be one).
public struct TaskRegistry: Sendable {
  public private(set) var tasks: [String: TaskDefinition] = [:]

  public init() {}

  /// The tasks of every installed app, plus `extra` Swift tasks.
  /// An llm task's provider is one of manage.yaml's `providers:`, and its models are checked
  /// against the project's (read only when some task is an llm task).
  public init(registry: AppRegistry, extra: [TaskDefinition] = []) throws {
    var providers: ProjectProviders?
    for app in registry.apps {
      guard let file = app.tasksFile else { continue }
      let display = registry.settings.display(file)
      if providers == nil { providers = try ProjectProviders(settings: registry.settings) }
      let zone = TimeZone(identifier: registry.settings.timeZone) ?? TimeZone(identifier: "UTC")!
      for task in try TasksFileLoader.load(
        app: app, path: file, displayPath: display, projectDirectory: registry.settings.projectDirectory, providers: providers!, timeZone: zone)
      {
        if let existing = tasks[task.name] {
          throw JobsError(
            "\(task.declaredAt.location.map { "\($0): " } ?? "")task '\(task.name)' is declared twice",
            hint: "It is also in \(existing.declaredAt.location?.description ?? existing.app ?? "code"); task names are global.")
        }
        tasks[task.name] = task
      }
    }
    for task in extra { try register(task) }
    if tasks.values.contains(where: { if case .llm = $0.body { true } else { false } }) {
      let schema = try registry.loadSchema()
      for task in tasks.values {
        if case .llm(let llm) = task.body { try LLMTaskLoader.check(llm, name: task.name, schema: schema) }
      }
    }
  }

  /// The tasks that run on a schedule, by name.
  public var scheduled: [TaskDefinition] { tasks.values.filter { $0.schedule != nil }.sorted { $0.name < $1.name } }

  /// Whether some task reads or writes the project's models (so a worker needs the schema).
  public var needsSchema: Bool { tasks.values.contains { if case .llm = $0.body { true } else { false } } }

  /// Adds a Swift task.
  public mutating func register(_ task: TaskDefinition) throws {
    if tasks[task.name] != nil { throw JobsError("task '\(task.name)' is already registered") }
    tasks[task.name] = task
  }

  /// Registers a closure task: `registry.register("reports.nightly") { payload in … }`.
  public mutating func register(
    _ name: String, queue: String = "default", maxRetries: Int = 3, retryDelay: Double = 30,
    handler: @escaping @Sendable (ModelValue) async throws -> ModelValue
  ) throws {
    var task = TaskDefinition(name: name, body: .closure(handler))
    task.queue = queue
    task.maxRetries = maxRetries
    task.retryDelay = retryDelay
    try register(task)
  }

  /// The task named `name`, or an error that suggests the closest name.
  public func task(_ name: String) throws -> TaskDefinition {
    if let task = tasks[name] { return task }
    let suggestion = Suggestion.closest(to: name, in: tasks.keys)
    throw JobsError(
      "Unknown task '\(name)'." + (suggestion.map { " Did you mean '\($0)'?" } ?? ""),
      hint: tasks.isEmpty
        ? "Declare tasks in an app's tasks.yaml (see `manage help enqueue`)."
        : "Known tasks: " + tasks.keys.sorted().joined(separator: ", ") + ".")
  }
}
