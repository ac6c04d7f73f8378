import ManageCore
import ManageJobs

/// An eval suite from `<app>/evals/NAME.yaml`: a provider, a prompt template, golden cases,
/// scorers and the pass-rate gate.
public struct Suite: Sendable {
  public var name: String
  public var app: String?
  public var description: String
  public var provider: Provider
  public var prompt: String
  public var cases: [EvalCase]
  public var scorers: [Scorer]
  /// The suite's gate: the share of cases that must pass (0…1).
  public var threshold: Double
  public var repeatCount: Int
  public var file: String?
  /// The llm task a `task:` suite runs: its provider, system prompt, prompt and schema.
  public var task: (name: String, llm: LLMTask)?
  /// The manage.yaml provider the suite uses by name, whose shared limits its calls honour.
  public var namedProvider: NamedProvider?

  public init(name: String, provider: Provider, prompt: String, cases: [EvalCase], scorers: [Scorer], threshold: Double = 1, repeatCount: Int = 1) {
    self.name = name
    self.provider = provider
    self.prompt = prompt
    self.cases = cases
    self.scorers = scorers
    self.threshold = threshold
    self.repeatCount = repeatCount
    self.description = ""
  }

  /// The system prompt and prompt for `evalCase`. A task suite renders the task's own
  /// templates with the case's vars as the payload and as the task's input row (plus `id`).
  public func request(for evalCase: EvalCase) throws -> (system: String?, prompt: String) {
    guard let task else { return (nil, try PromptTemplate.render(prompt, evalCase)) }
    var row = evalCase.vars
    if row["id"] == nil { row["id"] = .text(evalCase.id) }
    if row["pk"] == nil { row["pk"] = row["id"] }
    var context = TaskTemplate.runContext(payload: .dict(evalCase.vars), id: 0, attempt: 1, task: task.name)
    if let input = task.llm.input { context[input.variable] = .dict(row) }
    do {
      return (try task.llm.system?.text(context), try task.llm.prompt.text(context))
    } catch let error as ManageError {
      throw EvalsError("case '\(evalCase.id)': \(error.message)", hint: evalCase.location.map { "The case is at \($0)." } ?? error.hint)
    }
  }

  /// The provider as asked with `system` (an http provider's system prompt; a command's
  /// MANAGE_LLM_SYSTEM, set by the runner).
  public func provider(system: String?) -> Provider {
    guard let system, case .http(var http) = provider else { return provider }
    http.system = system
    return .http(http)
  }

  /// Scores one answer to `evalCase`: the suite's scorers then the case's own. A task suite
  /// scores the JSON its task would take from the answer (a fenced ```json block unwrapped).
  public func verdict(_ answer: ProviderAnswer, for evalCase: EvalCase) -> CaseVerdict {
    let all = scorers + evalCase.scorers
    var output = answer.output
    if task != nil, let parsed = try? AnswerJSON.parse(output) { output = parsed.jsonText }
    let results = all.map { $0.score(output, expected: evalCase.expected, latency: answer.latency) }
    return CaseVerdict(results: results, weights: all.map(\.weight), threshold: evalCase.threshold ?? 1)
  }
}
