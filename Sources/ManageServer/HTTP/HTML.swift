/// Markup that escapes by default: interpolating a `String` (or anything else) escapes it, and
/// only another `HTML` value goes in as is. A page cannot forget to escape a user's value; it can
/// only opt out by building `HTML` on purpose.
public struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
  public private(set) var text: String

  public init(raw text: String) { self.text = text }
  public init(stringLiteral value: String) { text = value }
  public init(stringInterpolation: Interpolation) { text = stringInterpolation.text }

  public var description: String { text }

  public struct Interpolation: StringInterpolationProtocol {
    var text = ""
    public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }
    public mutating func appendLiteral(_ literal: String) { text += literal }
    public mutating func appendInterpolation(_ markup: HTML) { text += markup.text }
    public mutating func appendInterpolation(_ markup: [HTML]) { for part in markup { text += part.text } }
    public mutating func appendInterpolation<Value>(_ value: Value) { text += HTML.escape(String(describing: value)) }
  }

  /// `&`, `<`, `>`, `"` and `'` as entities, as Django's `escape`.
  public static func escape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      case "'": escaped += "&#x27;"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  public static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(raw: lhs.text + rhs.text) }
}

extension Array where Element == HTML {
  /// The parts one after another.
  public func joined() -> HTML { HTML(raw: map(\.text).joined()) }
}
