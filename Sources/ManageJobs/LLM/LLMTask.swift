import Foundation
import ManageCore

/// An `llm:` task of tasks.yaml: read a row, ask a provider with a system prompt and a prompt
/// rendered from it, parse the answer as JSON, check it against `output_schema`, and write a
/// row from it — the write and the job's success in one transaction (see Worker).
///
/// ```yaml
/// extract_guidance:
///   llm: {provider: haiku}
///   input: {model: documents.Document, pk: "{{payload.document_id}}"}
///   system: Extract numeric guidance as JSON matching the schema.
///   prompt: "{{document.content}}"
///   output_schema: {type: object, required: [revenue_low], properties: {revenue_low: {type: number}}}
///   write:
///     model: documents.Extraction
///     update_or_create: {document: "{{document.id}}", kind: guidance}
///     defaults: {output: "{{output}}", confidence: "{{output.confidence}}"}
/// ```
public struct LLMTask: Sendable {
  /// The row a run reads: `model` with primary key `pk`, known to templates as `variable`.
  public struct Input: Sendable {
    public var model: String
    public var pk: TaskTemplate
    /// `document` for documents.Document: the model name in lower case, as Django's `model_name`.
    public var variable: String
    public var location: SourceLocation?
  }

  /// The row a run writes from the answer.
  public struct Write: Sendable {
    public enum Mode: Sendable {
      /// A new row every success (`create:`): the case a double write would show.
      case create
      /// `update_or_create(**lookups, defaults=…)`: one row per lookup, as the essay's task.
      case updateOrCreate([(String, TaskTemplate)])
    }
    public var model: String
    public var mode: Mode
    public var values: [(String, TaskTemplate)]
    public var location: SourceLocation?
  }

  public var provider: NamedProvider
  public var input: Input?
  public var system: TaskTemplate?
  public var prompt: TaskTemplate
  public var outputSchema: ModelValue?
  public var write: Write?
  /// The task's own `concurrency:` and `rate:`, on top of its provider's.
  public var limits = ProviderLimits.none

  /// Names a template may use before the answer (`payload`, `job`, the input's variable) and after.
  public var promptNames: [String] { ["payload", "job"] + (input.map { [$0.variable] } ?? []) }
  public var writeNames: [String] { promptNames + ["output", "response", "answer"] }
}

/// What one attempt of an llm task did, kept on the job's `details` for the admin and the API.
public struct LLMAttempt: Sendable {
  public var system: String?
  public var prompt: String
  public var answer: ProviderAnswer?
  public var output: ModelValue?
  public var error: String?
  public var context: OrderedDictionary

  /// The fields of `details` this attempt sets (prompt, answer, tokens, latency).
  public var details: [(String, ModelValue)] {
    var fields: [(String, ModelValue)] = [("prompt", .text(prompt))]
    if let system { fields.append(("system", .text(system))) }
    if let answer {
      fields.append(("answer", .text(answer.output)))
      fields.append(("latency_ms", .double((answer.latency * 10).rounded() / 10)))
      fields.append(("tokens_in", answer.tokensIn.map { .int(Int64($0)) } ?? .null))
      fields.append(("tokens_out", answer.tokensOut.map { .int(Int64($0)) } ?? .null))
    }
    if let output { fields.append(("output", output)) }
    return fields
  }
}

extension LLMTask {
  /// The run's prompt: the input row read (on the worker's connection), system and prompt rendered.
  public func prepare(_ job: Job, schema: ProjectSchema, connection: Connection) throws -> LLMAttempt {
    var context = TaskTemplate.runContext(job)
    if let input {
      guard let model = schema.model(input.model) else { throw JobsError("the input model \(input.model) is not in the project") }
      let key = try input.pk.render(context)
      let found: ModelValueOrInstance
      do {
        found = try QuerySet(model: model, schema: schema).filter("pk", key).get(connection)
      } catch let error as QueryError where error.kind.hasSuffix("DoesNotExist") {
        throw JobsError("\(model.label) with pk \(key.jsonText) does not exist (\(error.kind))")
      }
      guard case .instance(let row) = found else { throw JobsError("\(model.label) pk \(key.jsonText) is not a row") }
      context[input.variable] = .dict(row.model.templateFields { row.values[$0.name] ?? .null })
    }
    return LLMAttempt(system: try system?.text(context), prompt: try prompt.text(context), context: context)
  }

  /// Asks the provider (on the job's thread) and checks the answer: JSON, then `output_schema`.
  public func ask(_ attempt: LLMAttempt, environment: [String: String], gate: ProviderGate? = nil) -> LLMAttempt {
    var attempt = attempt
    var provider = self.provider.provider
    var variables = environment
    if let system = attempt.system {
      if case .http(var http) = provider {
        http.system = system
        provider = .http(http)
      }
      variables["MANAGE_LLM_SYSTEM"] = system
    }
    do {
      let answer = try provider.answer(attempt.prompt, caseID: "", environment: variables, gate: gate)
      attempt.answer = answer
      let output = try AnswerJSON.parse(answer.output)
      attempt.output = output
      if let outputSchema {
        let problems = JSONSchemaValidator.problems(output, schema: outputSchema)
        if !problems.isEmpty {
          attempt.error = "the answer does not match output_schema: " + problems.prefix(10).joined(separator: "; ")
        }
      }
    } catch let error as ManageError {
      attempt.error = error.message
    } catch {
      attempt.error = "\(error)"
    }
    return attempt
  }

  /// The write, on the worker's connection inside the transaction that marks the job
  /// succeeded. Returns the row written, as `{model, pk, created}`.
  public func perform(_ write: Write, _ attempt: LLMAttempt, schema: ProjectSchema, connection: Connection) throws -> ModelValue {
    guard let model = schema.model(write.model) else { throw JobsError("the write model \(write.model) is not in the project") }
    var context = attempt.context
    context["output"] = attempt.output ?? .null
    context["response"] = .text(attempt.answer?.output ?? "")
    context["answer"] = .dict(OrderedDictionary(attempt.details.filter { ["tokens_in", "tokens_out", "latency_ms"].contains($0.0) }))
    let values = try write.values.map { ($0.0, try $0.1.render(context)) }
    let query = QuerySet(model: model, schema: schema)
    let row: ModelInstance
    let created: Bool
    switch write.mode {
    case .create:
      row = try query.create(values, connection)
      created = true
    case .updateOrCreate(let lookups):
      (row, created) = try query.updateOrCreate(try lookups.map { ($0.0, try $0.1.render(context)) }, defaults: values, connection)
    }
    return .dict(OrderedDictionary([("model", .text(model.label)), ("pk", row.pk), ("created", .bool(created))]))
  }
}
