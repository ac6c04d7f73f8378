import Foundation
import ManageCore

/// Django's `django_admin_log`: one row per addition, change or deletion made through the admin
/// or the API, shown as an object's history.
public enum ChangeLog {
  public enum Action: Int64 { case addition = 1, change = 2, deletion = 3 }

  public static func record(_ action: Action, model: ModelSchema, objectID: ModelValue, objectRepr: String, message: String, userID: Int64, _ connection: Connection) throws {
    guard try connection.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_admin_log'") != nil else { return }
    let contentType = try contentTypeID(model, connection)
    try connection.run(
      "INSERT INTO django_admin_log (action_time, user_id, content_type_id, object_id, object_repr, action_flag, change_message) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [.text(CivilDateTime.now().iso), .integer(userID), contentType.map(SQLValue.integer) ?? .null, .text(objectID.str),
       .text(String(objectRepr.prefix(200))), .integer(action.rawValue), .text(message)])
  }

  /// The model's row in django_content_type, made when missing (as Django's post-migrate does).
  public static func contentTypeID(_ model: ModelSchema, _ connection: Connection) throws -> Int64? {
    let arguments: [SQLValue] = [.text(model.app), .text(model.name.lowercased())]
    if let id = try connection.scalar("SELECT id FROM django_content_type WHERE app_label = ? AND model = ?", arguments)?.int { return Int64(id) }
    try connection.run("INSERT OR IGNORE INTO django_content_type (app_label, model) VALUES (?, ?)", arguments)
    return try connection.scalar("SELECT id FROM django_content_type WHERE app_label = ? AND model = ?", arguments)?.int.map(Int64.init)
  }

  /// The entries for one object, newest first: (time, username, action, message).
  public static func history(model: ModelSchema, objectID: ModelValue, _ connection: Connection) throws -> [(String, String, Action, String)] {
    guard let contentType = try contentTypeID(model, connection) else { return [] }
    return try connection.query(
      "SELECT l.action_time, u.username, l.action_flag, l.change_message FROM django_admin_log l JOIN auth_user u ON u.id = l.user_id WHERE l.content_type_id = ? AND l.object_id = ? ORDER BY l.action_time DESC, l.id DESC",
      [.integer(contentType), .text(objectID.str)]
    ).map { ($0[0].string ?? "", $0[1].string ?? "", Action(rawValue: Int64($0[2].int ?? 2)) ?? .change, $0[3].string ?? "") }
  }

  /// Django's change message for changed fields: "Changed title and body."
  public static func changedMessage(_ names: [String]) -> String {
    names.isEmpty ? "No fields changed." : "Changed \(RecordValidator.englishList(names))."
  }
}
