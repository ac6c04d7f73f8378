import Foundation
import ManageCore

/// Django's SQLite column definitions (`django/db/backends/sqlite3/base.py` data_types).
enum ColumnSQL {
  /// The declared type of a field's column.
  static func dataType(_ field: FieldSchema, state: ProjectState) -> String {
    switch field.type {
    case .auto, .bigAuto, .integer: return "integer"
    case .bigInteger, .duration: return "bigint"
    case .smallInteger: return "smallint"
    case .positiveInteger: return "integer unsigned"
    case .positiveSmallInteger: return "smallint unsigned"
    case .positiveBigInteger: return "bigint unsigned"
    case .char, .slug, .email, .url: return "varchar(\(field.effectiveMaxLength ?? 255))"
    case .text, .json: return "text"
    case .float: return "real"
    case .decimal: return "decimal"
    case .boolean: return "bool"
    case .date: return "date"
    case .datetime: return "datetime"
    case .time: return "time"
    case .uuid: return "char(32)"
    case .binary: return "BLOB"
    case .foreignKey, .oneToOne:
      guard let key = relatedKeyColumn(field, state: state) else { return "bigint" }
      return dataType(key, state: state)
    case .manyToMany: return ""
    }
  }

  /// The column a foreign key's own column copies the type of: its target's primary key as a
  /// plain column, an auto id becoming integer and a big auto id bigint (Django's rel_db_type).
  static func relatedKeyColumn(_ field: FieldSchema, state: ProjectState) -> FieldSchema? {
    guard let target = field.to.flatMap(state.model(label:)), var key = target.primaryKey else { return nil }
    switch key.type {
    case .auto: key.type = .integer
    case .bigAuto: key.type = .bigInteger
    default: break
    }
    key.primaryKey = false
    return key
  }

  /// `"title" varchar(200) DEFAULT 'x' NOT NULL UNIQUE REFERENCES … CHECK (…)`.
  static func definition(_ field: FieldSchema, state: ProjectState) -> String {
    let column = Identifier.quoted(field.column ?? field.name)
    var sql = "\(column) \(dataType(field, state: state))"
    if let literal = defaultLiteral(field) { sql += " DEFAULT \(literal)" }
    sql += field.null && !field.primaryKey ? " NULL" : " NOT NULL"
    if field.primaryKey {
      sql += field.type.isAutoIncrement ? " PRIMARY KEY AUTOINCREMENT" : " PRIMARY KEY"
    } else if field.unique || field.type == .oneToOne {
      sql += " UNIQUE"
    }
    if field.type.isConcreteRelation, let target = field.to.flatMap(state.model(label:)) {
      let key = target.primaryKey?.column ?? "id"
      sql += " REFERENCES \(Identifier.quoted(target.dbTable)) (\(Identifier.quoted(key))) DEFERRABLE INITIALLY DEFERRED"
    }
    switch field.type {
    case .positiveInteger, .positiveSmallInteger, .positiveBigInteger: sql += " CHECK (\(column) >= 0)"
    case .json: sql += " CHECK ((JSON_VALID(\(column)) OR \(column) IS NULL))"
    default: break
    }
    return sql
  }

  /// The default as an SQL literal for the column's DEFAULT clause, when it is a constant.
  ///
  /// Django keeps defaults in Python only; we also write constant ones into the table, so rows
  /// inserted by plain SQL get them and adding a NOT NULL column needs no table remake (the
  /// DEFAULT clause is then identical whether the table was created or altered).
  static func defaultLiteral(_ field: FieldSchema) -> String? {
    guard let value = field.default, !isDynamic(value, field.type) else { return nil }
    switch storedValue(value, type: field.type) {
    case .null: return nil
    case .integer(let number): return String(number)
    case .real(let number): return number.isFinite ? String(number) : nil
    case .text(let text): return SQLLiteral.quote(text)
    case .blob: return nil
    }
  }

  /// `now` and `uuid4` take a new value for every row: never a DEFAULT clause.
  static func isDynamic(_ value: FieldValue, _ type: FieldType) -> Bool {
    if case .string(let text) = value {
      return (text == "now" && [.date, .datetime, .time].contains(type)) || (text == "uuid4" && type == .uuid)
    }
    return false
  }

  /// A default as SQLite stores it: booleans 0/1, JSON as text, `now` as Django's UTC text,
  /// UUIDs as 32 hex digits.
  static func storedValue(_ value: FieldValue, type: FieldType, now: Date = Date()) -> SQLValue {
    switch value {
    case .null: return .null
    case .bool(let flag): return .integer(flag ? 1 : 0)
    case .int(let number):
      return type == .float ? .real(Double(number)) : (type.isTextual || type == .json ? .text(String(number)) : .integer(Int64(number)))
    case .float(let number): return type == .json ? .text(String(number)) : .real(number)
    case .string(let text):
      if text == "now" && [.date, .datetime, .time].contains(type) { return .text(DjangoTime.format(now, as: type)) }
      if text == "uuid4" && type == .uuid { return .text(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()) }
      if type == .uuid { return .text(text.replacingOccurrences(of: "-", with: "").lowercased()) }
      if type == .json { return .text(JSONText.encode(value)) }
      return .text(text)
    case .list, .map:
      return .text(JSONText.encode(value))
    }
  }
}

/// Quoting for the few places SQLite takes no bound parameters (DDL DEFAULT clauses, and
/// sqlmigrate's printed statements).
public enum SQLLiteral {
  public static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

  public static func render(_ value: SQLValue) -> String {
    switch value {
    case .null: "NULL"
    case .integer(let number): String(number)
    case .real(let number): String(number)
    case .text(let text): quote(text)
    case .blob(let bytes): "X'" + bytes.map { String(format: "%02x", $0) }.joined() + "'"
    }
  }
}

/// Datetimes as Django stores them on SQLite: UTC text `YYYY-MM-DD HH:MM:SS.ffffff`.
public enum DjangoTime {
  public static func format(_ date: Date, as type: FieldType = .datetime) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
    let micro = (parts.nanosecond ?? 0) / 1000
    let day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    let time = String(format: "%02d:%02d:%02d.%06d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, micro)
    switch type {
    case .date: return day
    case .time: return time
    default: return day + " " + time
    }
  }
}

/// JSON text for defaults of json fields, keys sorted so the text is stable.
enum JSONText {
  static func encode(_ value: FieldValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .int(let number): return String(number)
    case .float(let number): return String(number)
    case .string(let text): return quote(text)
    case .list(let items): return "[" + items.map(encode).joined(separator: ", ") + "]"
    case .map(let entries):
      return "{" + entries.keys.sorted().map { quote($0) + ": " + encode(entries[$0]!) }.joined(separator: ", ") + "}"
    }
  }

  static func quote(_ text: String) -> String { ModelValue.jsonQuote(text) }
}
