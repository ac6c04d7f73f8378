import ManageCore

/// One golden case: its variables, what the answer should be, and its own scorers and tags.
public struct EvalCase: Sendable {
  public var id: String
  public var vars: OrderedDictionary
  public var expected: ModelValue
  /// Scorers for this case only, added to the suite's.
  public var scorers: [Scorer] = []
  public var tags: [String] = []
  /// The weighted score the case must reach to pass (default 1: every scorer fully).
  public var threshold: Double?
  /// Where the case is written, for messages.
  public var location: SourceLocation?

  public init(id: String, vars: OrderedDictionary = OrderedDictionary(), expected: ModelValue = .null) {
    self.id = id
    self.vars = vars
    self.expected = expected
  }
}

/// `{{name}}` and `{{name.field}}` over a case's variables.
public enum PromptTemplate {
  /// The prompt for `evalCase`; a name the case does not define is an error naming both.
  public static func render(_ template: String, _ evalCase: EvalCase) throws -> String {
    var output = ""
    var rest = Substring(template)
    while let open = rest.range(of: "{{") {
      output += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].range(of: "}}") else {
        throw EvalsError("the prompt has '{{' without a closing '}}'")
      }
      let path = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      output += try value(path, in: evalCase)
      rest = rest[close.upperBound...]
    }
    return output + rest
  }

  private static func value(_ path: String, in evalCase: EvalCase) throws -> String {
    let parts = path.split(separator: ".").map(String.init)
    guard let first = parts.first, var current = evalCase.vars[first] ?? (first == "id" ? .text(evalCase.id) : nil) else {
      let names = evalCase.vars.keys
      throw EvalsError(
        "case '\(evalCase.id)': the prompt uses {{\(path)}} but the case has no var '\(parts.first ?? path)'"
          + (Suggestion.closest(to: parts.first ?? path, in: names).map { ". Did you mean '\($0)'?" } ?? ""),
        hint: evalCase.location.map { "The case is at \($0)." })
    }
    for part in parts.dropFirst() {
      guard case .dict(let fields) = current, let next = fields[part] else {
        throw EvalsError("case '\(evalCase.id)': {{\(path)}} has no field '\(part)'")
      }
      current = next
    }
    if case .text(let text) = current { return text }
    return current.jsonText
  }
}
