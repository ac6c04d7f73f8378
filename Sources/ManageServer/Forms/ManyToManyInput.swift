import ManageCore

/// Many-to-many fields as the admin and the API take them: a list of the related rows' keys
/// (a multiple select in a form, a JSON array in the API), each checked to exist, then written
/// to the through table after the row itself is saved.
struct ManyToManyInput {
  let model: ModelSchema
  let state: SiteState

  /// The model's many-to-many fields that may be set.
  var fields: [FieldSchema] { model.fields.filter { $0.type == .manyToMany && !state.isHidden($0, of: model) } }

  /// The keys given per field, or errors by field. A field not given is left out (a form posts
  /// every field it shows, so its caller passes an empty list for "none ticked").
  func clean(_ given: [String: [ModelValue]], _ connection: Connection) throws -> Result<[(FieldSchema, [SQLValue])], ValidationFailure> {
    var errors: RecordValidator.Errors = [:]
    var cleaned: [(FieldSchema, [SQLValue])] = []
    for field in fields {
      guard let values = given[field.name] else { continue }
      guard let relation = state.schema.relation(named: field.name, from: model) else { continue }
      let keyField = relation.to.primaryKey ?? FieldSchema(name: "id", type: .auto)
      var keys: [SQLValue] = []
      for value in values {
        guard let key = try? value.sqlValue(for: keyField),
              try QuerySet(model: relation.to, schema: state.schema).filter("pk", ModelValue(key, field: keyField)).exists(connection)
        else {
          errors[field.name, default: []].append("Select a valid choice. \(value.str) is not one of the available choices.")
          continue
        }
        if !keys.contains(key) { keys.append(key) }
      }
      cleaned.append((field, keys))
    }
    return errors.isEmpty ? .success(cleaned) : .failure(ValidationFailure(errors: errors))
  }

  /// Makes each field's links exactly the given keys.
  func save(_ cleaned: [(FieldSchema, [SQLValue])], for instance: ModelInstance, _ connection: Connection) throws {
    for (field, keys) in cleaned {
      guard let relation = state.schema.relation(named: field.name, from: model) else { continue }
      try ManyToManyLinks(relation: relation, owner: try instance.pk.sqlValue(for: instance.primaryKeyField)).set(keys, connection)
    }
  }

  /// The keys a row links to now, per field name.
  func current(_ instance: ModelInstance, _ connection: Connection) throws -> [String: [String]] {
    var result: [String: [String]] = [:]
    for field in fields {
      guard let relation = state.schema.relation(named: field.name, from: model) else { continue }
      result[field.name] = try ManyToManyLinks(relation: relation, owner: try instance.pk.sqlValue(for: instance.primaryKeyField))
        .keys(connection).map { ModelValue($0).str }
    }
    return result
  }
}
