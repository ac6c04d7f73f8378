/// A column as `PRAGMA table_info` reports it.
public struct ColumnInfo: Sendable, Hashable {
  public var name: String
  /// The declared type (`varchar(200)`, `integer`).
  public var type: String
  public var notNull: Bool
  /// The default as SQL text, or nil.
  public var defaultSQL: String?
  /// The column's position in the primary key (1-based), 0 when not part of it.
  public var primaryKeyPosition: Int
}

/// An index as `PRAGMA index_list`/`index_info` report it.
public struct IndexInfo: Sendable, Hashable {
  public var name: String
  public var columns: [String]
  public var unique: Bool
  /// `c` for CREATE INDEX, `u` for a UNIQUE constraint, `pk` for the primary key.
  public var origin: String
  public var partial: Bool
}

/// A foreign key as `PRAGMA foreign_key_list` reports it.
public struct ForeignKeyInfo: Sendable, Hashable {
  public var column: String
  public var table: String
  /// The referenced column; nil means the referenced table's primary key.
  public var referencedColumn: String?
  public var onDelete: String
  public var onUpdate: String
}

/// Reading the schema of an existing database.
extension Connection {
  /// User tables, sorted by name (SQLite's own `sqlite_*` tables left out).
  public func tableNames() throws -> [String] {
    if backend == .postgresql {
      return try query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename").compactMap { $0[0].string }
    }
    return try query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .compactMap { $0[0].string }
  }

  /// Whether a table exists.
  public func tableExists(_ name: String) throws -> Bool {
    if backend == .postgresql {
      return try scalar("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?", [.text(name)]) != nil
    }
    return try scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)]) != nil
  }

  /// The columns of `table`, in order.
  public func columns(of table: String) throws -> [ColumnInfo] {
    if backend == .postgresql {
      return try query("""
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
          COALESCE(array_position(i.indkey::int2[], a.attnum), 0)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
        WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """, [.text(table)]).map { row in
        ColumnInfo(name: row[0].string ?? "", type: row[1].string ?? "", notNull: row[2].int == 1,
                   defaultSQL: row[3].string, primaryKeyPosition: row[4].int ?? 0)
      }
    }
    return try query("PRAGMA table_info(\(Identifier.quoted(table)))").map { row in
      ColumnInfo(
        name: row["name"].string ?? "", type: row["type"].string ?? "", notNull: row["notnull"].int == 1,
        defaultSQL: row["dflt_value"].string, primaryKeyPosition: row["pk"].int ?? 0)
    }
  }

  /// The indexes of `table`, including those backing UNIQUE constraints.
  public func indexes(of table: String) throws -> [IndexInfo] {
    try query("PRAGMA index_list(\(Identifier.quoted(table)))").map { row in
      let name = row["name"].string ?? ""
      let columns = try query("PRAGMA index_info(\(Identifier.quoted(name)))")
        .sorted { ($0["seqno"].int ?? 0) < ($1["seqno"].int ?? 0) }
        .compactMap { $0["name"].string }
      return IndexInfo(
        name: name, columns: columns, unique: row["unique"].int == 1, origin: row["origin"].string ?? "c",
        partial: row["partial"].int == 1)
    }
  }

  /// The foreign keys of `table`, one per referencing column.
  public func foreignKeys(of table: String) throws -> [ForeignKeyInfo] {
    try query("PRAGMA foreign_key_list(\(Identifier.quoted(table)))").map { row in
      ForeignKeyInfo(
        column: row["from"].string ?? "", table: row["table"].string ?? "", referencedColumn: row["to"].string,
        onDelete: row["on_delete"].string ?? "NO ACTION", onUpdate: row["on_update"].string ?? "NO ACTION")
    }
  }

  /// Rows violating foreign keys, as `PRAGMA foreign_key_check` lists them: (table, rowid, parent).
  public func foreignKeyViolations() throws -> [(table: String, rowid: Int64?, parent: String)] {
    try query("PRAGMA foreign_key_check").map { row in
      (row[0].string ?? "", row[1] == .null ? nil : Int64(row[1].int ?? 0), row[2].string ?? "")
    }
  }
}
