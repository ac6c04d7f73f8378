/// The rows of a many-to-many through table seen from one object: Django's
/// `post.tags.add(…)`, `remove`, `clear` and `set`, from either side of the relation.
public struct ManyToManyLinks {
  public let relation: Relation
  /// The primary key of the object whose links these are.
  public let owner: SQLValue

  public init(relation: Relation, owner: SQLValue) {
    self.relation = relation
    self.owner = owner
  }

  /// The owner's column and the other side's column in the through table.
  private var columns: (table: String, mine: String, theirs: String) {
    let through = relation.through!
    return relation.kind == .manyToMany
      ? (through.table, through.holderColumn, through.targetColumn)
      : (through.table, through.targetColumn, through.holderColumn)
  }

  /// The keys the owner links to, in order.
  public func keys(_ connection: Connection) throws -> [SQLValue] {
    let (table, mine, theirs) = columns
    return try connection.query(
      "SELECT \(Identifier.quoted(theirs)) FROM \(Identifier.quoted(table)) WHERE \(Identifier.quoted(mine)) = ? ORDER BY 1", [owner]
    ).map { $0[0] }
  }

  /// Links the owner to `keys`, skipping links that exist (Django's add is idempotent).
  public func add(_ keys: [SQLValue], _ connection: Connection) throws {
    let (table, mine, theirs) = columns
    try connection.savepoint("manage_m2m") {
      let statement = try connection.prepare(
        "INSERT INTO \(Identifier.quoted(table)) (\(Identifier.quoted(mine)), \(Identifier.quoted(theirs))) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM \(Identifier.quoted(table)) WHERE \(Identifier.quoted(mine)) = ? AND \(Identifier.quoted(theirs)) = ?)")
      for key in keys {
        try statement.bind([owner, key, owner, key])
        try statement.step()
      }
    }
  }

  /// Unlinks `keys`.
  public func remove(_ keys: [SQLValue], _ connection: Connection) throws {
    let (table, mine, theirs) = columns
    try connection.savepoint("manage_m2m") {
      for key in keys {
        try connection.run("DELETE FROM \(Identifier.quoted(table)) WHERE \(Identifier.quoted(mine)) = ? AND \(Identifier.quoted(theirs)) = ?", [owner, key])
      }
    }
  }

  /// Unlinks everything.
  public func clear(_ connection: Connection) throws {
    let (table, mine, _) = columns
    try connection.run("DELETE FROM \(Identifier.quoted(table)) WHERE \(Identifier.quoted(mine)) = ?", [owner])
  }

  /// Makes the links exactly `keys`.
  public func set(_ keys: [SQLValue], _ connection: Connection) throws {
    try connection.savepoint("manage_m2m_set") {
      try clear(connection)
      try add(keys, connection)
    }
  }
}
