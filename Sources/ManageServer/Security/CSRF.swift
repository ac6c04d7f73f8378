/// Django's CSRF protection: a 32-character secret in the `csrftoken` cookie, and on every
/// unsafe request a token (form field `csrfmiddlewaretoken` or header `X-CSRFToken`) that
/// unmasks to the same secret. Tokens are masked afresh on every page (BREACH), so no two pages
/// carry the same string. SameSite alone is not relied on.
public enum CSRF {
  public static let cookieName = "csrftoken"
  public static let formField = "csrfmiddlewaretoken"
  public static let headerName = "x-csrftoken"
  static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
  static let secretLength = 32

  public static func newSecret() -> String { Signer.randomString(secretLength) }

  /// A 64-character token for `secret`: a random mask, then the secret shifted by it.
  public static func mask(_ secret: String) -> String {
    let mask = Array(Signer.randomString(secretLength))
    let cipher = zip(Array(secret), mask).map { pair -> Character in
      let (s, m) = (alphabet.firstIndex(of: pair.0) ?? 0, alphabet.firstIndex(of: pair.1) ?? 0)
      return alphabet[(s + m) % alphabet.count]
    }
    return String(mask) + String(cipher)
  }

  /// The secret a token carries (a 64-character masked token, or a bare 32-character secret).
  public static func unmask(_ token: String) -> String? {
    let characters = Array(token)
    guard characters.allSatisfy({ alphabet.contains($0) }) else { return nil }
    if characters.count == secretLength { return token }
    guard characters.count == secretLength * 2 else { return nil }
    let mask = characters[..<secretLength], cipher = characters[secretLength...]
    return String(zip(cipher, mask).map { pair -> Character in
      let (c, m) = (alphabet.firstIndex(of: pair.0)!, alphabet.firstIndex(of: pair.1)!)
      return alphabet[(c - m + alphabet.count) % alphabet.count]
    })
  }

  /// Why an unsafe request is refused, in Django's words, or nil when its token matches.
  public static func rejection(_ request: WebRequest, formToken: String?) -> String? {
    if let origin = request.headers["origin"], let host = request.headers["host"] {
      let originHost = origin.components(separatedBy: "://").last ?? origin
      if originHost != host { return "Origin checking failed - \(origin) does not match any trusted origins." }
    }
    guard let cookie = request.cookies[cookieName], unmask(cookie)?.count == secretLength else {
      return "CSRF cookie not set."
    }
    guard let token = request.headers[headerName] ?? formToken, !token.isEmpty else {
      return "CSRF token missing."
    }
    guard let secret = unmask(token), Signer.constantTimeEqual(secret, unmask(cookie)!) else {
      return "CSRF token incorrect."
    }
    return nil
  }
}
