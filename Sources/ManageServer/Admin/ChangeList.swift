import Foundation
import ManageCore
import ManageJobs

/// A model's change list: columns sortable by a click (`?o=`), search over text fields (`?q=`),
/// filters for booleans, choices, dates and foreign keys (Django's `field__exact=` parameters),
/// 100 rows a page (`?p=`), the current selection as CSV (`?_export=csv`), and actions on
/// ticked rows (delete; retry and cancel for jobs).
struct ChangeList {
  let context: AdminContext
  let model: ModelSchema
  static let perPage = 100

  private var state: SiteState { context.state }
  private var request: WebRequest { context.request }

  /// Shown columns: the key, then up to six other stored fields that fit a cell.
  var columns: [FieldSchema] {
    let key = model.primaryKey.map { [$0] } ?? []
    let others = model.fields.filter { field in
      field.isConcrete && !field.primaryKey && !state.isHidden(field, of: model) && ![.text, .json, .binary].contains(field.type)
    }
    return key + others.prefix(6)
  }

  /// Fields the sidebar offers filters for.
  var filterFields: [FieldSchema] {
    model.fields.filter { field in
      !state.isHidden(field, of: model) && (field.type == .boolean || field.choices != nil || field.type == .date || field.type == .datetime || field.type.isConcreteRelation)
    }
  }

  func respond() throws -> WebResponse {
    if request.method == "POST" { return try runAction() }
    let (filtered, errors) = LookupFilters.apply(
      request.query.filter { !["q", "o", "p", "_export"].contains($0.0) }, to: QuerySet(model: model, schema: state.schema), state: state)
    let problems = errors.keys.sorted().flatMap { name in errors[name]!.map { "\(name): \($0)" } }
    let search = request.parameter("q") ?? ""
    var query = try LookupFilters.search(search, in: filtered, state: state)
    let unfiltered = try QuerySet(model: model, schema: state.schema).count(context.connection)
    let sort = request.parameter("o").flatMap { order -> String? in
      let name = order.hasPrefix("-") ? String(order.dropFirst()) : order
      return columns.contains { $0.name == name } ? order : nil
    }
    if let sort { query = try query.orderBy([sort]) } else if model.ordering.isEmpty, let key = model.primaryKey { query = try query.orderBy(["-" + key.name]) }
    if request.parameter("_export") == "csv" { return try csv(query) }

    let count = try query.count(context.connection)
    let pages = max(1, (count + Self.perPage - 1) / Self.perPage)
    let page = min(max(Int(request.parameter("p") ?? "1") ?? 1, 1), pages)
    let rows = try query.slice((page - 1) * Self.perPage, page * Self.perPage).instances(context.connection)
    let url = context.modelURL(model)

    let header: [HTML] = columns.map { field in
      let current = sort == field.name ? "-" + field.name : field.name
      let arrow = sort == field.name ? " ▲" : sort == "-" + field.name ? " ▼" : ""
      return "<th class=\"\(sort?.hasSuffix(field.name) == true ? "sorted" : "")\"><a href=\"\(link(["o": current, "p": nil]))\">\(Naming.label(field))\(arrow)</a></th>"
    }
    let body: [HTML] = rows.map { row in
      let key = WebRequest.encode(row.pk.str)
      let cells: [HTML] = columns.enumerated().map { index, field in
        let text = Self.display(row.values[field.name] ?? .null, field, state)
        let cssClass = field.name == "state" ? "state-\(text)" : ""
        return index == 0 ? "<th><a href=\"\(url)\(key)/change/\">\(text)</a></th>" : "<td class=\"\(cssClass)\">\(text)</td>"
      }
      return "<tr><td><input type=\"checkbox\" name=\"_selected_action\" value=\"\(row.pk.str)\" aria-label=\"Select this row\"></td>\(cells)</tr>"
    }
    let actionOptions: [HTML] = actions.map { "<option value=\"\($0.0)\">\($0.1)</option>" }
    let table: HTML = """
      <form method="post" action="\(url)">\(AdminPage.csrfField(context.csrfToken))
      <div class="toolbar"><label>Action: <select name="action"><option value="">---------</option>\(actionOptions)</select></label>
      <button type="submit" class="secondary">Go</button> <span class="muted">\(count) \(count == 1 ? "result" : "results") (\(unfiltered) total)</span></div>
      <div class="module"><table><thead><tr><th></th>\(header)</tr></thead><tbody>\(body)</tbody></table></div></form>
      """
    let pager: [HTML] = pages <= 1 ? [] : (1...pages).map { number in
      number == page ? "<strong>\(number)</strong>" : "<a href=\"\(link(["p": String(number)]))\">\(number)</a>"
    }
    let note: HTML = problems.isEmpty ? "" : "<p class=\"errornote\">\(problems.joined(separator: " "))</p>"
    let searchBox: HTML = """
      <form method="get" action="\(url)" class="toolbar"><input type="search" name="q" value="\(search)" placeholder="Search" aria-label="Search">\
      \(request.query.filter { !["q", "p"].contains($0.0) }.map { HTML("<input type=\"hidden\" name=\"\($0.0)\" value=\"\($0.1)\">") })\
      <button type="submit">Search</button> <a class="button secondary" href="\(link(["_export": "csv", "p": nil]))">Export CSV</a></form>
      """
    let content: HTML = """
      <a class="button addlink" href="\(url)add/">Add \(model.readableName)</a><h2>Select \(model.readableName) to change</h2>
      \(note)\(searchBox)<div class="layout"><div class="results">\(table)
      <p class="paginator">\(pager) \(count) \(count == 1 ? model.readableName : model.readableNamePlural)</p></div>\(try sidebar())</div>
      """
    return context.page("Select \(model.readableName) to change", crumbs: Array(context.crumbs(model).dropLast()) + [(Naming.capitalized(model.readableNamePlural), nil)], content)
  }

  /// This page's URL with some parameters replaced (nil removes one).
  private func link(_ changes: [String: String?]) -> String {
    var pairs = request.query.filter { changes[$0.0] == nil }
    for (name, value) in changes.sorted(by: { $0.key < $1.key }) { if let value = value { pairs.append((name, value)) } }
    let text = pairs.map { WebRequest.encode($0.0) + "=" + WebRequest.encode($0.1) }.joined(separator: "&")
    return request.path + (text.isEmpty ? "" : "?" + text)
  }

  /// The sidebar's filters: each a list of links that set (or clear) one parameter.
  private func sidebar() throws -> HTML {
    var sections: [HTML] = []
    for field in filterFields {
      var options: [(String, [String: String?])] = []
      let clear: [String: String?] = Dictionary(uniqueKeysWithValues: request.query.map(\.0).filter { $0 == field.name || $0.hasPrefix(field.name + "__") }.map { ($0, nil as String?) })
      options.append(("All", clear))
      if field.type == .boolean {
        options += [("Yes", ["\(field.name)__exact": "1"]), ("No", ["\(field.name)__exact": "0"])]
        if field.null { options.append(("Unknown", ["\(field.name)__isnull": "True"])) }
      } else if let choices = field.choices {
        options += choices.map { ($0.label, ["\(field.name)__exact": ModelValue(default: $0.value, field: field).str]) }
      } else if field.type == .date || field.type == .datetime {
        let today = CivilDateTime.now().date
        func day(_ offset: Int) -> String { CivilDate(daysSinceEpoch: today.daysSinceEpoch + offset).iso }
        let monthStart = (try? CivilDate(year: today.year, month: today.month, day: 1))?.iso ?? day(0)
        let yearStart = (try? CivilDate(year: today.year, month: 1, day: 1))?.iso ?? day(0)
        options += [("Today", ["\(field.name)__gte": day(0), "\(field.name)__lt": day(1)]),
                    ("Past 7 days", ["\(field.name)__gte": day(-7), "\(field.name)__lt": day(1)]),
                    ("This month", ["\(field.name)__gte": monthStart, "\(field.name)__lt": day(1)]),
                    ("This year", ["\(field.name)__gte": yearStart, "\(field.name)__lt": day(1)])]
        if field.null { options.append(("No date", ["\(field.name)__isnull": "True"])) }
      } else if let related = field.relatedModel.flatMap(state.schema.model) {
        let keys = try QuerySet(model: related, schema: state.schema).valuesList(["pk"], flat: true).slice(0, 50).results(context.connection)
        options += keys.map { ("\(related.name) object (\($0.str))", ["\(field.name)__exact": $0.str]) }
      }
      let items: [HTML] = options.map { label, change in
        var merged = clear
        for (key, value) in change { merged[key] = value }
        let selected = change.allSatisfy { key, value in request.parameter(key) == value } && (label != "All" || clear.isEmpty)
        return "<li class=\"\(selected ? "selected" : "")\"><a href=\"\(link(merged.merging(["p": nil]) { $1 }))\">\(label)</a></li>"
      }
      sections.append("<h4>By \(Naming.label(field))</h4><ul>\(items)</ul>")
    }
    return sections.isEmpty ? "" : "<aside class=\"filters\"><h4>Filter</h4>\(sections)</aside>"
  }

  /// The rows the filters select, every shown field, as CSV.
  private func csv(_ query: QuerySet) throws -> WebResponse {
    let fields = model.fields.filter { $0.isConcrete && !state.isHidden($0, of: model) }
    var text = fields.map { Self.csvCell($0.name) }.joined(separator: ",") + "\r\n"
    for row in try query.instances(context.connection) {
      text += fields.map { Self.csvCell((row.values[$0.name] ?? .null).isNull ? "" : (row.values[$0.name] ?? .null).str) }.joined(separator: ",") + "\r\n"
    }
    var response = WebResponse.text(text, contentType: "text/csv; charset=utf-8")
    response.setHeader("Content-Disposition", "attachment; filename=\"\(model.app)_\(model.name.lowercased()).csv\"")
    return response
  }

  static func csvCell(_ text: String) -> String {
    // A leading = + - @ would be a formula in a spreadsheet: quoted and prefixed, as OWASP advises.
    let safe = ["=", "+", "-", "@"].contains(where: text.hasPrefix) && Double(text) == nil ? "'" + text : text
    return safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || safe != text
      ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
  }

  /// A cell's text: a choice's label, a tick for booleans, "-" for no value.
  static func display(_ value: ModelValue, _ field: FieldSchema, _ state: SiteState) -> String {
    if value.isNull { return "-" }
    if let choice = field.choices?.first(where: { ModelValue(default: $0.value, field: field) == value }) { return choice.label }
    if case .bool(let flag) = value { return flag ? "✔ yes" : "✘ no" }
    if case .datetime(let moment) = value { return moment.date.iso + " " + moment.time.iso.prefix(8) + " UTC" }
    if field.type.isConcreteRelation, let related = field.relatedModel.flatMap(state.schema.model) { return "\(related.name) object (\(value.str))" }
    return value.str
  }

  // MARK: - Actions

  private var actions: [(String, String)] {
    var list = [("delete_selected", "Delete selected \(model.readableNamePlural)")]
    if model.label == "jobs.Job" { list += [("retry_selected", "Retry selected jobs"), ("cancel_selected", "Cancel selected jobs")] }
    if model.label == "evals.EvalRun" { list += [("compare_selected", "Compare the two selected runs")] }
    list += RunTaskAction.tasks(for: model, state).map { (RunTaskAction.prefix + $0.name, "Run \($0.name) for selected \(model.readableNamePlural)") }
    return list
  }

  private func runAction() throws -> WebResponse {
    let keys = request.form.filter { $0.0 == "_selected_action" }.map(\.1)
    let action = request.formValue("action") ?? ""
    let url = context.modelURL(model)
    guard !keys.isEmpty else {
      return context.redirect(url, message: "Items must be selected in order to perform actions on them. No items have been changed.")
    }
    let selected = try QuerySet(model: model, schema: state.schema).filter("pk__in", .list(keys.map(ModelValue.text))).instances(context.connection)
    switch action {
    case "delete_selected":
      let view = DeleteView(context: context, model: model)
      return request.formValue("post") == "yes" ? try view.delete(selected, returnTo: url) : try view.confirm(selected, bulk: true)
    case "retry_selected", "cancel_selected":
      guard model.label == "jobs.Job" else { return context.redirect(url, message: "No action selected.") }
      let queue = JobQueue(connection: context.connection)
      var done = 0, refused: [String] = []
      for job in selected {
        guard let id = job.pk.integer else { continue }
        do {
          if action == "retry_selected" { try queue.retry(id) } else { try queue.cancel(id) }
          done += 1
          try ChangeLog.record(.change, model: model, objectID: job.pk, objectRepr: job.displayName, message: action == "retry_selected" ? "Retried." : "Cancelled.", userID: context.user.id, context.connection)
        } catch let error as JobsError { refused.append("job \(id): \(error.message)") }
      }
      let verb = action == "retry_selected" ? "queued again" : "cancelled"
      return context.redirect(url, message: "\(done) job(s) \(verb)." + (refused.isEmpty ? "" : " Not changed: " + refused.joined(separator: "; ")))
    case "compare_selected" where model.label == "evals.EvalRun":
      guard selected.count == 2, let first = selected.compactMap({ $0.pk.integer }).min(), let second = selected.compactMap({ $0.pk.integer }).max() else {
        return context.redirect(url, message: "Select exactly two runs to compare.")
      }
      return try EvalComparisonPage(context: context, model: model).render(baseline: first, run: second)
    case let name where name.hasPrefix(RunTaskAction.prefix):
      let taskName = String(name.dropFirst(RunTaskAction.prefix.count))
      guard let found = RunTaskAction.tasks(for: model, state).first(where: { $0.name == taskName }), let task = state.tasks?.tasks[taskName] else {
        return context.redirect(url, message: "No action selected.")
      }
      let requests = selected.map { JobQueue.Request(task: task, payload: RunTaskAction.payload(found.path, key: $0.pk)) }
      let outcomes = try JobQueue(connection: context.connection).enqueue(batch: requests)
      let added = outcomes.filter { !$0.existing }.count
      let queued = outcomes.count - added
      return context.redirect(url, message: "Enqueued \(added) \(taskName) job(s)." + (queued > 0 ? " \(queued) already queued." : ""))
    default:
      return context.redirect(url, message: "No action selected.")
    }
  }
}
