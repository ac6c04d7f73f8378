/// Where a token starts: 1-based line and column in the text the user typed.
public struct Position: Sendable, Hashable {
  public var line: Int
  public var column: Int
}

/// One token of the shell's Python subset.
struct Token: Sendable {
  enum Kind: Sendable, Equatable {
    case name(String)
    case integer(Int64)
    /// An integer literal past 64 bits.
    case bigInteger(BigInteger)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// An operator or bracket: `(`, `==`, `**`, `.`, ….
    case symbol(String)
    case keyword(String)
    /// The end of a statement: a newline outside brackets, or `;`.
    case newline
    case end
  }

  var kind: Kind
  var position: Position
}
