import Crypto
import Foundation
import ManageAuth
import ManageCore

/// A signed-in user as a request sees it.
public struct SignedInUser: Sendable {
  public var id: Int64
  public var username: String
  public var isStaff: Bool
  public var isSuperuser: Bool
  /// How the request proved who it is: a session needs CSRF tokens, a token does not.
  public var viaToken: Bool

  /// Staff and superusers use the admin and write through the API.
  public var mayAdminister: Bool { isStaff || isSuperuser }
}

/// Who a request is: the `sessionid` cookie's session, or `Authorization: Token …` (an API
/// token made by `manage createtoken`, stored as its SHA-256 digest). Sessions carry a hash of
/// the password hash, as Django's do, so changing a password signs out every session.
public struct Authenticator: Sendable {
  public let sessions: SessionStore
  private let passwordSigner: Signer

  public init(secret: String) {
    sessions = SessionStore(secret: secret)
    passwordSigner = Signer(secret: secret, purpose: "manage.auth.session_hash")
  }

  public func user(for request: WebRequest, _ connection: Connection) throws -> SignedInUser? {
    if let header = request.headers["authorization"], header.hasPrefix("Token ") {
      let token = String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)
      let digest = Self.digest(token)
      guard let row = try connection.query(
        "SELECT u.id, u.username, u.is_staff, u.is_superuser, t.last_used FROM admin_api_token t JOIN auth_user u ON u.id = t.user_id WHERE t.digest = ? AND u.is_active",
        [.text(digest)]).first else { return nil }
      // last_used to the minute: a write (and its commit) on every request would serialise the
      // readers behind SQLite's write lock.
      let now = CivilDateTime.now()
      let lastUsed = row[4].string.flatMap { CivilDateTime(iso: Substring($0)) }
      if lastUsed.map({ now.microsecondsSinceEpoch - $0.microsecondsSinceEpoch > 60_000_000 }) ?? true {
        // Best effort, and only when the database is free now: a lock held elsewhere must not
        // delay or fail a request over a timestamp.
        connection.withBusyTimeout(0) {
          _ = try? connection.run("UPDATE admin_api_token SET last_used = ? WHERE digest = ?", [.text(now.iso), .text(digest)])
        }
      }
      return SignedInUser(id: Int64(row[0].int ?? 0), username: row[1].string ?? "", isStaff: row[2].int == 1, isSuperuser: row[3].int == 1, viaToken: true)
    }
    guard let key = request.cookies[SessionStore.cookieName], let data = try sessions.load(key, connection),
          let id = data["_auth_user_id"].flatMap(Int64.init),
          let row = try connection.query("SELECT id, username, is_staff, is_superuser, password FROM auth_user WHERE id = ? AND is_active", [.integer(id)]).first,
          Signer.constantTimeEqual(data["_auth_user_hash"] ?? "", passwordSigner.signature(row[4].string ?? ""))
    else { return nil }
    return SignedInUser(id: id, username: row[1].string ?? "", isStaff: row[2].int == 1, isSuperuser: row[3].int == 1, viaToken: false)
  }

  /// Checks a username and password; the user when they match an active account.
  public func check(username: String, password: String, _ connection: Connection) throws -> (user: SignedInUser, passwordHash: String)? {
    guard let row = try connection.query(
      "SELECT id, username, is_staff, is_superuser, password FROM auth_user WHERE username = ? AND is_active", [.text(username)]).first,
      let encoded = row[4].string
    else {
      // Django's ModelBackend runs the hasher for an unknown user too, so the answer takes as
      // long as for a real one and the time does not tell which usernames exist.
      _ = try? PasswordHasher.verify(password, against: Self.timingHash)
      return nil
    }
    guard (try? PasswordHasher.verify(password, against: encoded)) == true else { return nil }
    return (SignedInUser(id: Int64(row[0].int ?? 0), username: row[1].string ?? "", isStaff: row[2].int == 1, isSuperuser: row[3].int == 1, viaToken: false), encoded)
  }

  /// A new session for `user`; returns its key for the cookie. Records last_login as Django does.
  public func logIn(_ user: SignedInUser, passwordHash: String, _ connection: Connection) throws -> String {
    try connection.run("UPDATE auth_user SET last_login = ? WHERE id = ?", [.text(CivilDateTime.now().iso), .integer(user.id)])
    return try sessions.create(["_auth_user_id": String(user.id), "_auth_user_hash": passwordSigner.signature(passwordHash)], connection)
  }

  /// A hash of no one's password at the default cost, verified when the username is unknown.
  static let timingHash = PasswordHasher.make(Signer.randomString(20))

  /// The stored form of an API token.
  public static func digest(_ token: String) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var hex = [UInt8]()
    hex.reserveCapacity(64)
    for byte in SHA256.hash(data: Data(token.utf8)) {
      hex.append(digits[Int(byte >> 4)])
      hex.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: hex, as: UTF8.self)
  }
}
