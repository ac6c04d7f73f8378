/// A literal written in models.yaml: a default or a choice.
public indirect enum FieldValue: Sendable, Hashable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case list([FieldValue])
  case map([String: FieldValue])

  init(_ node: YAMLNode) {
    switch node.value {
    case .null: self = .null
    case .bool(let flag): self = .bool(flag)
    case .int(let number): self = .int(number)
    case .float(let number): self = .float(number)
    case .string(let text, _): self = .string(text)
    case .list(let items): self = .list(items.map(FieldValue.init))
    case .map(let entries):
      self = .map(Dictionary(entries.map { ($0.key, FieldValue($0.value)) }, uniquingKeysWith: { _, last in last }))
    }
  }

  public var description: String {
    switch self {
    case .null: "null"
    case .bool(let flag): flag ? "true" : "false"
    case .int(let number): String(number)
    case .float(let number): String(number)
    case .string(let text): "'\(text)'"
    case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
    case .map(let entries):
      "{" + entries.keys.sorted().map { "\($0): \(entries[$0]!)" }.joined(separator: ", ") + "}"
    }
  }
}

/// One allowed value of a field with `choices`, with its human label.
public struct Choice: Sendable, Hashable {
  public var value: FieldValue
  public var label: String

  public init(value: FieldValue, label: String) {
    self.value = value
    self.label = label
  }
}
