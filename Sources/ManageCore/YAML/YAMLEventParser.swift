// libyaml, as vendored by the Yams package (its CYaml module). We read libyaml's event stream
// directly instead of going through Yams' `Node` tree: building, hashing (for its duplicate
// key check) and then converting that tree cost more than everything else `manage check` does
// on a 500-model project. Events go straight into `YAMLNode`s, with positions.
import CYaml

/// Builds a `YAMLNode` tree from libyaml's events for the first document of `text`.
struct YAMLEventParser {
  let displayPath: String

  /// A collection being built.
  /// An open list or mapping. A class, so appending to the innermost one mutates it in place:
  /// an enum popped, changed and pushed back copied its array on every item, which made a
  /// models.yaml with thousands of models quadratic to read.
  private final class Frame {
    let isList: Bool
    let location: SourceLocation
    var items: [YAMLNode] = []
    var entries: [YAMLEntry] = []
    var pendingKey: YAMLNode?
    /// The entries by key once a mapping is large; a linear duplicate check below that.
    var keys: [String: SourceLocation]?

    init(isList: Bool, location: SourceLocation) {
      self.isList = isList
      self.location = location
    }
  }

  func parse(_ text: String) throws -> YAMLNode? {
    var bytes = Array(text.utf8)
    if bytes.isEmpty { return nil }
    return try bytes.withUnsafeMutableBufferPointer { buffer -> YAMLNode? in
      var parser = yaml_parser_t()
      guard yaml_parser_initialize(&parser) == 1 else {
        throw YAMLSyntaxError(location: nil, problem: "\(displayPath): out of memory reading YAML", hint: nil)
      }
      defer { yaml_parser_delete(&parser) }
      yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
      yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
      return try run(&parser)
    }
  }

  private func run(_ parser: inout yaml_parser_t) throws -> YAMLNode? {
    var stack: [Frame] = []
    var root: YAMLNode?
    var event = yaml_event_t()
    while true {
      guard yaml_parser_parse(&parser, &event) == 1 else { throw syntaxError(parser) }
      defer { yaml_event_delete(&event) }
      let location = SourceLocation(
        file: displayPath, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
      var finished: YAMLNode?
      switch event.type {
      case YAML_STREAM_START_EVENT, YAML_DOCUMENT_START_EVENT:
        continue
      case YAML_DOCUMENT_END_EVENT, YAML_STREAM_END_EVENT:
        return root
      case YAML_SCALAR_EVENT:
        let scalar = event.data.scalar
        let tag = try Self.checkedTag(scalar.tag, at: location)
        let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
        let plain = (scalar.style == YAML_PLAIN_SCALAR_STYLE || scalar.style == YAML_ANY_SCALAR_STYLE) && tag != "str"
        finished = YAMLNode(plain ? YAMLFile.resolvePlain(value) : .string(value, plain: false), at: location)
      case YAML_SEQUENCE_START_EVENT:
        _ = try Self.checkedTag(event.data.sequence_start.tag, at: location)
        stack.append(Frame(isList: true, location: location))
      case YAML_MAPPING_START_EVENT:
        _ = try Self.checkedTag(event.data.mapping_start.tag, at: location)
        stack.append(Frame(isList: false, location: location))
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        let frame = stack.removeLast()
        finished = YAMLNode(frame.isList ? .list(frame.items) : .map(frame.entries), at: frame.location)
      case YAML_ALIAS_EVENT:
        throw YAMLSyntaxError(location: location, problem: "YAML aliases (*name) are not supported here",
                              hint: "Write the value out in full.")
      default:
        continue
      }
      guard let node = finished else { continue }
      guard let top = stack.last else {
        root = node
        continue
      }
      if top.isList {
        top.items.append(node)
        continue
      }
      guard let key = top.pendingKey else {
        guard node.entries == nil, node.items == nil else {
          throw YAMLSyntaxError(location: node.location, problem: "a mapping key must be a plain value",
                                hint: "Write keys as names, e.g. `title:`.")
        }
        top.pendingKey = node
        continue
      }
      let name = key.string ?? key.scalarText
      // A linear scan while the mapping is small (most are a field's three or four options,
      // where hashing every key costs more than comparing them), an index past that.
      if top.keys == nil && top.entries.count >= 16 {
        top.keys = Dictionary(top.entries.map { ($0.key, $0.keyLocation) }) { first, _ in first }
      }
      let earlier = top.keys.map { $0[name] } ?? top.entries.first(where: { $0.key == name })?.keyLocation
      if let first = earlier {
        throw YAMLSyntaxError(
          location: key.location,
          problem: "duplicate key '\(name)' (first written at line \(first.line), column \(first.column))",
          hint: "Rename or remove one of them: keys of a mapping (model names, field names, options) must be unique.")
      }
      top.entries.append(YAMLEntry(key: name, keyLocation: key.location, value: node))
      top.keys?[name] = key.location
      top.pendingKey = nil
    }
  }

  /// The core schema's tags (`!!str`, `!!int`, …) are allowed; any other (`!!python/object`,
  /// `!custom`) is refused, as a safe loader (PyYAML's safe_load) refuses it, rather than being
  /// silently read as a plain value. Returns the core tag's short name.
  private static func checkedTag(_ tag: UnsafeMutablePointer<yaml_char_t>?, at location: SourceLocation) throws -> String? {
    guard let tag else { return nil }
    let text = String(cString: tag)
    let core = "tag:yaml.org,2002:"
    if text.hasPrefix(core), ["str", "int", "float", "bool", "null", "seq", "map"].contains(text.dropFirst(core.count)) {
      return String(text.dropFirst(core.count))
    }
    let shown = text.hasPrefix(core) ? "!!" + text.dropFirst(core.count) : text
    throw YAMLSyntaxError(location: location, problem: "the YAML tag '\(shown)' is not supported", hint: "Remove the tag: manage reads plain YAML values only.")
  }

  private func syntaxError(_ parser: yaml_parser_t) -> YAMLSyntaxError {
    let problem = parser.problem.map { String(cString: $0) } ?? "cannot parse the file"
    var text = "invalid YAML: " + problem
    if let context = parser.context {
      text += " (\(String(cString: context)) at line \(parser.context_mark.line + 1), column \(parser.context_mark.column + 1))"
    }
    let mark = parser.problem_mark
    return YAMLSyntaxError(
      location: SourceLocation(file: displayPath, line: Int(mark.line) + 1, column: Int(mark.column) + 1),
      problem: text,
      hint: "Check the indentation and the `key: value` syntax there; quote values that contain ': ' or start with a special character ({ [ * & ! % @ `).")
  }
}
