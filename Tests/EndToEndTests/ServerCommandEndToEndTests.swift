import Foundation
import ManageCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

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
    let afterRevoke = try server.api("GET", "/api/blog/post/", token: server.adminToken)
    #expect(afterRevoke.status == 401 && afterRevoke.object["detail"] as? String == "Invalid token.")
    // No tokens for an inactive user: the API would refuse them anyway.
    try connection.run("UPDATE auth_user SET is_active = 0 WHERE username = 'reader'")
    let inactive = try Manage.run(["createtoken", "reader"], in: server.project.path)
    #expect(inactive.status == 1 && inactive.stderr.contains("User 'reader' is inactive."), "\(inactive.stderr)")
  }

  /// Issue 13: a connection that never finishes its request head is closed, and meanwhile the
  /// server answers everyone else.
  @Test func aStalledRequestIsClosedAndOthersAreServed() throws {
    let server = try RunningServer()
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(server.port).bigEndian)
    let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    #expect(connected == 0)
    let partial = Array("GET /api/ HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8)
    _ = partial.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    #expect(try server.api("GET", "/api/blog/post/", token: server.adminToken).status == 200, "others are served meanwhile")
    var limit = timeval(tv_sec: 25, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    let started = Date()
    var buffer = [UInt8](repeating: 0, count: 64)
    // A byte every second keeps it from idling; the head deadline closes it all the same.
    var closed = false
    while Date().timeIntervalSince(started) < 20 {
      _ = [UInt8(ascii: "a")].withUnsafeBytes { send(descriptor, $0.baseAddress, 1, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
      var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      if Glibc.poll(&poll, 1, 1000) > 0 {
        closed = recv(descriptor, &buffer, buffer.count, 0) <= 0
        break
      }
    }
    #expect(closed, "closed by the server")
    #expect(Date().timeIntervalSince(started) < 15, "within the 10 s head timeout")
  }
}
