/// A SyntaxError, printed as Python prints it: the line, a caret under the column, the message.
public struct ShellSyntaxError: Error, Sendable {
  public var message: String
  public var position: Position
  /// True when more input could complete the text (an open bracket or string).
  public var incomplete: Bool
  /// `SyntaxError`, or `RecursionError` for an expression nested past the parser's limit.
  public var kind = "SyntaxError"

  init(_ message: String, at position: Position, incomplete: Bool = false, kind: String = "SyntaxError") {
    self.message = message
    self.position = position
    self.incomplete = incomplete
    self.kind = kind
  }

  /// The Python-style report for `source` as read from `file` (`<console>`, `<string>`).
  public func report(source: String, file: String) -> String {
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    let text = position.line - 1 < lines.count ? String(lines[position.line - 1]) : ""
    let trimmed = text.drop { $0 == " " || $0 == "\t" }
    let indent = text.count - trimmed.count
    let caret = String(repeating: " ", count: max(position.column - 1 - indent, 0)) + "^"
    return "  File \"\(file)\", line \(position.line)\n    \(trimmed)\n    \(caret)\n\(kind): \(message)"
  }
}
