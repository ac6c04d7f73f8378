import Foundation
import ManageCore
import ManageJobs

/// `POST /api/jobs/` with `{"task": …, "payload": {…}}` (optional `queue`, `priority`,
/// `unique_key`): puts a job on the queue and answers 202 `{"id": …, "status": "queued"}`, or
/// `"existing"` when a unique key matched an unfinished job. The essay's `enqueue_extraction`
/// view, for any declared task; a staff user or a token is needed.
struct EnqueueEndpoint {
  let state: SiteState
  let connection: Connection
  let request: WebRequest
  let user: SignedInUser

  func respond() throws -> WebResponse {
    guard request.method == "POST" else { return .methodNotAllowed(request.method, allowed: ["POST"]) }
    guard user.mayAdminister else { return .detail("You do not have permission to perform this action.", status: 403) }
    guard state.isInstalled("jobs"), let tasks = state.tasks else {
      return .detail("The jobs app is not installed.", status: 404)
    }
    guard (try? JSONSerialization.jsonObject(with: Data(request.body))) != nil,
          case .dict(let object)? = try? ModelValue(json: String(decoding: request.body, as: UTF8.self)) else {
      return .detail("JSON parse error - the body must be a JSON object such as {\"task\": \"name\", \"payload\": {}}.", status: 400)
    }
    var errors: RecordValidator.Errors = [:]
    var definition: TaskDefinition?
    if case .text(let name)? = object["task"] {
      do { definition = try tasks.task(name) } catch let error as JobsError { errors["task"] = [error.message] }
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
    guard errors.isEmpty, let definition else { return .errors(errors) }
    let queue = JobQueue(connection: connection)
    let (id, existing) = try queue.enqueue(JobQueue.Request(
      task: definition, payload: payload, queue: object["queue"]?.str, priority: priority, uniqueKey: object["unique_key"]?.str))
    return .json(.dict(OrderedDictionary([("id", .int(id)), ("status", .text(existing ? "existing" : "queued")), ("task", .text(definition.name))])), status: 202)
  }
}
