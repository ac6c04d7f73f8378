import Foundation

extension ModelValue {
  /// Python's repr: what the shell prints (`'draft'`, `datetime.date(2026, 1, 31)`, `None`).
  public var repr: String {
    switch self {
    case .null: return "None"
    case .bool(let flag): return flag ? "True" : "False"
    case .int(let number): return String(number)
    case .double(let number): return Self.pythonFloat(number)
    case .decimal(let text): return "Decimal('\(text)')"
    case .text(let text): return Self.pythonString(text)
    case .date(let date): return "datetime.date(\(date.year), \(date.month), \(date.day))"
    case .datetime(let moment):
      var parts = [moment.date.year, moment.date.month, moment.date.day, moment.time.hour, moment.time.minute].map(String.init)
      if moment.time.second != 0 || moment.time.microsecond != 0 { parts.append(String(moment.time.second)) }
      if moment.time.microsecond != 0 { parts.append(String(moment.time.microsecond)) }
      return "datetime.datetime(\(parts.joined(separator: ", ")), tzinfo=datetime.timezone.utc)"
    case .time(let time):
      var parts = [time.hour, time.minute].map(String.init)
      if time.second != 0 || time.microsecond != 0 { parts.append(String(time.second)) }
      if time.microsecond != 0 { parts.append(String(time.microsecond)) }
      return "datetime.time(\(parts.joined(separator: ", ")))"
    case .duration(let micro):
      var days = micro / 86_400_000_000
      var rest = micro % 86_400_000_000
      if rest < 0 {
        rest += 86_400_000_000
        days -= 1
      }
      var parts: [String] = []
      if days != 0 { parts.append("days=\(days)") }
      if rest / 1_000_000 != 0 { parts.append("seconds=\(rest / 1_000_000)") }
      if rest % 1_000_000 != 0 { parts.append("microseconds=\(rest % 1_000_000)") }
      return "datetime.timedelta(\(parts.isEmpty ? "0" : parts.joined(separator: ", ")))"
    case .uuid(let uuid): return "UUID('\(uuid.uuidString.lowercased())')"
    case .bytes(let bytes):
      var text = "b'"
      for byte in bytes {
        switch byte {
        case UInt8(ascii: "'"): text += "\\'"
        case UInt8(ascii: "\\"): text += "\\\\"
        case 0x20..<0x7F: text.append(Character(UnicodeScalar(byte)))
        default: text += String(format: "\\x%02x", byte)
        }
      }
      return text + "'"
    case .list(let items): return "[" + items.map(\.repr).joined(separator: ", ") + "]"
    case .tuple(let items):
      return items.count == 1 ? "(\(items[0].repr),)" : "(" + items.map(\.repr).joined(separator: ", ") + ")"
    case .dict(let entries):
      return "{" + entries.pairs.map { Self.pythonString($0.0) + ": " + $0.1.repr }.joined(separator: ", ") + "}"
    }
  }

  /// What Python's `str()` gives: text without quotes, everything else as its repr.
  public var str: String {
    switch self {
    case .text(let text): text
    case .decimal(let text): text
    case .date(let date): date.iso
    case .datetime(let moment): moment.iso + "+00:00"
    case .time(let time): time.iso
    case .uuid(let uuid): uuid.uuidString.lowercased()
    default: repr
    }
  }

  /// A Python float's repr: `1.0`, `0.1`, `1e+20`, `inf`.
  static func pythonFloat(_ number: Double) -> String {
    if number.isNaN { return "nan" }
    if number.isInfinite { return number < 0 ? "-inf" : "inf" }
    let text = String(number)
    return text
  }

  /// A Python str's repr: single quotes unless the text has one and no double quote.
  static func pythonString(_ text: String) -> String {
    let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
    var result = String(quote)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where Character(scalar) == quote: result += "\\\(quote)"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += String(format: "\\x%02x", scalar.value)
      default: result.unicodeScalars.append(scalar)
      }
    }
    result.append(quote)
    return result
  }

  // MARK: - JSON

  /// The value as JSON text (Django's DjangoJSONEncoder: dates and UUIDs as strings).
  public var jsonText: String {
    var output = ""
    writeJSON(to: &output)
    return output
  }

  /// The JSON text Python's `json.dumps` writes (non-ASCII as `\uXXXX`): how Django stores a
  /// JSONField and binds a JSON comparison, so a stored document compares equal in both.
  public var pythonJSONText: String {
    var output = ""
    writeJSON(to: &output, asciiOnly: true)
    return output
  }

  /// Appends the JSON text, for writers that stream many rows.
  public func writeJSON(to output: inout String, asciiOnly: Bool = false) {
    switch self {
    case .null: output += "null"
    case .bool(let flag): output += flag ? "true" : "false"
    case .int(let number): output += String(number)
    case .double(let number): output += number.isFinite ? String(number) : "null"
    case .decimal(let text): output += ModelValue.jsonQuote(text)
    case .text(let text): output += ModelValue.jsonQuote(text, asciiOnly: asciiOnly)
    case .date(let date): output += "\"\(date.iso)\""
    case .datetime(let moment):
      output += "\"\(moment.date.iso)T\(moment.time.iso)Z\""
    case .time(let time): output += "\"\(time.iso)\""
    case .duration(let micro): output += String(Double(micro) / 1_000_000)
    case .uuid(let uuid): output += "\"\(uuid.uuidString.lowercased())\""
    case .bytes(let bytes): output += "\"\(Data(bytes).base64EncodedString())\""
    case .list(let items), .tuple(let items):
      output += "["
      for (index, item) in items.enumerated() {
        if index > 0 { output += ", " }
        item.writeJSON(to: &output, asciiOnly: asciiOnly)
      }
      output += "]"
    case .dict(let entries):
      output += "{"
      for (index, (key, value)) in entries.pairs.enumerated() {
        if index > 0 { output += ", " }
        output += ModelValue.jsonQuote(key, asciiOnly: asciiOnly) + ": "
        value.writeJSON(to: &output, asciiOnly: asciiOnly)
      }
      output += "}"
    }
  }

  public static func jsonQuote(_ text: String, asciiOnly: Bool = false) -> String {
    // Most text needs no escape: one scan of its bytes, then the text as it is.
    if !text.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 || (asciiOnly && $0 > 0x7F) }) {
      return "\"" + text + "\""
    }
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
      case _ where asciiOnly && scalar.value > 0x7F:
        // Python's ensure_ascii: UTF-16 code units, a surrogate pair past U+FFFF.
        for unit in String(scalar).utf16 { result += String(format: "\\u%04x", unit) }
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }

  /// Parses JSON text into lists, dicts (key order kept) and scalars.
  public init(json text: String) throws {
    var reader = JSONReader(text, displayPath: "<json>")
    guard let node = reader.read() else { throw QueryError("the text is not valid JSON") }
    self.init(node: node)
  }

  /// The 1-based column of a one-line JSON text where strict reading fails; nil when it reads.
  public static func jsonFailureColumn(_ text: String) -> Int? {
    var reader = JSONReader(text, displayPath: "<json>")
    return reader.read() == nil ? reader.position.column : nil
  }

  /// A YAML or JSON node as data: mappings keep their key order.
  public init(node: YAMLNode) {
    switch node.value {
    case .null: self = .null
    case .bool(let flag): self = .bool(flag)
    case .int(let number): self = .int(Int64(number))
    case .float(let number): self = .double(number)
    case .string(let text, _): self = .text(text)
    case .list(let items): self = .list(items.map(ModelValue.init(node:)))
    case .map(let entries): self = .dict(OrderedDictionary(entries.map { ($0.key, ModelValue(node: $0.value)) }))
    }
  }

  /// A models.yaml default or choice as a value of `field`.
  public init(default value: FieldValue, field: FieldSchema) {
    switch value {
    case .null: self = .null
    case .bool(let flag): self = .bool(flag)
    case .int(let number): self = field.type == .decimal ? .decimal(ModelValue.quantize(String(number), places: field.decimalPlaces)) : .int(Int64(number))
    case .float(let number): self = field.type == .decimal ? .decimal(ModelValue.quantize(String(number), places: field.decimalPlaces)) : .double(number)
    // The callable defaults models.yaml names: timezone.now and uuid.uuid4, evaluated now.
    case .string("now") where [.date, .datetime, .time].contains(field.type):
      let now = CivilDateTime.now()
      self = field.type == .date ? .date(now.date) : field.type == .time ? .time(now.time) : .datetime(now)
    case .string("uuid4") where field.type == .uuid:
      self = .uuid(UUID())
    case .string(let text):
      if field.type != .json, let converted = try? ModelValue.text(text).sqlValue(for: field) {
        self = ModelValue(converted, field: field)
      } else {
        self = .text(text)
      }
    case .list(let items): self = .list(items.map { ModelValue(default: $0, field: field) })
    case .map(let entries):
      self = .dict(OrderedDictionary(entries.keys.sorted().map { ($0, ModelValue(default: entries[$0]!, field: field)) }))
    }
  }
}
