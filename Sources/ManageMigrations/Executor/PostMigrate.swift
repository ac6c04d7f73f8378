import Foundation
import ManageCore

/// Django's post-migrate signal handlers: a content type for every model, and the default
/// add/change/delete/view permissions for each.
public enum PostMigrate {
  /// Creates what is missing (existing rows are left alone); does nothing when the
  /// contenttypes or auth tables are not there (not installed, or migrated back to zero).
  public static func run(connection: Connection, schema: ProjectSchema) throws {
    guard try connection.tableExists("django_content_type") else { return }
    let permissions = try connection.tableExists("auth_permission")
    let (insert, ignoring) = connection.dialect.insertIgnoring
    try connection.transaction(.immediate) {
      // Many rows per statement: one statement per row costs more than the inserts do.
      for chunk in stride(from: 0, to: schema.models.count, by: 100).map({ Array(schema.models[$0..<min($0 + 100, schema.models.count)]) }) {
        try connection.run(
          "\(insert) INTO django_content_type (app_label, model) VALUES " + Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ") + ignoring,
          chunk.flatMap { [SQLValue.text($0.app), .text($0.name.lowercased())] })
        guard permissions else { continue }
        var rows: [String] = []
        var values: [SQLValue] = []
        for model in chunk {
          let verbose = model.readableName
          for action in ["add", "change", "delete", "view"] {
            rows.append("(?, ?, ?, ?)")
            values += [.text("Can \(action) \(verbose)"), .text("\(action)_\(model.name.lowercased())"), .text(model.app), .text(model.name.lowercased())]
          }
        }
        try connection.run("""
          \(insert) INTO auth_permission (name, content_type_id, codename)
          SELECT rows.column1, django_content_type.id, rows.column2
          FROM (VALUES \(rows.joined(separator: ", "))) AS rows
          JOIN django_content_type ON django_content_type.app_label = rows.column3 AND django_content_type.model = rows.column4\(ignoring)
          """, values)
      }
    }
  }
}
