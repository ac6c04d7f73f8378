import Foundation

/// Checks that span models: relation targets, reverse accessor clashes, column and table
/// clashes, and the fields named by `ordering`, `indexes`, `unique_together` and constraints.
/// Also resolves each relation's `to` into `relatedModel`.
struct SchemaValidator {
  private(set) var models: [ModelSchema]
  private(set) var diagnostics: [CheckMessage] = []
  private var byLabel: [String: Int] = [:]

  init(models: [ModelSchema]) {
    self.models = models
    for (index, model) in models.enumerated() { byLabel[model.labelLower] = index }
  }

  mutating func validate() {
    resolveRelations()
    for index in models.indices { checkModel(models[index]) }
    checkReverseAccessors()
    checkTablesAndNames()
  }

  // MARK: - Relations

  private mutating func resolveRelations() {
    for modelIndex in models.indices {
      let model = models[modelIndex]
      for fieldIndex in model.fields.indices {
        let field = model.fields[fieldIndex]
        guard field.type.isRelation, let target = field.to else { continue }
        let label: String
        if target == "self" {
          label = model.labelLower
        } else if target.contains(".") {
          label = target.lowercased()
        } else {
          label = "\(model.app).\(target)".lowercased()
        }
        if let targetIndex = byLabel[label] {
          models[modelIndex].fields[fieldIndex].relatedModel = models[targetIndex].label
        } else {
          var hint = "Install the app that defines it, or correct the name (Model for this app, app.Model for another)."
          if let guess = Suggestion.closest(to: target, in: models.map { $0.app == model.app ? $0.name : $0.label }) {
            hint = "Did you mean '\(guess)'? " + hint
          }
          report(.error, "fields.E300",
                 "Field defines a relation with model '\(target)', which is either not installed, or is abstract.",
                 hint: hint, object: "\(model.label).\(field.name)", at: field.declaredAt.location)
        }
      }
    }
  }

  private mutating func checkReverseAccessors() {
    // (target label, accessor) → the field that claimed it first.
    var claimed: [String: String] = [:]
    for model in models {
      for field in model.fields where field.type.isRelation {
        guard let target = field.relatedModel, let targetModel = self.model(target) else { continue }
        let accessor = field.relatedName
          ?? (field.type == .oneToOne ? model.name.lowercased() : model.name.lowercased() + "_set")
        if accessor.hasSuffix("+") { continue }
        let fieldLabel = "\(model.label).\(field.name)"
        if targetModel.field(accessor) != nil {
          report(.error, "fields.E302",
                 "Reverse accessor '\(targetModel.name).\(accessor)' for '\(fieldLabel)' clashes with field name '\(targetModel.label).\(accessor)'.",
                 hint: "Rename field '\(targetModel.label).\(accessor)', or add/change a related_name argument to the definition for field '\(fieldLabel)'.",
                 object: fieldLabel, at: field.declaredAt.location)
        }
        let key = "\(target.lowercased())|\(accessor)"
        if let other = claimed[key] {
          report(.error, "fields.E304",
                 "Reverse accessor '\(targetModel.name).\(accessor)' for '\(fieldLabel)' clashes with reverse accessor for '\(other)'.",
                 hint: "Add or change a related_name argument to the definition for '\(fieldLabel)' or '\(other)'.",
                 object: fieldLabel, at: field.declaredAt.location)
        } else {
          claimed[key] = fieldLabel
        }
      }
    }
  }

  // MARK: - One model

  private mutating func checkModel(_ model: ModelSchema) {
    var columns: [String: String] = [:]
    for field in model.fields {
      guard let column = field.column else { continue }
      if let other = columns[column] {
        report(.error, "models.E007", "Field '\(field.name)' has column name '\(column)' that is used by another field.",
               hint: "Specify a 'db_column' for the field (it clashes with '\(other)').", object: model.label,
               at: field.declaredAt.location)
      }
      columns[column] = field.name
    }
    for index in model.indexes {
      checkFieldNames(index.fields, option: "indexes", in: model, at: index.declaredAt.location)
    }
    for group in model.uniqueTogether {
      checkFieldNames(group, option: "unique_together", in: model,
                      at: model.optionLocations["unique_together"] ?? model.declaredAt.location)
    }
    for constraint in model.constraints {
      if case .unique(let fields, _) = constraint.kind {
        checkFieldNames(fields, option: "constraints", in: model, at: constraint.declaredAt.location)
      }
    }
    for item in model.ordering { checkOrdering(item, in: model) }
  }

  private mutating func checkFieldNames(_ names: [String], option: String, in model: ModelSchema, at location: SourceLocation?) {
    for name in names {
      guard let field = model.field(name) ?? model.fields.first(where: { $0.column == name }) else {
        var hint: String? = nil
        if let guess = Suggestion.closest(to: name, in: model.fields.map(\.name)) { hint = "Did you mean '\(guess)'?" }
        report(.error, "models.E012", "'\(option)' refers to the nonexistent field '\(name)'.", hint: hint,
               object: model.label, at: location)
        continue
      }
      if field.type == .manyToMany {
        report(.error, "models.E013",
               "'\(option)' refers to a ManyToManyField '\(name)', but ManyToManyFields are not permitted in '\(option)'.",
               hint: "A many_to_many has no column; list concrete fields only.", object: model.label, at: location)
      }
    }
  }

  private mutating func checkOrdering(_ item: String, in model: ModelSchema) {
    var path = item
    if path == "?" { return }
    if path.hasPrefix("-") || path.hasPrefix("+") { path.removeFirst() }
    var current = model
    let parts = path.components(separatedBy: "__")
    for (position, part) in parts.enumerated() {
      if part == "pk" { return }
      guard let field = current.field(part) ?? current.fields.first(where: { $0.column == part }) else {
        // Transforms such as `__lower` after a field are Django lookups; accept them at the end.
        if position > 0 && position == parts.count - 1 && !current.fields.contains(where: { $0.name == parts[position - 1] }) { return }
        let guess = Suggestion.closest(to: part, in: current.fields.map(\.name))
        report(.error, "models.E015",
               "'ordering' refers to the nonexistent field, related field, or lookup '\(item)'.",
               hint: (guess.map { "Did you mean '\($0)'? " } ?? "") + "Fields of \(current.label): \(current.fields.map(\.name).joined(separator: ", ")).",
               object: model.label, at: model.optionLocations["ordering"] ?? model.declaredAt.location)
        return
      }
      if position < parts.count - 1 {
        guard field.type.isRelation, let target = field.relatedModel, let next = self.model(target) else { return }
        current = next
      }
    }
  }

  // MARK: - Across models

  private mutating func checkTablesAndNames() {
    var tables: [String: [String]] = [:]
    var indexNames: [String: [String]] = [:]
    var constraintNames: [String: [String]] = [:]
    for model in models {
      tables[model.dbTable.lowercased(), default: []].append(model.label)
      for index in model.indexes { if let name = index.name { indexNames[name, default: []].append(model.label) } }
      for constraint in model.constraints { constraintNames[constraint.name, default: []].append(model.label) }
    }
    for model in models {
      if let owners = tables[model.dbTable.lowercased()], owners.count > 1, owners.first == model.label {
        report(.error, "models.E028", "db_table '\(model.dbTable)' is used by multiple models: \(owners.joined(separator: ", ")).",
               hint: "Give each model its own db_table.", object: nil, at: model.declaredAt.location)
      }
    }
    for (name, owners) in indexNames.sorted(by: { $0.key < $1.key }) where owners.count > 1 {
      let label = owners.count == Set(owners).count ? "models.E030" : "models.E029"
      let message = label == "models.E029"
        ? "index name '\(name)' is not unique for model \(owners[0])."
        : "index name '\(name)' is not unique among models: \(owners.joined(separator: ", "))."
      report(.error, label, message, hint: "Give each index its own name.", object: owners[0], at: model(owners[0])?.declaredAt.location)
    }
    for (name, owners) in constraintNames.sorted(by: { $0.key < $1.key }) where owners.count > 1 {
      let label = owners.count == Set(owners).count ? "models.E032" : "models.E031"
      let message = label == "models.E031"
        ? "constraint name '\(name)' is not unique for model \(owners[0])."
        : "constraint name '\(name)' is not unique among models: \(owners.joined(separator: ", "))."
      report(.error, label, message, hint: "Give each constraint its own name.", object: owners[0], at: model(owners[0])?.declaredAt.location)
    }
  }

  // MARK: - Helpers

  private func model(_ label: String) -> ModelSchema? {
    byLabel[label.lowercased()].map { models[$0] }
  }

  private mutating func report(
    _ level: CheckMessage.Level, _ id: String, _ message: String, hint: String? = nil, object: String?,
    at location: SourceLocation?
  ) {
    diagnostics.append(CheckMessage(level, id, message, hint: hint, object: object, at: location))
  }
}
