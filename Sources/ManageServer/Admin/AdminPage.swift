import ManageCore

/// The frame every admin page shares: the header with the user and the logout button, the
/// breadcrumbs, a one-off message, then the page's content.
struct AdminPage {
  var title: String
  var crumbs: [(String, String?)] = []
  var user: SignedInUser?
  var csrfToken: String
  var message: String?
  var content: HTML

  func render() -> String {
    let trail: [HTML] = crumbs.enumerated().map { index, crumb in
      let separator: HTML = index == 0 ? "" : " › "
      if let link = crumb.1 { return "\(separator)<a href=\"\(link)\">\(crumb.0)</a>" }
      return "\(separator)\(crumb.0)"
    }
    let userBar: HTML = user.map { user in
      """
      <div class="user">Welcome, <strong>\(user.username)</strong>. <a href="/api/">API</a> / \
      <form method="post" action="/admin/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="\(csrfToken)"><button type="submit">Log out</button></form></div>
      """
    } ?? ""
    let note: HTML = message.map { "<p class=\"message\">\($0)</p>" } ?? ""
    let page: HTML = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(title) | manage site admin</title><link rel="stylesheet" href="\(Stylesheet.path)"><link rel="icon" href="data:,"></head>
      <body><header><h1><a href="/admin/">manage administration</a></h1>\(userBar)</header>
      \(crumbs.isEmpty ? "" : HTML(raw: "<nav class=\"crumbs\">" + trail.joined().text + "</nav>"))
      <main>\(note)\(content)</main></body></html>
      """
    return page.text
  }

  /// The hidden CSRF field every form carries.
  static func csrfField(_ token: String) -> HTML { "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"\(token)\">" }
}
