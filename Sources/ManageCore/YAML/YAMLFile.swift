import Foundation
import Yams

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
    guard let text = String(data: data, encoding: .utf8) else {
      throw YAMLSyntaxError(
        location: SourceLocation(file: displayPath, line: 1, column: 1),
        problem: "the file is not valid UTF-8", hint: "Save the file as UTF-8.")
    }
    return try parse(text, displayPath: displayPath)
  }

  /// Parses YAML text; `displayPath` is how messages name its source.
  public static func parse(_ text: String, displayPath: String) throws -> YAMLNode? {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw syntaxError(error, displayPath: displayPath)
    }
    guard let node else { return nil }
    return try convert(node, displayPath: displayPath)
  }

  private static func convert(_ node: Node, displayPath: String) throws -> YAMLNode {
    let location = SourceLocation(
      file: displayPath, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    switch node {
    case .scalar(let scalar):
      let plain = scalar.style == .plain || scalar.style == .any
      return YAMLNode(plain ? resolvePlain(scalar.string) : .string(scalar.string, plain: false), at: location)
    case .sequence(let sequence):
      return YAMLNode(.list(try sequence.map { try convert($0, displayPath: displayPath) }), at: location)
    case .mapping(let mapping):
      var entries: [YAMLEntry] = []
      entries.reserveCapacity(mapping.count)
      for (key, value) in mapping {
        let keyNode = try convert(key, displayPath: displayPath)
        guard case .string = keyNode.value else {
          if case .map = keyNode.value {
            throw YAMLSyntaxError(location: keyNode.location, problem: "a mapping cannot be a key", hint: nil)
          }
          entries.append(YAMLEntry(key: keyNode.scalarText, keyLocation: keyNode.location,
                                   value: try convert(value, displayPath: displayPath)))
          continue
        }
        entries.append(YAMLEntry(key: keyNode.string!, keyLocation: keyNode.location,
                                 value: try convert(value, displayPath: displayPath)))
      }
      return YAMLNode(.map(entries), at: location)
    case .alias:
      throw YAMLSyntaxError(location: location, problem: "YAML aliases are not supported here",
                            hint: "Write the value out in full.")
    }
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

  /// Points at the second occurrence of a repeated key: the one to rename or remove.
  private static func duplicateKeyError(_ key: String, first: Mark, text: String, displayPath: String) -> YAMLSyntaxError {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let indent = String(repeating: " ", count: max(first.column - 1, 0))
    var line = first.line
    var column = first.column
    for index in first.line..<lines.count {
      let candidate = lines[index]
      if candidate.hasPrefix(indent + key + ":") || candidate.hasPrefix(indent + "\"" + key + "\":") {
        line = index + 1
        column = first.column
        break
      }
    }
    return YAMLSyntaxError(
      location: SourceLocation(file: displayPath, line: line, column: column),
      problem: "duplicate key '\(key)' (first written at line \(first.line), column \(first.column))",
      hint: "Rename or remove one of them: keys of a mapping (model names, field names, options) must be unique.")
  }

  private static func syntaxError(_ error: YamlError, displayPath: String) -> YAMLSyntaxError {
    let hint = "Check the indentation and the `key: value` syntax there; quote values that contain ': ' or start with a special character ({ [ * & ! % @ `)."
    func located(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> YAMLSyntaxError {
      var text = problem
      if let context { text += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
      return YAMLSyntaxError(
        location: SourceLocation(file: displayPath, line: mark.line, column: mark.column),
        problem: "invalid YAML: " + text, hint: hint)
    }
    switch error {
    case .scanner(let context, let problem, let mark, _): return located(context, problem, mark)
    case .parser(let context, let problem, let mark, _): return located(context, problem, mark)
    case .composer(let context, let problem, let mark, _): return located(context, problem, mark)
    case .duplicatedKeysInMapping(let duplicates, let context):
      return duplicateKeyError(duplicates.first ?? "?", first: context.mark, text: context.text, displayPath: displayPath)
    case .reader(let problem, _, _, _):
      return YAMLSyntaxError(location: SourceLocation(file: displayPath, line: 1, column: 1),
                             problem: "invalid YAML: " + problem, hint: "Save the file as UTF-8.")
    default:
      return YAMLSyntaxError(location: nil, problem: "\(displayPath): invalid YAML: \(error)", hint: hint)
    }
  }
}
