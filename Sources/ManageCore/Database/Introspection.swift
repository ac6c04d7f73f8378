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
      // pg_index.indkey is an int2vector, whose subscripts start at 0: WITH ORDINALITY counts
      // the key's columns from 1 as SQLite's table_info does.
      return try query("""
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
          COALESCE((SELECT k.n FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) WHERE k.attnum = a.attnum), 0)
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
    if backend == .postgresql {
      // origin as SQLite reports it: pk for the primary key, u for a UNIQUE constraint, c else.
      return try query("""
        SELECT i.relname, x.indisunique, x.indisprimary, EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype = 'u'),
          x.indpred IS NOT NULL,
          (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ? AND t.relnamespace = current_schema()::regnamespace ORDER BY i.relname
        """, [.text(table)]).map { row in
        IndexInfo(
          name: row[0].string ?? "", columns: (row[5].string ?? "").split(separator: ",").map(String.init), unique: row[1].int == 1,
          origin: row[2].int == 1 ? "pk" : row[3].int == 1 ? "u" : "c", partial: row[4].int == 1)
      }
    }
    return try query("PRAGMA index_list(\(Identifier.quoted(table)))").map { row in
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
    if backend == .postgresql {
      let actions = ["a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"]
      return try query("""
        SELECT a.attname, r.relname, ra.attname, c.confdeltype, c.confupdtype
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND t.relname = ? AND t.relnamespace = current_schema()::regnamespace
        """, [.text(table)]).map { row in
        ForeignKeyInfo(
          column: row[0].string ?? "", table: row[1].string ?? "", referencedColumn: row[2].string,
          onDelete: actions[row[3].string ?? "a"] ?? "NO ACTION", onUpdate: actions[row[4].string ?? "a"] ?? "NO ACTION")
      }
    }
    return try query("PRAGMA foreign_key_list(\(Identifier.quoted(table)))").map { row in
      ForeignKeyInfo(
        column: row["from"].string ?? "", table: row["table"].string ?? "", referencedColumn: row["to"].string,
        onDelete: row["on_delete"].string ?? "NO ACTION", onUpdate: row["on_update"].string ?? "NO ACTION")
    }
  }

  /// Rows violating foreign keys, as `PRAGMA foreign_key_check` lists them: (table, rowid, parent).
  public func foreignKeyViolations() throws -> [(table: String, rowid: Int64?, parent: String)] {
    // PostgreSQL enforces its foreign keys itself (deferred ones at COMMIT): none can be left.
    if backend == .postgresql { return [] }
    return try query("PRAGMA foreign_key_check").map { row in
      (row[0].string ?? "", row[1] == .null ? nil : Int64(row[1].int ?? 0), row[2].string ?? "")
    }
  }
}
