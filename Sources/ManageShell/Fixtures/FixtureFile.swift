import ArgumentParser
import Foundation
import ManageCore

/// The serialization formats loaddata reads and dumpdata writes: Django's `json`, `jsonl` and
/// `yaml` (the same objects; YAML needs PyYAML in Django, nothing here).
public enum FixtureFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
  case json, jsonl, yaml

  /// The format a file name's extension names (`yml` is YAML, as in Django).
  public init?(fileExtension: String) {
    if fileExtension == "yml" { self = .yaml } else { self.init(rawValue: fileExtension) }
  }
}

/// One object of a fixture, as Django's serializers write it:
/// `{"model": "app.model", "pk": 1, "fields": {…}}`, with where each part was written.
public struct FixtureObject {
  /// `app_label.model_name` as written (Django writes it in lower case; any case is read).
  public var model: String
  /// The object's own place, and its `model` key's, `pk`'s and each field's, for messages.
  public var location: SourceLocation
  public var modelLocation: SourceLocation
  public var pk: YAMLNode?
  public var fields: [YAMLEntry]
}

/// Reading one fixture file (or standard input) into objects, every mistake at its file:line:col.
public enum FixtureFile {
  /// The compressions Django reads; named in the error, so the user knows to unpack first.
  static let compressions = ["gz", "zip", "bz2", "lzma", "xz"]

  /// The objects of `text` in `format`; `displayPath` is how messages name it.
  public static func objects(_ text: String, format: FixtureFormat, displayPath: String) throws -> [FixtureObject] {
    switch format {
    case .json, .yaml:
      guard let root = try YAMLFile.parse(text, displayPath: displayPath) else { return [] }
      if case .null = root.value { return [] }
      guard let items = root.items else {
        throw FixtureError(at: root.location, "a fixture is a list of objects, not \(root.kindDescription)",
          hint: #"Write [{"model": "app.model", "pk": 1, "fields": {…}}, …], as dumpdata does."#)
      }
      return try items.map(object)
    case .jsonl:
      // One object a line: each line is read by itself, its places moved to its line.
      var result: [FixtureObject] = []
      for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        guard line.contains(where: { !$0.isWhitespace }) else { continue }
        guard let node = try YAMLFile.parse(String(line), displayPath: displayPath) else { continue }
        result.append(try object(node.movedDown(by: index)))
      }
      return result
    }
  }

  /// Reads the file at `path`: missing, unreadable and non-UTF-8 files say so.
  public static func read(path: String, displayPath: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw FixtureError("cannot read \(displayPath) (\(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"))")
    }
    guard let text = String(validating: data, as: UTF8.self) else {
      throw FixtureError(at: SourceLocation(file: displayPath, line: 1, column: 1), "the fixture is not valid UTF-8", hint: "Save it as UTF-8.")
    }
    return text
  }

  private static func object(_ node: YAMLNode) throws -> FixtureObject {
    guard node.entries != nil else {
      throw FixtureError(at: node.location, "an object of a fixture is a mapping with model, pk and fields, not \(node.kindDescription)")
    }
    guard let model = node["model"] else {
      throw FixtureError(at: node.location, "this object has no 'model'", hint: #"Name it as "app_label.model_name"."#)
    }
    guard let label = model.string, label.split(separator: ".").count == 2 else {
      throw FixtureError(at: model.location, "Invalid model identifier: '\(model.scalarText)'", hint: #"Write "app_label.model_name"."#)
    }
    for entry in node.entries! where !["model", "pk", "fields"].contains(entry.key) {
      throw FixtureError(at: entry.keyLocation, "unknown key '\(entry.key)' in a fixture object", hint: "An object has model, pk and fields.")
    }
    var fields: [YAMLEntry] = []
    if let given = node["fields"] {
      if case .null = given.value {
      } else if let entries = given.entries {
        fields = entries
      } else {
        throw FixtureError(at: given.location, "'fields' is a mapping of field names to values, not \(given.kindDescription)")
      }
    }
    let pk = node["pk"].flatMap { pk -> YAMLNode? in if case .null = pk.value { return nil } else { return pk } }
    return FixtureObject(model: label, location: node.location, modelLocation: model.location, pk: pk, fields: fields)
  }
}

/// A fixture that cannot be read or loaded, at its place when it has one.
public struct FixtureError: ManageError {
  public var location: SourceLocation?
  public var problem: String
  public var hint: String?

  public init(at location: SourceLocation? = nil, _ problem: String, hint: String? = nil) {
    self.location = location
    self.problem = problem
    self.hint = hint
  }

  public var message: String { location.map { "\($0): \(problem)" } ?? problem }
}

extension YAMLNode {
  /// The same node with every place `lines` further down: a JSON Lines line read alone.
  func movedDown(by lines: Int) -> YAMLNode {
    var moved = self
    moved.location.line += lines
    switch value {
    case .list(let items): moved.value = .list(items.map { $0.movedDown(by: lines) })
    case .map(let entries):
      moved.value = .map(entries.map { entry in
        var entry = entry
        entry.keyLocation.line += lines
        entry.value = entry.value.movedDown(by: lines)
        return entry
      })
    default: break
    }
    return moved
  }
}
