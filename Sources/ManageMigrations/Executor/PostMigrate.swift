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
    try connection.transaction(.immediate) {
      let contentType = try connection.prepare("INSERT OR IGNORE INTO django_content_type (app_label, model) VALUES (?, ?)")
      let permission = try permissions ? connection.prepare("""
        INSERT OR IGNORE INTO auth_permission (name, content_type_id, codename)
        SELECT ?, id, ? FROM django_content_type WHERE app_label = ? AND model = ?
        """) : nil
      for model in schema.models {
        let lowered = model.name.lowercased()
        try contentType.bind([.text(model.app), .text(lowered)])
        try contentType.step()
        guard let permission else { continue }
        let verbose = model.verboseName ?? verboseName(model.name)
        for action in ["add", "change", "delete", "view"] {
          try permission.bind([.text("Can \(action) \(verbose)"), .text("\(action)_\(lowered)"), .text(model.app), .text(lowered)])
          try permission.step()
        }
      }
    }
  }

  /// Django's default `verbose_name`: `EvalRun` becomes `eval run`.
  public static func verboseName(_ name: String) -> String {
    var result = ""
    let characters = Array(name)
    for (index, character) in characters.enumerated() {
      if character.isUppercase, index > 0,
        characters[index - 1].isLowercase || (index + 1 < characters.count && characters[index + 1].isLowercase)
      {
        result.append(" ")
      }
      result.append(character)
    }
    return result.lowercased().trimmingCharacters(in: .whitespaces)
  }
}
