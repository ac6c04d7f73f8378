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
    try RecordValidator(model: model, schema: state.schema).cleanManyToMany(given, fields: fields, connection)
  }

  /// Makes each field's links exactly the given keys.
  func save(_ cleaned: [(FieldSchema, [SQLValue])], for instance: ModelInstance, _ connection: Connection) throws {
    try RecordValidator(model: model, schema: state.schema).saveManyToMany(cleaned, for: instance, connection)
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
