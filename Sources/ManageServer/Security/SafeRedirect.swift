/// Django's `url_has_allowed_host_and_scheme` for a `next` parameter: only a path on this
/// site. Browsers (the WHATWG URL parser) drop tabs and newlines anywhere and read `\` as `/`,
/// so `/\t/evil.example/x` and `/\evil.example` are other hosts: the check runs on the URL as a
/// browser will read it, and that cleaned form is what goes into Location.
enum SafeRedirect {
  /// The path to redirect to, or nil when `next` could lead off-site.
  static func path(_ next: String?) -> String? {
    guard let next else { return nil }
    var cleaned = String(next.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" })
    // Leading and trailing C0 controls and spaces are stripped by browsers too.
    while let first = cleaned.unicodeScalars.first, first.value <= 0x20 { cleaned.removeFirst() }
    while let last = cleaned.unicodeScalars.last, last.value <= 0x20 { cleaned.removeLast() }
    let browserForm = cleaned.replacingOccurrences(of: "\\", with: "/")
    guard browserForm.hasPrefix("/"), !browserForm.hasPrefix("//"),
          !cleaned.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f })
    else { return nil }
    return browserForm
  }
}
