import ManageCore

extension Interpreter {
  /// Methods of querysets and managers, as Django names them.
  static let querySetMethods = [
    "aggregate", "all", "annotate", "bulk_create", "count", "create", "dates", "datetimes", "defer", "delete",
    "difference", "distinct", "earliest", "exclude", "exists", "explain", "filter", "first", "get", "get_or_create",
    "in_bulk", "intersection", "iterator", "last", "latest", "none", "only", "order_by", "prefetch_related", "reverse",
    "select_related", "union", "update", "update_or_create", "values", "values_list",
  ]
  static let relatedMethods = ["add", "remove", "clear", "set"]
  static let instanceMethods = ["save", "delete", "refresh_from_db"]

  /// `value.name`.
  func attribute(_ value: ShellValue, _ name: String) throws -> ShellValue {
    switch value {
    case .model(let model):
      switch name {
      case "objects": return .manager(model)
      case "DoesNotExist", "MultipleObjectsReturned": return .exceptionClass("\(model.name).\(name)")
      default:
        throw attributeError("type object '\(model.name)'", name, ["objects", "DoesNotExist", "MultipleObjectsReturned"])
      }
    case .manager, .queryset:
      if name == "query" { return .data(.text(try orm { try querySet(value).readableSQL() })) }
      if name == "model", case .queryset(let query) = value { return .model(query.model) }
      guard Self.querySetMethods.contains(name) else {
        throw attributeError("'\(value.typeName)' object", name, Self.querySetMethods)
      }
      return .method(value, name)
    case .related:
      guard Self.querySetMethods.contains(name) || Self.relatedMethods.contains(name) else {
        throw attributeError("'RelatedManager' object", name, Self.querySetMethods + Self.relatedMethods)
      }
      return .method(value, name)
    case .instance(let object):
      return try instanceAttribute(object, name)
    case .namespace(let space):
      return try namespaceAttribute(space, name)
    case .function("datetime"):
      switch name {
      case "date", "datetime", "time", "timedelta": return .function(name)
      case "timezone": return .namespace("datetime.timezone")
      case "now": return .function("now")
      default: throw attributeError("module 'datetime'", name, ["date", "datetime", "time", "timedelta", "timezone"])
      }
    case .data(let data):
      return try dataAttribute(data, name)
    case .dict:
      guard ["keys", "values", "items", "get"].contains(name) else { throw attributeError("'dict' object", name, ["keys", "values", "items", "get"]) }
      return .method(value, name)
    case .list:
      guard ["append", "count", "index"].contains(name) else { throw attributeError("'list' object", name, ["append", "count", "index"]) }
      return .method(value, name)
    case .expression, .aggregate:
      guard name == "desc" || name == "asc" else { throw attributeError("'\(value.typeName)' object", name, ["asc", "desc"]) }
      return .method(value, name)
    case .namedRow(let names, let values):
      guard let index = names.firstIndex(of: name) else { throw attributeError("'Row' object", name, names) }
      return .data(values[index])
    case .q, .tuple, .function, .method, .exceptionClass, .bigInt, .when, .field:
      throw attributeError("'\(value.typeName)' object", name, [])
    }
  }

  func attributeError(_ owner: String, _ name: String, _ choices: [String]) -> PythonError {
    let suggestion = Suggestion.closest(to: name, in: choices)
    return PythonError("AttributeError", "\(owner) has no attribute '\(name)'" + (suggestion.map { ". Did you mean: '\($0)'?" } ?? ""))
  }

  private func namespaceAttribute(_ space: String, _ name: String) throws -> ShellValue {
    switch space {
    case "timezone":
      guard name == "now" else { throw attributeError("module 'django.utils.timezone'", name, ["now"]) }
      return .function("now")
    case "datetime.timezone":
      guard name == "utc" else { throw attributeError("type object 'datetime.timezone'", name, ["utc"]) }
      return .none
    case "models":
      let names = (["Q", "F", "Value", "Count", "Sum", "Avg", "Min", "Max"] + ExpressionBuiltins.names).sorted()
      guard names.contains(name) else { throw attributeError("module 'django.db.models'", name, names) }
      return .function(name)
    case "functions":
      let names = ExpressionBuiltins.functionNames
      guard names.contains(name) else { throw attributeError("module 'django.db.models.functions'", name, names) }
      return .function(name)
    default:
      let models = schema.models(in: space)
      if let model = models.first(where: { $0.name == name }) { return .model(model) }
      throw attributeError("module '\(space).models'", name, models.map(\.name))
    }
  }

  /// The attribute names an instance has, for completion and suggestions.
  func instanceAttributeNames(_ model: ModelSchema) -> [String] {
    var names = ["pk"] + Self.instanceMethods
    for field in model.fields {
      names.append(field.name)
      if field.type.isConcreteRelation { names.append(field.column!) }
    }
    names += schema.reverseRelations(of: model).map(\.accessor)
    return names
  }

  private func instanceAttribute(_ object: ModelInstance, _ name: String) throws -> ShellValue {
    if Self.instanceMethods.contains(name) { return .method(.instance(object), name) }
    if name == "pk" { return .data(object.pk) }
    if let value = object.annotations[name] { return .data(value) }
    if let field = object.model.field(name) {
      if object.deferred.contains(field.name) {
        _ = try orm { try QuerySet.loadDeferred(field.name, of: object, schema: schema, connection) }
      }
      switch field.type {
      case .manyToMany:
        let relation = schema.relation(named: name, from: object.model)!
        return .related(try relatedSet(object, relation))
      case .foreignKey, .oneToOne:
        if let cached = object.related[name] { return .instance(cached) }
        let key = object.values[name] ?? .null
        if key.isNull { return .none }
        let target = schema.model(field.relatedModel!)!
        let found = try orm { try QuerySet(model: target, schema: schema).filter("pk", key).get(connection) }
        guard case .instance(let related) = found else { return .none }
        object.related[name] = related
        return .instance(related)
      default:
        return .data(object.values[name] ?? .null)
      }
    }
    if let field = object.model.fields.first(where: { $0.type.isConcreteRelation && $0.column == name }) {
      if object.deferred.contains(field.name) {
        _ = try orm { try QuerySet.loadDeferred(field.name, of: object, schema: schema, connection) }
      }
      return .data(object.values[field.name] ?? .null)
    }
    if let reverse = schema.reverseRelations(of: object.model).first(where: { $0.accessor == name }) {
      if reverse.relation.field.type == .oneToOne {
        let query = try orm { try QuerySet(model: reverse.relation.holder, schema: schema).filter(reverse.relation.field.name, object.pk) }
        guard let row = try orm({ try query.first(connection) }), case .instance(let related) = row else {
          throw PythonError(
            "\(object.model.name).\(reverse.relation.holder.name.lowercased()).RelatedObjectDoesNotExist",
            "\(object.model.name) has no \(name).")
        }
        return .instance(related)
      }
      return .related(try relatedSet(object, reverse.relation))
    }
    throw attributeError("'\(object.model.name)' object", name, instanceAttributeNames(object.model))
  }

  /// The related manager for `relation` seen from `object`.
  func relatedSet(_ object: ModelInstance, _ relation: Relation) throws -> RelatedSet {
    guard !object.pk.isNull else {
      throw PythonError(
        "ValueError",
        "\"\(object.displayName)\" needs to have a value for field \"id\" before this relationship can be used.")
    }
    var query: QuerySet
    switch relation.kind {
    case .reverse, .reverseManyToMany:
      query = try orm { try QuerySet(model: relation.holder, schema: schema).filter(relation.field.name, object.pk) }
    case .manyToMany:
      let reverseName = relation.field.relatedName ?? relation.holder.name.lowercased()
      query = try orm { try QuerySet(model: relation.to, schema: schema).filter(reverseName, object.pk) }
    case .forward:
      throw PythonError("TypeError", "a foreign key has no related manager")
    }
    return RelatedSet(owner: object, relation: relation, query: query)
  }

  private func dataAttribute(_ data: ModelValue, _ name: String) throws -> ShellValue {
    switch data {
    case .date(let date):
      switch name {
      case "year": return .data(.int(Int64(date.year)))
      case "month": return .data(.int(Int64(date.month)))
      case "day": return .data(.int(Int64(date.day)))
      case "isoformat", "weekday": return .method(.data(data), name)
      default: throw attributeError("'datetime.date' object", name, ["year", "month", "day", "isoformat", "weekday"])
      }
    case .datetime(let moment):
      switch name {
      case "year": return .data(.int(Int64(moment.date.year)))
      case "month": return .data(.int(Int64(moment.date.month)))
      case "day": return .data(.int(Int64(moment.date.day)))
      case "hour": return .data(.int(Int64(moment.time.hour)))
      case "minute": return .data(.int(Int64(moment.time.minute)))
      case "second": return .data(.int(Int64(moment.time.second)))
      case "microsecond": return .data(.int(Int64(moment.time.microsecond)))
      case "date", "time", "isoformat", "weekday": return .method(.data(data), name)
      default:
        throw attributeError("'datetime.datetime' object", name, ["year", "month", "day", "hour", "minute", "second", "date", "time", "isoformat"])
      }
    case .duration(let micro):
      switch name {
      case "days": return .data(.int(micro >= 0 ? micro / 86_400_000_000 : (micro - 86_399_999_999) / 86_400_000_000))
      case "total_seconds": return .method(.data(data), name)
      default: throw attributeError("'datetime.timedelta' object", name, ["days", "total_seconds"])
      }
    case .text:
      let methods = ["upper", "lower", "strip", "startswith", "endswith", "replace", "split", "join", "title", "count"]
      guard methods.contains(name) else { throw attributeError("'str' object", name, methods) }
      return .method(.data(data), name)
    case .dict:
      guard ["keys", "values", "items", "get"].contains(name) else { throw attributeError("'dict' object", name, ["keys", "values", "items", "get"]) }
      return .method(.data(data), name)
    case .uuid(let uuid):
      guard name == "hex" else { throw attributeError("'UUID' object", name, ["hex"]) }
      return .data(.text(uuid.uuidString.replacingOccurrences(of: "-", with: "").lowercased()))
    default:
      throw attributeError("'\(data.typeName)' object", name, [])
    }
  }
}
