import ManageCore

/// A value of tasks.yaml with `{{path}}` placeholders (`{{payload.document_id}}`,
/// `{{document.content}}`, `{{output.revenue_low}}`), rendered against what a run knows.
///
/// A text that is exactly one placeholder takes the value's own type (a number stays a number,
/// an object stays an object, for a write's fields); placeholders inside longer text are
/// spliced in as text (JSON for objects and lists). Mappings and lists render item by item.
/// A name the context lacks is an error, except a field missing from `output` (the model's
/// answer), which is null.
public struct TaskTemplate: Sendable {
  public let source: ModelValue
  /// Where the template is written, for messages.
  public let location: SourceLocation?

  public init(_ source: ModelValue, at location: SourceLocation? = nil) {
    self.source = source
    self.location = location
  }

  /// What every run's templates see: `payload`, and `job` (`id`, `attempt`, `task`).
  public static func runContext(payload: ModelValue, id: Int64, attempt: Int, task: String) -> OrderedDictionary {
    OrderedDictionary([
      ("payload", payload),
      ("job", .dict(OrderedDictionary([("id", .int(id)), ("attempt", .int(Int64(attempt))), ("task", .text(task))]))),
    ])
  }

  /// `runContext` for a job.
  public static func runContext(_ job: Job) -> OrderedDictionary {
    runContext(payload: job.payload, id: job.id, attempt: job.attempts, task: job.task)
  }

  /// Every placeholder's path, for checking at load time that each names something a run has.
  public var paths: [String] { Self.paths(in: source) }

  /// Throws for a text with `{{` and no `}}` anywhere in the template, so a file's mistake is
  /// reported when it is read, not when a job renders it.
  public func checkBraces() throws { try Self.checkBraces(source, location) }

  private static func checkBraces(_ value: ModelValue, _ location: SourceLocation?) throws {
    switch value {
    case .text(let text): _ = try split(text, location)
    case .list(let items): for item in items { try checkBraces(item, location) }
    case .dict(let fields): for (_, item) in fields.pairs { try checkBraces(item, location) }
    default: break
    }
  }

  /// The value with every placeholder filled from `context`; a path the context lacks is an
  /// error naming it and what there is.
  public func render(_ context: OrderedDictionary) throws -> ModelValue {
    try Self.render(source, context, location)
  }

  /// The rendered value as text (a prompt).
  public func text(_ context: OrderedDictionary) throws -> String {
    let value = try render(context)
    if case .text(let text) = value { return text }
    return value.isNull ? "" : value.jsonText
  }

  private static func render(_ value: ModelValue, _ context: OrderedDictionary, _ location: SourceLocation?) throws -> ModelValue {
    switch value {
    case .text(let text): return try renderText(text, context, location)
    case .list(let items): return .list(try items.map { try render($0, context, location) })
    case .dict(let fields): return .dict(OrderedDictionary(try fields.pairs.map { ($0.0, try render($0.1, context, location)) }))
    default: return value
    }
  }

  private static func renderText(_ text: String, _ context: OrderedDictionary, _ location: SourceLocation?) throws -> ModelValue {
    let pieces = try split(text, location)
    if pieces.count == 1, case .placeholder(let path) = pieces[0] { return try resolve(path, context, location) }
    var output = ""
    for piece in pieces {
      switch piece {
      case .literal(let literal): output += literal
      case .placeholder(let path):
        let value = try resolve(path, context, location)
        if case .text(let inner) = value { output += inner } else if !value.isNull { output += value.jsonText }
      }
    }
    return .text(output)
  }

  enum Piece { case literal(String), placeholder(String) }

  static func split(_ text: String, _ location: SourceLocation?) throws -> [Piece] {
    var pieces: [Piece] = []
    var rest = Substring(text)
    while let open = rest.range(of: "{{") {
      if open.lowerBound > rest.startIndex { pieces.append(.literal(String(rest[..<open.lowerBound]))) }
      guard let close = rest[open.upperBound...].range(of: "}}") else {
        throw JobsError("\(location.map { "\($0): " } ?? "")the template has '{{' without a closing '}}'", exitCode: 2)
      }
      pieces.append(.placeholder(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)))
      rest = rest[close.upperBound...]
    }
    if !rest.isEmpty { pieces.append(.literal(String(rest))) }
    return pieces
  }

  private static func paths(in value: ModelValue) -> [String] {
    switch value {
    case .text(let text):
      return ((try? split(text, nil)) ?? []).compactMap { if case .placeholder(let path) = $0 { path } else { nil } }
    case .list(let items): return items.flatMap(paths(in:))
    case .dict(let fields): return fields.pairs.flatMap { paths(in: $0.1) }
    default: return []
    }
  }

  private static func resolve(_ path: String, _ context: OrderedDictionary, _ location: SourceLocation?) throws -> ModelValue {
    let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    let at = location.map { "\($0): " } ?? ""
    guard let first = parts.first, var current = context[first] else {
      throw JobsError(
        "\(at){{\(path)}}: there is no '\(parts.first ?? path)'"
          + (Suggestion.closest(to: parts.first ?? path, in: context.keys).map { ". Did you mean '\($0)'?" } ?? ""),
        hint: "A template may use: " + context.keys.joined(separator: ", ") + ".")
    }
    var walked = first
    for part in parts.dropFirst() {
      switch current {
      case .dict(let fields):
        // The model's answer may leave out properties its schema does not require: a
        // missing field of `output` is null, as `output.get("label")` would be in Python.
        if fields[part] == nil, first == "output" { return .null }
        guard let next = fields[part] else {
          throw JobsError(
            "\(at){{\(path)}}: \(walked) has no field '\(part)'"
              + (Suggestion.closest(to: part, in: fields.keys).map { ". Did you mean '\($0)'?" } ?? ""),
            hint: fields.isEmpty ? nil : "\(walked) has: " + fields.keys.joined(separator: ", ") + ".")
        }
        current = next
      case .list(let items):
        guard let index = Int(part), items.indices.contains(index) else {
          throw JobsError("\(at){{\(path)}}: \(walked) is a list of \(items.count); '\(part)' is not an index in it")
        }
        current = items[index]
      default:
        throw JobsError("\(at){{\(path)}}: \(walked) is \(current.isNull ? "null" : "not an object"), so it has no field '\(part)'")
      }
      walked += "." + part
    }
    return current
  }
}
