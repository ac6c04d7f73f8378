/// One field of a model as declared in models.yaml, with Django's options.
public struct FieldSchema: Sendable, Hashable {
  public var name: String
  public var type: FieldType
  public var null = false
  public var blank = false
  /// The default value, or nil when the field has none (distinct from `default: null`).
  public var `default`: FieldValue?
  public var unique = false
  public var dbIndex = false
  public var dbColumn: String?
  public var maxLength: Int?
  public var choices: [Choice]?
  public var primaryKey = false
  public var onDelete: OnDelete?
  public var relatedName: String?
  /// The related model as written (`Tag`, `auth.User`); resolved by the registry.
  public var to: String?
  /// The related model's label (`blog.Tag`) once the registry has resolved `to`.
  public var relatedModel: String?
  /// An explicit through table for `many_to_many` (its `db_table`).
  public var dbTable: String?
  public var autoNow = false
  public var autoNowAdd = false
  public var maxDigits: Int?
  public var decimalPlaces: Int?
  public var verboseName: String?
  public var helpText: String?
  /// Where the field is declared; ignored by `==`.
  public var declaredAt = DeclaredAt(nil)

  public init(name: String, type: FieldType) {
    self.name = name
    self.type = type
  }

  /// The column name: `db_column`, else the name with `_id` added for a foreign key.
  public var column: String? {
    if type == .manyToMany { return nil }
    if let dbColumn { return dbColumn }
    return type.isConcreteRelation ? name + "_id" : name
  }

  /// The declared or type-implied `max_length`.
  public var effectiveMaxLength: Int? { maxLength ?? type.defaultMaxLength }

  /// Whether the field is stored as a column of its model's table.
  public var isConcrete: Bool { type != .manyToMany }
}
