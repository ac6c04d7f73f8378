import Foundation
import ManageCore

/// The admin at /admin/: routes to login, logout, the index, an app's models and each model's
/// change list, add, change, delete and history pages. Staff users only.
struct AdminSite {
  let state: SiteState
  let connection: Connection
  let request: WebRequest
  let user: SignedInUser?
  let authenticator: Authenticator
  let throttle: LoginThrottle
  let csrfToken: String
  let messages: MessageCookie

  func respond(_ parts: [String]) throws -> WebResponse {
    if parts == ["login"] { return try login() }
    if parts == ["logout"] { return try logout() }
    guard let user, user.mayAdminister else {
      let next = request.path + (request.queryString.isEmpty ? "" : "?" + request.queryString)
      return .redirect("/admin/login/?next=" + WebRequest.encode(next))
    }
    let context = AdminContext(state: state, connection: connection, request: request, user: user, csrfToken: csrfToken, message: messages.read(request), messages: messages)
    var response = try route(parts, context)
    if request.cookies[MessageCookie.name] != nil && response.status == 200 { response.headers.append(("Set-Cookie", MessageCookie.clear)) }
    return response
  }

  private func route(_ parts: [String], _ context: AdminContext) throws -> WebResponse {
    if parts.isEmpty { return index(context, apps: state.installedApps, title: "Site administration") }
    guard let app = parts.first, state.servedModels.contains(where: { $0.app == app }) else { return notFound(context) }
    if parts.count == 1 { return index(context, apps: [app], title: "\(Naming.capitalized(app)) administration") }
    guard let model = state.servedModel(app: app, name: parts[1]) else { return notFound(context) }
    switch Array(parts.dropFirst(2)) {
    case []: return try ChangeList(context: context, model: model).respond()
    case ["add"]: return try ChangeForm(context: context, model: model, instance: nil).respond()
    case let rest where rest.count == 2:
      guard let instance = try state.row(of: model, key: rest[0], connection) else {
        return context.redirect("/admin/", message: "\(Naming.capitalized(model.readableName)) with ID “\(rest[0])” doesn’t exist. Perhaps it was deleted?")
      }
      switch rest[1] {
      case "change": return try ChangeForm(context: context, model: model, instance: instance).respond()
      case "delete": return try DeleteView(context: context, model: model).confirm([instance])
      case "history": return try historyPage(context, instance)
      default: return notFound(context)
      }
    default: return notFound(context)
    }
  }

  private func notFound(_ context: AdminContext) -> WebResponse {
    context.page("Page not found", crumbs: [("Home", "/admin/")], "<h2>Page not found</h2><p>We’re sorry, but the requested page could not be found.</p>", status: 404)
  }

  private func index(_ context: AdminContext, apps: [String], title: String) -> WebResponse {
    var modules: [HTML] = []
    for app in apps {
      let models = state.servedModels.filter { $0.app == app }
      guard !models.isEmpty else { continue }
      let rows: [HTML] = models.map { model in
        "<tr><th><a href=\"\(context.modelURL(model))\">\(Naming.capitalized(model.readableNamePlural))</a></th><td><a href=\"\(context.modelURL(model))add/\">Add</a></td><td><a href=\"\(context.modelURL(model))\">Change</a></td></tr>"
      }
      modules.append("<div class=\"module\"><h3><a href=\"/admin/\(app)/\">\(Naming.capitalized(app))</a></h3><table>\(rows)</table></div>")
    }
    var crumbs: [(String, String?)] = [("Home", "/admin/")]
    if apps.count == 1 { crumbs.append((Naming.capitalized(apps[0]), nil)) }
    return context.page(title, crumbs: apps.count == 1 ? crumbs : [], "<h2>\(title)</h2>\(modules)")
  }

  private func historyPage(_ context: AdminContext, _ instance: ModelInstance) throws -> WebResponse {
    let entries = try ChangeLog.history(model: instance.model, objectID: instance.pk, connection)
    let rows: [HTML] = entries.map { entry in
      "<tr><td>\(entry.0)</td><td>\(entry.1)</td><td>\(["Added", "Changed", "Deleted"][Int(entry.2.rawValue) - 1])</td><td>\(entry.3)</td></tr>"
    }
    let table: HTML = entries.isEmpty
      ? "<p>This object doesn’t have a change history. It probably wasn’t added via this admin site.</p>"
      : "<div class=\"module\"><table><thead><tr><th>Date/time</th><th>User</th><th>Action</th><th>Message</th></tr></thead><tbody>\(rows)</tbody></table></div>"
    let url = context.modelURL(instance.model) + WebRequest.encode(instance.pk.str) + "/"
    return context.page("Change history: \(instance.displayName)", crumbs: context.crumbs(instance.model) + [(instance.displayName, url + "change/"), ("History", nil)],
                        "<h2>Change history: \(instance.displayName)</h2>\(table)")
  }

  // MARK: - Login and logout

  private func login() throws -> WebResponse {
    var errors: HTML = ""
    var username = ""
    let next = SafeRedirect.path(request.parameter("next")) ?? "/admin/"
    if request.method == "POST" {
      username = request.formValue("username") ?? ""
      let password = request.formValue("password") ?? ""
      // Django's username is at most 150 characters; a longer one cannot sign in, and must not
      // grow the throttle's memory either.
      if username.count > 150 {
        errors = "<p class=\"errornote\">Ensure this value has at most 150 characters (it has \(username.count)).</p>"
        return loginPage(username: "", errors: errors, next: next, status: 200)
      }
      let key = request.remoteAddress + "|" + username.lowercased()
      if let wait = throttle.wait(key) {
        errors = "<p class=\"errornote\">Too many failed login attempts. Try again in \(Int((wait / 60).rounded(.up))) minute(s).</p>"
        return loginPage(username: username, errors: errors, next: next, status: 429)
      }
      if let (account, hash) = try authenticator.check(username: username, password: password, connection), account.mayAdminister {
        throttle.reset(key)
        // Django's login() cycles the session key: the session this browser had before (a
        // fixated or another user's) ends here.
        if let old = request.cookies[SessionStore.cookieName] { try authenticator.sessions.delete(old, connection) }
        let sessionKey = try authenticator.logIn(account, passwordHash: hash, connection)
        var response = WebResponse.redirect(next)
        response.headers.append(("Set-Cookie", SessionStore.cookie(sessionKey)))
        // A new CSRF secret at login, as Django rotates it.
        response.headers.append(("Set-Cookie", Site.csrfCookie(CSRF.newSecret())))
        return response
      }
      throttle.recordFailure(key)
      errors = "<p class=\"errornote\">Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.</p>"
    } else if let user, user.mayAdminister {
      return .redirect(next)
    }
    return loginPage(username: username, errors: errors, next: next, status: 200)
  }

  private func loginPage(username: String, errors: HTML, next: String, status: Int) -> WebResponse {
    let form: HTML = """
      <div class="login"><h2>Log in</h2>\(errors)<div class="module"><form method="post" action="/admin/login/?next=\(WebRequest.encode(next))">
      \(AdminPage.csrfField(csrfToken))
      <label for="id_username">Username:</label><input type="text" name="username" id="id_username" value="\(username)" autofocus required maxlength="150" autocomplete="username">
      <label for="id_password">Password:</label><input type="password" name="password" id="id_password" required autocomplete="current-password">
      <div class="submit"><input type="submit" value="Log in"></div></form></div></div>
      """
    return .html(AdminPage(title: "Log in", user: nil, csrfToken: csrfToken, content: form).render(), status: status)
  }

  private func logout() throws -> WebResponse {
    guard request.method == "POST" else {
      var response = WebResponse.html("<h1>405 Method Not Allowed</h1><p>Log out with the button in the page header.</p>", status: 405)
      response.setHeader("Allow", "POST")
      return response
    }
    if let key = request.cookies[SessionStore.cookieName] { try authenticator.sessions.delete(key, connection) }
    var response = WebResponse.html(AdminPage(title: "Logged out", crumbs: [("Home", "/admin/")], user: nil, csrfToken: csrfToken,
      content: "<h2>Logged out</h2><p>Thanks for spending some quality time with the web site today.</p><p><a href=\"/admin/login/\">Log in again</a></p>").render())
    response.headers.append(("Set-Cookie", SessionStore.cookie(nil)))
    return response
  }
}
