import Foundation
import ManageCore

/// Turns the autodetector's operations into numbered, named migrations with dependencies on
/// the app's current leaf and on whatever other apps' migrations create the models they point
/// at (Django's `arrange_for_graph`). New migrations that would need each other are split, as
/// Django does, by moving one app's relations into a second migration.
public struct MigrationPlanner {
  public let loader: MigrationLoader
  /// `YYYYMMDD_HHMM`, for `auto_…` names.
  public let timestamp: String

  public init(loader: MigrationLoader, timestamp: String) {
    self.loader = loader
    self.timestamp = timestamp
  }

  /// The new migrations per app; `name` replaces the suggested name of the first.
  public func arrange(_ detected: Autodetector, name: String? = nil) -> [String: [Migration]] {
    var first = detected.operations.mapValues { Optimizer.optimize($0) }.filter { !$0.value.isEmpty }
    var second: [String: [Operation]] = [:]
    while let cycle = Self.cycle(in: Self.needs(first)) {
      let app = cycle.max()!
      let (kept, moved) = Self.splitRelations(first[app]!, toApps: Set(cycle).subtracting([app]))
      first[app] = kept
      second[app, default: []] += moved
    }
    var created: [String: Set<String>] = [:]
    for (app, operations) in first { created[app] = Self.createdModels(operations, app: app) }

    var keys: [String: MigrationKey] = [:]
    var result: [String: [Migration]] = [:]
    for app in first.keys.sorted() {
      var migration = Migration(app: app, name: "")
      migration.operations = first[app]!
      migration.initial = loader.graph.leaves(of: app).isEmpty
      migration.name = String(format: "%04d_%@", nextNumber(app), name ?? migration.suggestedName(timestamp: timestamp))
      keys[app] = migration.key
      result[app] = [migration]
    }
    for app in first.keys.sorted() {
      var migration = result[app]![0]
      let leaf = loader.graph.leaves(of: app).last.map { [$0] } ?? []
      migration.dependencies = Self.unique(leaf + dependencies(app: app, operations: migration.operations, created: created, keys: keys))
      result[app] = [migration]
      if let moved = second[app], !moved.isEmpty {
        var follow = Migration(app: app, name: "")
        follow.operations = moved
        follow.name = String(format: "%04d_%@", (migration.number ?? 0) + 1, follow.suggestedName(timestamp: timestamp))
        follow.dependencies = Self.unique([migration.key] + dependencies(app: app, operations: moved, created: created, keys: keys))
        result[app]!.append(follow)
      }
    }
    return result
  }

  /// The number after the app's highest.
  func nextNumber(_ app: String) -> Int {
    (loader.migrations.keys.filter { $0.app == app }.compactMap { Int($0.name.prefix(while: \.isNumber)) }.max() ?? 0) + 1
  }

  /// Another app's new migration when it creates the target, else its leaf, else `__first__`.
  private func dependencies(
    app: String, operations: [Operation], created: [String: Set<String>], keys: [String: MigrationKey]
  ) -> [MigrationKey] {
    Self.relationTargets(operations).compactMap { label in
      let other = String(label.split(separator: ".").first ?? "")
      guard other != app else { return nil }
      if let key = keys[other], created[other]?.contains(label.lowercased()) == true { return key }
      return loader.graph.leaves(of: other).last ?? MigrationKey(other, "__first__")
    }
  }

  // MARK: - Helpers

  static func relationTargets(_ operations: [Operation]) -> [String] {
    var targets: [String] = []
    for operation in operations {
      switch operation {
      case .createModel(_, let fields, _): targets += fields.compactMap { $0.type.isRelation ? $0.to : nil }
      case .addField(_, let field, _), .alterField(_, let field, _): if field.type.isRelation, let to = field.to { targets.append(to) }
      default: break
      }
    }
    return targets
  }

  static func createdModels(_ operations: [Operation], app: String) -> Set<String> {
    Set(operations.compactMap { operation in
      switch operation {
      case .createModel(let name, _, _): "\(app).\(name)".lowercased()
      case .renameModel(_, let new): "\(app).\(new)".lowercased()
      default: nil
      }
    })
  }

  /// For each app, the other apps whose new operations create a model it points at.
  static func needs(_ operations: [String: [Operation]]) -> [String: Set<String>] {
    var result: [String: Set<String>] = [:]
    for (app, list) in operations {
      for label in relationTargets(list) {
        let other = String(label.split(separator: ".").first ?? "")
        if other != app, createdModels(operations[other] ?? [], app: other).contains(label.lowercased()) {
          result[app, default: []].insert(other)
        }
      }
    }
    return result
  }

  /// Some loop of apps needing each other, if there is one.
  static func cycle(in needs: [String: Set<String>]) -> [String]? {
    for start in needs.keys.sorted() {
      var path = [start]
      var visited: Set<String> = []
      func walk(_ app: String) -> [String]? {
        for next in (needs[app] ?? []).sorted() {
          if next == start { return path }
          if visited.insert(next).inserted {
            path.append(next)
            if let found = walk(next) { return found }
            path.removeLast()
          }
        }
        return nil
      }
      if let found = walk(start) { return found }
    }
    return nil
  }

  /// Moves relations to the models of `apps` out of CreateModel/AddField into a second list.
  static func splitRelations(_ operations: [Operation], toApps apps: Set<String>) -> ([Operation], [Operation]) {
    var kept: [Operation] = []
    var moved: [Operation] = []
    let pointsAway = { (field: FieldSchema) in
      field.type.isRelation && apps.contains(String(field.to?.split(separator: ".").first ?? ""))
    }
    for operation in operations {
      switch operation {
      case .createModel(let name, let fields, let options):
        kept.append(.createModel(name: name, fields: fields.filter { !pointsAway($0) }, options: options))
        moved += fields.filter(pointsAway).map { .addField(model: name, field: $0, preserveDefault: true) }
      case .addField(_, let field, _) where pointsAway(field):
        moved.append(operation)
      default:
        kept.append(operation)
      }
    }
    return (kept, moved)
  }

  static func unique(_ keys: [MigrationKey]) -> [MigrationKey] {
    var seen: Set<MigrationKey> = []
    return keys.filter { seen.insert($0).inserted }
  }
}
