import ManageCore

/// Parses the shell's Python subset into statements: expressions with Python's precedence,
/// calls with keyword arguments, subscripts and slices, literals, and assignments.
struct Parser {
  private let tokens: [Token]
  private var index = 0
  /// How deep the expression being parsed nests (recursion plus operator chains): the
  /// interpreter walks the tree recursively, so a tree deeper than `maximumDepth` is refused
  /// as CPython's compiler refuses it, instead of overflowing the stack.
  private var depth = 0
  static let maximumDepth = 2_000

  init(tokens: [Token]) { self.tokens = tokens }

  /// Every statement in `source`.
  static func parse(_ source: String) throws -> [Statement] {
    var parser = Parser(tokens: try Lexer.tokenize(source))
    return try parser.statements()
  }

  private var current: Token { tokens[index] }

  private mutating func advance() -> Token {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  private func isSymbol(_ symbol: String) -> Bool {
    if case .symbol(let found) = current.kind { return found == symbol }
    return false
  }

  private func isKeyword(_ word: String) -> Bool {
    if case .keyword(let found) = current.kind { return found == word }
    return false
  }

  private mutating func expect(_ symbol: String) throws {
    guard isSymbol(symbol) else {
      if case .end = current.kind { throw ShellSyntaxError("'\(symbol)' was never closed", at: current.position, incomplete: true) }
      throw invalid()
    }
    _ = advance()
  }

  private func invalid(_ message: String = "invalid syntax") -> ShellSyntaxError {
    ShellSyntaxError(message, at: current.position)
  }

  // MARK: - Statements

  mutating func statements() throws -> [Statement] {
    var result: [Statement] = []
    while true {
      while case .newline = current.kind { _ = advance() }
      if case .end = current.kind { return result }
      result.append(try statement())
      switch current.kind {
      case .newline, .end: continue
      default: throw invalid()
      }
    }
  }

  private mutating func statement() throws -> Statement {
    let first = try expressionList()
    guard isSymbol("=") else {
      if case .symbol(let symbol) = current.kind, ["+=", "-=", "*=", "/="].contains(symbol) {
        throw invalid("augmented assignment is not supported in manage shell; write x = x \(symbol.dropLast()) …")
      }
      return .expression(first)
    }
    var targets = [try target(first)]
    _ = advance()
    var value = try expressionList()
    while isSymbol("=") {
      targets.append(try target(value))
      _ = advance()
      value = try expressionList()
    }
    return .assign(targets, value)
  }

  private func target(_ node: Node) throws -> Target {
    switch node {
    case .name(let name, let position): return .name(name, position)
    case .attribute(let base, let name, let position): return .attribute(base, name, position)
    case .item(let base, .index(let key), let position): return .item(base, key, position)
    case .tuple(let items, let position), .list(let items, let position): return .unpack(try items.map(target), position)
    case .call(_, _, let position):
      throw ShellSyntaxError("cannot assign to function call here. Maybe you meant '==' instead of '='?", at: position)
    case .literal(_, let position):
      throw ShellSyntaxError("cannot assign to literal here. Maybe you meant '==' instead of '='?", at: position)
    default:
      throw ShellSyntaxError("cannot assign to expression here. Maybe you meant '==' instead of '='?", at: node.position)
    }
  }

  /// `a, b` at statement level is a tuple.
  private mutating func expressionList() throws -> Node {
    let start = current.position
    let first = try expression()
    guard isSymbol(",") else { return first }
    var items = [first]
    while isSymbol(",") {
      _ = advance()
      if case .newline = current.kind { break }
      if isSymbol("=") { break }
      items.append(try expression())
    }
    return .tuple(items, start)
  }

  // MARK: - Expressions, lowest precedence first

  mutating func expression() throws -> Node {
    try nested { try $0.orExpression() }
  }

  /// Runs `body` one level deeper.
  private mutating func nested<T>(_ levels: Int = 1, _ body: (inout Parser) throws -> T) throws -> T {
    depth += levels
    defer { depth -= levels }
    guard depth <= Self.maximumDepth else {
      throw ShellSyntaxError("maximum recursion depth exceeded during compilation", at: current.position, kind: "RecursionError")
    }
    return try body(&self)
  }

  private mutating func orExpression() throws -> Node {
    var left = try andExpression()
    var chain = 0
    defer { depth -= chain }
    while isKeyword("or") {
      let position = advance().position
      chain += 1
      depth += 1
      left = .boolean("or", left, try nested(0) { try $0.andExpression() }, position)
    }
    return left
  }

  private mutating func andExpression() throws -> Node {
    var left = try notExpression()
    var chain = 0
    defer { depth -= chain }
    while isKeyword("and") {
      let position = advance().position
      chain += 1
      depth += 1
      left = .boolean("and", left, try nested(0) { try $0.notExpression() }, position)
    }
    return left
  }

  private mutating func notExpression() throws -> Node {
    if isKeyword("not") {
      let position = advance().position
      return .unary("not", try nested { try $0.notExpression() }, position)
    }
    return try comparison()
  }

  private mutating func comparison() throws -> Node {
    let left = try bitOr()
    var rest: [(String, Node)] = []
    while true {
      var op: String?
      if case .symbol(let symbol) = current.kind, ["==", "!=", "<", ">", "<=", ">="].contains(symbol) {
        op = symbol
        _ = advance()
      } else if isKeyword("in") {
        op = "in"
        _ = advance()
      } else if isKeyword("not"), index + 1 < tokens.count, case .keyword("in") = tokens[index + 1].kind {
        op = "not in"
        _ = advance()
        _ = advance()
      } else if isKeyword("is") {
        _ = advance()
        if isKeyword("not") {
          _ = advance()
          op = "is not"
        } else {
          op = "is"
        }
      }
      guard let op else { break }
      rest.append((op, try bitOr()))
    }
    return rest.isEmpty ? left : .compare(left, rest, left.position)
  }

  /// A left-associative chain: each operator nests the tree one level deeper.
  private mutating func binaryLevel(_ symbols: Set<String>, next: (inout Parser) throws -> Node) throws -> Node {
    var left = try next(&self)
    var chain = 0
    defer { depth -= chain }
    while case .symbol(let symbol) = current.kind, symbols.contains(symbol) {
      let position = advance().position
      chain += 1
      depth += 1
      left = .binary(symbol, left, try nested(0, next), position)
    }
    return left
  }

  private mutating func bitOr() throws -> Node { try binaryLevel(["|"]) { try $0.bitXor() } }
  private mutating func bitXor() throws -> Node { try binaryLevel(["^"]) { try $0.bitAnd() } }
  private mutating func bitAnd() throws -> Node { try binaryLevel(["&"]) { try $0.sum() } }
  private mutating func sum() throws -> Node { try binaryLevel(["+", "-"]) { try $0.term() } }
  private mutating func term() throws -> Node { try binaryLevel(["*", "/", "//", "%", "@"]) { try $0.factor() } }

  private mutating func factor() throws -> Node {
    if case .symbol(let symbol) = current.kind, ["-", "+", "~"].contains(symbol) {
      let position = advance().position
      return .unary(symbol, try nested { try $0.factor() }, position)
    }
    return try power()
  }

  private mutating func power() throws -> Node {
    let base = try primary()
    if isSymbol("**") {
      let position = advance().position
      return .binary("**", base, try nested { try $0.factor() }, position)
    }
    return base
  }

  private mutating func primary() throws -> Node {
    var node = try atom()
    var chain = 0
    defer { depth -= chain }
    while true {
      // `a.b(c)[d]…` nests the tree one level per trailer.
      chain += 1
      depth += 1
      guard depth <= Self.maximumDepth else {
        throw ShellSyntaxError("maximum recursion depth exceeded during compilation", at: current.position, kind: "RecursionError")
      }
      if isSymbol(".") {
        _ = advance()
        guard case .name(let name) = current.kind else {
          if case .keyword(let word) = current.kind {
            let position = advance().position
            node = .attribute(node, word, position)
            continue
          }
          throw invalid()
        }
        let position = advance().position
        node = .attribute(node, name, position)
      } else if isSymbol("(") {
        let position = advance().position
        node = .call(node, try arguments(), position)
      } else if isSymbol("[") {
        let position = advance().position
        node = .item(node, try subscriptBody(), position)
      } else {
        return node
      }
    }
  }

  private mutating func arguments() throws -> [CallArgument] {
    var result: [CallArgument] = []
    var sawKeyword = false
    while !isSymbol(")") {
      if isSymbol("**") {
        _ = advance()
        result.append(.unpackedKeywords(try expression()))
        sawKeyword = true
      } else if isSymbol("*") {
        _ = advance()
        result.append(.unpacked(try expression()))
      } else if case .name(let name) = current.kind, index + 1 < tokens.count, case .symbol("=") = tokens[index + 1].kind {
        _ = advance()
        _ = advance()
        if isSymbol(")") || isSymbol(",") { throw invalid("expected an argument value after '\(name)='") }
        result.append(.keyword(name, try expression()))
        sawKeyword = true
      } else {
        let start = current.position
        let value = try expression()
        if sawKeyword { throw ShellSyntaxError("positional argument follows keyword argument", at: start) }
        result.append(.positional(value))
      }
      if isSymbol(",") {
        _ = advance()
      } else if !isSymbol(")") {
        if case .end = current.kind { throw ShellSyntaxError("'(' was never closed", at: current.position, incomplete: true) }
        throw invalid("invalid syntax. Perhaps you forgot a comma?")
      }
    }
    try expect(")")
    return result
  }

  private mutating func subscriptBody() throws -> Subscript {
    var parts: [Node?] = [nil]
    var isSlice = false
    while !isSymbol("]") {
      if isSymbol(":") {
        _ = advance()
        isSlice = true
        parts.append(nil)
        guard parts.count <= 3 else { throw invalid() }
        continue
      }
      guard parts[parts.count - 1] == nil else { throw invalid() }
      parts[parts.count - 1] = try expression()
    }
    try expect("]")
    if !isSlice {
      guard let index = parts[0] else { throw invalid() }
      return .index(index)
    }
    while parts.count < 3 { parts.append(nil) }
    return .slice(parts[0], parts[1], parts[2])
  }

  private mutating func atom() throws -> Node {
    let token = current
    switch token.kind {
    case .name(let name):
      _ = advance()
      return .name(name, token.position)
    case .integer(let number):
      _ = advance()
      return .literal(.int(number), token.position)
    case .bigInteger(let number):
      _ = advance()
      return .bigLiteral(number, token.position)
    case .float(let number):
      _ = advance()
      return .literal(.double(number), token.position)
    case .string(var text):
      _ = advance()
      // Adjacent strings concatenate, as in Python.
      while case .string(let more) = current.kind {
        text += more
        _ = advance()
      }
      return .literal(.text(text), token.position)
    case .bytes(let bytes):
      _ = advance()
      return .literal(.bytes(bytes), token.position)
    case .keyword("True"):
      _ = advance()
      return .literal(.bool(true), token.position)
    case .keyword("False"):
      _ = advance()
      return .literal(.bool(false), token.position)
    case .keyword("None"):
      _ = advance()
      return .literal(.null, token.position)
    case .symbol("("):
      _ = advance()
      if isSymbol(")") {
        _ = advance()
        return .tuple([], token.position)
      }
      let first = try expression()
      if isSymbol(")") {
        _ = advance()
        return first
      }
      var items = [first]
      while isSymbol(",") {
        _ = advance()
        if isSymbol(")") { break }
        items.append(try expression())
      }
      try expect(")")
      return .tuple(items, token.position)
    case .symbol("["):
      _ = advance()
      var items: [Node] = []
      while !isSymbol("]") {
        items.append(try expression())
        if isSymbol(",") { _ = advance() } else if !isSymbol("]") { throw invalid("invalid syntax. Perhaps you forgot a comma?") }
      }
      try expect("]")
      return .list(items, token.position)
    case .symbol("{"):
      _ = advance()
      var pairs: [(Node, Node)] = []
      while !isSymbol("}") {
        let key = try expression()
        guard isSymbol(":") else { throw invalid("sets are not supported in manage shell; write a dict {key: value} or a list") }
        _ = advance()
        pairs.append((key, try expression()))
        if isSymbol(",") { _ = advance() } else if !isSymbol("}") { throw invalid("invalid syntax. Perhaps you forgot a comma?") }
      }
      try expect("}")
      return .dict(pairs, token.position)
    case .end:
      throw ShellSyntaxError("unexpected EOF while parsing", at: token.position, incomplete: true)
    default:
      throw invalid()
    }
  }
}
