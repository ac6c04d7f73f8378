import ManageCore

/// A row as the API shows it: every stored field by name (a foreign key as the related row's
/// key, as Django REST framework does), many-to-many fields as lists of keys, hidden fields left out.
enum RecordJSON {
  static func object(_ instance: ModelInstance, state: SiteState, _ connection: Connection) throws -> ModelValue {
    var object = OrderedDictionary()
    for field in instance.model.fields where !state.isHidden(field, of: instance.model) {
      if field.type == .manyToMany {
        guard let relation = state.schema.relation(named: field.name, from: instance.model), let through = relation.through else { continue }
        let keys = try connection.query(
          "SELECT \(Identifier.quoted(through.targetColumn)) FROM \(Identifier.quoted(through.table)) WHERE \(Identifier.quoted(through.holderColumn)) = ? ORDER BY 1",
          [try instance.pk.sqlValue(for: instance.primaryKeyField)])
        object[field.name] = .list(keys.map { ModelValue($0[0]) })
      } else {
        object[field.name] = instance.values[field.name] ?? .null
      }
    }
    return .dict(object)
  }
}
