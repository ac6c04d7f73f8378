import Foundation
import ManageCore
import Testing

/// `manage runserver` as a command: the banner, Django's address errors, a port in use, the
/// secret_key requirement, and reloading when a models.yaml changes.
@Suite("runserver: the command", .serialized)
struct ServerCommandEndToEndTests {
  @Test func bannerWarningsAndReload() throws {
    let server = try RunningServer()
    let banner = server.stdout
    #expect(banner.hasPrefix("Performing system checks...\n\nSystem check identified no issues (0 silenced).\n"), "\(banner)")
    #expect(banner.contains("using settings 'manage.yaml'\nStarting development server at http://127.0.0.1:\(server.port)/\nQuit the server with CONTROL-C.\n"))
    #expect(banner.contains("WARNING: This is a development server. Do not use it in a production setting."))

    // A second server on the same port: Django's message, exit 1.
    let clash = try Manage.run(["runserver", String(server.port)], in: server.project.path)
    #expect(clash.status == 1)
    #expect(clash.stderr.contains("error: That port is already in use."), "\(clash.stderr)")
    #expect(!clash.stderr.contains("Error: That"), "not doubled: \(clash.stderr)")

    // A new model in blog/models.yaml is served without a restart.
    #expect(try server.api("GET", "/api/blog/note/", token: server.adminToken).status == 404)
    let models = try server.project.read("blog/models.yaml")
    try server.project.write("blog/models.yaml", models + "\n  Note:\n    fields:\n      text: {type: char, max_length: 50}\n")
    let deadline = Date().addingTimeInterval(10)
    while !server.stdout.contains("Reloaded:") && Date() < deadline { usleep(50_000) }
    #expect(server.stdout.contains("blog/models.yaml changed, reloading."), "\(server.stdout)")
    let openapi = try server.api("GET", "/api/openapi.json").object
    #expect((openapi["paths"] as? [String: Any])?["/api/blog/note/"] != nil)
    // A broken edit keeps the last good models.
    try server.project.write("blog/models.yaml", models + "\n  Note:\n    fields:\n      text: {type: char}\n")
    let later = Date().addingTimeInterval(10)
    while !server.stderr.contains("still serving the previous ones") && Date() < later { usleep(50_000) }
    #expect(server.stderr.contains("The models have errors; still serving the previous ones."))
    #expect(try server.api("GET", "/api/blog/post/", token: server.adminToken).status == 200)
    // A new secret_key cannot take effect without a restart, and the console says so.
    let settings = try server.project.read("manage.yaml")
    try server.project.write("blog/models.yaml", models)
    try server.project.write("manage.yaml", settings.replacingOccurrences(of: "demo-only-insecure-key-do-not-deploy", with: "another-key-entirely-0123456789-abcdefghijklmnopqrstuvwxyz"))
    let last = Date().addingTimeInterval(10)
    while !server.stderr.contains("restart runserver") && Date() < last { usleep(50_000) }
    #expect(server.stderr.contains("The database or the secret_key changed: restart runserver to use them; the rest is reloaded."))
  }

  @Test func badAddressesAndAMissingSecretKey() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    for (argument, message) in [("abc", "\"abc\" is not a valid port number or address:port pair."), ("70000", "\"70000\" is not a valid port number.")] {
      let result = try Manage.run(["runserver", argument], in: project.path)
      #expect(result.status == 1 && result.stderr.contains(message), "\(result.stderr)")
    }
    let unassignable = try Manage.run(["runserver", "203.0.113.7:\(try RunningServer.freePort())", "--skip-checks", "--noreload"], in: project.path)
    #expect(unassignable.status == 1 && unassignable.stderr.contains("error: That IP address can't be assigned to."), "\(unassignable.stderr)")
    let settings = try project.read("manage.yaml").replacingOccurrences(of: "secret_key: ${MANAGE_SECRET_KEY:-demo-only-insecure-key-do-not-deploy}", with: "secret_key: \"\"")
    try project.write("manage.yaml", settings)
    let noKey = try Manage.run(["runserver"], in: project.path)
    #expect(noKey.status == 1)
    #expect(noKey.stderr.contains("The secret_key setting must not be empty."))
    #expect(noKey.stderr.contains("hint: runserver signs sessions and CSRF tokens with it."))
  }

  @Test func aLockedDatabaseIsA503AndWritesNothing() throws {
    let server = try RunningServer()
    let holder = try Connection(path: server.project.path + "/db.sqlite3")
    try holder.run("BEGIN EXCLUSIVE")
    let reply = try server.api("POST", "/api/blog/tag/", json: #"{"name": "during-lock"}"#, token: server.adminToken)
    try holder.run("COMMIT")
    #expect(reply.status == 503 && reply.header("Retry-After") == "1")
    #expect(reply.object["detail"] as? String == "The database is busy (another process holds its lock). Nothing was changed; try again.")
    #expect(try holder.scalar("SELECT count(*) FROM blog_tag")?.int == 0)
    #expect(server.stderr.contains("Service Unavailable: /api/blog/tag/"))
    #expect(try server.api("POST", "/api/blog/tag/", json: #"{"name": "after-lock"}"#, token: server.adminToken).status == 201)
  }

  @Test func createtokenStoresOnlyADigest() throws {
    let server = try RunningServer()
    let connection = try Connection(path: server.project.path + "/db.sqlite3")
    let digests = try connection.query("SELECT digest FROM admin_api_token").map { $0[0].string ?? "" }
    #expect(digests.count == 2 && !digests.contains(server.adminToken) && digests.allSatisfy { $0.count == 64 })
    let missing = try Manage.run(["createtoken", "nobody"], in: server.project.path)
    #expect(missing.status == 1 && missing.stderr.contains("User 'nobody' does not exist."))
    let revoked = try Manage.run(["createtoken", "admin", "--revoke"], in: server.project.path)
    #expect(revoked.stdout == "Revoked 1 token(s) of 'admin'.\n")
    #expect(try server.api("GET", "/api/blog/post/", token: server.adminToken).status == 401)
  }
}
