import Crypto
import Foundation
import ManageCore

/// Names the database objects of a model the way Django's schema editor does: through
/// tables, their columns, and generated index names (`<table>_<columns>_<hash>`), so a
/// database manage made and one Django made carry the same names (Django's `migrate` and
/// `sqlmigrate` can then drop or rename what manage created).
public enum SchemaNames {
  /// The through table of a many-to-many: `db_table`, else `<model table>_<field>`.
  public static func throughTable(_ model: ModelSchema, _ field: FieldSchema) -> String {
    ThroughTable.name(model, field)
  }

  /// The two columns of a through table: `<model>_id` and `<target>_id`, or `from_`/`to_`
  /// prefixed when the relation points at its own model.
  public static func throughColumns(_ model: ModelSchema, target: String) -> (from: String, to: String) {
    ThroughTable.columns(model, target: target)
  }

  /// The longest identifier Django lets a backend name: `max_name_length()` is None on SQLite
  /// (Django then uses 200) and 63 on PostgreSQL (NAMEDATALEN - 1).
  public static let sqliteMaxNameLength = 200
  public static let postgresMaxNameLength = 63

  /// Django's `BaseDatabaseSchemaEditor._create_index_name`: `<table>_<columns>_<md5[:8]><suffix>`,
  /// shortened when longer than `maxLength`. `suffix` is written as Django writes it: `""` for a
  /// foreign key's or `db_index` column's index, `"_uniq"` for unique_together, `"_like"` for
  /// PostgreSQL's `varchar_pattern_ops` index, `"_fk_<table>_<column>"` for a foreign key.
  public static func indexName(table: String, columns: [String], suffix: String, maxLength: Int = sqliteMaxNameLength) -> String {
    var hashSuffix = namesDigest([table] + columns, length: 8) + suffix
    let joined = columns.joined(separator: "_")
    let name = "\(table)_\(joined)_\(hashSuffix)"
    if name.count <= maxLength { return name }
    if hashSuffix.count > maxLength / 3 { hashSuffix = String(hashSuffix.prefix(maxLength / 3)) }
    let otherLength = (maxLength - hashSuffix.count) / 2 - 1
    var shortened = "\(table.prefix(otherLength))_\(joined.prefix(otherLength))_\(hashSuffix)"
    // Django prepends D so no name starts with an underscore or a digit (Oracle's rule).
    if let first = shortened.first, first == "_" || first.isNumber { shortened = "D" + shortened.dropLast() }
    return shortened
  }

  /// The name Django gives a `Meta.indexes` entry declared without one (`Index.set_name_with_model`):
  /// `<table[:11]>_<column[:7]>_<md5(table, columns with "-" for descending, "idx")[:6]>_idx`.
  public static func modelIndexName(table: String, fields: [String], columns: [String]? = nil) -> String {
    let ordered = zip(fields, columns ?? fields.map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 }).map { field, column in
      field.hasPrefix("-") ? "-" + column : column
    }
    let first = ordered.first.map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 } ?? "x"
    var name = "\(table.prefix(11))_\(first.prefix(7))_\(namesDigest([table] + ordered + ["idx"], length: 6))_idx"
    if let leading = name.first, leading == "_" || leading.isNumber { name = "D" + name.dropFirst() }
    return name
  }

  /// Django's `names_digest`: the MD5 of the parts one after another, its first `length` hex digits.
  static func namesDigest(_ parts: [String], length: Int) -> String {
    var hash = Insecure.MD5()
    for part in parts { hash.update(data: Array(part.utf8)) }
    return String(hash.finalize().map { String(format: "%02x", $0) }.joined().prefix(length))
  }

  /// The names manage gave indexes before it hashed as Django does (FNV-1a, `_idx`/`_uniq`
  /// suffixes): a database made then still carries them, so removing an index tries this name too.
  public static func legacyIndexName(table: String, columns: [String], suffix: String) -> String {
    let hash = legacyDigest([table] + columns + [suffix])
    let name = "\(table)_\(columns.joined(separator: "_"))_\(hash)_\(suffix)"
    if name.count <= 63 { return name }
    return "\(String(table.prefix(20)))_\(String(columns.joined(separator: "_").prefix(20)))_\(hash)_\(suffix)"
  }

  /// The legacy name of an unnamed `Meta.indexes` entry (see `legacyIndexName`).
  public static func legacyModelIndexName(table: String, fields: [String]) -> String {
    let first = fields.first.map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 } ?? "x"
    return "\(String(table.prefix(11)))_\(String(first.prefix(7)))_\(legacyDigest([table] + fields).prefix(6))_idx"
  }

  private static func legacyDigest(_ parts: [String]) -> String {
    var hash: UInt32 = 2_166_136_261
    for part in parts {
      for byte in part.utf8 {
        hash ^= UInt32(byte)
        hash = hash &* 16_777_619
      }
      hash ^= 0x1F
      hash = hash &* 16_777_619
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 8 - hex.count) + hex
  }
}
