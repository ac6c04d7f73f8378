import Foundation
import ManageCore

/// Sessions in Django's `django_session` table: a random 32-character key in the `sessionid`
/// cookie, the data as signed JSON, two weeks to live (SESSION_COOKIE_AGE). Data whose
/// signature fails (another secret_key, an edited row) is treated as no session.
public struct SessionStore: Sendable {
  public static let cookieName = "sessionid"
  public static let age: Int64 = 1_209_600
  private let signer: Signer

  public init(secret: String) { signer = Signer(secret: secret, purpose: "manage.sessions.SessionStore") }

  /// The session's data, or nil when there is none, it expired or it does not verify.
  public func load(_ key: String, _ connection: Connection) throws -> [String: String]? {
    guard key.count == 32, key.allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
    guard let row = try connection.query(
      "SELECT session_data FROM django_session WHERE session_key = ? AND expire_date > ?",
      [.text(key), .text(CivilDateTime.now().iso)]).first,
      case .text(let signed) = row[0], let payload = signer.unsign(signed),
      let data = Data(base64Encoded: payload),
      case .dict(let fields)? = try? ModelValue(json: String(decoding: data, as: UTF8.self))
    else { return nil }
    var values: [String: String] = [:]
    for (name, value) in fields.pairs { values[name] = value.str }
    return values
  }

  /// Stores `data` under a new key (a login rotates the key, against session fixation) and returns it.
  public func create(_ data: [String: String], _ connection: Connection) throws -> String {
    let key = Signer.randomString(32, alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")
    let object = ModelValue.dict(OrderedDictionary(data.sorted { $0.key < $1.key }.map { ($0.key, ModelValue.text($0.value)) }))
    let expires = CivilDateTime(microsecondsSinceEpoch: CivilDateTime.now().microsecondsSinceEpoch + Self.age * 1_000_000)
    try connection.run(
      "INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)",
      [.text(key), .text(signer.sign(Data(object.jsonText.utf8).base64EncodedString())), .text(expires.iso)])
    return key
  }

  public func delete(_ key: String, _ connection: Connection) throws {
    try connection.run("DELETE FROM django_session WHERE session_key = ?", [.text(key)])
  }

  /// The Set-Cookie value for a session key (HttpOnly, SameSite=Lax), or one that clears it.
  public static func cookie(_ key: String?) -> String {
    guard let key else { return "\(cookieName)=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax" }
    return "\(cookieName)=\(key); HttpOnly; Max-Age=\(age); Path=/; SameSite=Lax"
  }
}
