import CPostgreSQL
import Foundation

/// A statement on a PostgreSQL session: manage's `?` placeholders numbered `$1…`, run on the
/// first step, its rows read in text format and decoded into the values the SQLite layer
/// returns for the same column (booleans 0/1, datetimes as UTC text, UUIDs as 32 hex digits,
/// durations as microseconds), so everything above the seam reads both backends alike.
final class PostgresStatement {
  let sql: String
  let parameterCount: Int
  private unowned let session: PostgresSession
  private var arguments: [SQLValue] = []
  private var result: OpaquePointer?
  private var row = -1
  private var rowCount = 0
  private var types: [Oid] = []

  init(session: PostgresSession, sql: String) {
    self.session = session
    (self.sql, parameterCount) = Self.numberingPlaceholders(sql)
  }

  deinit { if let result { PQclear(result) } }

  /// `?` → `$1, $2, …`, outside string literals, quoted identifiers and comments.
  static func numberingPlaceholders(_ sql: String) -> (String, Int) {
    guard sql.utf8.contains(UInt8(ascii: "?")) else { return (sql, 0) }
    var output = ""
    output.reserveCapacity(sql.utf8.count + 16)
    var count = 0
    var quote: Character?
    var lineComment = false
    var previous: Character = " "
    for character in sql {
      if lineComment {
        if character == "\n" { lineComment = false }
      } else if let open = quote {
        if character == open { quote = nil }
      } else if character == "'" || character == "\"" {
        quote = character
      } else if character == "-" && previous == "-" {
        lineComment = true
      } else if character == "?" {
        count += 1
        output += "$\(count)"
        previous = character
        continue
      }
      output.append(character)
      previous = character
    }
    return (output, count)
  }

  func bind(_ values: [SQLValue], database: String) throws {
    reset()
    guard values.count == parameterCount else {
      throw PostgresError(sqlState: "08P01", reason: "statement takes \(parameterCount) arguments, \(values.count) given", sql: sql, database: database)
    }
    arguments = values
  }

  func reset() {
    if let result { PQclear(result) }
    result = nil
    row = -1
    rowCount = 0
  }

  /// The statement with its arguments written in, for the shell's `.sql` trace.
  var expandedSQL: String {
    var text = sql
    for (index, value) in arguments.enumerated().reversed() {
      text = text.replacingOccurrences(of: "$\(index + 1)", with: value.description)
    }
    return text
  }

  /// Called with the expanded SQL as the statement runs (the connection's tracer).
  var trace: ((String) -> Void)?

  /// Runs the statement if it has not run since the last bind.
  func ensureExecuted() throws {
    guard result == nil else { return }
    trace?(expandedSQL)
    let executed = try session.execute(sql, parameters: arguments)
    result = executed
    rowCount = Int(PQntuples(executed))
    types = (0..<PQnfields(executed)).map { PQftype(executed, $0) }
  }

  func step() throws -> Bool {
    try ensureExecuted()
    row += 1
    return row < rowCount
  }

  var columnCount: Int { types.count }

  func columnNames() throws -> [String] {
    try ensureExecuted()
    guard let result else { return [] }
    return (0..<Int32(types.count)).map { String(cString: PQfname(result, $0)) }
  }

  func column(_ index: Int) -> SQLValue {
    guard let result, row >= 0, row < rowCount, index < types.count else { return .null }
    let column = Int32(index)
    let position = Int32(row)
    if PQgetisnull(result, position, column) == 1 { return .null }
    guard let pointer = PQgetvalue(result, position, column) else { return .null }
    let count = Int(PQgetlength(result, position, column))
    let bytes = UnsafeRawBufferPointer(start: pointer, count: count)
    return PostgresValue.decode(bytes, type: types[index])
  }
}

/// Text-format PostgreSQL values as the SQLite layer's storage classes.
enum PostgresValue {
  static func decode(_ bytes: UnsafeRawBufferPointer, type: Oid) -> SQLValue {
    let text = String(decoding: bytes, as: UTF8.self)
    switch type {
    case 16: return .integer(text == "t" ? 1 : 0)  // bool
    case 20, 21, 23, 26: return Int64(text).map(SQLValue.integer) ?? .text(text)  // int8, int2, int4, oid
    case 700, 701: return .real(Double(text) ?? (text == "NaN" ? .nan : text.hasPrefix("-") ? -.infinity : .infinity))
    case 17: return .blob(hexBytes(text))  // bytea
    case 1184, 1114: return .text(djangoDateTime(text))  // timestamptz, timestamp
    case 2950: return .text(text.replacingOccurrences(of: "-", with: ""))  // uuid: Django's hex on SQLite
    case 1186: return durationMicroseconds(text).map(SQLValue.integer) ?? .text(text)  // interval
    default: return .text(text)  // text, varchar, numeric (exact digits), date, time, json, jsonb
    }
  }

  /// `\x0a1b…` (bytea's hex output).
  static func hexBytes(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var utf8 = Array(text.utf8)
    if utf8.starts(with: [92, 120]) { utf8.removeFirst(2) }
    bytes.reserveCapacity(utf8.count / 2)
    var index = 0
    while index + 1 < utf8.count {
      guard let high = hexDigit(utf8[index]), let low = hexDigit(utf8[index + 1]) else { break }
      bytes.append(high << 4 | low)
      index += 2
    }
    return bytes
  }

  private static func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 48...57: byte - 48
    case 97...102: byte - 87
    case 65...70: byte - 55
    default: nil
    }
  }

  /// `2026-12-01 10:00:00.5+00` (the session is in UTC) as Django's SQLite text
  /// `2026-12-01 10:00:00.500000`.
  static func djangoDateTime(_ text: String) -> String {
    var body = Substring(text)
    if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }), body.distance(from: body.startIndex, to: sign) > 10 {
      body = body[..<sign]
    }
    guard body.count >= 19 else { return String(body) }
    if let dot = body.firstIndex(of: ".") {
      let fraction = body[body.index(after: dot)...]
      return String(body[..<dot]) + "." + String(fraction.prefix(6)).padding(toLength: 6, withPad: "0", startingAt: 0)
    }
    return String(body) + ".000000"
  }

  /// An ISO 8601 interval (`P1DT2H3M4.5S`, `PT-0.000001S`; IntervalStyle iso_8601) in
  /// microseconds, as Django's DurationField holds it. Months and years count 30 and 365 days,
  /// as PostgreSQL's own `EXTRACT(EPOCH …)` does.
  static func durationMicroseconds(_ text: String) -> Int64? {
    guard text.hasPrefix("P") else { return nil }
    var total: Double = 0
    var number = ""
    var inTime = false
    for character in text.dropFirst() {
      switch character {
      case "T": inTime = true
      case "0"..."9", ".", "-", "+": number.append(character)
      default:
        guard let value = Double(number) else { return nil }
        number = ""
        switch (character, inTime) {
        case ("Y", false): total += value * 365 * 86_400
        case ("M", false): total += value * 30 * 86_400
        case ("W", false): total += value * 7 * 86_400
        case ("D", false): total += value * 86_400
        case ("H", true): total += value * 3_600
        case ("M", true): total += value * 60
        case ("S", true): total += value
        default: return nil
        }
      }
    }
    return CheckedInteger(truncating: (total * 1_000_000).rounded())?.value
  }
}
