import ManageCore

/// The API's list parameters: Django lookups as filters (`?title__icontains=x&created__year=2026`,
/// `__in` as a comma list, `__isnull` as true/false), `ordering` (comma list, `-` for
/// descending), `search` over text fields, and `page`/`page_size`.
struct ListQuery {
  static let reserved: Set<String> = ["ordering", "page", "page_size", "search", "format"]
  static let defaultPageSize = 20
  static let maxPageSize = 1000

  var query: QuerySet
  var page: Int
  var pageSize: Int

  /// Rows before the page, or nil when a huge `page` puts it past any count (DRF's 404).
  var offset: Int? { CheckedArithmetic.multiply(page - 1, pageSize) }

  /// The query for `request`, or errors by parameter (a bad field, a bad value).
  static func parse(_ request: WebRequest, model: ModelSchema, state: SiteState, staff: Bool) -> Result<ListQuery, ValidationFailure> {
    var (query, errors) = LookupFilters.apply(
      request.query.filter { !reserved.contains($0.0) }, to: QuerySet(model: model, schema: state.schema), state: state, staff: staff)
    if let search = request.parameter("search"), let found = try? LookupFilters.search(search, in: query, state: state) {
      query = found
    }
    if let ordering = request.parameter("ordering"), !ordering.isEmpty {
      let fields = ordering.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      if let hidden = fields.first(where: { state.touchesHiddenField($0, from: model, staff: staff) }) {
        return .failure(ValidationFailure(errors: ["ordering": ["Cannot order by '\(hidden)'."]]))
      }
      do { query = try query.orderBy(fields); _ = try query.sql() } catch let error as QueryError {
        errors["ordering", default: []].append(RecordValidator.plainMessage(error.message))
      } catch {}
    } else if model.ordering.isEmpty, let pk = model.primaryKey {
      query = (try? query.orderBy([pk.name])) ?? query
    }
    var page = 1, pageSize = defaultPageSize
    if let text = request.parameter("page"), !text.isEmpty {
      switch CheckedInteger(parsing: text) {
      case .exact(let number)? where number >= 1 && !text.contains("."): page = Int(number)
      // Past 64 bits is past any last page: DRF's 404 "Invalid page.", not a 400.
      case .above? where !text.contains("."): page = Int.max
      default: errors["page", default: []].append("A valid integer of at least 1 is required.")
      }
    }
    if let text = request.parameter("page_size") {
      if let number = Int(text), (1...maxPageSize).contains(number) { pageSize = number } else {
        errors["page_size", default: []].append("Ensure this value is between 1 and \(maxPageSize).")
      }
    }
    return errors.isEmpty ? .success(ListQuery(query: query, page: page, pageSize: pageSize)) : .failure(ValidationFailure(errors: errors))
  }
}
