/// A YAML value with the place it was written, so every diagnostic can say file:line:col.
///
/// Scalars are typed by the YAML 1.2 core schema rather than YAML 1.1: `yes`, `no`, `on` and
/// `off` stay strings, because a choice list like `[yes, no]` must not turn into booleans.
public struct YAMLNode: Sendable {
  public enum Value: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    /// A string; `plain` is false when it was quoted or a block scalar.
    case string(String, plain: Bool)
    case list([YAMLNode])
    case map([YAMLEntry])
  }

  public var value: Value
  public var location: SourceLocation

  public init(_ value: Value, at location: SourceLocation) {
    self.value = value
    self.location = location
  }

  /// The string, when the node is a string scalar.
  public var string: String? {
    if case .string(let text, _) = value { return text }
    return nil
  }

  /// The entries, when the node is a mapping.
  public var entries: [YAMLEntry]? {
    if case .map(let entries) = value { return entries }
    return nil
  }

  /// The items, when the node is a sequence.
  public var items: [YAMLNode]? {
    if case .list(let items) = value { return items }
    return nil
  }

  /// The value of `key` in a mapping.
  public subscript(key: String) -> YAMLNode? {
    entries?.first { $0.key == key }?.value
  }

  /// What kind of value this is, in words for error messages ("a string", "a list").
  public var kindDescription: String {
    switch value {
    case .null: "null"
    case .bool: "a boolean"
    case .int: "an integer"
    case .float: "a number"
    case .string: "a string"
    case .list: "a list"
    case .map: "a mapping"
    }
  }

  /// The scalar as the user wrote it, for messages (`draft`, `3`, `true`).
  public var scalarText: String {
    switch value {
    case .null: "null"
    case .bool(let flag): flag ? "true" : "false"
    case .int(let number): String(number)
    case .float(let number): String(number)
    case .string(let text, _): text
    case .list(let items): "[" + items.map(\.scalarText).joined(separator: ", ") + "]"
    case .map(let entries): "{" + entries.map { "\($0.key): \($0.value.scalarText)" }.joined(separator: ", ") + "}"
    }
  }
}

/// One `key: value` pair of a mapping, in file order.
public struct YAMLEntry: Sendable {
  public var key: String
  public var keyLocation: SourceLocation
  public var value: YAMLNode

  public init(key: String, keyLocation: SourceLocation, value: YAMLNode) {
    self.key = key
    self.keyLocation = keyLocation
    self.value = value
  }
}
