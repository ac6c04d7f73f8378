import Foundation
import ManageCore

/// makemigrations without the command line: the new migrations the models call for, and
/// writing them. The command, tests and other modules all come through here.
public enum MigrationMaker {
  /// The new migrations per app, built-in apps left out, limited to `apps` when given.
  public static func changes(
    registry: AppRegistry, schema: ProjectSchema, loader: MigrationLoader, questioner: any Questioner,
    apps: Set<String>? = nil, name: String? = nil, timestamp: String
  ) throws -> [String: [Migration]] {
    var detector = Autodetector(
      from: try MigrationExecutor.graphState(loader), to: ProjectState(schema: schema), questioner: questioner)
    try detector.detect()
    return MigrationPlanner(loader: loader, timestamp: timestamp).arrange(detector, name: name)
      .filter { app, _ in registry.app(app)?.isBuiltin == false && (apps?.contains(app) ?? true) }
  }

  /// Writes `migrations` into their apps' migrations folders; returns the paths written.
  @discardableResult
  public static func write(_ migrations: [String: [Migration]], registry: AppRegistry) throws -> [String] {
    var paths: [String] = []
    for app in migrations.keys.sorted() {
      guard let folder = registry.app(app)?.migrationsDirectory else { continue }
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for migration in migrations[app]! {
        let path = Path.join(folder, migration.name + ".json")
        try FileWriter.writeAtomically(MigrationWriter.json(migration), to: path)
        paths.append(path)
      }
    }
    return paths
  }
}
