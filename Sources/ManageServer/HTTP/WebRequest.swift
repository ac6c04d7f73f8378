import Foundation

/// A request as the site's handlers see it: decoded path, query and form fields, cookies and
/// the whole body (already capped). Independent of the HTTP server so that handlers are plain
/// synchronous functions over the database.
public struct WebRequest: Sendable {
  public var method: String
  /// The path, percent-decoded (`/admin/blog/post/`).
  public var path: String
  /// The raw query string, for links that keep the current filter.
  public var queryString: String
  /// Query parameters in order; a name may repeat.
  public var query: [(String, String)]
  /// Header names in lower case.
  public var headers: [String: String]
  public var cookies: [String: String]
  public var body: [UInt8]
  /// The client's address, for the login throttle.
  public var remoteAddress: String

  public init(method: String, target: String, headers: [String: String], body: [UInt8] = [], remoteAddress: String = "") {
    self.method = method.uppercased()
    let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    let rawPath = parts.first.map(String.init) ?? "/"
    self.path = rawPath.removingPercentEncoding ?? rawPath
    self.queryString = parts.count > 1 ? String(parts[1]) : ""
    self.query = Self.decodeForm(queryString)
    self.headers = headers
    self.body = body
    self.remoteAddress = remoteAddress
    var cookies: [String: String] = [:]
    for pair in (headers["cookie"] ?? "").split(separator: ";") {
      let trimmed = pair.trimmingCharacters(in: .whitespaces)
      guard let equals = trimmed.firstIndex(of: "=") else { continue }
      cookies[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
    }
    self.cookies = cookies
  }

  /// The first value of a query parameter.
  public func parameter(_ name: String) -> String? { query.first { $0.0 == name }?.1 }

  /// Every value of a query parameter.
  public func parameters(_ name: String) -> [String] { query.filter { $0.0 == name }.map(\.1) }

  /// The body as `application/x-www-form-urlencoded` fields.
  public var form: [(String, String)] { Self.decodeForm(String(decoding: body, as: UTF8.self)) }

  /// The first value of a form field.
  public func formValue(_ name: String) -> String? { form.first { $0.0 == name }?.1 }

  /// Whether the method changes state, so it needs a CSRF token (Django's "unsafe" methods).
  public var isUnsafe: Bool { !["GET", "HEAD", "OPTIONS", "TRACE"].contains(method) }

  /// `a=1&b=x+y` as pairs, `+` as a space and percent escapes decoded.
  public static func decodeForm(_ text: String) -> [(String, String)] {
    text.split(separator: "&").compactMap { pair -> (String, String)? in
      guard !pair.isEmpty else { return nil }
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      func decode(_ part: Substring) -> String {
        // Most names and values need no decoding; Foundation's decoder is the slow path.
        if !part.utf8.contains(UInt8(ascii: "+")) && !part.utf8.contains(UInt8(ascii: "%")) { return String(part) }
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
      }
      return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
    }
  }

  /// `value` escaped for a query string: everything but ASCII letters, digits and `-._~`.
  public static func encode(_ value: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(value.utf8.count)
    for byte in value.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
           UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        bytes.append(byte)
      default:
        bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
