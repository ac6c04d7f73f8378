import ManageCore

/// Folds a list of operations into a shorter equivalent one, with Django's reductions:
/// CreateModel absorbs later field, option, index and constraint changes to its model;
/// CreateModel + DeleteModel and AddField + RemoveField cancel; AddField absorbs AlterField
/// and RenameField; consecutive AlterField/AlterModelTable/… keep the last; renames chain.
///
/// An operation may be folded into a later one only across operations that do not touch the
/// same model (or point at it), as in Django's `MigrationOptimizer`.
public enum Optimizer {
  public static func optimize(_ operations: [Operation], app: String = "") -> [Operation] {
    var current = operations
    while true {
      let next = pass(current, app: app)
      if next == current { return current }
      current = next
    }
  }

  /// One reduction, Django's `optimize_inner`: the result goes where the later operation was
  /// (a right reduction) unless something in between touches the first one's model; then it
  /// may go where the first was, if nothing in between touches the second's.
  private static func pass(_ operations: [Operation], app: String) -> [Operation] {
    // Only operations on the same model (under any of its names) reduce, so each operation is
    // tried against those alone, found through an index, and the in-between operations are
    // checked for conflicts only when a reduction is found. Trying every later operation (and
    // testing each for a conflict) made an initial migration of n models cost n² per pass.
    var positions: [String: [Int]] = [:]
    for (index, operation) in operations.enumerated() {
      for name in Set(modelNames(operation).map { $0.lowercased() }) { positions[name, default: []].append(index) }
    }
    for (i, operation) in operations.enumerated() {
      let candidates = Set(Set(modelNames(operation).map { $0.lowercased() }).flatMap { positions[$0] ?? [] }).filter { $0 > i }.sorted()
      for j in candidates {
        let other = operations[j]
        guard let reduced = reduce(operation, other) else { continue }
        let between = Array(operations[(i + 1)..<j])
        var result = Array(operations[..<i])
        if !between.contains(where: { conflicts(operation, $0) }) {
          result += between + reduced
        } else if between.allSatisfy({ !conflicts($0, other) }) {
          result += reduced + between
        } else {
          break
        }
        result += operations[(j + 1)...]
        return result
      }
    }
    return operations
  }

  /// Whether `second` touches what `first` is about, so their order matters.
  static func conflicts(_ first: Operation, _ second: Operation) -> Bool {
    if case .runSQL = first { return true }
    if case .runSQL = second { return true }
    for name in modelNames(first) where second.references(model: name, app: "") || touches(second, name) { return true }
    for name in modelNames(second) where first.references(model: name, app: "") || touches(first, name) { return true }
    return false
  }

  private static func modelNames(_ operation: Operation) -> [String] {
    if case .renameModel(let old, let new) = operation { return [old, new] }
    return operation.modelName.map { [$0] } ?? []
  }

  /// Whether `operation` involves `model` by name, including relations to it by any app.
  private static func touches(_ operation: Operation, _ model: String) -> Bool {
    let lowered = model.lowercased()
    func pointsAt(_ field: FieldSchema) -> Bool {
      guard let to = field.to?.lowercased() else { return false }
      return to == lowered || to.hasSuffix("." + lowered)
    }
    switch operation {
    case .createModel(_, let fields, _): return fields.contains(where: pointsAt)
    case .addField(_, let field, _), .alterField(_, let field, _): return pointsAt(field)
    default: return false
    }
  }

  /// The operations replacing `first` followed by `second`, or nil when they do not combine.
  static func reduce(_ first: Operation, _ second: Operation) -> [Operation]? {
    switch (first, second) {
    case (.createModel(let name, let fields, var options), _):
      guard second.modelName?.lowercased() == name.lowercased() || isRename(second, of: name) else { return nil }
      switch second {
      case .deleteModel:
        return []
      case .renameModel(_, let newName):
        return [.createModel(name: newName, fields: fields, options: options)]
      case .alterModelTable(_, let table):
        options.dbTable = table
        return [.createModel(name: name, fields: fields, options: options)]
      case .alterModelOptions(_, let ordering, let verboseName, let plural):
        options.ordering = ordering
        options.verboseName = verboseName
        options.verboseNamePlural = plural
        return [.createModel(name: name, fields: fields, options: options)]
      case .alterUniqueTogether(_, let groups):
        options.uniqueTogether = groups
        return [.createModel(name: name, fields: fields, options: options)]
      case .addField(_, let field, let preserve) where preserve:
        return [.createModel(name: name, fields: fields + [field], options: options)]
      case .alterField(_, let field, let preserve) where preserve:
        return [.createModel(name: name, fields: fields.map { $0.name == field.name ? field : $0 }, options: options)]
      case .removeField(_, let fieldName):
        options.uniqueTogether = options.uniqueTogether.filter { !$0.contains(fieldName) }
        options.indexes = options.indexes.filter { !$0.fields.contains(fieldName) }
        options.ordering = options.ordering.filter { $0 != fieldName && $0 != "-" + fieldName }
        return [.createModel(name: name, fields: fields.filter { $0.name != fieldName }, options: options)]
      case .renameField(_, let old, let new):
        let rename = { (names: [String]) in names.map { $0 == old ? new : $0 } }
        options.uniqueTogether = options.uniqueTogether.map(rename)
        for index in options.indexes.indices { options.indexes[index].fields = rename(options.indexes[index].fields) }
        return [.createModel(name: name, fields: fields.map { field in
          var field = field
          if field.name == old { field.name = new }
          return field
        }, options: options)]
      case .addIndex(_, let index):
        options.indexes.append(index)
        return [.createModel(name: name, fields: fields, options: options)]
      case .removeIndex(_, let indexName):
        options.indexes.removeAll { $0.name == indexName }
        return [.createModel(name: name, fields: fields, options: options)]
      case .addConstraint(_, let constraint):
        options.constraints.append(constraint)
        return [.createModel(name: name, fields: fields, options: options)]
      case .removeConstraint(_, let constraintName):
        options.constraints.removeAll { $0.name == constraintName }
        return [.createModel(name: name, fields: fields, options: options)]
      default:
        return nil
      }

    case (.addField(let model, let field, let preserve), .alterField(let otherModel, let newField, true))
    where same(model, otherModel) && field.name == newField.name && preserve:
      return [.addField(model: model, field: newField, preserveDefault: true)]
    case (.addField(let model, let field, _), .removeField(let otherModel, let name))
    where same(model, otherModel) && field.name == name:
      return []
    case (.addField(let model, var field, let preserve), .renameField(let otherModel, let old, let new))
    where same(model, otherModel) && field.name == old:
      field.name = new
      return [.addField(model: model, field: field, preserveDefault: preserve)]
    case (.alterField(let model, let field, _), .alterField(let otherModel, let newField, _))
    where same(model, otherModel) && field.name == newField.name:
      return [second]
    case (.alterField(let model, let field, _), .removeField(let otherModel, let name))
    where same(model, otherModel) && field.name == name:
      return [second]
    case (.renameField(let model, let a, let b), .renameField(let otherModel, let c, let d))
    where same(model, otherModel) && b == c:
      return a == d ? [] : [.renameField(model: model, oldName: a, newName: d)]
    case (.renameModel(let a, let b), .renameModel(let c, let d)) where same(b, c):
      return same(a, d) ? [] : [.renameModel(oldName: a, newName: d)]
    case (.alterModelTable(let model, _), .alterModelTable(let otherModel, _)) where same(model, otherModel):
      return [second]
    case (.alterModelOptions(let model, _, _, _), .alterModelOptions(let otherModel, _, _, _)) where same(model, otherModel):
      return [second]
    case (.alterUniqueTogether(let model, _), .alterUniqueTogether(let otherModel, _)) where same(model, otherModel):
      return [second]
    case (.addIndex(let model, let index), .removeIndex(let otherModel, let name)) where same(model, otherModel) && index.name == name:
      return []
    case (.addConstraint(let model, let constraint), .removeConstraint(let otherModel, let name))
    where same(model, otherModel) && constraint.name == name:
      return []
    default:
      return nil
    }
  }

  private static func same(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }

  private static func isRename(_ operation: Operation, of name: String) -> Bool {
    if case .renameModel(let old, _) = operation { return same(old, name) }
    return false
  }
}
