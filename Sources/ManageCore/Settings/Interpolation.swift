/// `${VAR}` and `${VAR:-default}` in manage.yaml values, as in Docker Compose and shells.
public enum Interpolation {
  /// A `${VAR}` with no default whose variable is not set: it expands to "" and is reported by
  /// `manage check`, so commands that never read that setting still run.
  public struct UnsetVariable: Sendable, Hashable {
    public var name: String
    public var location: SourceLocation
  }

  /// Expands the references in `text`; `$$` is a literal `$`.
  public static func expand(
    _ text: String, environment: [String: String], location: SourceLocation,
    unset: inout [UnsetVariable]
  ) throws -> String {
    guard text.contains("$") else { return text }
    var result = ""
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      let next = text.index(after: index)
      guard character == "$", next < text.endIndex else {
        result.append(character)
        index = next
        continue
      }
      if text[next] == "$" {
        result.append("$")
        index = text.index(after: next)
        continue
      }
      guard text[next] == "{" else {
        result.append(character)
        index = next
        continue
      }
      guard let close = text[next...].firstIndex(of: "}") else {
        throw SettingsError(
          "unterminated ${ in '\(text)'", at: location,
          hint: "Write ${NAME} or ${NAME:-default}; write $$ for a literal $.")
      }
      let body = text[text.index(after: next)..<close]
      let name: Substring
      let fallback: Substring?
      if let separator = body.range(of: ":-") {
        name = body[..<separator.lowerBound]
        fallback = body[separator.upperBound...]
      } else {
        name = body
        fallback = nil
      }
      guard Identifier.isValid(String(name)) else {
        throw SettingsError(
          "'${\(body)}' is not a valid variable reference", at: location,
          hint: "Write ${NAME} or ${NAME:-default}, NAME being letters, digits and underscores.")
      }
      if let value = environment[String(name)], !(value.isEmpty && fallback != nil) {
        result += value
      } else if let fallback {
        result += fallback
      } else {
        unset.append(UnsetVariable(name: String(name), location: location))
      }
      index = text.index(after: close)
    }
    return result
  }
}
