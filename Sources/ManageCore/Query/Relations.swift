/// The relations between models as queries walk them: forward foreign keys and one-to-ones,
/// many-to-many fields in both directions, and the reverse side of foreign keys.
public struct Relation: Sendable {
  public enum Kind: Sendable {
    /// A foreign key or one-to-one on `source`, walked from `source` to `target`.
    case forward
    /// The same field walked backwards, from its target to the model that declares it.
    case reverse
    /// A many-to-many field walked from the model that declares it.
    case manyToMany
    /// A many-to-many field walked from its target.
    case reverseManyToMany
  }

  public var kind: Kind
  /// The field that makes the relation, on `holder`.
  public var field: FieldSchema
  /// The model that declares the field.
  public var holder: ModelSchema
  /// The model the walk starts from and the model it reaches.
  public var from: ModelSchema
  public var to: ModelSchema

  /// Whether one row of `from` can reach many rows of `to` (joins multiply rows).
  public var isMultiValued: Bool { kind != .forward }

  /// The through table and its two columns for many-to-many relations.
  public var through: (table: String, holderColumn: String, targetColumn: String)? {
    guard field.type == .manyToMany, let target = field.relatedModel else { return nil }
    let columns = ThroughTable.columns(holder, target: target)
    return (ThroughTable.name(holder, field), columns.from, columns.to)
  }
}

/// The default names of a many-to-many field's through table and its columns, shared by the
/// schema editor (which creates them) and the query layer (which joins them).
public enum ThroughTable {
  public static func name(_ model: ModelSchema, _ field: FieldSchema) -> String {
    field.dbTable ?? "\(model.dbTable)_\(field.name)"
  }

  /// `<model>_id` and `<target>_id`, or `from_`/`to_` prefixed when the relation points at its
  /// own model.
  public static func columns(_ model: ModelSchema, target: String) -> (from: String, to: String) {
    let source = model.name.lowercased()
    let targetName = String(target.split(separator: ".").last ?? Substring(target)).lowercased()
    if source == targetName { return ("from_\(source)_id", "to_\(targetName)_id") }
    return ("\(source)_id", "\(targetName)_id")
  }
}

extension ProjectSchema {
  /// The relation named `name` when walking from `model`: one of its relation fields, or the
  /// reverse side of another model's field by its query name (`related_name`, else the
  /// declaring model's name in lower case).
  public func relation(named name: String, from model: ModelSchema) -> Relation? {
    if let field = model.field(name), field.type.isRelation,
      let target = field.relatedModel.flatMap(self.model)
    {
      return Relation(kind: field.type == .manyToMany ? .manyToMany : .forward, field: field, holder: model, from: model, to: target)
    }
    return reverseRelations(of: model).first { $0.queryName == name }?.relation
  }

  /// Every relation other models declare towards `model`, with the name queries use for it.
  public func reverseRelations(of model: ModelSchema) -> [(queryName: String, accessor: String, relation: Relation)] {
    var result: [(String, String, Relation)] = []
    for holder in models {
      for field in holder.fields where field.type.isRelation && field.relatedModel?.lowercased() == model.labelLower {
        if field.relatedName?.hasSuffix("+") == true { continue }
        let queryName = field.relatedName ?? holder.name.lowercased()
        let accessor = field.relatedName ?? (field.type == .oneToOne ? holder.name.lowercased() : holder.name.lowercased() + "_set")
        let kind: Relation.Kind = field.type == .manyToMany ? .reverseManyToMany : .reverse
        result.append((queryName, accessor, Relation(kind: kind, field: field, holder: holder, from: model, to: holder)))
      }
    }
    return result
  }

  /// The field a relation's values are typed as: the target's primary key, as a plain
  /// integer when it is an auto field (a foreign key holds the number, not a new id).
  public func keyField(referencedBy field: FieldSchema) -> FieldSchema {
    var key = field.relatedModel.flatMap(model)?.primaryKey ?? FieldSchema(name: "id", type: .integer)
    if key.type.isAutoIncrement { key.type = .integer }
    return key
  }

  /// The names a query on `model` can use: fields, then reverse relations, sorted as Django's
  /// FieldError lists them.
  public func queryNames(of model: ModelSchema) -> [String] {
    (model.fields.map(\.name) + reverseRelations(of: model).map(\.queryName)).sorted()
  }
}
