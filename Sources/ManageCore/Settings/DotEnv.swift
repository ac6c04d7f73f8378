import Foundation

/// The `.env` file format: `KEY=value` lines, `#` comments, an optional `export ` prefix,
/// single quotes taken literally, double quotes with `\n`, `\t`, `\"` and `\\` escapes.
public enum DotEnv {
  /// Parses `.env` text into ordered pairs; `displayPath` names the file in errors.
  public static func parse(_ text: String, displayPath: String) throws -> [(key: String, value: String)] {
    var pairs: [(String, String)] = []
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
      line = line.drop(while: { $0 == " " || $0 == "\t" })
      if line.isEmpty || line.hasPrefix("#") { continue }
      if line.hasPrefix("export ") { line = line.dropFirst(7).drop(while: { $0 == " " }) }
      guard let equals = line.firstIndex(of: "=") else {
        throw SettingsError(
          "expected KEY=value, found '\(line)'",
          at: SourceLocation(file: displayPath, line: index + 1, column: 1),
          hint: "Each line of .env is KEY=value, a blank line or a # comment.")
      }
      let key = line[..<equals].trimmingCharacters(in: .whitespaces)
      guard Identifier.isValid(key) else {
        throw SettingsError(
          "'\(key)' is not a valid variable name",
          at: SourceLocation(file: displayPath, line: index + 1, column: 1),
          hint: "Use letters, digits and underscores, starting with a letter.")
      }
      let rest = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
      pairs.append((key, try value(rest, line: index + 1, displayPath: displayPath)))
    }
    return pairs
  }

  private static func value(_ text: String, line: Int, displayPath: String) throws -> String {
    guard let quote = text.first, quote == "\"" || quote == "'" else {
      // An unquoted value ends at ` #`, as in python-dotenv.
      if let comment = text.range(of: " #") { return String(text[..<comment.lowerBound]).trimmingCharacters(in: .whitespaces) }
      return text
    }
    let body = text.dropFirst()
    guard let close = closingQuote(in: body, quote: quote) else {
      throw SettingsError(
        "unterminated \(quote == "\"" ? "double" : "single")-quoted value",
        at: SourceLocation(file: displayPath, line: line, column: 1),
        hint: "Close the quote on the same line.")
    }
    let inner = body[..<close]
    if quote == "'" { return String(inner) }
    var result = ""
    var escaping = false
    for character in inner {
      if escaping {
        switch character {
        case "n": result.append("\n")
        case "t": result.append("\t")
        case "r": result.append("\r")
        default: result.append(character)
        }
        escaping = false
      } else if character == "\\" {
        escaping = true
      } else {
        result.append(character)
      }
    }
    return result
  }

  private static func closingQuote(in body: Substring, quote: Character) -> Substring.Index? {
    var index = body.startIndex
    while index < body.endIndex {
      if body[index] == "\\" && quote == "\"" {
        index = body.index(after: index)
        if index < body.endIndex { index = body.index(after: index) }
        continue
      }
      if body[index] == quote { return index }
      index = body.index(after: index)
    }
    return nil
  }
}
