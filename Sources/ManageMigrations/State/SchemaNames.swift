import ManageCore

/// Names the database objects of a model the way Django's schema editor does: through
/// tables, their columns, and generated index names (`<table>_<columns>_<hash>`).
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

  /// An index name from its table, columns and a suffix (`idx`, `uniq`), with a short hash so
  /// two indexes never share a name: Django's `_create_index_name`.
  public static func indexName(table: String, columns: [String], suffix: String) -> String {
    let hash = digest([table] + columns + [suffix])
    let name = "\(table)_\(columns.joined(separator: "_"))_\(hash)_\(suffix)"
    if name.count <= 63 { return name }
    return "\(String(table.prefix(20)))_\(String(columns.joined(separator: "_").prefix(20)))_\(hash)_\(suffix)"
  }

  /// The name Django gives an index declared without one: `<table[:11]>_<column[:7]>_<hash>_idx`.
  public static func modelIndexName(table: String, fields: [String]) -> String {
    let first = fields.first.map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 } ?? "x"
    return "\(String(table.prefix(11)))_\(String(first.prefix(7)))_\(digest([table] + fields).prefix(6))_idx"
  }

  /// A stable 8-hex-digit digest (FNV-1a): the same names on every machine and run.
  static func digest(_ parts: [String]) -> String {
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
