import ManageCore

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

  /// Scores one answer to `evalCase`: the suite's scorers then the case's own.
  public func verdict(_ answer: ProviderAnswer, for evalCase: EvalCase) -> CaseVerdict {
    let all = scorers + evalCase.scorers
    let results = all.map { $0.score(answer.output, expected: evalCase.expected, latency: answer.latency) }
    return CaseVerdict(results: results, weights: all.map(\.weight), threshold: evalCase.threshold ?? 1)
  }
}
