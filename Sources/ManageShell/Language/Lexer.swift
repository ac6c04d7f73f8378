/// Splits shell input into tokens, as Python's tokenizer does for the subset the shell
/// speaks: names, numbers, strings (with prefixes r and b, triple quotes, escapes),
/// operators and brackets; newlines inside brackets do not end a statement.
struct Lexer {
  /// Python keywords the shell understands.
  static let keywords: Set<String> = ["True", "False", "None", "and", "or", "not", "in", "is"]
  /// Python keywords it refuses, with a message saying why.
  static let refused: Set<String> = [
    "import", "from", "def", "class", "lambda", "for", "while", "if", "else", "elif", "try", "except", "finally",
    "with", "return", "yield", "global", "nonlocal", "del", "raise", "assert", "pass", "break", "continue", "async",
    "await",
  ]

  private let scalars: [Character]
  private var index = 0
  private var line = 1
  private var column = 1
  /// Open brackets and where they were opened, for Python's "'(' was never closed".
  private var openBrackets: [(Character, Position)] = []
  private var depth: Int { openBrackets.count }
  static let maximumOpenBrackets = 200

  init(_ source: String) { scalars = Array(source) }

  /// Every token, ending with `.end`; throws a positioned SyntaxError.
  static func tokenize(_ source: String) throws -> [Token] {
    var lexer = Lexer(source)
    return try lexer.run()
  }

  /// Whether the text stops inside brackets, a triple-quoted string or after a backslash:
  /// the REPL then asks for another line with `... `.
  static func isIncomplete(_ source: String) -> Bool {
    do {
      var lexer = Lexer(source)
      _ = try lexer.run()
      return lexer.depth > 0
    } catch let error as ShellSyntaxError {
      return error.incomplete
    } catch {
      return false
    }
  }

  private var position: Position { Position(line: line, column: column) }
  private var current: Character? { index < scalars.count ? scalars[index] : nil }
  private func peek(_ offset: Int = 1) -> Character? { index + offset < scalars.count ? scalars[index + offset] : nil }

  private mutating func advance() {
    if scalars[index] == "\n" {
      line += 1
      column = 1
    } else {
      column += 1
    }
    index += 1
  }

  private mutating func run() throws -> [Token] {
    var tokens: [Token] = []
    while let character = current {
      let start = position
      if character == "\n" {
        advance()
        if depth == 0 { tokens.append(Token(kind: .newline, position: start)) }
      } else if character == " " || character == "\t" || character == "\r" {
        advance()
      } else if character == "#" {
        while let next = current, next != "\n" { advance() }
      } else if character == "\\" {
        advance()
        guard current == "\n" || current == nil else {
          throw ShellSyntaxError("unexpected character after line continuation character", at: start)
        }
        if current == nil { throw ShellSyntaxError("unexpected EOF while parsing", at: start, incomplete: true) }
        advance()
      } else if character == ";" {
        advance()
        tokens.append(Token(kind: .newline, position: start))
      } else if character.isNumber || (character == "." && peek()?.isNumber == true) {
        tokens.append(Token(kind: try number(), position: start))
      } else if character.isLetter || character == "_" {
        var word = ""
        while let next = current, next.isLetter || next.isNumber || next == "_" {
          word.append(next)
          advance()
        }
        let lowered = word.lowercased()
        if let quote = current, quote == "'" || quote == "\"", ["r", "b", "rb", "br", "u", "f", "rf", "fr"].contains(lowered) {
          if lowered.contains("f") {
            throw ShellSyntaxError("f-strings are not supported in manage shell; use + or str() to build text", at: start)
          }
          let text = try string(raw: lowered.contains("r"))
          tokens.append(Token(kind: lowered.contains("b") ? .bytes(Array(text.utf8)) : .string(text), position: start))
        } else if Self.keywords.contains(word) {
          tokens.append(Token(kind: .keyword(word), position: start))
        } else if Self.refused.contains(word) {
          throw ShellSyntaxError(
            "'\(word)' is not available in manage shell: it runs queries, not Python code", at: start)
        } else {
          tokens.append(Token(kind: .name(word), position: start))
        }
      } else if character == "'" || character == "\"" {
        tokens.append(Token(kind: .string(try string(raw: false)), position: start))
      } else {
        tokens.append(Token(kind: .symbol(try symbol()), position: start))
      }
    }
    if let (bracket, opened) = openBrackets.last {
      throw ShellSyntaxError("'\(bracket)' was never closed", at: opened, incomplete: true)
    }
    tokens.append(Token(kind: .newline, position: position))
    tokens.append(Token(kind: .end, position: position))
    return tokens
  }

  private static let symbols = ["**", "//", "==", "!=", "<=", ">=", "->", "+=", "-=", "*=", "/=", "(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "+", "-", "*", "/", "%", "<", ">", "&", "|", "~", "^", "@"]

  private mutating func symbol() throws -> String {
    let start = position
    for candidate in Self.symbols {
      // Compared in place: building arrays per candidate made long literals slow to read.
      var length = 0
      var matches = true
      for character in candidate {
        guard index + length < scalars.count, scalars[index + length] == character else {
          matches = false
          break
        }
        length += 1
      }
      if matches {
        for _ in 0..<length { advance() }
        switch candidate {
        case "(", "[", "{":
          // CPython's tokenizer stops at 200 open brackets (MAXLEVEL); so does the shell,
          // before a deep parse can exhaust the stack.
          guard openBrackets.count < Self.maximumOpenBrackets else { throw ShellSyntaxError("too many nested parentheses", at: start) }
          openBrackets.append((Character(candidate), start))
        case ")", "]", "}":
          guard let (open, _) = openBrackets.popLast() else { throw ShellSyntaxError("unmatched '\(candidate)'", at: start) }
          let expected: Character = open == "(" ? ")" : open == "[" ? "]" : "}"
          if Character(candidate) != expected {
            throw ShellSyntaxError("closing parenthesis '\(candidate)' does not match opening parenthesis '\(open)'", at: start)
          }
        default: break
        }
        return candidate
      }
    }
    throw ShellSyntaxError("invalid character '\(scalars[index])' (U+\(String(scalars[index].unicodeScalars.first!.value, radix: 16, uppercase: true)))", at: start)
  }

  private mutating func number() throws -> Token.Kind {
    let start = position
    var text = ""
    var isFloat = false
    if current == "0", let x = peek(), "xXoObB".contains(x) {
      advance()
      advance()
      var digits = ""
      while let next = current, next.isHexDigit || next == "_" {
        if next != "_" { digits.append(next) }
        advance()
      }
      let radix = "xX".contains(x) ? 16 : "oO".contains(x) ? 8 : 2
      guard let value = Int64(digits, radix: radix) else { throw ShellSyntaxError("invalid number literal", at: start) }
      return .integer(value)
    }
    while let next = current {
      if next.isNumber || next == "_" {
        if next != "_" { text.append(next) }
      } else if next == "." && !isFloat && peek() != "." {
        isFloat = true
        text.append(next)
      } else if (next == "e" || next == "E") && !text.isEmpty {
        isFloat = true
        text.append(next)
        if let sign = peek(), sign == "+" || sign == "-" {
          advance()
          text.append(sign)
        }
      } else {
        break
      }
      advance()
    }
    if let next = current, next.isLetter || next == "_" {
      throw ShellSyntaxError("invalid decimal literal", at: position)
    }
    if isFloat {
      guard let value = Double(text) else { throw ShellSyntaxError("invalid number literal", at: start) }
      return .float(value)
    }
    if let value = Int64(text) { return .integer(value) }
    do {
      guard let value = try BigInteger(decimal: Substring(text)) else { throw ShellSyntaxError("invalid number literal", at: start) }
      return .bigInteger(value)
    } catch let error as PythonError {
      throw ShellSyntaxError(error.message, at: start)
    }
  }

  private mutating func string(raw: Bool) throws -> String {
    let start = position
    let quote = current!
    var triple = false
    if peek() == quote && peek(2) == quote {
      triple = true
      advance()
      advance()
    }
    advance()
    var text = ""
    while true {
      guard let character = current else {
        if triple { throw ShellSyntaxError("unterminated triple-quoted string literal", at: start, incomplete: true) }
        throw ShellSyntaxError("unterminated string literal", at: start)
      }
      if character == quote {
        if !triple {
          advance()
          return text
        }
        if peek() == quote && peek(2) == quote {
          advance()
          advance()
          advance()
          return text
        }
      }
      if character == "\n" && !triple { throw ShellSyntaxError("unterminated string literal", at: start) }
      if character == "\\" && !raw {
        advance()
        guard let escaped = current else { continue }
        switch escaped {
        case "n": text.append("\n")
        case "t": text.append("\t")
        case "r": text.append("\r")
        case "0": text.append("\0")
        case "\\": text.append("\\")
        case "'": text.append("'")
        case "\"": text.append("\"")
        case "\n": break
        case "x", "u":
          let count = escaped == "x" ? 2 : 4
          var digits = ""
          for _ in 0..<count {
            advance()
            if let digit = current, digit.isHexDigit { digits.append(digit) }
          }
          guard digits.count == count, let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) else {
            throw ShellSyntaxError("truncated \\\(escaped) escape", at: position)
          }
          text.unicodeScalars.append(scalar)
        default:
          text.append("\\")
          text.append(escaped)
        }
        advance()
        continue
      }
      if character == "\\" && raw, let next = peek(), next == quote || next == "\\" {
        text.append(character)
        advance()
        text.append(next)
        advance()
        continue
      }
      text.append(character)
      advance()
    }
  }
}
