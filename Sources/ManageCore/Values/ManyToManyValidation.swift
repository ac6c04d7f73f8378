/// Many-to-many values as every door takes them: a list of the related rows' keys per field
/// (a multiple select in a form, a JSON array in the API, a list of keys in a fixture), each
/// checked to exist, written to the through table after the row itself is saved.
extension RecordValidator {
  /// The keys given per field of `fields`, or errors by field, in the message of Django's
  /// ModelMultipleChoiceField. A field not given is left out.
  public func cleanManyToMany(_ given: [String: [ModelValue]], fields: [FieldSchema], _ connection: Connection) throws -> Result<[(FieldSchema, [SQLValue])], ValidationFailure> {
    var errors: Errors = [:]
    var cleaned: [(FieldSchema, [SQLValue])] = []
    for field in fields where field.type == .manyToMany {
      guard let values = given[field.name], let relation = schema.relation(named: field.name, from: model) else { continue }
      let keyField = relation.to.primaryKey ?? FieldSchema(name: "id", type: .auto)
      var keys: [SQLValue] = []
      for value in values {
        guard let key = try? value.sqlValue(for: keyField),
              try rowsToCome[relation.to.labelLower]?.contains(key) == true
                || QuerySet(model: relation.to, schema: schema).filter("pk", ModelValue(key, field: keyField)).exists(connection)
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
  public func saveManyToMany(_ cleaned: [(FieldSchema, [SQLValue])], for instance: ModelInstance, _ connection: Connection) throws {
    for (field, keys) in cleaned {
      guard let relation = schema.relation(named: field.name, from: model) else { continue }
      try ManyToManyLinks(relation: relation, owner: try instance.pk.sqlValue(for: instance.primaryKeyField)).set(keys, connection)
    }
  }
}
