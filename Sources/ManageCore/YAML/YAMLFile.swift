import Foundation

/// A YAML file that could not be read or parsed.
public struct YAMLSyntaxError: ManageError {
  public var location: SourceLocation?
  public var problem: String
  public var hint: String?

  public var message: String {
    if let location { return "\(location): \(problem)" }
    return problem
  }
}

/// Reads YAML files into `YAMLNode` trees.
public enum YAMLFile {
  /// Parses the file at `path`; `displayPath` is how messages name it.
  public static func load(path: String, displayPath: String) throws -> YAMLNode? {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw YAMLSyntaxError(
        problem: "\(displayPath): cannot read the file (\(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"))",
        hint: nil)
    }
    guard let text = String(validating: data, as: UTF8.self) else {
      throw YAMLSyntaxError(
        location: SourceLocation(file: displayPath, line: 1, column: 1),
        problem: "the file is not valid UTF-8", hint: "Save the file as UTF-8.")
    }
    return try parse(text, displayPath: displayPath)
  }

  /// Parses YAML text; `displayPath` is how messages name its source.
  public static func parse(_ text: String, displayPath: String) throws -> YAMLNode? {
    // JSON (migration files, fixtures) takes a faster road; anything else, or broken JSON,
    // goes through libyaml, which reads both and explains what is wrong.
    if text.utf8.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }).map({ $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") }) == true {
      var reader = JSONReader(text, displayPath: displayPath)
      if let node = reader.read() { return node }
    }
    return try YAMLEventParser(displayPath: displayPath).parse(text)
  }

  /// Types a plain scalar by the YAML 1.2 core schema.
  public static func resolvePlain(_ text: String) -> YAMLNode.Value {
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    case ".inf", ".Inf", ".INF", "+.inf": return .float(.infinity)
    case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
    case ".nan", ".NaN", ".NAN": return .float(.nan)
    default: break
    }
    guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
      || first == UInt8(ascii: ".") || (48...57).contains(first)
    else { return .string(text, plain: true) }
    if let number = Int(text) { return .int(number) }
    if text.hasPrefix("0x"), let number = Int(text.dropFirst(2), radix: 16) { return .int(number) }
    if text.hasPrefix("0o"), let number = Int(text.dropFirst(2), radix: 8) { return .int(number) }
    if text.contains(where: { $0.isNumber }), text.allSatisfy({ "0123456789.eE+-".contains($0) }),
      let number = Double(text)
    {
      return .float(number)
    }
    return .string(text, plain: true)
  }
}
