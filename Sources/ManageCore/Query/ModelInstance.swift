/// One row of a model, fetched or about to be saved: Django's model instance. Values are kept
/// by field name; a foreign key holds the related row's primary key, and the related row
/// itself once `select_related` or an attribute access has fetched it.
///
/// A class, because the shell's `p = Post.objects.get(pk=1); q = p; q.title = "x"` shares one
/// object as Python does.
public final class ModelInstance {
  public let model: ModelSchema
  public var values: [String: ModelValue]
  /// Related rows already fetched, by foreign-key field name.
  public var related: [String: ModelInstance] = [:]
  /// Values added by `annotate()`, in order.
  public var annotations = OrderedDictionary()
  /// Fields only() or defer() left unloaded: read from the database on first use, and left
  /// out of a save() (Django saves only the loaded fields).
  public var deferred: Set<String> = []
  /// Whether the row came from (or has been written to) the database.
  public internal(set) var isStored: Bool

  init(model: ModelSchema, values: [String: ModelValue], isStored: Bool) {
    self.model = model
    self.values = values
    self.isStored = isStored
  }

  /// A new, unsaved instance: `Post(title="x")`. Unknown names are Django's TypeError; fields
  /// not given take their default (Django's rules: "" for text fields, else None).
  public convenience init(model: ModelSchema, assigning pairs: [(String, ModelValue)]) throws {
    var values: [String: ModelValue] = [:]
    for field in model.fields where field.isConcrete {
      if let value = field.default {
        values[field.name] = ModelValue(default: value, field: field)
      } else {
        values[field.name] = field.type.isTextual && !field.null ? .text("") : .null
      }
    }
    self.init(model: model, values: values, isStored: false)
    var unknown: [String] = []
    for (name, value) in pairs {
      do { try set(name, value) } catch let error as QueryError where error.kind == "AttributeError" { unknown.append(name) }
    }
    if !unknown.isEmpty {
      throw QueryError(
        "\(model.name)() got unexpected keyword arguments: " + unknown.map { "'\($0)'" }.joined(separator: ", "),
        hint: "its fields are: " + model.fields.map(\.name).joined(separator: ", "), kind: "TypeError")
    }
  }

  /// The primary key's field.
  public var primaryKeyField: FieldSchema { model.primaryKey ?? FieldSchema(name: "id", type: .auto) }

  /// The primary key's value, `.null` before the first save.
  public var pk: ModelValue {
    get { values[primaryKeyField.name] ?? .null }
    set { values[primaryKeyField.name] = newValue }
  }

  /// The stored field that `name`, `<fk>_id` or `pk` names.
  public func field(named name: String) -> FieldSchema? { model.storedField(named: name) }

  /// Sets a field by name (`title`, `author_id`, `pk`); a foreign key takes the related
  /// row's primary key.
  public func set(_ name: String, _ value: ModelValue) throws {
    if let field = model.field(name), field.type == .manyToMany {
      throw QueryError(
        "Direct assignment to the forward side of a many-to-many set is prohibited. Use \(name).set() instead.",
        kind: "TypeError")
    }
    guard let field = field(named: name) else {
      throw QueryError("'\(model.name)' object has no attribute '\(name)'", kind: "AttributeError")
    }
    values[field.name] = value
    related[field.name] = nil
  }

  /// Sets a foreign key to a related row.
  public func set(_ name: String, instance: ModelInstance) throws {
    guard let field = model.field(name), field.type.isConcreteRelation else {
      throw QueryError("'\(name)' is not a foreign key of \(model.name)", kind: "TypeError")
    }
    guard field.relatedModel?.lowercased() == instance.model.labelLower else {
      throw QueryError(
        "Cannot assign \"<\(instance.model.name): \(instance.model.name) object (\(instance.pk.str))>\": \"\(model.name).\(name)\" must be a \"\(field.relatedModel?.split(separator: ".").last ?? "")\" instance.",
        kind: "ValueError")
    }
    guard !instance.pk.isNull else {
      throw QueryError("save() prohibited to prevent data loss due to unsaved related object '\(name)'.", kind: "ValueError")
    }
    values[field.name] = instance.pk
    related[field.name] = instance
  }

  /// Django's default `__str__`: `Post object (1)`.
  public var displayName: String { "\(model.name) object (\(pk.isNull ? "None" : pk.str))" }

  /// `Post(id=1, title='Hello', …)`: every column and annotation, for the shell.
  public var repr: String {
    var parts: [String] = []
    for field in model.fields where field.isConcrete {
      parts.append("\(field.type.isConcreteRelation ? field.column! : field.name)=\((values[field.name] ?? .null).repr)")
    }
    for (name, value) in annotations.pairs { parts.append("\(name)=\(value.repr)") }
    return "<\(model.name): " + parts.joined(separator: ", ") + ">"
  }
}

extension ModelSchema {
  /// The column-backed field that `name` (`title`), `<fk>_id` (`author_id`) or `pk` names.
  public func storedField(named name: String) -> FieldSchema? {
    if name == "pk" { return primaryKey ?? FieldSchema(name: "id", type: .auto) }
    if let field = field(name), field.isConcrete { return field }
    return fields.first { $0.type.isConcreteRelation && $0.column == name }
  }
}
