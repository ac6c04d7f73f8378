import ManageCore
import ManageJobs

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
      schemas[name + "Patch"] = schema(model, state, partial: true)
      let reference = object([("$ref", .text("#/components/schemas/\(name)"))])
      let path = "/api/\(model.app)/\(model.name.lowercased())/"
      let filters: [ModelValue] = model.fields.filter { $0.isConcrete && !state.isHidden($0, of: model) }.map { field in
        object([("name", .text(field.name)), ("in", .text("query")), ("required", .bool(false)),
                ("description", .text(field.type == .json
                  ? "JSON document (empty: no filter); key transforms and key lookups also work, e.g. \(field.name)__key=value, \(field.name)__key__gte=1, \(field.name)__0=1, \(field.name)__has_key=key, \(field.name)__has_keys=a,b."
                  : "Exact match (empty: no filter); Django lookups also work, e.g. \(field.name)__in, \(field.name)__gte.")),
                ("schema", filterSchema(field, state))])
      } + [
        ("ordering", object([("type", .text("string")), ("enum", .list(orderings(model, state)))])),
        ("search", object([("type", .text("string"))])),
        ("page", object([("type", .text("integer")), ("minimum", .int(1))])),
        ("page_size", object([("type", .text("integer")), ("minimum", .int(1)), ("maximum", .int(Int64(ListQuery.maxPageSize)))])),
      ].map { name, schema in
        object([("name", .text(name)), ("in", .text("query")), ("required", .bool(false)), ("schema", schema)])
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
      // Every status the handler can answer, so a client (and schemathesis) knows them all.
      func responses(_ success: [(String, ModelValue)], writes: Bool, row: Bool) -> ModelValue {
        var all = success + [("400", invalid), ("401", detail("No credentials, or an invalid token")), ("403", detail("Not allowed for this user"))]
        if row || !writes { all.append(("404", detail(row ? "No such row" : "A page past the last"))) }
        if writes { all.append(("413", detail("Body over 2.5 MB"))) }
        all.append(("503", detail("The database was busy, or a query ran past its time limit; nothing was changed")))
        return object(all)
      }
      paths[path] = object([
        ("get", object([("operationId", .text("list\(name)")), ("summary", .text("List \(label)")), ("parameters", .list(filters)),
                        ("responses", responses([("200", ok("A page of \(label)", page))], writes: false, row: false))])),
        ("post", object([("operationId", .text("create\(name)")), ("summary", .text("Create a \(model.readableName)")), ("requestBody", body),
                         ("responses", responses([("201", ok("Created", reference))], writes: true, row: false))])),
      ])
      let key = object([("name", .text("pk")), ("in", .text("path")), ("required", .bool(true)), ("schema", object([("type", .text("string"))]))])
      paths[path + "{pk}/"] = object([
        ("parameters", .list([key])),
        ("get", object([("operationId", .text("retrieve\(name)")), ("responses", responses([("200", ok("The \(model.readableName)", reference))], writes: false, row: true))])),
        ("put", object([("operationId", .text("update\(name)")), ("requestBody", body), ("responses", responses([("200", ok("Updated", reference))], writes: true, row: true))])),
        ("patch", object([("operationId", .text("partialUpdate\(name)")), ("requestBody", object([("required", .bool(true)), ("content", object([("application/json", object([("schema", object([("$ref", .text("#/components/schemas/\(name)Patch"))]))]))]))])),
                          ("responses", responses([("200", ok("Updated", reference))], writes: true, row: true))])),
        ("delete", object([("operationId", .text("destroy\(name)")),
                           ("responses", responses([("204", object([("description", .text("Deleted"))])), ("409", detail("Protected by another row"))], writes: false, row: true))])),
      ])
    }
    if state.isInstalled("jobs") {
      // One job, or an array of them added in one transaction.
      let jobRequest = object([
        ("type", .text("object")), ("required", .list([.text("task")])),
        ("properties", object([("task", object([("type", .text("string"))])), ("payload", object([("type", .text("object"))])),
                               ("queue", object([("type", .text("string"))])),
                               ("priority", object([("type", .text("integer")), ("minimum", .int(Int64(TaskDefinition.priorities.lowerBound))), ("maximum", .int(Int64(TaskDefinition.priorities.upperBound)))])),
                               ("unique_key", object([("type", .text("string"))]))])),
      ])
      paths["/api/jobs/"] = object([("post", object([
        ("operationId", .text("enqueueJob")), ("summary", .text("Put a job for a declared task on the queue")),
        ("requestBody", object([("required", .bool(true)), ("content", object([("application/json", object([("schema", object([
          ("oneOf", .list([jobRequest, object([("type", .text("array")), ("items", jobRequest), ("maxItems", .int(Int64(EnqueueEndpoint.batchLimit)))])])),
        ]))]))]))])),
        ("responses", object([
          ("202", object([("description", .text("Queued"))])), ("400", object([("description", .text("Unknown task or bad payload"))])),
          ("401", detail("No credentials, or an invalid token")), ("403", detail("Not allowed for this user")), ("413", detail("Body over 2.5 MB")),
          ("503", detail("The database was busy; nothing was changed")),
        ])),
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

  /// A model's row; `partial` (PATCH) requires nothing.
  static func schema(_ model: ModelSchema, _ state: SiteState, partial: Bool = false) -> ModelValue {
    var properties = OrderedDictionary()
    var required: [ModelValue] = []
    for field in model.fields where !state.isHidden(field, of: model) {
      var property = OrderedDictionary()
      let (type, format) = jsonType(field)
      // A JSON field holds any JSON value (Django's JSONField), so it has no type.
      if field.type != .json { property["type"] = field.null ? .list([.text(type), .text("null")]) : .text(type) }
      // A blank URL or email is "", which is no URI or address: the format only when blank is not allowed.
      if let format, !(field.blank && (field.type == .url || field.type == .email)) { property["format"] = .text(format) }
      if field.type == .manyToMany { property["items"] = object([("type", .text("integer"))]); property["readOnly"] = .bool(true) }
      if let length = field.effectiveMaxLength { property["maxLength"] = .int(Int64(length)) }
      if field.type.isTextual && !field.blank && field.choices == nil { property["minLength"] = .int(1) }
      if field.type == .slug { property["pattern"] = .text("^[-a-zA-Z0-9_]+$") }
      if let range = FieldLimits.integerRange(field.type), !field.type.isAutoIncrement {
        property["minimum"] = .int(range.lowerBound)
        property["maximum"] = .int(range.upperBound)
      }
      if field.type == .decimal, let digits = field.maxDigits, let places = field.decimalPlaces {
        // DRF's way: a decimal is a string; the pattern is DecimalValidator's digit rules.
        property["pattern"] = .text("^-?[0-9]{1,\(max(digits - places, 1))}(\\.[0-9]{1,\(max(places, 1))})?$")
      }
      if let choices = field.choices { property["enum"] = .list(choices.map { ModelValue(default: $0.value, field: field) }) }
      if (field.primaryKey && field.type.isAutoIncrement) || field.autoNow || field.autoNowAdd { property["readOnly"] = .bool(true) }
      if let help = field.helpText { property["description"] = .text(help) }
      properties[field.name] = .dict(property)
      let editable = field.isConcrete && !(field.primaryKey && field.type.isAutoIncrement) && !field.autoNow && !field.autoNowAdd
      if !partial && editable && field.default == nil && !field.null && !(field.blank && field.type.isTextual) { required.append(.text(field.name)) }
    }
    // Unknown keys are refused with an error ("Unknown field."), as the schema says.
    return object([("type", .text("object")), ("properties", .dict(properties)), ("required", .list(required)), ("additionalProperties", .bool(false))])
  }

  /// A filter's value as a query string carries it.
  static func filterSchema(_ field: FieldSchema, _ state: SiteState) -> ModelValue {
    // Choices and dates are compared as text (an unknown choice matches nothing, a date
    // matches a datetime's day), so their filters take any string.
    if field.type.isInteger || field.type.isConcreteRelation && state.schema.keyField(referencedBy: field).type.isInteger { return object([("type", .text("integer"))]) }
    switch field.type {
    case .boolean: return object([("type", .text("boolean"))])
    case .float: return object([("type", .text("number"))])
    case .uuid: return object([("type", .text("string")), ("format", .text("uuid"))])
    default: return object([("type", .text("string"))])
    }
  }

  /// The orderings the list takes: each shown field, ascending or descending.
  static func orderings(_ model: ModelSchema, _ state: SiteState) -> [ModelValue] {
    model.fields.filter { $0.isConcrete && !state.isHidden($0, of: model) }.flatMap { [ModelValue.text($0.name), .text("-" + $0.name)] }
  }

  private static func detail(_ description: String) -> ModelValue {
    object([("description", .text(description)), ("content", object([("application/json", object([("schema", object([
      ("type", .text("object")), ("properties", object([("detail", object([("type", .text("string"))]))])),
    ]))]))]))])
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
