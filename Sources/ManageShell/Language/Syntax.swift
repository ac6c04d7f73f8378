import ManageCore

/// An expression of the shell language, with where it starts for error messages.
indirect enum Node: Sendable {
  case name(String, Position)
  case literal(ModelValue, Position)
  case bigLiteral(BigInteger, Position)
  case list([Node], Position)
  case tuple([Node], Position)
  case dict([(Node, Node)], Position)
  case attribute(Node, String, Position)
  case call(Node, [CallArgument], Position)
  case item(Node, Subscript, Position)
  case binary(String, Node, Node, Position)
  case unary(String, Node, Position)
  /// `==`, `<`, `in`, `not in`, `is`, `is not`, chained as Python chains them.
  case compare(Node, [(String, Node)], Position)
  case boolean(String, Node, Node, Position)

  var position: Position {
    switch self {
    case .name(_, let p), .literal(_, let p), .bigLiteral(_, let p), .list(_, let p), .tuple(_, let p), .dict(_, let p), .attribute(_, _, let p),
      .call(_, _, let p), .item(_, _, let p), .binary(_, _, _, let p), .unary(_, _, let p), .compare(_, _, let p),
      .boolean(_, _, _, let p):
      p
    }
  }
}

/// A call argument: positional, `name=value`, `*items` or `**mapping`.
enum CallArgument: Sendable {
  case positional(Node)
  case keyword(String, Node)
  case unpacked(Node)
  case unpackedKeywords(Node)
}

/// `[i]` or `[start:stop:step]`.
enum Subscript: Sendable {
  case index(Node)
  case slice(Node?, Node?, Node?)
}

/// One statement: an expression, or an assignment to names, attributes or items.
enum Statement: Sendable {
  case expression(Node)
  case assign([Target], Node)
}

/// What an assignment writes to; `a, b = …` unpacks.
indirect enum Target: Sendable {
  case name(String, Position)
  case attribute(Node, String, Position)
  case item(Node, Node, Position)
  case unpack([Target], Position)
}
