import ArgumentParser
import Foundation
import ManageCore

/// `manage enqueue TASK [--payload JSON | key=value…]`: validates, inserts, prints the id.
public struct EnqueueCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "enqueue",
    abstract: "Adds a job for a task to the queue and prints its id.",
    discussion: """
      The payload is a JSON object given with --payload, or built from key=value pairs (values \
      that parse as JSON are typed: n=3 is a number, ok=true a boolean; others are text). The \
      task's command gets it on stdin when a worker runs the job. With --unique-key, or for a \
      task declared unique, an unfinished job with the same key is returned instead of a new one.

      With --jsonl FILE (or - for standard input), each line is one job's payload: every line \
      is read first (a bad one is an error at FILE:LINE:COLUMN and nothing is added), then the \
      jobs are added 10,000 to a transaction and their ids printed one a line, in file order.
      """)
  public static let group = "jobs"

  @Argument(help: "The task to run, as declared in an app's tasks.yaml.", completion: .taskNames)
  var task: String

  @Argument(help: "Payload fields as key=value (instead of --payload).")
  var fields: [String] = []

  @Option(help: "The payload as a JSON object.")
  var payload: String?

  @Option(help: "Add one job per line of this file of JSON objects (- reads standard input).", completion: .file())
  var jsonl: String?

  @Option(help: "The queue to put the job on (default: the task's queue).", completion: .queueNames)
  var queue: String?

  @Option(help: "Higher runs first (default: the task's priority).")
  var priority: Int?

  @Option(help: "Run no earlier than this long from now: 30s, 5m, 2h.")
  var delay: String?

  @Option(help: "Run no earlier than this time (ISO 8601, e.g. 2026-12-01T09:00:00Z).")
  var at: String?

  @Option(help: "Return the unfinished job with this key instead of adding another.")
  var uniqueKey: String?

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    if jsonl != nil {
      if payload != nil || !fields.isEmpty { throw UsageError("Give --jsonl, or --payload or key=value fields, not both.") }
      if uniqueKey != nil { throw UsageError("--unique-key names one job; with --jsonl give each line's job a task declared unique instead.") }
    }
    let project = try JobsProject(context)
    let definition = try project.tasks.task(task)
    if delay != nil && at != nil { throw UsageError("Give --delay or --at, not both.") }
    if let priority, !TaskDefinition.priorities.contains(priority) {
      throw UsageError("--priority must be a whole number from \(TaskDefinition.priorities.lowerBound) to \(TaskDefinition.priorities.upperBound), not \(priority)")
    }
    var runAt: CivilDateTime?
    if let delay {
      guard let seconds = DurationText.seconds(delay) else {
        throw UsageError("--delay must be \(DurationText.expectation), not '\(delay)'")
      }
      runAt = CivilDateTime(microsecondsSinceEpoch: project.queue.now().microsecondsSinceEpoch + Int64(seconds * 1_000_000))
    }
    if let at {
      guard let moment = CivilDateTime(iso: Substring(at)) else {
        throw UsageError("--at must be an ISO 8601 time such as 2026-12-01T09:00:00Z, not '\(at)'")
      }
      runAt = moment
    }
    if let jsonl {
      let lines = try JSONLinesPayloads(path: jsonl)
      let requests = lines.payloads.map { JobQueue.Request(task: definition, payload: $0.value, queue: queue, priority: priority, runAt: runAt) }
      try enqueueInBatches(requests, lines: lines.payloads.map(\.line), definition: definition, queue: project.queue, context: context)
      return
    }
    let body = try Self.payload(json: payload, fields: fields)
    let request = JobQueue.Request(task: definition, payload: body, queue: queue, priority: priority, runAt: runAt, uniqueKey: uniqueKey)
    let (id, existing) = try project.queue.enqueue(request)
    switch format {
    case .json:
      context.console.print(ModelValue.dict(OrderedDictionary([("id", .int(id)), ("status", .text(existing ? "existing" : "queued")), ("task", .text(definition.name))])).jsonText)
    case .text:
      if context.verbosity == 0 {
        context.console.print(String(id))
      } else if existing {
        context.console.print("Job \(id) (\(definition.name)) is already queued with that unique key; nothing added.")
      } else {
        let when = runAt.map { " to run at \($0.iso) UTC" } ?? ""
        context.console.print("Enqueued job \(id) (\(definition.name) on queue \(queue ?? definition.queue))\(when).")
      }
    }
  }

  /// Jobs per transaction for --jsonl: large enough that the commit's fsync is a small part of
  /// each job, small enough that a writer waiting on the queue is not held long.
  static let batchSize = 10_000

  /// Adds `requests` a batch to a transaction, printing each batch's ids as it commits; a
  /// failure says how many were added before it and from which line to resume.
  func enqueueInBatches(_ requests: [JobQueue.Request], lines: [Int], definition: TaskDefinition, queue: JobQueue, context: CommandContext) throws {
    var added = 0
    var json: [ModelValue] = []
    while added < requests.count {
      let end = min(added + Self.batchSize, requests.count)
      let outcomes: [(id: Int64, existing: Bool)]
      do {
        outcomes = try queue.enqueue(batch: Array(requests[added..<end]))
      } catch let error as any ManageError {
        let resume = added == 0 ? "Nothing was added." : "The jobs of the first \(added) payloads were added (through line \(lines[added - 1])); resume from line \(lines[added])."
        throw JobsError(error.message, hint: resume)
      }
      switch format {
      case .text:
        context.console.print(outcomes.map { String($0.id) }.joined(separator: "\n"))
      case .json:
        json += outcomes.map { ModelValue.dict(OrderedDictionary([("id", .int($0.id)), ("status", .text($0.existing ? "existing" : "queued")), ("task", .text(definition.name))])) }
      }
      added = end
    }
    if format == .json { context.console.print(ModelValue.list(json).jsonText) }
    if context.verbosity >= 2 { context.console.printError("Enqueued \(requests.count) jobs (\(definition.name)).") }
  }

  /// The payload from --payload or key=value pairs.
  static func payload(json: String?, fields: [String]) throws -> ModelValue {
    if let json {
      guard fields.isEmpty else { throw UsageError("Give --payload or key=value fields, not both.") }
      do {
        _ = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
      } catch {
        let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        throw UsageError("--payload is not valid JSON: \(reason)", hint: "Quote it for the shell: --payload '{\"document_id\": 7}'")
      }
      guard let value = try? ModelValue(json: json), case .dict = value else {
        throw UsageError("--payload must be a JSON object, such as '{\"document_id\": 7}'")
      }
      if let lossy = PayloadNumbers.firstLossy(in: json) {
        throw UsageError("--payload: \(PayloadNumbers.reason(lossy.number))", hint: "Send it as a string, e.g. \"\(lossy.number)\".")
      }
      return value
    }
    var object = OrderedDictionary()
    for field in fields {
      guard let equals = field.firstIndex(of: "="), equals != field.startIndex else {
        throw UsageError("'\(field)' is not key=value", hint: "Write payload fields as name=value, e.g. document_id=7.")
      }
      let key = String(field[..<equals])
      let text = String(field[field.index(after: equals)...])
      // A number JSON would keep rounded (past 64 bits) or as null (past a double) is refused,
      // as in --payload: the job must get what was typed.
      if let value = try? ModelValue(json: text) {
        if let lossy = PayloadNumbers.firstLossy(in: text) {
          throw UsageError("\(key)=\(text): \(PayloadNumbers.reason(lossy.number))", hint: "Send it as a string: \(key)='\"\(text)\"'.")
        }
        object[key] = value
      } else {
        object[key] = .text(text)
      }
    }
    return .dict(object)
  }
}
