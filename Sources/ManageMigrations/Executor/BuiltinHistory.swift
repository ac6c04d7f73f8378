import ManageCore

/// The built-in apps' history as Django records it.
///
/// manage carries each of Django's built-in chains (auth 0001–0012, contenttypes 0001–0002,
/// admin 0001–0003) as one squashed migration that `replaces` it, so applying it records every
/// replaced name, as Django's executor does for a squash: Django's `migrate` then finds nothing
/// to apply on a database manage made, and manage's loader counts a Django-made database's
/// chain as its squash applied.
///
/// Before that, manage recorded `auth.0001_initial`, `contenttypes.0001_initial` and
/// `admin.0001_initial` only (tables already in Django's final shape, the admin's API tokens
/// included). Such a history is completed in memory when read, and written out by `migrate`, so
/// an old database upgrades without a migration and without Django planning `contenttypes.0002`
/// against a column that was never there.
public enum BuiltinHistory {
  /// Migrations manage's first `0001_initial` of an app also made, beyond Django's chain.
  static let legacyAlsoMade: [String: [String]] = ["admin": ["0004_apitoken"]]

  /// The rows a history written before the squashes lacks, with the applied time they take
  /// (that of the app's old `0001_initial`). Empty for any other history, Django's included.
  public static func missingRows(_ applied: [MigrationKey: String]) -> [MigrationKey: String] {
    var missing: [MigrationKey: String] = [:]
    for (app, squash) in squashes {
      let initial = MigrationKey(app, "0001_initial")
      guard let time = applied[initial], applied[squash.key] == nil else { continue }
      // Django's own partial histories have more than the first name of the chain.
      guard squash.replaces.allSatisfy({ $0 == initial || applied[$0] == nil }) else { continue }
      for key in squash.replaces + [squash.key] + (legacyAlsoMade[app] ?? []).map({ MigrationKey(app, $0) })
      where applied[key] == nil {
        missing[key] = time
      }
    }
    return missing
  }

  /// The built-in squashed migrations by app.
  static let squashes: [(String, Migration)] = {
    var result: [(String, Migration)] = []
    for app in BuiltinMigrationFiles.files.keys.sorted() {
      for migration in (try? BuiltinMigrations.migrations(for: app)) ?? [] where !migration.replaces.isEmpty {
        result.append((app, migration))
      }
    }
    return result
  }()

  /// The squashed migrations manage carries in place of Django's chain: a partly applied chain
  /// cannot be finished by manage, which has only the squash.
  public static func isBuiltinSquash(_ key: MigrationKey) -> Bool { squashes.contains { $0.1.key == key } }
}
