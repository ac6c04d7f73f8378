/// A strict JSON reader producing `YAMLNode`s with positions, for migration files: several
/// times faster than going through libyaml, which matters when a migrate reads hundreds of
/// files. Anything that is not plain JSON returns nil, and the caller falls back to the YAML
/// reader (JSON is YAML), which also gives the better error message.
struct JSONReader {
  private let bytes: [UInt8]
  private let displayPath: String
  private var index = 0
  private var line = 1
  private var column = 1

  init(_ text: String, displayPath: String) {
    bytes = Array(text.utf8)
    self.displayPath = displayPath
  }

  /// The document, or nil when the text is not JSON this reader accepts.
  mutating func read() -> YAMLNode? {
    skipWhitespace()
    guard let node = value() else { return nil }
    skipWhitespace()
    return index == bytes.count ? node : nil
  }

  /// Where reading stopped: after a failed `read()`, the line and column of the failure.
  var position: (line: Int, column: Int) { (line, column) }

  private var location: SourceLocation { SourceLocation(file: displayPath, line: line, column: column) }

  private mutating func advance() {
    let byte = bytes[index]
    index += 1
    if byte == UInt8(ascii: "\n") {
      line += 1
      column = 1
    } else if byte & 0xC0 != 0x80 {
      // Columns count characters, as libyaml does, so positions agree with the YAML reader.
      column += 1
    }
  }

  private mutating func skipWhitespace() {
    while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { advance() }
  }

  private mutating func value() -> YAMLNode? {
    guard index < bytes.count else { return nil }
    let start = location
    switch bytes[index] {
    case UInt8(ascii: "{"): return object(start)
    case UInt8(ascii: "["): return array(start)
    case UInt8(ascii: "\""): return string().map { YAMLNode(.string($0, plain: false), at: start) }
    case UInt8(ascii: "t"): return literal("true", .bool(true), start)
    case UInt8(ascii: "f"): return literal("false", .bool(false), start)
    case UInt8(ascii: "n"): return literal("null", .null, start)
    default: return number(start)
    }
  }

  private mutating func object(_ start: SourceLocation) -> YAMLNode? {
    advance()
    var entries: [YAMLEntry] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      advance()
      return YAMLNode(.map(entries), at: start)
    }
    while true {
      skipWhitespace()
      let keyLocation = location
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
      // A repeated key: let the YAML reader report it.
      if entries.contains(where: { $0.key == key }) { return nil }
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
      advance()
      skipWhitespace()
      guard let node = value() else { return nil }
      entries.append(YAMLEntry(key: key, keyLocation: keyLocation, value: node))
      skipWhitespace()
      guard index < bytes.count else { return nil }
      if bytes[index] == UInt8(ascii: ",") {
        advance()
        continue
      }
      guard bytes[index] == UInt8(ascii: "}") else { return nil }
      advance()
      return YAMLNode(.map(entries), at: start)
    }
  }

  private mutating func array(_ start: SourceLocation) -> YAMLNode? {
    advance()
    var items: [YAMLNode] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      advance()
      return YAMLNode(.list(items), at: start)
    }
    while true {
      skipWhitespace()
      guard let node = value() else { return nil }
      items.append(node)
      skipWhitespace()
      guard index < bytes.count else { return nil }
      if bytes[index] == UInt8(ascii: ",") {
        advance()
        continue
      }
      guard bytes[index] == UInt8(ascii: "]") else { return nil }
      advance()
      return YAMLNode(.list(items), at: start)
    }
  }

  private mutating func string() -> String? {
    advance()  // the opening quote
    var scalars: [UInt8] = []
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        advance()
        return String(decoding: scalars, as: UTF8.self)
      }
      if byte < 0x20 { return nil }
      if byte == UInt8(ascii: "\\") {
        advance()
        guard index < bytes.count else { return nil }
        let escape = bytes[index]
        advance()
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
        case UInt8(ascii: "b"): scalars.append(0x08)
        case UInt8(ascii: "f"): scalars.append(0x0C)
        case UInt8(ascii: "n"): scalars.append(0x0A)
        case UInt8(ascii: "r"): scalars.append(0x0D)
        case UInt8(ascii: "t"): scalars.append(0x09)
        case UInt8(ascii: "u"):
          guard var code = hex4() else { return nil }
          if (0xD800...0xDBFF).contains(code) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { return nil }
            advance()
            advance()
            guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(code) else { return nil }
          scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
          return nil
        }
        continue
      }
      scalars.append(byte)
      advance()
    }
    return nil
  }

  private mutating func hex4() -> UInt32? {
    guard index + 4 <= bytes.count else { return nil }
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let digit = Int(String(UnicodeScalar(bytes[index])), radix: 16) else { return nil }
      value = value * 16 + UInt32(digit)
      advance()
    }
    return value
  }

  private mutating func literal(_ word: String, _ value: YAMLNode.Value, _ start: SourceLocation) -> YAMLNode? {
    for expected in word.utf8 {
      guard index < bytes.count, bytes[index] == expected else { return nil }
      advance()
    }
    return YAMLNode(value, at: start)
  }

  private mutating func number(_ start: SourceLocation) -> YAMLNode? {
    let begin = index
    while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { advance() }
    guard index > begin else { return nil }
    let text = String(decoding: bytes[begin..<index], as: UTF8.self)
    if let integer = Int(text) { return YAMLNode(.int(integer), at: start) }
    if let double = Double(text) { return YAMLNode(.float(double), at: start) }
    return nil
  }
}
