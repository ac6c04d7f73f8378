import Foundation

/// A field's value as the ORM hands it out and takes it in: typed by the field (dates, UTC
/// datetimes, decimals, JSON, booleans, UUIDs), converted to and from SQLite's storage classes
/// the way Django's SQLite backend stores them.
public indirect enum ModelValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case int(Int64)
  case double(Double)
  /// A decimal in canonical text (`12.50`), never a binary float.
  case decimal(String)
  case text(String)
  case date(CivilDate)
  case datetime(CivilDateTime)
  case time(CivilTime)
  /// A duration in microseconds (Django's DurationField on SQLite).
  case duration(Int64)
  case uuid(UUID)
  case bytes([UInt8])
  case list([ModelValue])
  case tuple([ModelValue])
  /// A dictionary with string keys in insertion order (JSON objects, `values()` rows).
  case dict(OrderedDictionary)

  public var isNull: Bool { self == .null }

  /// The integer, for ids and counts.
  public var integer: Int64? {
    switch self {
    case .int(let number): number
    case .bool(let flag): flag ? 1 : 0
    default: nil
    }
  }

  /// Python's truth value.
  public var isTruthy: Bool {
    switch self {
    case .null: false
    case .bool(let flag): flag
    case .int(let number): number != 0
    case .double(let number): number != 0
    case .decimal(let text): Double(text) != 0
    case .text(let text): !text.isEmpty
    case .bytes(let bytes): !bytes.isEmpty
    case .list(let items), .tuple(let items): !items.isEmpty
    case .dict(let entries): !entries.isEmpty
    case .duration(let micro): micro != 0
    case .date, .datetime, .time, .uuid: true
    }
  }

  // MARK: - To SQLite

  /// The value as stored in `field`'s column; throws Django's ValidationError wording when the
  /// value cannot be a value of that field.
  public func sqlValue(for field: FieldSchema) throws -> SQLValue {
    if case .null = self { return .null }
    switch field.type {
    case .boolean:
      switch self {
      case .bool(let flag): return .integer(flag ? 1 : 0)
      case .int(let number) where number == 0 || number == 1: return .integer(number)
      case .text(let text) where ["true", "false", "1", "0", "t", "f"].contains(text.lowercased()):
        return .integer(["true", "1", "t"].contains(text.lowercased()) ? 1 : 0)
      default: throw invalid(field, "“\(plain)” value must be either True or False.")
      }
    case .date:
      switch self {
      case .date(let date): return .text(date.iso)
      case .datetime(let moment): return .text(moment.date.iso)
      case .text(let text):
        if let date = CivilDate(iso: Substring(text)) { return .text(date.iso) }
        if let moment = CivilDateTime(iso: Substring(text)) { return .text(moment.date.iso) }
        // DateField.to_python: the shape of a date that is no day is invalid_date.
        if Self.looksLikeDate(text) { throw invalid(field, "“\(text)” value has the correct format (YYYY-MM-DD) but it is an invalid date.") }
        throw invalid(field, "“\(text)” value has an invalid date format. It must be in YYYY-MM-DD format.")
      default: throw invalid(field, "“\(plain)” value has an invalid date format. It must be in YYYY-MM-DD format.")
      }
    case .datetime:
      switch self {
      case .datetime(let moment): return .text(moment.iso)
      case .date(let date): return .text(CivilDateTime(date: date, time: try CivilTime(hour: 0)).iso)
      case .text(let text):
        if let moment = CivilDateTime(iso: Substring(text)) { return .text(moment.iso) }
        // DateTimeField.to_python: a well-shaped time or date that does not exist says so.
        if Self.looksLikeDateTime(text) {
          throw invalid(field, "“\(text)” value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time.")
        }
        if Self.looksLikeDate(text) { throw invalid(field, "“\(text)” value has the correct format (YYYY-MM-DD) but it is an invalid date.") }
        throw invalid(field, "“\(text)” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.")
      default: throw invalid(field, "“\(plain)” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.")
      }
    case .time:
      switch self {
      case .time(let time): return .text(time.iso)
      case .text(let text):
        if let time = CivilTime(iso: Substring(text)) { return .text(time.iso) }
        throw invalid(field, "“\(text)” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format.")
      default: throw invalid(field, "“\(plain)” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format.")
      }
    case .duration:
      switch self {
      case .duration(let micro): return .integer(micro)
      case .int(let seconds):
        guard let micro = CheckedArithmetic.multiply(seconds, 1_000_000) else {
          throw QueryError("days=\(seconds / 86_400); must have magnitude <= \(Int64.max / 86_400_000_000)", kind: "OverflowError")
        }
        return .integer(micro)
      default: throw invalid(field, "“\(plain)” value has an invalid format. It must be a timedelta.")
      }
    case .uuid:
      switch self {
      case .uuid(let uuid): return .text(Self.hex(uuid))
      case .text(let text):
        if let uuid = Self.parseUUID(text) { return .text(Self.hex(uuid)) }
        throw invalid(field, "“\(text)” is not a valid UUID.")
      default: throw invalid(field, "“\(plain)” is not a valid UUID.")
      }
    case .decimal:
      switch self {
      case .decimal(let text): return .text(Self.quantize(text, places: field.decimalPlaces))
      case .int(let number): return .text(Self.quantize(String(number), places: field.decimalPlaces))
      case .double(let number): return .text(Self.quantize(String(number), places: field.decimalPlaces))
      case .text(let text) where Double(text) != nil: return .text(Self.quantize(text, places: field.decimalPlaces))
      default: throw invalid(field, "“\(plain)” value must be a decimal number.")
      }
    case .json:
      return .text(pythonJSONText)
    case .binary:
      switch self {
      case .bytes(let bytes): return .blob(bytes)
      case .text(let text): return .blob(Array(text.utf8))
      default: throw invalid(field, "“\(plain)” value must be bytes.")
      }
    case .float:
      switch self {
      case .double(let number): return .real(number)
      case .int(let number): return .real(Double(number))
      case .decimal(let text): return .real(Double(text) ?? 0)
      case .text(let text) where Double(text) != nil: return .real(Double(text)!)
      default: throw invalid(field, "“\(plain)” value must be a float.")
      }
    case .auto, .bigAuto, .integer, .bigInteger, .smallInteger, .positiveInteger, .positiveSmallInteger, .positiveBigInteger,
      .foreignKey, .oneToOne, .manyToMany:
      switch self {
      case .int(let number): return .integer(number)
      case .bool(let flag): return .integer(flag ? 1 : 0)
      // Django's get_prep_value is int(value): a float or Decimal is truncated, and one past
      // 64 bits is sqlite3's OverflowError rather than a trap.
      case .double(let number) where number.isFinite: return .integer(try CheckedInteger(truncating: number)!.require())
      case .decimal(let text) where CheckedInteger(parsing: text) != nil: return .integer(try CheckedInteger(parsing: text)!.require())
      case .text(let text) where Int64(text) != nil: return .integer(Int64(text)!)
      case .text(let text) where CheckedInteger(parsing: text).map({ $0.value == nil }) == true && !text.contains("."):
        throw QueryError.integerOverflow
      default:
        if field.type.isRelation, case .text = self { return try plainSQL() }
        // Django's IntegerField.get_prep_value raises ValueError here, not ValidationError.
        throw QueryError("Field '\(field.name)' expected a number but got \(repr).", hint: "the value was given for '\(field.name)' (\(field.type.djangoName))", kind: "ValueError")
      }
    case .char, .text, .slug, .email, .url:
      switch self {
      case .text(let text): return .text(text)
      case .list, .tuple, .dict: throw invalid(field, "“\(repr)” is not a valid value for '\(field.name)'.")
      default: return .text(plain)
      }
    }
  }

  /// The value bound without a field to guide it (an annotation, a text lookup).
  public func plainSQL() throws -> SQLValue {
    switch self {
    case .null: return .null
    case .bool(let flag): return .integer(flag ? 1 : 0)
    case .int(let number): return .integer(number)
    case .double(let number): return .real(number)
    case .decimal(let text), .text(let text): return .text(text)
    case .date(let date): return .text(date.iso)
    case .datetime(let moment): return .text(moment.iso)
    case .time(let time): return .text(time.iso)
    case .duration(let micro): return .integer(micro)
    case .uuid(let uuid): return .text(Self.hex(uuid))
    case .bytes(let bytes): return .blob(bytes)
    case .list, .tuple, .dict: throw QueryError("a \(typeName) cannot be used as a single SQL value")
    }
  }

  /// django.utils.dateparse's date_re and datetime_re: the shapes whose failure to parse is
  /// "invalid date" rather than "invalid format".
  private static let dateShape = try! NSRegularExpression(pattern: #"^\d{4}-\d{1,2}-\d{1,2}$"#)
  private static let dateTimeShape = try! NSRegularExpression(
    pattern: #"^\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{1,2}(?::\d{1,2}(?:[.,]\d{1,6})?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$"#)

  static func looksLikeDate(_ text: String) -> Bool {
    dateShape.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
  }

  static func looksLikeDateTime(_ text: String) -> Bool {
    dateTimeShape.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
  }

  private func invalid(_ field: FieldSchema, _ message: String) -> QueryError {
    QueryError("['\(message)']", hint: "the value was given for '\(field.name)' (\(field.type.djangoName))", kind: "ValidationError")
  }

  // MARK: - From SQLite

  /// The value read from `field`'s column.
  public init(_ value: SQLValue, field: FieldSchema) {
    if case .null = value {
      self = .null
      return
    }
    switch (field.type, value) {
    case (.boolean, .integer(let number)): self = .bool(number != 0)
    case (.date, .text(let text)): self = CivilDate(iso: Substring(text)).map(ModelValue.date) ?? .text(text)
    case (.datetime, .text(let text)): self = CivilDateTime(iso: Substring(text)).map(ModelValue.datetime) ?? .text(text)
    case (.time, .text(let text)): self = CivilTime(iso: Substring(text)).map(ModelValue.time) ?? .text(text)
    case (.duration, .integer(let micro)): self = .duration(micro)
    case (.uuid, .text(let text)): self = Self.parseUUID(text).map(ModelValue.uuid) ?? .text(text)
    case (.decimal, .integer(let number)): self = .decimal(Self.quantize(String(number), places: field.decimalPlaces))
    case (.decimal, .real(let number)):
      self = .decimal(field.decimalPlaces == nil ? Self.decimalFromFloat(number) : Self.quantize(String(number), places: field.decimalPlaces))
    case (.decimal, .text(let text)): self = .decimal(Self.quantize(text, places: field.decimalPlaces))
    case (.json, .text(let text)): self = (try? ModelValue(json: text)) ?? .text(text)
    case (.float, .integer(let number)): self = .double(Double(number))
    // PostgreSQL's numeric, read as text: AVG() of integers is a float in Django (FloatField),
    // SUM() of bigint a Decimal (psycopg's numeric, which IntegerField leaves as it is).
    case (.float, .text(let text)) where Double(text) != nil: self = .double(Double(text)!)
    case (.auto, .text(let text)), (.bigAuto, .text(let text)), (.integer, .text(let text)), (.bigInteger, .text(let text)),
      (.smallInteger, .text(let text)), (.positiveInteger, .text(let text)), (.positiveSmallInteger, .text(let text)),
      (.positiveBigInteger, .text(let text)):
      self = CheckedInteger(parsing: text) != nil && text.allSatisfy({ $0 == "-" || $0 == "." || ($0.isASCII && $0.isNumber) }) ? .decimal(text) : .text(text)
    default: self = ModelValue(value)
    }
  }

  /// A value read with no field to type it (counts, sums, raw columns).
  public init(_ value: SQLValue) {
    switch value {
    case .null: self = .null
    case .integer(let number): self = .int(number)
    case .real(let number): self = .double(number)
    case .text(let text): self = .text(text)
    case .blob(let bytes): self = .bytes(bytes)
    }
  }

  // MARK: - Helpers

  /// The 32 lowercase hex digits Django's UUIDField stores on SQLite.
  static func hex(_ uuid: UUID) -> String { uuid.uuidString.replacingOccurrences(of: "-", with: "").lowercased() }

  /// A UUID written with or without dashes.
  public static func parseUUID(_ text: String) -> UUID? {
    let digits = text.replacingOccurrences(of: "-", with: "")
    guard digits.count == 32, digits.allSatisfy(\.isHexDigit) else { return nil }
    var dashed = digits.uppercased()
    for offset in [8, 13, 18, 23] { dashed.insert("-", at: dashed.index(dashed.startIndex, offsetBy: offset)) }
    return UUID(uuidString: dashed)
  }

  /// A decimal's text with exactly `places` digits after the point (Django's quantize).
  /// Python's `decimal.Context(prec=15).create_decimal_from_float(number)`: the float's exact
  /// value when it has at most 15 significant digits (12.5), else rounded to 15 of them, the
  /// trailing zeros kept (0.1 + 0.2 is 0.300000000000000).
  static func decimalFromFloat(_ number: Double) -> String {
    guard number.isFinite else { return String(number) }
    if number == 0 { return number.sign == .minus ? "-0" : "0" }
    // glibc prints a double's exact binary value to any precision asked for.
    let exact = String(format: "%.60e", number)
    let mantissa = exact.prefix { $0 != "e" }.filter(\.isNumber)
    let significant = mantissa.reversed().drop { $0 == "0" }.count
    let digits = significant <= 15 ? max(significant, 1) : 15
    let scientific = String(format: "%.\(digits - 1)e", number)
    guard let e = scientific.firstIndex(of: "e"), let exponent = Int(scientific[scientific.index(after: e)...]) else { return scientific }
    let negative = scientific.hasPrefix("-")
    let body = scientific[..<e].filter(\.isNumber)
    // Plain notation: the point placed by the exponent, zeros padded where needed.
    var text: String
    if exponent < 0 {
      text = "0." + String(repeating: "0", count: -exponent - 1) + body
    } else if exponent + 1 >= body.count {
      text = body + String(repeating: "0", count: exponent + 1 - body.count)
    } else {
      let point = body.index(body.startIndex, offsetBy: exponent + 1)
      text = body[..<point] + "." + body[point...]
    }
    if negative { text = "-" + text }
    return text
  }

  static func quantize(_ text: String, places: Int?) -> String {
    guard let places else { return text }
    if let plain = quantizePlain(text, places: places) { return plain }
    // Exponents and other spellings: Foundation's Decimal reads them, then the plain path formats.
    guard let value = Decimal(string: text) else { return text }
    var input = value
    var rounded = Decimal()
    NSDecimalRound(&rounded, &input, places, .bankers)
    return quantizePlain(rounded.description, places: places) ?? rounded.description
  }

  /// `-?digits(.digits)?` rounded half to even (Python's decimal default) to `places` digits
  /// after the point, by digit arithmetic: NumberFormatter, which this replaced, cost more than
  /// the rest of reading a row.
  static func quantizePlain(_ text: String, places: Int) -> String? {
    var bytes = Array(text.utf8)[...]
    let negative = bytes.first == UInt8(ascii: "-")
    if negative || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
    let point = bytes.firstIndex(of: UInt8(ascii: "."))
    let whole = point.map { bytes[..<$0] } ?? bytes
    let fraction = point.map { bytes[bytes.index(after: $0)...] } ?? []
    let isDigit = { (byte: UInt8) in byte >= 48 && byte <= 57 }
    guard !whole.isEmpty || !fraction.isEmpty, whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit) else { return nil }
    var digits = Array(whole.isEmpty ? [48] : whole) + Array(fraction.prefix(places))
    digits += Array(repeating: 48, count: max(0, places - fraction.count))
    let rest = Array(fraction.dropFirst(places))
    if let first = rest.first {
      let later = rest.dropFirst().contains { $0 != 48 }
      let lastKeptOdd = (digits.last.map { ($0 - 48) % 2 == 1 }) ?? false
      if first > 53 || (first == 53 && (later || lastKeptOdd)) {
        var index = digits.count - 1
        while index >= 0 {
          if digits[index] == 57 { digits[index] = 48; index -= 1 } else { digits[index] += 1; break }
        }
        if index < 0 { digits.insert(49, at: 0) }
      }
    }
    var integerDigits = Array(digits[..<(digits.count - places)])
    while integerDigits.count > 1 && integerDigits.first == 48 { integerDigits.removeFirst() }
    var result = negative ? "-" : ""
    result += String(decoding: integerDigits, as: UTF8.self)
    if places > 0 { result += "." + String(decoding: digits[(digits.count - places)...], as: UTF8.self) }
    return result
  }

  /// The value as plain text, for messages and text lookups.
  public var plain: String {
    switch self {
    case .text(let text): text
    case .decimal(let text): text
    case .date(let date): date.iso
    case .datetime(let moment): moment.iso
    case .time(let time): time.iso
    case .uuid(let uuid): uuid.uuidString.lowercased()
    default: repr
    }
  }

  /// The Python type name, for TypeError messages.
  public var typeName: String {
    switch self {
    case .null: "NoneType"
    case .bool: "bool"
    case .int: "int"
    case .double: "float"
    case .decimal: "Decimal"
    case .text: "str"
    case .date: "datetime.date"
    case .datetime: "datetime.datetime"
    case .time: "datetime.time"
    case .duration: "datetime.timedelta"
    case .uuid: "UUID"
    case .bytes: "bytes"
    case .list: "list"
    case .tuple: "tuple"
    case .dict: "dict"
    }
  }
}

/// String-keyed entries in insertion order.
public struct OrderedDictionary: Sendable, Hashable {
  public private(set) var keys: [String] = []
  private var storage: [String: ModelValue] = [:]

  public init() {}

  public init(_ pairs: [(String, ModelValue)]) {
    for (key, value) in pairs { self[key] = value }
  }

  public subscript(key: String) -> ModelValue? {
    get { storage[key] }
    set {
      if let newValue {
        if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
      } else if storage.removeValue(forKey: key) != nil {
        keys.removeAll { $0 == key }
      }
    }
  }

  public var isEmpty: Bool { keys.isEmpty }
  public var count: Int { keys.count }
  public var pairs: [(String, ModelValue)] { keys.map { ($0, storage[$0]!) } }
}
