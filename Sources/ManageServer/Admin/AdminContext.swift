import Foundation
import ManageCore

/// What an admin view works with: the site's state, a connection, the request, the signed-in
/// staff user, this page's CSRF token and a message left by the previous page.
struct AdminContext {
  let state: SiteState
  let connection: Connection
  let request: WebRequest
  let user: SignedInUser
  let csrfToken: String
  let message: String?
  let messages: MessageCookie

  func page(_ title: String, crumbs: [(String, String?)], _ content: HTML, status: Int = 200) -> WebResponse {
    .html(AdminPage(title: title, crumbs: crumbs, user: user, csrfToken: csrfToken, message: message, content: content).render(), status: status)
  }

  /// A redirect that shows `message` on the next page.
  func redirect(_ location: String, message: String) -> WebResponse {
    var response = WebResponse.redirect(location)
    response.headers.append(("Set-Cookie", messages.cookie(message)))
    return response
  }

  func modelURL(_ model: ModelSchema) -> String { "/admin/\(model.app)/\(model.name.lowercased())/" }

  func crumbs(_ model: ModelSchema) -> [(String, String?)] {
    [("Home", "/admin/"), (Naming.capitalized(model.app), "/admin/\(model.app)/"), (Naming.capitalized(model.readableNamePlural), modelURL(model))]
  }
}

/// A one-off message carried to the next page in a signed cookie ("The post … was added
/// successfully."), Django's messages framework in its cookie storage form.
struct MessageCookie {
  static let name = "messages"
  let signer: Signer

  func cookie(_ message: String) -> String {
    "\(Self.name)=\(signer.sign(Signer.base64URL(.init(message.utf8)))); HttpOnly; Path=/; SameSite=Lax"
  }

  static let clear = "\(name)=\"\"; Max-Age=0; Path=/; SameSite=Lax"

  func read(_ request: WebRequest) -> String? {
    guard let value = request.cookies[Self.name], let payload = signer.unsign(value) else { return nil }
    var base64 = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) }
  }
}
