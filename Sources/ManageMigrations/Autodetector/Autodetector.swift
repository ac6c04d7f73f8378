import ManageCore

/// Compares the state the migrations leave with the state models.yaml describes and says,
/// per app, which operations take one to the other (Django's `MigrationAutodetector`).
public struct Autodetector {
  let from: ProjectState
  let to: ProjectState
  let questioner: any Questioner

  /// Operations per app, in an order that applies cleanly.
  public private(set) var operations: [String: [Operation]] = [:]
  /// Models each app's new operations need from other apps (to become migration dependencies).
  public private(set) var externalModels: [String: Set<String>] = [:]

  public init(from: ProjectState, to: ProjectState, questioner: any Questioner) {
    self.from = from
    self.to = to
    self.questioner = questioner
  }

  /// Works out the changes. Throws when a question cannot be answered (exit 3).
  public mutating func detect() throws {
    var buckets: [String: Buckets] = [:]
    let oldKeys = Set(from.models.keys)
    let newKeys = Set(to.models.keys)
    var added = newKeys.subtracting(oldKeys).sorted()
    var removed = oldKeys.subtracting(newKeys).sorted()

    // Renamed models: an added and a removed model of one app with the same fields.
    var renamedTo: [String: String] = [:]  // new key -> old key
    for newKey in added {
      let new = to.models[newKey]!
      for oldKey in removed {
        let old = from.models[oldKey]!
        guard old.app == new.app, Self.sameFields(old, new) else { continue }
        if try questioner.askRenameModel(app: old.app, old: old.name, new: new.name) {
          buckets[new.app, default: Buckets()].renameModels.append(.renameModel(oldName: old.name, newName: new.name))
          if old.dbTable != ModelSchema.defaultTable(app: old.app, model: old.name) || new.dbTable != ModelSchema.defaultTable(app: new.app, model: new.name),
            old.dbTable != new.dbTable
          {
            buckets[new.app, default: Buckets()].options.append(.alterModelTable(name: new.name, table: new.dbTable))
          }
          renamedTo[newKey] = oldKey
          removed.removeAll { $0 == oldKey }
          break
        }
      }
    }
    added.removeAll { renamedTo[$0] != nil }

    // Deleted models.
    for key in removed {
      let model = from.models[key]!
      buckets[model.app, default: Buckets()].deleteModels.append(.deleteModel(name: model.name))
    }

    // Created models, those another new model of the app points at first.
    let createdByApp = Dictionary(grouping: added.map { to.models[$0]! }, by: \.app)
    for (app, models) in createdByApp {
      let (ordered, deferred) = Self.creationOrder(models)
      for model in ordered {
        let fields = model.fields.filter { field in !deferred.contains { $0.model == model.name && $0.field.name == field.name } }
        buckets[app, default: Buckets()].createModels.append(
          .createModel(name: model.name, fields: fields, options: ModelOptions(of: model)))
        noteExternal(app: app, fields: fields)
      }
      for (modelName, field) in deferred {
        buckets[app, default: Buckets()].addFields.append(.addField(model: modelName, field: field, preserveDefault: true))
      }
    }

    // Models on both sides.
    for key in newKeys.intersection(oldKeys).sorted() + renamedTo.keys.sorted() {
      let new = to.models[key]!
      var old = from.models[renamedTo[key] ?? key]!
      if renamedTo[key] != nil {
        old.name = new.name
        old.dbTable = new.dbTable
      }
      try compare(old: old, new: new, into: &buckets[new.app, default: Buckets()])
    }

    for (app, bucket) in buckets {
      let list = bucket.ordered
      if !list.isEmpty { operations[app] = list }
    }
  }

  // MARK: - One model

  private mutating func compare(old: ModelSchema, new: ModelSchema, into bucket: inout Buckets) throws {
    var oldFields = old.fields
    let oldNames = Set(old.fields.map(\.name))
    let newNames = Set(new.fields.map(\.name))
    var addedNames = new.fields.map(\.name).filter { !oldNames.contains($0) }
    var removedNames = old.fields.map(\.name).filter { !newNames.contains($0) }

    // Renamed fields: same definition under a new name.
    for name in addedNames {
      let field = new.field(name)!
      for oldName in removedNames {
        var candidate = old.field(oldName)!
        candidate.name = name
        if candidate.dbColumn == nil && field.dbColumn == oldName { candidate.dbColumn = oldName }
        guard candidate == field else { continue }
        if try questioner.askRenameField(model: new.name, old: oldName, new: name, type: field.type) {
          bucket.renameFields.append(.renameField(model: new.name, oldName: oldName, newName: name))
          removedNames.removeAll { $0 == oldName }
          addedNames.removeAll { $0 == name }
          if let index = oldFields.firstIndex(where: { $0.name == oldName }) { oldFields[index].name = name }
          break
        }
      }
    }

    // Indexes and constraints naming removed fields go before the fields do.
    let oldIndexes = Dictionary(old.indexes.map { ($0.name ?? "", $0) }) { first, _ in first }
    let newIndexes = Dictionary(new.indexes.map { ($0.name ?? "", $0) }) { first, _ in first }
    var renamedIndexes: Set<String> = []
    for (name, index) in newIndexes.sorted(by: { $0.key < $1.key }) where oldIndexes[name] == nil {
      if let (oldName, _) = oldIndexes.sorted(by: { $0.key < $1.key }).first(where: { newIndexes[$0.key] == nil && $0.value.fields == index.fields && !renamedIndexes.contains($0.key) }) {
        renamedIndexes.insert(oldName)
        renamedIndexes.insert(name)
        bucket.addIndexes.append(.renameIndex(model: new.name, oldName: oldName, newName: name))
      }
    }
    for (name, index) in oldIndexes.sorted(by: { $0.key < $1.key }) where !renamedIndexes.contains(name) {
      if newIndexes[name] != index.withRenamedFields(renames(bucket, model: new.name)) {
        bucket.removeIndexes.append(.removeIndex(model: new.name, name: name))
      }
    }
    for (name, index) in newIndexes.sorted(by: { $0.key < $1.key }) where !renamedIndexes.contains(name) {
      if oldIndexes[name]?.withRenamedFields(renames(bucket, model: new.name)) != index {
        bucket.addIndexes.append(.addIndex(model: new.name, index: index))
      }
    }
    let oldConstraints = Dictionary(old.constraints.map { ($0.name, $0) }) { first, _ in first }
    let newConstraints = Dictionary(new.constraints.map { ($0.name, $0) }) { first, _ in first }
    for (name, constraint) in oldConstraints.sorted(by: { $0.key < $1.key }) where newConstraints[name] != constraint {
      bucket.removeIndexes.append(.removeConstraint(model: new.name, name: name))
    }
    for (name, constraint) in newConstraints.sorted(by: { $0.key < $1.key }) where oldConstraints[name] != constraint {
      bucket.addIndexes.append(.addConstraint(model: new.name, constraint: constraint))
    }

    // unique_together: shrink before fields go, set the final groups after they come.
    let renamedGroups = old.uniqueTogether.map { group in group.map { renames(bucket, model: new.name)[$0] ?? $0 } }
    if renamedGroups != new.uniqueTogether {
      let surviving = renamedGroups.filter { group in group.allSatisfy { !removedNames.contains($0) } }
      if surviving.count != renamedGroups.count {
        bucket.removeIndexes.append(.alterUniqueTogether(model: new.name, groups: surviving))
      }
      if surviving != new.uniqueTogether {
        bucket.uniqueTogether.append(.alterUniqueTogether(model: new.name, groups: new.uniqueTogether))
      }
    }

    for name in removedNames {
      bucket.removeFields.append(.removeField(model: new.name, name: name))
    }
    for name in addedNames {
      var field = new.field(name)!
      var preserve = true
      let needsValue = !field.null && field.default == nil && field.type != .manyToMany && !field.type.isAutoIncrement
      if needsValue {
        if field.autoNow || field.autoNowAdd {
          // Django asks for a one-off default here; the current time is the only sensible one.
          field.default = .string("now")
        } else if field.blank && field.type.isTextual {
          // Django fills blank text fields with "" without asking (their empty value).
          field.default = .string("")
        } else {
          field.default = try questioner.askNotNullAddition(model: new.name, field: field)
        }
        preserve = false
      }
      bucket.addFields.append(.addField(model: new.name, field: field, preserveDefault: preserve))
      noteExternal(app: new.app, fields: [field])
    }
    for var field in new.fields where oldNames.contains(field.name) || oldFields.contains(where: { $0.name == field.name }) {
      guard let previous = oldFields.first(where: { $0.name == field.name }), previous != field else { continue }
      if previous.null && !field.null && field.default == nil && field.type != .manyToMany {
        if let value = try questioner.askNotNullAlteration(model: new.name, field: field) {
          field.default = value
          bucket.alterFields.append(.alterField(model: new.name, field: field, preserveDefault: false))
          continue
        }
      }
      bucket.alterFields.append(.alterField(model: new.name, field: field, preserveDefault: true))
      noteExternal(app: new.app, fields: [field])
    }

    if old.dbTable != new.dbTable && !bucket.options.contains(where: { $0.modelName == new.name }) {
      bucket.options.append(.alterModelTable(name: new.name, table: new.dbTable == ModelSchema.defaultTable(app: new.app, model: new.name) ? nil : new.dbTable))
    }
    if old.ordering != new.ordering || old.verboseName != new.verboseName || old.verboseNamePlural != new.verboseNamePlural {
      bucket.options.append(.alterModelOptions(name: new.name, ordering: new.ordering, verboseName: new.verboseName, verboseNamePlural: new.verboseNamePlural))
    }
  }

  /// Field renames already decided for `model`: old name -> new name.
  private func renames(_ bucket: Buckets, model: String) -> [String: String] {
    var result: [String: String] = [:]
    for case .renameField(let name, let old, let new) in bucket.renameFields where name == model { result[old] = new }
    return result
  }

  private mutating func noteExternal(app: String, fields: [FieldSchema]) {
    for field in fields where field.type.isRelation {
      guard let target = field.to, let targetApp = target.split(separator: ".").first.map(String.init), targetApp != app else { continue }
      externalModels[app, default: []].insert(target)
    }
  }

  // MARK: - Helpers

  /// Whether two models have the same fields, names and definitions (a rename candidate).
  static func sameFields(_ old: ModelSchema, _ new: ModelSchema) -> Bool {
    guard old.fields.count == new.fields.count else { return false }
    for (a, b) in zip(old.fields, new.fields) {
      var a = a
      var b = b
      // A relation to itself follows the rename.
      if a.to?.lowercased() == old.labelLower { a.to = nil; a.relatedModel = nil }
      if b.to?.lowercased() == new.labelLower { b.to = nil; b.relatedModel = nil }
      if a != b { return false }
    }
    return true
  }

  /// New models of one app in an order where each comes after the new models it points at;
  /// relations that would close a loop are split out as AddField after every CreateModel.
  static func creationOrder(_ models: [ModelSchema]) -> (ordered: [ModelSchema], deferred: [(model: String, field: FieldSchema)]) {
    // Always the first model by name whose related models are all placed (Kahn's algorithm
    // with the ready models in a heap): linear in models and relations, where scanning the
    // remaining list for each placement was quadratic (6,000 models took minutes).
    let sorted = models.sorted { $0.name.lowercased() < $1.name.lowercased() }
    let position = Dictionary(sorted.enumerated().map { ($1.labelLower, $0) }) { first, _ in first }
    func targets(_ model: ModelSchema) -> Set<Int> {
      Set(model.fields.compactMap { field in
        guard field.type.isRelation, let target = field.to?.lowercased(), target != model.labelLower else { return nil }
        return position[target]
      })
    }
    var waiting = sorted.map { targets($0) }
    var dependents = [[Int]](repeating: [], count: sorted.count)
    for (index, needs) in waiting.enumerated() { for target in needs { dependents[target].append(index) } }
    var ready = MinHeap(waiting.indices.filter { waiting[$0].isEmpty })
    var placed = [Bool](repeating: false, count: sorted.count)
    var ordered: [ModelSchema] = []
    var deferred: [(String, FieldSchema)] = []
    var firstUnplaced = 0
    func place(_ index: Int) {
      placed[index] = true
      ordered.append(sorted[index])
      for dependent in dependents[index] where !placed[dependent] {
        waiting[dependent].remove(index)
        if waiting[dependent].isEmpty { ready.push(dependent) }
      }
    }
    while ordered.count < sorted.count {
      if let index = ready.pop() {
        if !placed[index] { place(index) }
        continue
      }
      // A loop: place the first model, deferring its relations to models not yet placed.
      while placed[firstUnplaced] { firstUnplaced += 1 }
      let model = sorted[firstUnplaced]
      for field in model.fields where field.type.isRelation {
        if let target = field.to?.lowercased(), target != model.labelLower, let other = position[target], !placed[other] {
          deferred.append((model.name, field))
        }
      }
      place(firstUnplaced)
    }
    return (ordered, deferred)
  }
}

/// Indexes, smallest first.
private struct MinHeap {
  private var items: [Int] = []

  init(_ values: [Int]) { for value in values { push(value) } }

  mutating func push(_ value: Int) {
    items.append(value)
    var child = items.count - 1
    while child > 0, items[(child - 1) / 2] > items[child] {
      items.swapAt(child, (child - 1) / 2)
      child = (child - 1) / 2
    }
  }

  mutating func pop() -> Int? {
    guard let first = items.first else { return nil }
    items[0] = items[items.count - 1]
    items.removeLast()
    var parent = 0
    while true {
      let left = parent * 2 + 1, right = left + 1
      var smallest = parent
      if left < items.count, items[left] < items[smallest] { smallest = left }
      if right < items.count, items[right] < items[smallest] { smallest = right }
      if smallest == parent { return first }
      items.swapAt(parent, smallest)
      parent = smallest
    }
  }
}

/// Operations of one app, by kind, put together in an order that always applies.
struct Buckets {
  var renameModels: [Operation] = []
  var renameFields: [Operation] = []
  var removeIndexes: [Operation] = []
  var removeFields: [Operation] = []
  var deleteModels: [Operation] = []
  var createModels: [Operation] = []
  var addFields: [Operation] = []
  var alterFields: [Operation] = []
  var options: [Operation] = []
  var uniqueTogether: [Operation] = []
  var addIndexes: [Operation] = []

  var ordered: [Operation] {
    renameModels + renameFields + removeIndexes + removeFields + deleteModels + createModels + addFields + alterFields
      + options + uniqueTogether + addIndexes
  }
}

extension IndexSchema {
  func withRenamedFields(_ renames: [String: String]) -> IndexSchema {
    var copy = self
    copy.fields = fields.map { renames[$0] ?? $0 }
    return copy
  }
}
