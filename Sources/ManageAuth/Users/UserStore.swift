import Foundation
import ManageCore
import ManageMigrations

/// A row of Django's `auth_user`.
public struct StoredUser: Sendable {
  public var id: Int
  public var username: String
  public var password: String
  public var email: String
  public var firstName: String
  public var lastName: String

  public var attributes: UserAttributes {
    UserAttributes(username: username, firstName: firstName, lastName: lastName, email: email)
  }
}

/// Reads and writes users in `auth_user`, with Django's column layout and value formats
/// (UTC text datetimes, 0/1 booleans).
public struct UserStore {
  let connection: Connection

  public init(connection: Connection) { self.connection = connection }

  public func user(named username: String) throws -> StoredUser? {
    try connection.query(
      "SELECT id, username, password, email, first_name, last_name FROM auth_user WHERE username = ?", [.text(username)]
    ).first.map { row in
      StoredUser(id: row[0].int ?? 0, username: row[1].string ?? "", password: row[2].string ?? "", email: row[3].string ?? "",
                 firstName: row[4].string ?? "", lastName: row[5].string ?? "")
    }
  }

  public func exists(_ username: String) throws -> Bool { try user(named: username) != nil }

  /// Inserts a superuser; a username taken meanwhile is Django's "already taken" error.
  public func createSuperuser(username: String, email: String, encodedPassword: String) throws {
    do {
      try connection.transaction {
        try connection.run("""
          INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
          VALUES (?, NULL, TRUE, ?, '', '', ?, TRUE, TRUE, ?)
          """, [.text(encodedPassword), .text(username), .text(email), .text(DjangoTime.format(Date()))])
      }
    } catch let error as SQLiteError where error.primaryCode == 19 {  // SQLITE_CONSTRAINT
      throw AuthError("Error: That username is already taken.")
    }
  }

  public func setPassword(username: String, encodedPassword: String) throws {
    try connection.transaction {
      try connection.run("UPDATE auth_user SET password = ? WHERE username = ?", [.text(encodedPassword), .text(username)])
    }
  }
}

/// Django's field rules for usernames and email addresses.
public enum UserFields {
  /// `UnicodeUsernameValidator` and the 150-character limit; nil when valid.
  public static func usernameProblem(_ username: String) -> String? {
    if username.isEmpty { return "This field cannot be blank." }
    if username.count > 150 { return "Ensure this value has at most 150 characters (it has \(username.count))." }
    let allowed = username.unicodeScalars.allSatisfy { scalar in
      scalar.properties.isAlphabetic || scalar.properties.numericType != nil || "_.@+-".unicodeScalars.contains(scalar)
    }
    return allowed ? nil : "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."
  }

  /// Django's `EmailValidator`, in short: a dot-atom local part and a dotted domain with a
  /// 2-63 letter top level (or localhost).
  public static func isValidEmail(_ email: String) -> Bool {
    let pattern = #"^[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+)*@((([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63})|localhost)$"#
    return email.count <= 320 && email.range(of: pattern, options: .regularExpression) != nil
  }
}
