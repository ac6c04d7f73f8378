import Foundation

/// A value SQLite stores: its five storage classes.
public enum SQLValue: Sendable, Hashable, CustomStringConvertible {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob([UInt8])

  public var description: String {
    switch self {
    case .null: "NULL"
    case .integer(let number): String(number)
    case .real(let number): String(number)
    case .text(let text): "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    case .blob(let bytes): "X'" + bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined() + "'"
    }
  }

  public var int: Int? {
    if case .integer(let number) = self { return Int(number) }
    return nil
  }

  public var string: String? {
    if case .text(let text) = self { return text }
    return nil
  }

  public var double: Double? {
    switch self {
    case .real(let number): number
    case .integer(let number): Double(number)
    default: nil
    }
  }

  public var isNull: Bool { self == .null }
}

// Not ExpressibleByNilLiteral on purpose: `scalar(…) != nil` must mean "a row came back",
// never "the value is not NULL".
extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
  public init(stringLiteral value: String) { self = .text(value) }
  public init(integerLiteral value: Int64) { self = .integer(value) }
  public init(floatLiteral value: Double) { self = .real(value) }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
