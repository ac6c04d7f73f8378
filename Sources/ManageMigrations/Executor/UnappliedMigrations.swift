import ManageCore

/// Migrations not yet applied to the database: what commands that need the tables check first,
/// so the user reads "run migrate" instead of an SQL error.
public enum UnappliedMigrations {
  /// The unapplied migrations of every installed app.
  public static func list(registry: AppRegistry, connection: Connection?) throws -> [MigrationKey] {
    let applied = try connection.map { try MigrationRecorder(connection: $0).applied() } ?? [:]
    let loader = try MigrationLoader(registry: registry, applied: Set(applied.keys))
    var done = Set(applied.keys)
    for (squashed, replaced) in loader.replacements where replaced.allSatisfy(done.contains) { done.insert(squashed) }
    return loader.graph.orderedNodes.filter { !done.contains($0) }
  }

  /// Throws Django's warning, as an error, when any migration is unapplied.
  public static func require(registry: AppRegistry, connection: Connection?) throws {
    let pending = try list(registry: registry, connection: connection)
    guard !pending.isEmpty else { return }
    let apps = Set(pending.map(\.app)).sorted().joined(separator: ", ")
    throw MigrationError(
      "You have \(pending.count) unapplied migration(s). Your project may not work properly until you apply the migrations for app(s): \(apps).",
      hint: "Run 'manage migrate' to apply them.")
  }
}
