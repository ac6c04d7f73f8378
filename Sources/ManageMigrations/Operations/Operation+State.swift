import ManageCore

/// `state_forwards`: what each operation does to the project state.
extension Operation {
  public func stateForwards(app: String, _ state: inout ProjectState) throws {
    switch self {
    case .createModel(let name, let fields, let options):
      var model = ModelSchema(app: app, name: name, fields: fields, dbTable: options.dbTable)
      model.ordering = options.ordering
      model.indexes = options.indexes
      model.uniqueTogether = options.uniqueTogether
      model.constraints = options.constraints
      model.verboseName = options.verboseName
      model.verboseNamePlural = options.verboseNamePlural
      state.add(model)

    case .deleteModel(let name):
      guard state.model(app, name) != nil else { throw MigrationError.noSuchModel(app: app, name: name) }
      state.remove(app, name)

    case .renameModel(let oldName, let newName):
      guard var model = state.model(app, oldName) else { throw MigrationError.noSuchModel(app: app, name: oldName) }
      let renamedDefaultTable = model.dbTable == ModelSchema.defaultTable(app: app, model: oldName)
      state.remove(app, oldName)
      model.name = newName
      if renamedDefaultTable { model.dbTable = ModelSchema.defaultTable(app: app, model: newName) }
      for index in model.fields.indices where model.fields[index].to?.lowercased() == "\(app).\(oldName)".lowercased() {
        model.fields[index].to = "\(app).\(newName)"
      }
      state.add(model)
      state.retarget(from: "\(app).\(oldName)", to: "\(app).\(newName)")

    case .alterModelTable(let name, let table):
      try state.update(app, name) { $0.dbTable = table ?? ModelSchema.defaultTable(app: app, model: $0.name) }

    case .alterModelOptions(let name, let ordering, let verboseName, let verboseNamePlural):
      try state.update(app, name) {
        $0.ordering = ordering
        $0.verboseName = verboseName
        $0.verboseNamePlural = verboseNamePlural
      }

    case .addField(let model, var field, let preserveDefault):
      if !preserveDefault { field.default = nil }
      field.relatedModel = field.to
      try state.update(app, model) { schema in
        guard schema.field(field.name) == nil else {
          throw MigrationError("field \(field.name) already exists on \(schema.label)",
                               hint: "A migration adds the same field twice; check the app's migration files.")
        }
        schema.fields.append(field)
      }

    case .removeField(let model, let name):
      try state.update(app, model) { schema in
        guard let index = schema.fields.firstIndex(where: { $0.name == name }) else {
          throw MigrationError.noSuchField(model: schema.label, name: name)
        }
        schema.fields.remove(at: index)
      }

    case .alterField(let model, var field, let preserveDefault):
      if !preserveDefault { field.default = nil }
      field.relatedModel = field.to
      try state.update(app, model) { schema in
        guard let index = schema.fields.firstIndex(where: { $0.name == field.name }) else {
          throw MigrationError.noSuchField(model: schema.label, name: field.name)
        }
        schema.fields[index] = field
      }

    case .renameField(let model, let oldName, let newName):
      try state.update(app, model) { schema in
        guard let index = schema.fields.firstIndex(where: { $0.name == oldName }) else {
          throw MigrationError.noSuchField(model: schema.label, name: oldName)
        }
        schema.fields[index].name = newName
        let rename = { (names: [String]) in names.map { $0 == oldName ? newName : $0 } }
        schema.uniqueTogether = schema.uniqueTogether.map(rename)
        for position in schema.indexes.indices { schema.indexes[position].fields = rename(schema.indexes[position].fields) }
        schema.ordering = schema.ordering.map { item in
          let descending = item.hasPrefix("-")
          let bare = descending ? String(item.dropFirst()) : item
          return bare == oldName ? (descending ? "-" : "") + newName : item
        }
        for position in schema.constraints.indices {
          if case .unique(let fields, let condition) = schema.constraints[position].kind {
            schema.constraints[position].kind = .unique(fields: rename(fields), condition: condition)
          }
        }
      }

    case .addIndex(let model, let index):
      try state.update(app, model) { $0.indexes.append(index) }

    case .removeIndex(let model, let name):
      try state.update(app, model) { $0.indexes.removeAll { $0.name == name } }

    case .renameIndex(let model, let oldName, let newName):
      try state.update(app, model) { schema in
        for position in schema.indexes.indices where schema.indexes[position].name == oldName {
          schema.indexes[position].name = newName
        }
      }

    case .addConstraint(let model, let constraint):
      try state.update(app, model) { $0.constraints.append(constraint) }

    case .removeConstraint(let model, let name):
      try state.update(app, model) { $0.constraints.removeAll { $0.name == name } }

    case .alterUniqueTogether(let model, let groups):
      try state.update(app, model) { $0.uniqueTogether = groups }

    case .runSQL:
      break
    }
  }
}
