import Foundation
import ManageCore
import ManageJobs

/// `POST /api/jobs/` with `{"task": …, "payload": {…}}` (optional `queue`, `priority`,
/// `unique_key`): puts a job on the queue and answers 202 `{"id": …, "status": "queued"}`, or
/// `"existing"` when a unique key matched an unfinished job. The essay's `enqueue_extraction`
/// view, for any declared task; a staff user or a token is needed. A JSON array of such objects
/// adds them all in one transaction and answers the array of results; if any is invalid,
/// none is added and the answer is 400 with one error object per item (DRF's `many=True`).
struct EnqueueEndpoint {
  let state: SiteState
  let connection: Connection
  let request: WebRequest
  let user: SignedInUser

  /// The most jobs one request may add (a bigger batch is a 400 naming the limit).
  static let batchLimit = 10_000

  func respond() throws -> WebResponse {
    guard request.method == "POST" else { return .methodNotAllowed(request.method, allowed: ["POST"]) }
    guard user.mayAdminister else { return .detail("You do not have permission to perform this action.", status: 403) }
    guard state.isInstalled("jobs"), let tasks = state.tasks else {
      return .detail("The jobs app is not installed.", status: 404)
    }
    let parsed = (try? JSONSerialization.jsonObject(with: Data(request.body))) != nil
      ? try? ModelValue(json: String(decoding: request.body, as: UTF8.self)) : nil
    // An integer past 64 bits would be kept as a rounded float: refused, as enqueue's
    // --payload and --jsonl refuse it, naming the field.
    if parsed != nil, let lossy = PayloadNumbers.firstLossy(in: String(decoding: request.body, as: UTF8.self)) {
      return .errors(["payload": ["\(PayloadNumbers.reason(lossy.number)); send it as a string."]])
    }
    let queue = JobQueue(connection: connection)
    switch parsed {
    case .dict(let object)?:
      switch Self.request(object, tasks: tasks) {
      case .failure(let errors): return .errors(errors.fields)
      case .success(let job):
        let outcome = try queue.enqueue(job)
        return .json(Self.result(outcome, job), status: 202)
      }
    case .list(let items)?:
      guard items.count <= Self.batchLimit else {
        return .detail("Ensure this list has at most \(Self.batchLimit) jobs (it has \(items.count)).", status: 400)
      }
      var jobs: [JobQueue.Request] = []
      var errors: [ModelValue] = []
      for item in items {
        guard case .dict(let object) = item else {
          errors.append(.dict(OrderedDictionary([("non_field_errors", .list([.text("Invalid data. Expected a dictionary, but got \(item.typeName).")]))])))
          continue
        }
        switch Self.request(object, tasks: tasks) {
        case .failure(let failed): errors.append(failed.json)
        case .success(let job):
          jobs.append(job)
          errors.append(.dict(OrderedDictionary()))
        }
      }
      guard jobs.count == items.count else { return .json(.list(errors), status: 400) }
      let outcomes = try queue.enqueue(batch: jobs)
      return .json(.list(zip(outcomes, jobs).map { Self.result($0, $1) }), status: 202)
    default:
      return .detail(
        "JSON parse error - the body must be a JSON object such as {\"task\": \"name\", \"payload\": {}}, or an array of them.", status: 400)
    }
  }

  /// One enqueue's answer.
  static func result(_ outcome: (id: Int64, existing: Bool), _ job: JobQueue.Request) -> ModelValue {
    .dict(OrderedDictionary([("id", .int(outcome.id)), ("status", .text(outcome.existing ? "existing" : "queued")), ("task", .text(job.task.name))]))
  }

  /// Field errors of one item, as DRF's serializer reports them.
  struct FieldErrors: Error {
    var fields: RecordValidator.Errors
    var json: ModelValue {
      .dict(OrderedDictionary(fields.sorted { $0.key < $1.key }.map { ($0.key, .list($0.value.map(ModelValue.text))) }))
    }
  }

  /// The job one object asks for, or its field errors.
  static func request(_ object: OrderedDictionary, tasks: TaskRegistry) -> Result<JobQueue.Request, FieldErrors> {
    var errors: RecordValidator.Errors = [:]
    var definition: TaskDefinition?
    if case .text(let name)? = object["task"] {
      do { definition = try tasks.task(name) } catch let error as JobsError { errors["task"] = [error.message] } catch { errors["task"] = ["\(error)"] }
    } else {
      errors["task"] = ["This field is required."]
    }
    let payload = object["payload"] ?? .dict(OrderedDictionary())
    if case .dict = payload {} else { errors["payload", default: []].append("Expected a JSON object.") }
    var priority: Int?
    if let value = object["priority"] {
      if let number = value.integer, TaskDefinition.priorities.contains(Int(number)) {
        priority = Int(number)
      } else {
        errors["priority", default: []].append(
          "Ensure this value is a whole number from \(TaskDefinition.priorities.lowerBound) to \(TaskDefinition.priorities.upperBound).")
      }
    }
    guard errors.isEmpty, let definition else { return .failure(FieldErrors(fields: errors)) }
    return .success(JobQueue.Request(task: definition, payload: payload, queue: object["queue"]?.str, priority: priority, uniqueKey: object["unique_key"]?.str))
  }
}
