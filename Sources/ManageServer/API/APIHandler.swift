import Foundation
import ManageCore

/// The JSON API at `/api/<app>/<model>/` and `/api/<app>/<model>/<pk>/`: list (filters,
/// ordering, search, pages), retrieve, create, update (PUT whole, PATCH part), delete, with the
/// admin's validation and errors as `{"errors": {"field": ["message"]}}`. Reading needs a signed-in
/// user (session or token); writing needs a staff user.
struct APIHandler {
  let state: SiteState
  let connection: Connection
  let request: WebRequest
  let user: SignedInUser?

  func respond(_ parts: [String]) throws -> WebResponse {
    if parts.isEmpty { return try root() }
    if parts == ["openapi.json"] { return .json(OpenAPIDocument.make(state)) }
    guard let user else {
      // DRF's words: a token that was sent but matches no active user is invalid, not missing.
      let sentToken = request.headers["authorization"]?.hasPrefix("Token ") == true
      var response = WebResponse.detail(sentToken ? "Invalid token." : "Authentication credentials were not provided.", status: 401)
      response.setHeader("WWW-Authenticate", "Token")
      return response
    }
    if parts == ["jobs"] { return try EnqueueEndpoint(state: state, connection: connection, request: request, user: user).respond() }
    guard parts.count == 2 || parts.count == 3, let model = state.servedModel(app: parts[0], name: parts[1]) else {
      return .detail("Not found.", status: 404)
    }
    if (request.isUnsafe || state.isStaffOnly(model)) && !user.mayAdminister {
      return .detail("You do not have permission to perform this action.", status: 403)
    }
    if parts.count == 2 {
      switch request.method {
      case "GET", "HEAD": return try list(model)
      case "POST": return try create(model, user: user)
      default: return .methodNotAllowed(request.method, allowed: ["GET", "POST"])
      }
    }
    if request.method == "GET" || request.method == "HEAD" {
      // Read once, straight to JSON; a key that cannot be this model's is a 404 like a missing row.
      guard let query = try? QuerySet(model: model, schema: state.schema).filter("pk", .text(parts[2])),
            let object = try? RecordJSON.object(query, state: state, connection) else { return .detail("Not found.", status: 404) }
      return .json(text: object)
    }
    guard let instance = try state.row(of: model, key: parts[2], connection) else { return .detail("Not found.", status: 404) }
    switch request.method {
    case "PUT": return try update(instance, partial: false, user: user)
    case "PATCH": return try update(instance, partial: true, user: user)
    case "DELETE": return try delete(instance, user: user)
    default: return .methodNotAllowed(request.method, allowed: ["GET", "PUT", "PATCH", "DELETE"])
    }
  }

  private func root() throws -> WebResponse {
    var object = OrderedDictionary()
    for model in state.servedModels { object[model.label.lowercased()] = .text(base + "/api/\(model.app)/\(model.name.lowercased())/") }
    object["openapi"] = .text(base + "/api/openapi.json")
    return .json(.dict(object))
  }

  private var base: String { "http://" + (request.headers["host"] ?? "localhost") }

  private func list(_ model: ModelSchema) throws -> WebResponse {
    let parsed: ListQuery
    switch ListQuery.parse(request, model: model, state: state, staff: user?.mayAdminister ?? false) {
    case .failure(let failure): return .errors(failure.errors)
    case .success(let query): parsed = query
    }
    let count = try parsed.query.count(connection)
    guard let start = parsed.offset, start == 0 || start < count else { return .detail("Invalid page.", status: 404) }
    let rows = try RecordJSON.array(parsed.query.slice(start, start + parsed.pageSize), state: state, connection)
    func link(_ page: Int) -> ModelValue {
      var pairs = request.query.filter { $0.0 != "page" }
      if page > 1 { pairs.append(("page", String(page))) }
      let query = pairs.map { WebRequest.encode($0.0) + "=" + WebRequest.encode($0.1) }.joined(separator: "&")
      return .text(base + request.path + (query.isEmpty ? "" : "?" + query))
    }
    var body = "{\"count\": \(count), \"next\": "
    (start + parsed.pageSize < count ? link(parsed.page + 1) : .null).writeJSON(to: &body)
    body += ", \"previous\": "
    (parsed.page > 1 ? link(parsed.page - 1) : .null).writeJSON(to: &body)
    body += ", \"results\": " + rows + "}"
    return .json(text: body)
  }

  /// The body as a JSON object, or the response that says why it is not one.
  private func body() -> Result<[String: ModelValue], Refusal> {
    let text = String(decoding: request.body, as: UTF8.self)
    if let type = request.headers["content-type"], !type.hasPrefix("application/json") {
      return .failure(Refusal(response: .detail("Unsupported media type \"\(type)\" in request.", status: 415)))
    }
    do {
      _ = try JSONSerialization.jsonObject(with: Data(request.body), options: [.fragmentsAllowed])
    } catch {
      let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "not JSON"
      return .failure(Refusal(response: .detail("JSON parse error - \(reason)", status: 400)))
    }
    guard case .dict(let object)? = try? ModelValue(json: text) else {
      return .failure(Refusal(response: .errors(["__all__": ["Expected a JSON object."]])))
    }
    var values: [String: ModelValue] = [:]
    for (name, value) in object.pairs { values[name] = value }
    return .success(values)
  }

  private func create(_ model: ModelSchema, user: SignedInUser) throws -> WebResponse {
    var input: [String: ModelValue]
    switch body() {
    case .failure(let refusal): return refusal.response
    case .success(let values): input = values
    }
    if let hidden = hiddenField(in: input, model) { return .errors([hidden: ["This field cannot be set through the API."]]) }
    input.merge(state.hiddenDefaults(for: model)) { given, _ in given }
    let validator = RecordValidator(model: model, schema: state.schema)
    return try refusingConstraints(model) { try connection.transaction {
      switch try Self.combine(validator.clean(input, source: .json, connection), try manyToMany(input, model)) {
      case .failure(let failure): return .errors(failure.errors)
      case .success(let (values, links)):
        let instance = try ModelInstance(model: model, assigning: values)
        try instance.save(connection, schema: state.schema, forceInsert: true)
        try ManyToManyInput(model: model, state: state).save(links, for: instance, connection)
        try ChangeLog.record(.addition, model: model, objectID: instance.pk, objectRepr: instance.displayName, message: "Added through the API.", userID: user.id, connection)
        var response = WebResponse.json(text: try RecordJSON.object(QuerySet(model: instance.model, schema: state.schema).filter("pk", instance.pk), state: state, connection) ?? "{}", status: 201)
        response.setHeader("Location", "/api/\(model.app)/\(model.name.lowercased())/\(instance.pk.str)/")
        return response
      }
    } }
  }

  /// A write the database refuses for a constraint (a CHECK in SQL, a unique row added a moment
  /// ago) is a 400 by field in Django's words; the transaction has rolled back.
  private func refusingConstraints(_ model: ModelSchema, _ body: () throws -> WebResponse) throws -> WebResponse {
    do {
      return try body()
    } catch let error as SQLiteError where error.primaryCode == 19 {
      return .errors(ConstraintErrors.errors(error.reason, model: model))
    }
  }

  private func update(_ instance: ModelInstance, partial: Bool, user: SignedInUser) throws -> WebResponse {
    var input: [String: ModelValue]
    switch body() {
    case .failure(let refusal): return refusal.response
    case .success(let values): input = values
    }
    if let hidden = hiddenField(in: input, instance.model) { return .errors([hidden: ["This field cannot be set through the API."]]) }
    // A PUT leaves hidden fields (a password hash) as they are.
    for field in instance.model.fields where state.isHidden(field, of: instance.model) { input[field.name] = instance.values[field.name] ?? .null }
    let validator = RecordValidator(model: instance.model, schema: state.schema)
    return try refusingConstraints(instance.model) { try connection.transaction {
      switch try Self.combine(validator.clean(input, source: .json, partial: partial, existing: instance, connection), try manyToMany(input, instance.model)) {
      case .failure(let failure): return .errors(failure.errors)
      case .success(let (values, links)):
        var changed: [String] = []
        for (name, value) in values where instance.values[name] != value {
          changed.append(name)
          try instance.set(name, value)
        }
        changed += links.map(\.0.name)
        try instance.save(connection, schema: state.schema)
        try ManyToManyInput(model: instance.model, state: state).save(links, for: instance, connection)
        try ChangeLog.record(.change, model: instance.model, objectID: instance.pk, objectRepr: instance.displayName, message: ChangeLog.changedMessage(changed), userID: user.id, connection)
        return .json(text: try RecordJSON.object(QuerySet(model: instance.model, schema: state.schema).filter("pk", instance.pk), state: state, connection) ?? "{}")
      }
    } }
  }

  private func delete(_ instance: ModelInstance, user: SignedInUser) throws -> WebResponse {
    let key = instance.pk, name = instance.displayName
    do {
      try connection.transaction {
        try instance.delete(connection, schema: state.schema)
        try ChangeLog.record(.deletion, model: instance.model, objectID: key, objectRepr: name, message: "Deleted through the API.", userID: user.id, connection)
      }
    } catch let error as QueryError where error.kind == "ProtectedError" || error.kind == "RestrictedError" {
      // The shell prints ProtectedError as Python does, a tuple; a client gets its sentence.
      var reason = Substring(error.message)
      if reason.hasPrefix("(\""), reason.hasSuffix("\", …)") { reason = reason.dropFirst(2).dropLast(5) }
      return .detail(String(reason), status: 409)
    }
    return WebResponse(status: 204)
  }

  /// The many-to-many fields in `input`: each a JSON array of the related rows' keys.
  private func manyToMany(_ input: [String: ModelValue], _ model: ModelSchema) throws -> Result<[(FieldSchema, [SQLValue])], ValidationFailure> {
    let links = ManyToManyInput(model: model, state: state)
    var given: [String: [ModelValue]] = [:]
    var errors: RecordValidator.Errors = [:]
    for field in links.fields {
      guard let value = input[field.name] else { continue }
      if case .list(let items) = value { given[field.name] = items } else { errors[field.name] = ["Expected a list of keys but got \(value.typeName)."] }
    }
    if !errors.isEmpty { return .failure(ValidationFailure(errors: errors)) }
    return try links.clean(given, connection)
  }

  /// Both results, or every error of either.
  static func combine<A, B>(_ first: Result<A, ValidationFailure>, _ second: Result<B, ValidationFailure>) -> Result<(A, B), ValidationFailure> {
    switch (first, second) {
    case (.success(let a), .success(let b)): return .success((a, b))
    case (.failure(let a), .failure(let b)): return .failure(ValidationFailure(errors: a.errors.merging(b.errors) { $0 + $1 }))
    case (.failure(let a), _), (_, .failure(let a)): return .failure(a)
    }
  }

  private func hiddenField(in input: [String: ModelValue], _ model: ModelSchema) -> String? {
    input.keys.sorted().first { name in model.field(name).map { state.isHidden($0, of: model) } ?? false }
  }
}

/// A request refused before it reaches the handler's logic, with the response that says why.
struct Refusal: Error {
  var response: WebResponse
}
