import ManageCore

/// The JSON in a model's answer: the whole answer, or the first fenced block (```json … ```
/// or ``` … ```), which chat models wrap JSON in even when told not to.
public enum AnswerJSON {
  /// The parsed value, or an error saying what the answer starts with.
  public static func parse(_ answer: String) throws -> ModelValue {
    let trimmed = answer.trimmingCharacters(in: .whitespacesAndNewlines)
    if let value = try? ModelValue(json: trimmed) { return value }
    if let block = fencedBlock(in: trimmed), let value = try? ModelValue(json: block) { return value }
    let shown = trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : trimmed
    throw JobsError("the answer is not JSON (nor has a ```json block): \(shown.isEmpty ? "an empty answer" : shown)")
  }

  static func fencedBlock(in text: String) -> String? {
    guard let open = text.range(of: "```") else { return nil }
    var rest = text[open.upperBound...]
    // The info string (`json`, `JSON`) runs to the end of the fence's line.
    if let newline = rest.firstIndex(of: "\n") {
      let info = rest[..<newline].trimmingCharacters(in: .whitespaces)
      if info.isEmpty || info.allSatisfy({ $0.isLetter }) { rest = rest[rest.index(after: newline)...] }
    }
    guard let close = rest.range(of: "```") else { return nil }
    return rest[..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
