import Foundation
import ManageCore

/// Models' `on:` events as jobs: each event's payload rendered from the row and enqueued on
/// the connection that wrote it, inside the write's own transaction (a savepoint of it), so
/// the row and its job are committed together or not at all.
public final class JobEvents: ModelEventHandler, @unchecked Sendable {
  private let load: @Sendable () throws -> TaskRegistry
  private let lock = NSLock()
  private var loaded: TaskRegistry?
  private let keepsFirst: Bool

  /// `tasks` is called once, on the first event (most connections never see one); with
  /// `everyTime` on every event, for a caller whose tasks change while it runs (runserver's
  /// reload keeps its registry current, and an event must use the tasks.yaml of now).
  public init(everyTime: Bool = false, tasks: @escaping @Sendable () throws -> TaskRegistry) {
    load = tasks
    keepsFirst = !everyTime
  }

  public func handle(_ events: [ModelEvent], on connection: Connection) throws {
    let registry = try lock.withLock {
      if keepsFirst, let loaded { return loaded }
      let made = try load()
      loaded = made
      return made
    }
    let requests = try events.map { event -> JobQueue.Request in
      let at = event.rule.location.map { "\($0): " } ?? ""
      guard let task = registry.tasks[event.rule.task] else {
        let names = registry.tasks.keys.sorted()
        throw JobsError(
          "\(at)\(event.model.label)'s `on: \(event.rule.kind.rawValue)` enqueues '\(event.rule.task)', which is no task"
            + (Suggestion.closest(to: event.rule.task, in: names).map { ". Did you mean '\($0)'?" } ?? ""),
          hint: "Tasks: " + names.joined(separator: ", ") + ". Nothing was written.")
      }
      var context = event.row
      context["changed"] = .list(event.changed.map(ModelValue.text))
      context["event"] = .text(event.rule.kind.rawValue)
      let payload = try TaskTemplate(event.rule.payload, at: event.rule.location).render(context)
      return JobQueue.Request(task: task, payload: payload)
    }
    try JobQueue(connection: connection).enqueue(batch: requests)
  }

  /// Installs the handler on every connection manage opens for a project with the jobs app.
  public static func install() {
    ConnectionSetup.register { registry, connection in
      guard registry.app("jobs") != nil else { return }
      connection.eventHandler = JobEvents { try TaskRegistry(registry: registry) }
    }
  }
}
