import ManageCore

/// An OpenAPI 3.1 document for the API, made from the models: a schema per model (types,
/// formats, max lengths, enums, nullability, read-only keys) and the list, create, retrieve,
/// update and delete operations with their parameters.
enum OpenAPIDocument {
  static func make(_ state: SiteState) -> ModelValue {
    var paths = OrderedDictionary()
    var schemas = OrderedDictionary()
    let errors = object([("type", .text("object")), ("properties", object([("errors", object([
      ("type", .text("object")), ("additionalProperties", object([("type", .text("array")), ("items", object([("type", .text("string"))]))])),
    ]))]))])
    schemas["ValidationErrors"] = errors
    for model in state.servedModels {
      let name = model.app.prefix(1).uppercased() + model.app.dropFirst() + model.name
      schemas[name] = schema(model, state)
      let reference = object([("$ref", .text("#/components/schemas/\(name)"))])
      let path = "/api/\(model.app)/\(model.name.lowercased())/"
      let filters: [ModelValue] = model.fields.filter { $0.isConcrete && !state.isHidden($0, of: model) }.map { field in
        object([("name", .text(field.type.isConcreteRelation ? field.name : field.name)), ("in", .text("query")), ("required", .bool(false)),
                ("description", .text("Exact match; Django lookups also work, e.g. \(field.name)__in, \(field.name)__gte.")),
                ("schema", object([("type", .text("string"))]))])
      } + ["ordering", "search", "page", "page_size"].map { parameter in
        object([("name", .text(parameter)), ("in", .text("query")), ("required", .bool(false)), ("schema", object([("type", .text(parameter.hasPrefix("page") ? "integer" : "string"))]))])
      }
      let page = object([("type", .text("object")), ("properties", object([
        ("count", object([("type", .text("integer"))])), ("next", object([("type", .list([.text("string"), .text("null")]))])),
        ("previous", object([("type", .list([.text("string"), .text("null")]))])), ("results", object([("type", .text("array")), ("items", reference)])),
      ]))])
      let body = object([("required", .bool(true)), ("content", object([("application/json", object([("schema", reference)]))]))])
      let invalid = object([("description", .text("Validation errors")), ("content", object([("application/json", object([("schema", object([("$ref", .text("#/components/schemas/ValidationErrors"))]))]))]))])
      func ok(_ description: String, _ schema: ModelValue) -> ModelValue {
        object([("description", .text(description)), ("content", object([("application/json", object([("schema", schema)]))]))])
      }
      let label = model.readableNamePlural
      paths[path] = object([
        ("get", object([("operationId", .text("list\(name)")), ("summary", .text("List \(label)")), ("parameters", .list(filters)), ("responses", object([("200", ok("A page of \(label)", page)), ("400", invalid)]))])),
        ("post", object([("operationId", .text("create\(name)")), ("summary", .text("Create a \(model.readableName)")), ("requestBody", body), ("responses", object([("201", ok("Created", reference)), ("400", invalid)]))])),
      ])
      let key = object([("name", .text("pk")), ("in", .text("path")), ("required", .bool(true)), ("schema", object([("type", .text("string"))]))])
      paths[path + "{pk}/"] = object([
        ("parameters", .list([key])),
        ("get", object([("operationId", .text("retrieve\(name)")), ("responses", object([("200", ok("The \(model.readableName)", reference)), ("404", object([("description", .text("Not found"))]))]))])),
        ("put", object([("operationId", .text("update\(name)")), ("requestBody", body), ("responses", object([("200", ok("Updated", reference)), ("400", invalid)]))])),
        ("patch", object([("operationId", .text("partialUpdate\(name)")), ("requestBody", body), ("responses", object([("200", ok("Updated", reference)), ("400", invalid)]))])),
        ("delete", object([("operationId", .text("destroy\(name)")), ("responses", object([("204", object([("description", .text("Deleted"))])), ("409", object([("description", .text("Protected by another row"))]))]))])),
      ])
    }
    if state.isInstalled("jobs") {
      paths["/api/jobs/"] = object([("post", object([
        ("operationId", .text("enqueueJob")), ("summary", .text("Put a job for a declared task on the queue")),
        ("requestBody", object([("required", .bool(true)), ("content", object([("application/json", object([("schema", object([
          ("type", .text("object")), ("required", .list([.text("task")])),
          ("properties", object([("task", object([("type", .text("string"))])), ("payload", object([("type", .text("object"))])),
                                 ("queue", object([("type", .text("string"))])), ("priority", object([("type", .text("integer"))])),
                                 ("unique_key", object([("type", .text("string"))]))])),
        ]))]))]))])),
        ("responses", object([("202", object([("description", .text("Queued"))])), ("400", object([("description", .text("Unknown task or bad payload"))]))])),
      ]))])
    }
    return object([
      ("openapi", .text("3.1.0")),
      ("info", object([("title", .text("manage API")), ("version", .text("1"))])),
      ("paths", .dict(paths)),
      ("components", object([
        ("schemas", .dict(schemas)),
        ("securitySchemes", object([
          ("token", object([("type", .text("apiKey")), ("in", .text("header")), ("name", .text("Authorization")), ("description", .text("Token <key> from `manage createtoken USERNAME`"))])),
          ("session", object([("type", .text("apiKey")), ("in", .text("cookie")), ("name", .text("sessionid"))])),
        ])),
      ])),
      ("security", .list([object([("token", .list([]))]), object([("session", .list([]))])])),
    ])
  }

  static func schema(_ model: ModelSchema, _ state: SiteState) -> ModelValue {
    var properties = OrderedDictionary()
    var required: [ModelValue] = []
    for field in model.fields where !state.isHidden(field, of: model) {
      var property = OrderedDictionary()
      let (type, format) = jsonType(field)
      property["type"] = field.null ? .list([.text(type), .text("null")]) : .text(type)
      if let format { property["format"] = .text(format) }
      if field.type == .manyToMany { property["items"] = object([("type", .text("integer"))]); property["readOnly"] = .bool(true) }
      if let length = field.effectiveMaxLength { property["maxLength"] = .int(Int64(length)) }
      if let choices = field.choices { property["enum"] = .list(choices.map { ModelValue(default: $0.value, field: field) }) }
      if (field.primaryKey && field.type.isAutoIncrement) || field.autoNow || field.autoNowAdd { property["readOnly"] = .bool(true) }
      if let help = field.helpText { property["description"] = .text(help) }
      properties[field.name] = .dict(property)
      let editable = field.isConcrete && !(field.primaryKey && field.type.isAutoIncrement) && !field.autoNow && !field.autoNowAdd
      if editable && field.default == nil && !field.null && !(field.blank && field.type.isTextual) { required.append(.text(field.name)) }
    }
    return object([("type", .text("object")), ("properties", .dict(properties)), ("required", .list(required))])
  }

  static func jsonType(_ field: FieldSchema) -> (String, String?) {
    switch field.type {
    case .boolean: ("boolean", nil)
    case .float: ("number", "double")
    case .decimal: ("string", "decimal")
    case .date: ("string", "date")
    case .datetime: ("string", "date-time")
    case .time: ("string", "time")
    case .uuid: ("string", "uuid")
    case .email: ("string", "email")
    case .url: ("string", "uri")
    case .json: ("object", nil)
    case .binary: ("string", "byte")
    case .duration: ("number", nil)
    case .manyToMany: ("array", nil)
    default: field.type.isInteger || field.type.isConcreteRelation ? ("integer", nil) : ("string", nil)
    }
  }

  private static func object(_ pairs: [(String, ModelValue)]) -> ModelValue { .dict(OrderedDictionary(pairs)) }
}
