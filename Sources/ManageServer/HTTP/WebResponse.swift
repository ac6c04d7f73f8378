import Foundation
import ManageCore

/// A response from the site: status, headers in order, and the whole body.
public struct WebResponse: Sendable {
  public var status: Int
  public var headers: [(String, String)]
  public var body: [UInt8]

  public init(status: Int = 200, headers: [(String, String)] = [], body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// An HTML page.
  public static func html(_ text: String, status: Int = 200) -> WebResponse {
    WebResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(text.utf8))
  }

  /// A JSON document.
  public static func json(_ value: ModelValue, status: Int = 200) -> WebResponse {
    WebResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(value.jsonText.utf8))
  }

  /// A JSON document already written as text.
  public static func json(text: String, status: Int = 200) -> WebResponse {
    WebResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
  }

  /// Plain text.
  public static func text(_ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> WebResponse {
    WebResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
  }

  /// A 302 to `location` (Django's HttpResponseRedirect).
  public static func redirect(_ location: String) -> WebResponse {
    WebResponse(status: 302, headers: [("Location", location), ("Content-Type", "text/html; charset=utf-8")])
  }

  /// The `{"errors": {...}}` body the API answers a bad request with.
  public static func errors(_ errors: [String: [String]], status: Int = 400) -> WebResponse {
    var object = OrderedDictionary()
    for name in errors.keys.sorted() { object[name] = .list(errors[name]!.map(ModelValue.text)) }
    return json(.dict(OrderedDictionary([("errors", .dict(object))])), status: status)
  }

  /// A JSON error with one message under `detail`.
  public static func detail(_ message: String, status: Int) -> WebResponse {
    json(.dict(OrderedDictionary([("detail", .text(message))])), status: status)
  }

  /// 405 with an `Allow` header, Django REST framework's wording.
  public static func methodNotAllowed(_ method: String, allowed: [String]) -> WebResponse {
    var response = detail("Method \"\(method)\" not allowed.", status: 405)
    response.setHeader("Allow", allowed.joined(separator: ", "))
    return response
  }

  public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

  public mutating func setHeader(_ name: String, _ value: String) {
    headers.removeAll { $0.0.lowercased() == name.lowercased() }
    headers.append((name, value))
  }
}
