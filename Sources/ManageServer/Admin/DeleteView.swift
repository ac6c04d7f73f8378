import Foundation
import ManageCore

/// Deleting from the admin: a confirmation page that lists what the deletion takes with it
/// (counted by running the real cascade inside a savepoint that is then rolled back), and the
/// deletion itself, logged per row. Protected rows are named and nothing is deleted.
struct DeleteView {
  let context: AdminContext
  let model: ModelSchema

  private struct Preview: Error { var result: DeletionResult }

  /// The confirmation page for `rows` (one from its delete page, or several from the bulk action).
  func confirm(_ rows: [ModelInstance], bulk: Bool = false) throws -> WebResponse {
    let connection = context.connection
    if !bulk && context.request.method == "POST" {
      return try delete(rows, returnTo: context.modelURL(model))
    }
    var summary: HTML = ""
    var protected: String?
    do {
      try connection.savepoint("manage_delete_preview") {
        let keys = ModelValue.list(rows.map(\.pk))
        throw Preview(result: try QuerySet(model: model, schema: context.state.schema).filter("pk__in", keys).delete(connection))
      }
    } catch let preview as Preview {
      let items: [HTML] = preview.result.perModel.map { label, count in
        let name = context.state.schema.model(label).map { count == 1 ? $0.readableName : $0.readableNamePlural } ?? label
        return "<li>\(Naming.capitalized(name)): \(count)</li>"
      }
      summary = "<h3>Summary</h3><ul class=\"summary\">\(items)</ul>"
    } catch let error as QueryError where error.kind == "ProtectedError" || error.kind == "RestrictedError" {
      protected = error.message
    }
    let names: [HTML] = try rows.map { row in
      "<li>\(Naming.capitalized(model.readableName)): <a href=\"\(context.modelURL(model))\(WebRequest.encode(row.pk.str))/change/\">\(row.displayName)</a>\(try cascaded(from: row))</li>"
    }
    let what = rows.count == 1 ? "the \(model.readableName) “\(rows[0].displayName)”" : "the selected \(model.readableNamePlural)"
    let content: HTML
    if let protected {
      content = "<h2>Cannot delete \(model.readableName)</h2><p>Deleting \(what) would require deleting the following protected related objects:</p><p class=\"errornote\">\(protected)</p>"
    } else {
      let hidden: [HTML] = bulk ? rows.map { "<input type=\"hidden\" name=\"_selected_action\" value=\"\($0.pk.str)\">" } + [HTML("<input type=\"hidden\" name=\"action\" value=\"delete_selected\"><input type=\"hidden\" name=\"post\" value=\"yes\">")] : []
      content = """
        <h2>Are you sure?</h2><p>Are you sure you want to delete \(what)? All of the following objects and their related items will be deleted:</p>
        \(summary)<h3>Objects</h3><ul>\(names)</ul>
        <form method="post" action="\(bulk ? context.modelURL(model) : context.request.path)">\(AdminPage.csrfField(context.csrfToken))\(hidden)
        <button type="submit" class="danger">Yes, I’m sure</button> <a class="button secondary" href="\(context.modelURL(model))">No, take me back</a></form>
        """
    }
    return context.page("Are you sure?", crumbs: context.crumbs(model) + [("Delete", nil)], content, status: protected == nil ? 200 : 409)
  }

  /// The rows that point at `row` and go with it (on_delete cascade), as a nested list, Django's
  /// way; each relation shows its first 20 and counts the rest. Deeper levels are in the summary.
  private func cascaded(from row: ModelInstance) throws -> HTML {
    var items: [HTML] = []
    for (_, _, relation) in context.state.schema.reverseRelations(of: model)
    where relation.field.type.isConcreteRelation && (relation.field.onDelete ?? .cascade) == .cascade {
      let query = try QuerySet(model: relation.holder, schema: context.state.schema).filter(relation.field.name, row.pk)
      let total = try query.count(context.connection)
      guard total > 0 else { continue }
      let served = context.state.servedModel(app: relation.holder.app, name: relation.holder.name) != nil
      for related in try query.slice(0, 20).instances(context.connection) {
        let label = Naming.capitalized(relation.holder.readableName)
        let url = "/admin/\(relation.holder.app)/\(relation.holder.name.lowercased())/\(WebRequest.encode(related.pk.str))/change/"
        items.append(served ? "<li>\(label): <a href=\"\(url)\">\(related.displayName)</a></li>" : "<li>\(label): \(related.displayName)</li>")
      }
      if total > 20 { items.append("<li>… and \(total - 20) more \(relation.holder.readableNamePlural)</li>") }
    }
    return items.isEmpty ? "" : "<ul>\(items)</ul>"
  }

  /// Deletes `rows` (and what cascades) in one transaction and logs each.
  func delete(_ rows: [ModelInstance], returnTo url: String) throws -> WebResponse {
    let connection = context.connection
    let firstName = rows.first?.displayName ?? ""
    do {
      try connection.transaction {
        for row in rows {
          let key = row.pk, name = row.displayName
          try row.delete(connection, schema: context.state.schema)
          try ChangeLog.record(.deletion, model: model, objectID: key, objectRepr: name, message: "Deleted.", userID: context.user.id, connection)
        }
      }
    } catch let error as QueryError where error.kind == "ProtectedError" || error.kind == "RestrictedError" {
      return context.redirect(url, message: "Nothing was deleted: \(error.message)")
    }
    let message = rows.count == 1
      ? "The \(model.readableName) “\(firstName)” was deleted successfully."
      : "Successfully deleted \(rows.count) \(model.readableNamePlural)."
    return context.redirect(url, message: message)
  }
}
