import Foundation
import Testing

/// The admin in real headless Chromium, driven by selenium (Support/admin_browser.py): log in,
/// add a post with a validation error then fix it, edit, search, filter, delete. Screenshots are
/// kept in .build/test-artifacts/admin-browser/. `.ci/run` installs chromium, chromium-driver and
/// selenium and sets MANAGE_TEST_BROWSER_PYTHON; without it the test is skipped.
@Suite("runserver: the admin in a browser", .serialized)
struct ServerBrowserEndToEndTests {
  static let python = ProcessInfo.processInfo.environment["MANAGE_TEST_BROWSER_PYTHON"]

  @Test(.enabled(if: python != nil, "set MANAGE_TEST_BROWSER_PYTHON to a python with selenium (.ci/run does)"))
  func addEditSearchFilterAndDeleteInChromium() throws {
    let server = try RunningServer()
    let script = Manage.repository + "/Tests/EndToEndTests/Support/admin_browser.py"
    let shots = Manage.repository + "/.build/test-artifacts/admin-browser"
    let result = try Manage.spawn([Self.python!, script, "http://127.0.0.1:\(server.port)", "admin", "secret-pass-123", shots],
                                  in: server.project.path, environment: Manage.baseEnvironment())
    let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\n\(result.stderr)")
    #expect(seen["error"] == nil, "\(seen["error"] ?? "")\n\(result.stderr)")
    #expect(seen["login_page"] as? String == "Log in | manage site admin")
    #expect(seen["index_title"] as? String == "Site administration | manage site admin" && seen["index_has_posts"] as? Bool == true)
    #expect(seen["slug_error"] as? String == "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.")
    #expect(seen["author_error"] as? String == "This field is required.")
    #expect(seen["title_kept"] as? String == "Notes on the Analytical Engine")
    #expect(seen["added_message"] as? String == "The post “Post object (1)” was added successfully.")
    #expect(seen["changed_message"] as? String == "The post “Post object (1)” was changed successfully.")
    #expect(seen["search_rows"] as? Int == 1 && seen["search_first"] as? String == "Sketch of the Analytical Engine")
    #expect(seen["filter_rows"] as? Int == 1 && seen["filter_first"] as? String == "Draft thoughts")
    #expect(seen["confirm"] as? String == "Are you sure?")
    #expect(seen["deleted_message"] as? String == "The post “Post object (2)” was deleted successfully.")
    #expect(seen["rows_after_delete"] as? Int == 1)
    #expect((seen["console_errors"] as? [String]) == [], "no CSP violations or failed loads")
    #expect(FileManager.default.fileExists(atPath: shots + "/03-add-with-errors.png"))
  }
}
