/// `on:` of a model in models.yaml: tasks to enqueue when a row is created, updated or
/// deleted, in the same transaction as the write, from every door that writes through the ORM
/// (admin, API, shell, tasks' own writes):
///
/// ```yaml
/// Document:
///   fields: {...}
///   on:
///     created: [{enqueue: extract_guidance, payload: {document_id: "{{id}}"}}]
///     updated: [{enqueue: extract_guidance, payload: {document_id: "{{id}}"}, when: {changed: [content]}}]
///     deleted: [{enqueue: notify_slack, payload: {title: "{{title}}"}}]
/// ```
///
/// Unlike Django's post_save, which runs outside the transaction (and `on_commit(task.delay)`,
/// which loses the job when the process dies after the commit), the job is a row written with
/// the model's row: both are committed, or neither.
public struct ModelEvents: Sendable, Hashable {
  /// What happened to the row.
  public enum Kind: String, Sendable, CaseIterable { case created, updated, deleted }

  /// One `enqueue:` of an event.
  public struct Rule: Sendable {
    public var kind: Kind
    public var task: String
    /// The payload, with `{{field}}` placeholders over the row (`{{id}}`, `{{title}}`).
    public var payload: ModelValue
    /// For `updated`: run only when one of these fields changed; nil for any update.
    public var changed: [String]?
    public var location: SourceLocation?
  }

  public var rules: [Rule] = []

  public init(rules: [Rule] = []) { self.rules = rules }

  public func rules(for kind: Kind) -> [Rule] { rules.filter { $0.kind == kind } }
  public var isEmpty: Bool { rules.isEmpty }

  // Events are not part of the table: migrations and schema comparisons ignore them.
  public static func == (a: ModelEvents, b: ModelEvents) -> Bool { true }
  public func hash(into hasher: inout Hasher) {}
}

/// A write that an `on:` rule matched, handed to the connection's `ModelEventHandler`.
public struct ModelEvent: Sendable {
  public var rule: ModelEvents.Rule
  public var model: ModelSchema
  /// The row's fields by name (a foreign key as its related key, also as `<name>_id`), and
  /// `pk`; for `deleted`, as the row was before.
  public var row: OrderedDictionary
  /// For `updated`: the fields whose stored value changed.
  public var changed: [String]
}

/// Turns events into jobs on the connection that wrote the row, inside its transaction
/// (ManageJobs' JobEvents). Throwing rolls the write back.
public protocol ModelEventHandler: Sendable {
  func handle(_ events: [ModelEvent], on connection: Connection) throws
}
