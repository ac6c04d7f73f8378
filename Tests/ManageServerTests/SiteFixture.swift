import Foundation
import Synchronization
import ManageAuth
import ManageCore
import ManageMigrations
@testable import ManageServer

/// The demo project migrated in a temporary folder, with a superuser (`admin`), a reader who
/// is not staff, an API token for each, and the `Site` over it: requests go straight to
/// `Site.respond`, no socket.
final class SiteFixture {
  let path: String
  let site: Site
  let connection: Connection
  let adminToken = "admin-token-" + Signer.randomString(20)
  let readerToken = "reader-token-" + Signer.randomString(20)
  private let log = ReportLog()
  /// What the site reported to its console (500s): empty when every answer was deliberate.
  var reports: [String] { log.lines.withLock { $0 } }

  init() throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("manage-site-\(UUID().uuidString)").path
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/demo").path
    try FileManager.default.copyItem(atPath: fixture, toPath: path)
    // A protected relation, so a delete can be refused (the demo has none).
    let blogModels = path + "/blog/models.yaml"
    try (try String(contentsOfFile: blogModels, encoding: .utf8) + """

        Pin:
          fields:
            post: {type: foreign_key, to: Post, on_delete: protect, related_name: pins}

      """).write(toFile: blogModels, atomically: true, encoding: .utf8)
    let settings = try SettingsLoader.load(environment: [:], currentDirectory: path)
    var registry = try AppRegistry(settings: settings)
    let schema = try registry.loadSchema()
    let changes = try MigrationMaker.changes(
      registry: registry, schema: schema, loader: try MigrationLoader(registry: registry), questioner: NonInteractiveQuestioner(console: Console(verbosity: 0)),
      apps: nil, name: nil, timestamp: "20261201_1200")
    try MigrationMaker.write(changes, registry: registry)
    registry = try AppRegistry(settings: settings)
    connection = try Connection(path: settings.database.path)
    let executor = try MigrationExecutor(connection: connection, loader: try MigrationLoader(registry: registry))
    try executor.migrate(executor.plan(executor.loader.graph.allLeaves.map { .init(app: $0.app, name: $0.name) }))
    let hash = PasswordHasher.make("secret-pass-123", iterations: 1000)
    for (name, staff) in [("admin", 1), ("reader", 0)] {
      try connection.run(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) VALUES (?, ?, ?, '', '', ?, ?, 1, '2026-01-01 00:00:00')",
        [.text(hash), .integer(Int64(staff)), .text(name), .text("\(name)@example.com"), .integer(Int64(staff))])
    }
    for (token, user) in [(adminToken, 1), (readerToken, 2)] {
      try connection.run("INSERT INTO admin_api_token (digest, user_id, created) VALUES (?, ?, '2026-01-01 00:00:00')", [.text(Authenticator.digest(token)), .integer(Int64(user))])
    }
    let state = SiteLoader.state(settings: settings, registry: registry, schema: try registry.loadSchema())
    let log = self.log
    site = Site(state: state) { message in log.lines.withLock { $0.append(message) } }
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// One request through the site, as the HTTP server hands it over.
  func respond(_ method: String, _ target: String, json: String? = nil, token: String? = nil, headers: [String: String] = [:]) -> WebResponse {
    var fields = headers
    fields["host"] = "127.0.0.1:8000"
    if let token { fields["authorization"] = "Token \(token)" }
    if json != nil { fields["content-type"] = "application/json" }
    return site.respond(WebRequest(method: method, target: target, headers: fields, body: Array((json ?? "").utf8), remoteAddress: "127.0.0.1"))
  }

  func object(_ response: WebResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
  }

  func errors(_ response: WebResponse) -> [String: [String]] {
    object(response)["errors"] as? [String: [String]] ?? [:]
  }
}

/// The site's console, collected.
final class ReportLog: Sendable {
  let lines = Mutex<[String]>([])
}
