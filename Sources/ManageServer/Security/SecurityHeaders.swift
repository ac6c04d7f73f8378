/// The headers every response carries: Django's SecurityMiddleware and clickjacking defaults,
/// plus a Content-Security-Policy that allows only this origin's stylesheet (no inline script or
/// style, so an injected tag does nothing even if escaping were bypassed).
public enum SecurityHeaders {
  public static let all: [(String, String)] = [
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Content-Security-Policy",
     "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
  ]

  public static func apply(to response: inout WebResponse) {
    for (name, value) in all where response.header(name) == nil { response.headers.append((name, value)) }
  }
}
