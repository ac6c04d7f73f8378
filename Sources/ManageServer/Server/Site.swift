import Foundation
import ManageCore
import ManageJobs

/// The whole site behind the HTTP server: the admin, the API and the front page, with CSRF
/// checks, the security headers, and errors that never show a stack trace or a path to the client.
public final class Site: Sendable {
  public let stateBox: SiteStateBox
  let pool: DatabasePool
  let authenticator: Authenticator
  let throttle = LoginThrottle()
  let messages: MessageCookie
  /// The largest request body taken (Django's DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB).
  public let maxBodySize: Int
  /// Where unexpected errors are reported (the console; never the client).
  let report: @Sendable (String) -> Void

  public init(state: SiteState, maxBodySize: Int = 2_621_440, report: @escaping @Sendable (String) -> Void) {
    let box = SiteStateBox(state)
    stateBox = box
    pool = DatabasePool(
      path: state.settings.database.path, displayName: state.settings.display(state.settings.database.path),
      eventHandler: state.installedApps.contains("jobs") ? JobEvents(everyTime: true) { box.current.tasks ?? TaskRegistry() } : nil)
    let secret = state.settings.secretKey
    authenticator = Authenticator(secret: secret)
    messages = MessageCookie(signer: Signer(secret: secret, purpose: "manage.messages"))
    self.maxBodySize = maxBodySize
    self.report = report
  }

  /// Seconds a request's database work may take before it is stopped (a 503).
  static let queryTimeLimit: Double = 5

  /// The cookie that carries the CSRF secret (readable by the page, as Django's is by default).
  static func csrfCookie(_ secret: String) -> String { "\(CSRF.cookieName)=\(secret); Max-Age=31449600; Path=/; SameSite=Lax" }

  public func respond(_ request: WebRequest) -> WebResponse {
    var response: WebResponse
    do {
      // The stylesheet needs no session, no CSRF cookie and no database.
      response = request.path == Stylesheet.path
        ? Stylesheet.response
        : try pool.with { connection in try connection.withTimeLimit(Self.queryTimeLimit) { try route(request, connection) } }
    } catch let error as SQLiteError where error.primaryCode == 9 {
      // SQLITE_INTERRUPT from the time limit: a filter (a catastrophic regex, a huge scan) ran
      // too long; the request is refused and any transaction rolled back.
      report("Service Unavailable: \(request.path): a query ran past \(Int(Self.queryTimeLimit)) s and was stopped")
      let message = "The query took longer than \(Int(Self.queryTimeLimit)) seconds and was stopped. Narrow the filter and try again."
      response = request.path.hasPrefix("/api/")
        ? .detail(message, status: 503)
        : .html("<!DOCTYPE html><title>Service Unavailable (503)</title><h1>Service Unavailable (503)</h1><p>\(message)</p>", status: 503)
    } catch let error as SQLiteError where error.isBusy {
      // Another process held the write lock past the busy timeout; nothing was written.
      report("Service Unavailable: \(request.path): \(error.message)")
      let message = "The database is busy (another process holds its lock). Nothing was changed; try again."
      response = request.path.hasPrefix("/api/")
        ? .detail(message, status: 503)
        : .html("<!DOCTYPE html><title>Service Unavailable (503)</title><h1>Service Unavailable (503)</h1><p>\(message)</p>", status: 503)
      response.setHeader("Retry-After", "1")
    } catch {
      report("Internal Server Error: \(request.path)\n\(error)")
      response = request.path.hasPrefix("/api/")
        ? .detail("A server error occurred.", status: 500)
        : .html("<!DOCTYPE html><title>Server Error (500)</title><h1>Server Error (500)</h1>", status: 500)
    }
    SecurityHeaders.apply(to: &response)
    return response
  }

  private func route(_ request: WebRequest, _ connection: Connection) throws -> WebResponse {
    let state = stateBox.current
    let parts = request.path.split(separator: "/").map(String.init)
    if parts.first == "api" {
      let user = try authenticator.user(for: request, connection)
      if request.isUnsafe, let user, !user.viaToken, let reason = CSRF.rejection(request, formToken: nil) {
        return .detail("CSRF Failed: \(reason)", status: 403)
      }
      return try APIHandler(state: state, connection: connection, request: request, user: user).respond(Array(parts.dropFirst()))
    }
    if parts.first == "admin" {
      // Every admin page carries a token for its forms; the cookie is set when the browser has none.
      let existing = request.cookies[CSRF.cookieName].flatMap(CSRF.unmask)
      let secret = existing?.count == 32 ? existing! : CSRF.newSecret()
      if request.isUnsafe, let reason = CSRF.rejection(request, formToken: request.formValue(CSRF.formField)) {
        return .html("""
          <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>403 Forbidden</title></head><body>
          <h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p><p>Reason given for failure: \(HTML.escape(reason))</p></body></html>
          """, status: 403)
      }
      let user = try authenticator.user(for: request, connection)
      let site = AdminSite(state: state, connection: connection, request: request, user: user, authenticator: authenticator,
                           throttle: throttle, csrfToken: CSRF.mask(secret), messages: messages)
      var response = try site.respond(Array(parts.dropFirst()))
      if existing?.count != 32 && !response.headers.contains(where: { $0.0 == "Set-Cookie" && $0.1.hasPrefix(CSRF.cookieName + "=") }) {
        response.headers.append(("Set-Cookie", Self.csrfCookie(secret)))
      }
      return response
    }
    if parts.isEmpty { return .redirect("/admin/") }
    return .html("<!DOCTYPE html><title>Not Found</title><h1>Not Found</h1><p>The requested resource was not found on this server.</p>", status: 404)
  }
}
