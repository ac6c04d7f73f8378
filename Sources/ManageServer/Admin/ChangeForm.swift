import Foundation
import ManageCore

/// The add and change pages: a form generated from the model's fields (a widget per type,
/// choices and foreign keys as selects, or a key box with a search link when a related table is
/// large), validated by `RecordValidator` with each error beside its field, saved and logged.
struct ChangeForm {
  let context: AdminContext
  let model: ModelSchema
  let instance: ModelInstance?
  /// Related tables larger than this get a key box instead of a select.
  static let selectLimit = 200

  private var state: SiteState { context.state }
  private var validator: RecordValidator { RecordValidator(model: model, schema: state.schema) }
  private var fields: [FieldSchema] { validator.editableFields.filter { !state.isHidden($0, of: model) } }

  func respond() throws -> WebResponse {
    guard context.request.method == "POST" else { return try render(values: [:], errors: [:]) }
    var input: [String: ModelValue] = [:]
    for field in fields { input[field.name] = context.request.formValue(field.name).map(ModelValue.text) }
    if let instance {
      // Hidden fields (a user's password hash) keep their value.
      for field in validator.editableFields where state.isHidden(field, of: model) { input[field.name] = instance.values[field.name] ?? .null }
    } else {
      input.merge(state.hiddenDefaults(for: model)) { given, _ in given }
    }
    let links = ManyToManyInput(model: model, state: state)
    var chosen: [String: [ModelValue]] = [:]
    for field in links.fields {
      // A multiple select sends one value per ticked row; a key box sends "1, 2, 3".
      chosen[field.name] = context.request.form.filter { $0.0 == field.name }.flatMap { $0.1.split(separator: ",") }
        .map { ModelValue.text($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 != .text("") }
    }
    do {
      return try save(input, validator: validator, links: links, chosen: chosen)
    } catch let error as SQLiteError where error.primaryCode == 19 {
      // A constraint the validator could not see (a CHECK in SQL): the form again, with
      // Django's words, and nothing written (the transaction rolled back).
      return try render(values: input, errors: ConstraintErrors.errors(error.reason, model: model), chosen: chosen.mapValues { $0.map(\.str) })
    }
  }

  private func save(
    _ input: [String: ModelValue], validator: RecordValidator, links: ManyToManyInput, chosen: [String: [ModelValue]]
  ) throws -> WebResponse {
    let connection = context.connection
    return try connection.transaction {
      switch APIHandler.combine(try validator.clean(input, source: .form, existing: instance, connection), try links.clean(chosen, connection)) {
      case .failure(let failure):
        return try render(values: input, errors: failure.errors, chosen: chosen.mapValues { $0.map(\.str) })
      case .success(let (values, linked)):
        let saved: ModelInstance
        let message: String
        if let instance {
          var changed: [String] = []
          for (name, value) in values where instance.values[name] != value {
            changed.append(Naming.label(model.field(name)!))
            try instance.set(name, value)
          }
          let before = try links.current(instance, connection)
          for (field, keys) in linked where before[field.name] != keys.map({ ModelValue($0).str }) { changed.append(Naming.label(field)) }
          try instance.save(connection, schema: state.schema)
          try links.save(linked, for: instance, connection)
          try ChangeLog.record(.change, model: model, objectID: instance.pk, objectRepr: instance.displayName, message: ChangeLog.changedMessage(changed), userID: context.user.id, connection)
          saved = instance
          message = "The \(model.readableName) “\(instance.displayName)” was changed successfully."
        } else {
          saved = try ModelInstance(model: model, assigning: values)
          try saved.save(connection, schema: state.schema, forceInsert: true)
          try links.save(linked, for: saved, connection)
          try ChangeLog.record(.addition, model: model, objectID: saved.pk, objectRepr: saved.displayName, message: "Added.", userID: context.user.id, connection)
          message = "The \(model.readableName) “\(saved.displayName)” was added successfully."
        }
        let url = context.modelURL(model)
        if context.request.formValue("_continue") != nil { return context.redirect("\(url)\(WebRequest.encode(saved.pk.str))/change/", message: message + " You may edit it again below.") }
        if context.request.formValue("_addanother") != nil { return context.redirect("\(url)add/", message: message + " You may add another \(model.readableName) below.") }
        return context.redirect(url, message: message)
      }
    }
  }

  private func render(values: [String: ModelValue], errors: RecordValidator.Errors, chosen: [String: [String]]? = nil) throws -> WebResponse {
    var rows: [HTML] = []
    if let instance, let key = model.primaryKey, key.type.isAutoIncrement {
      rows.append("<div class=\"row\"><label>\(Naming.capitalized(Naming.label(key))):</label><div class=\"field\">\(instance.pk.str)</div></div>")
    }
    for field in fields {
      let value = values[field.name] ?? instance?.values[field.name] ?? field.default.map { ModelValue(default: $0, field: field) } ?? .null
      let problems: [HTML] = (errors[field.name] ?? []).map { "<li>\($0)</li>" }
      let errorList: HTML = problems.isEmpty ? "" : "<ul class=\"errorlist\" id=\"id_\(field.name)_error\">\(problems)</ul>"
      let help: HTML = field.helpText.map { "<div class=\"help\">\($0)</div>" } ?? ""
      let required = !field.blank && !field.null && field.type != .boolean
      rows.append("""
        <div class="row"><label for="id_\(field.name)" class="\(required ? "required" : "")">\(Naming.capitalized(Naming.label(field))):</label>\
        <div class="field">\(errorList)\(try widget(field, value))\(help)</div></div>
        """)
    }
    let links = ManyToManyInput(model: model, state: state)
    let current = try chosen ?? instance.map { try links.current($0, context.connection) } ?? [:]
    for field in links.fields {
      let problems: [HTML] = (errors[field.name] ?? []).map { "<li>\($0)</li>" }
      let errorList: HTML = problems.isEmpty ? "" : "<ul class=\"errorlist\" id=\"id_\(field.name)_error\">\(problems)</ul>"
      let widget = try manyToManyWidget(field, selected: current[field.name] ?? [])
      rows.append("<div class=\"row\"><label for=\"id_\(field.name)\">\(Naming.capitalized(Naming.label(field))):</label><div class=\"field\">\(errorList)\(widget)</div></div>")
    }
    for field in model.fields where field.autoNow || field.autoNowAdd {
      if let instance { rows.append("<div class=\"row\"><label>\(Naming.capitalized(Naming.label(field))):</label><div class=\"field\">\((instance.values[field.name] ?? .null).str)</div></div>") }
    }
    let url = context.modelURL(model)
    let note: HTML = errors.isEmpty ? "" : "<p class=\"errornote\">Please correct the error\(errors.count == 1 ? "" : "s") below.</p>"
    let general: HTML = (errors["__all__"] ?? []).isEmpty ? "" : "<ul class=\"errorlist\">\((errors["__all__"] ?? []).map { HTML("<li>\($0)</li>") })</ul>"
    let key = instance.map { WebRequest.encode($0.pk.str) }
    let deleteLink: HTML = key.map { "<a class=\"button danger delete\" href=\"\(url)\($0)/delete/\">Delete</a>" } ?? ""
    var related: [HTML] = []
    if let instance {
      // Rows that point here, each a link to their change list filtered to this row.
      for (_, _, relation) in state.schema.reverseRelations(of: model) where relation.field.type.isConcreteRelation && state.servedModels.contains(where: { $0.label == relation.holder.label }) {
        let count = try QuerySet(model: relation.holder, schema: state.schema).filter(relation.field.name, instance.pk).count(context.connection)
        let link = "/admin/\(relation.holder.app)/\(relation.holder.name.lowercased())/?\(relation.field.name)__exact=\(WebRequest.encode(instance.pk.str))"
        related.append(" · <a href=\"\(link)\">\(Naming.capitalized(relation.holder.readableNamePlural)) (\(count))</a>")
      }
    }
    let historyLink: HTML = key.map { "<p><a href=\"\(url)\($0)/history/\">History</a>\(related)</p>" } ?? ""
    let title = instance == nil ? "Add \(model.readableName)" : "Change \(model.readableName)"
    let run: HTML = model.label == "jobs.Job" ? instance.map { JobRunPanel(context: context).render($0) } ?? "" : ""
    let content: HTML = """
      <h2>\(title)</h2>\(historyLink)\(run)\(note)\(general)
      <form method="post" class="change" action="\(context.request.path)" novalidate>\(AdminPage.csrfField(context.csrfToken))
      <div class="module">\(rows)<div class="submit-row">\(deleteLink)
      <input type="submit" name="_addanother" value="Save and add another"><input type="submit" name="_continue" value="Save and continue editing">\
      <input type="submit" name="_save" value="Save"></div></div></form>
      """
    let crumbs = context.crumbs(model) + [(instance?.displayName ?? title, nil)]
    return context.page(title, crumbs: crumbs, content)
  }

  /// A multiple select of the related rows, or a box of comma-separated keys when there are many.
  private func manyToManyWidget(_ field: FieldSchema, selected: [String]) throws -> HTML {
    guard let related = state.schema.relation(named: field.name, from: model)?.to else { return "" }
    let all = QuerySet(model: related, schema: state.schema)
    if try all.count(context.connection) > Self.selectLimit {
      return "<input type=\"text\" name=\"\(field.name)\" id=\"id_\(field.name)\" value=\"\(selected.joined(separator: ", "))\"> <span class=\"help\">Keys, separated by commas.</span>"
    }
    let keys = try all.valuesList(["pk"], flat: true).results(context.connection)
    let options: [HTML] = keys.map { key in
      "<option value=\"\(key.str)\"\(HTML(raw: selected.contains(key.str) ? " selected" : ""))>\(related.name) object (\(key.str))</option>"
    }
    return "<select multiple name=\"\(field.name)\" id=\"id_\(field.name)\" size=\"\(min(max(keys.count, 3), 8))\">\(options)</select><div class=\"help\">Hold down “Control”, or “Command” on a Mac, to select more than one.</div>"
  }

  /// The input for one field, showing `value`.
  private func widget(_ field: FieldSchema, _ value: ModelValue) throws -> HTML {
    let id = "id_\(field.name)", name = field.name
    let text = value.isNull ? "" : value.str
    if let choices = field.choices {
      let options: [HTML] = (field.blank || field.null || value.isNull ? [HTML("<option value=\"\">---------</option>")] : [])
        + choices.map { choice in
          let optionValue = ModelValue(default: choice.value, field: field).str
          return "<option value=\"\(optionValue)\"\(HTML(raw: optionValue == text ? " selected" : ""))>\(choice.label)</option>"
        }
      return "<select name=\"\(name)\" id=\"\(id)\">\(options)</select>"
    }
    if field.type.isConcreteRelation, let related = field.relatedModel.flatMap(state.schema.model) {
      let all = QuerySet(model: related, schema: state.schema)
      if try all.count(context.connection) <= Self.selectLimit {
        let keys = try all.valuesList(["pk"], flat: true).results(context.connection)
        let options: [HTML] = [HTML("<option value=\"\">---------</option>")] + keys.map { key in
          "<option value=\"\(key.str)\"\(HTML(raw: key.str == text ? " selected" : ""))>\(related.name) object (\(key.str))</option>"
        }
        return "<select name=\"\(name)\" id=\"\(id)\">\(options)</select>"
      }
      let search = "/admin/\(related.app)/\(related.name.lowercased())/"
      return "<input type=\"text\" name=\"\(name)\" id=\"\(id)\" value=\"\(text)\" size=\"10\"> <a href=\"\(search)\" target=\"_blank\" rel=\"noopener\">Search \(related.readableNamePlural)</a>"
    }
    let length: HTML = field.effectiveMaxLength.map { HTML(raw: " maxlength=\"\($0)\"") } ?? ""
    switch field.type {
    case .text, .json:
      let body = field.type == .json && !value.isNull ? (value.isText ? text : value.jsonText) : text
      return "<textarea name=\"\(name)\" id=\"\(id)\" rows=\"6\">\(body)</textarea>"
    case .boolean:
      return "<input type=\"checkbox\" name=\"\(name)\" id=\"\(id)\"\(HTML(raw: value.isTruthy && value.str != "False" && value.str != "false" && value.str != "0" ? " checked" : ""))>"
    case .integer, .bigInteger, .smallInteger, .positiveInteger, .positiveSmallInteger, .positiveBigInteger, .auto, .bigAuto:
      return "<input type=\"number\" name=\"\(name)\" id=\"\(id)\" value=\"\(text)\" step=\"1\">"
    case .float, .decimal:
      return "<input type=\"number\" name=\"\(name)\" id=\"\(id)\" value=\"\(text)\" step=\"any\">"
    case .date:
      return "<input type=\"date\" name=\"\(name)\" id=\"\(id)\" value=\"\(text)\">"
    case .datetime:
      let local: String
      if case .datetime(let moment) = value { local = moment.date.iso + "T" + moment.time.iso.prefix(8) } else { local = text }
      return "<input type=\"datetime-local\" name=\"\(name)\" id=\"\(id)\" value=\"\(local)\" step=\"1\"> <span class=\"help\">UTC</span>"
    case .time:
      return "<input type=\"time\" name=\"\(name)\" id=\"\(id)\" value=\"\(text)\" step=\"1\">"
    case .email:
      return "<input type=\"email\" name=\"\(name)\" id=\"\(id)\" value=\"\(text)\"\(length)>"
    case .url:
      return "<input type=\"url\" name=\"\(name)\" id=\"\(id)\" value=\"\(text)\"\(length)>"
    default:
      return "<input type=\"text\" name=\"\(name)\" id=\"\(id)\" value=\"\(text)\"\(length)>"
    }
  }
}

extension ModelValue {
  fileprivate var isText: Bool { if case .text = self { return true } else { return false } }
}
