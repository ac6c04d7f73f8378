import ManageCore

/// Query parameters read as Django lookups (`status=published`, `title__icontains=x`,
/// `id__in=1,2,3`, `published_at__isnull=true`) and a text search over a model's shown text
/// fields: what the API's list and the admin's change list both filter with.
enum LookupFilters {
  /// `query` narrowed by each `(lookup, value)` pair; a pair that names no field, reaches a
  /// hidden one (a password hash, through any relation) or has a bad value is left out and
  /// reported by its name.
  static func apply(_ pairs: [(String, String)], to query: QuerySet, state: SiteState, staff: Bool = true) -> (QuerySet, RecordValidator.Errors) {
    var query = query
    var errors: RecordValidator.Errors = [:]
    for (name, raw) in pairs {
      // django-filter's rule: an empty value filters nothing (`?status=` is every row).
      if raw.isEmpty && !name.hasSuffix("__isnull") { continue }
      if state.touchesHiddenField(name, from: query.model, staff: staff) {
        errors[name, default: []].append("Unknown filter.")
        continue
      }
      if name.hasSuffix("__regex") || name.hasSuffix("__iregex"), let problem = RegexGuard.problem(raw) {
        errors[name, default: []].append(problem)
        continue
      }
      let value: ModelValue
      if reachesJSONField(name, from: query.model, schema: state.schema) {
        value = jsonValue(name, raw)
      } else if name.hasSuffix("__in") {
        value = .list(raw.split(separator: ",", omittingEmptySubsequences: false).map { .text(String($0)) })
      } else if name.hasSuffix("__isnull") {
        guard ["true", "false", "1", "0"].contains(raw.lowercased()) else {
          errors[name, default: []].append("Expected true or false.")
          continue
        }
        value = .bool(raw.lowercased() == "true" || raw == "1")
      } else {
        value = .text(raw)
      }
      do {
        let filtered = try query.filter(name, value)
        _ = try filtered.sql()  // a bad field or value shows here, not later in the page
        query = filtered
      } catch let error as QueryError {
        errors[name, default: []].append(RecordValidator.plainMessage(error.message))
      } catch {
        errors[name, default: []].append("\(error)")
      }
    }
    return (query, errors)
  }

  /// Whether `name` walks into a JSONField (`meta`, `meta__lang`, `author__profile__tags__0`).
  static func reachesJSONField(_ name: String, from model: ModelSchema, schema: ProjectSchema) -> Bool {
    var current = model
    for part in name.components(separatedBy: "__") {
      guard let field = current.field(part) else { return false }
      if field.type == .json { return true }
      guard field.type.isRelation, let target = field.relatedModel.flatMap(schema.model) else { return false }
      current = target
    }
    return false
  }

  /// A JSON lookup's value from a query string: JSON when it reads as JSON (`1`, `true`,
  /// `null`, `"1"`, `{"a": 1}`), else the text itself (`?meta__lang=en`); `has_keys`,
  /// `has_any_keys` and `in` take a comma list.
  static func jsonValue(_ name: String, _ raw: String) -> ModelValue {
    let parse = { (text: String) -> ModelValue in (try? ModelValue(json: text)) ?? .text(text) }
    if name.hasSuffix("__has_keys") || name.hasSuffix("__has_any_keys") {
      return .list(raw.split(separator: ",").map { .text(String($0)) })
    }
    if name.hasSuffix("__has_key") { return .text(raw) }
    if name.hasSuffix("__in") { return .list(raw.split(separator: ",", omittingEmptySubsequences: false).map { parse(String($0)) }) }
    if name.hasSuffix("__isnull") { return .bool(raw.lowercased() == "true" || raw == "1") }
    return parse(raw)
  }

  /// `query` narrowed to rows where any shown text field contains `text`, ignoring case.
  static func search(_ text: String, in query: QuerySet, state: SiteState) throws -> QuerySet {
    let model = query.model
    let conditions = model.fields.filter { $0.type.isTextual && !state.isHidden($0, of: model) }
      .map { Q.condition($0.name + "__icontains", .value(.text(text))) }
    guard !text.isEmpty, let first = conditions.first else { return query }
    return try query.filter(conditions.dropFirst().reduce(first) { $0 | $1 })
  }
}
