import Foundation
import ManageCore
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 exchange with a server on loopback over a plain socket: the status, the headers
/// in order (Set-Cookie may repeat) and the body.
struct HTTPExchange {
  var status: Int
  var headers: [(String, String)]
  var body: String

  func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
  func headers(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
  var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
  var object: [String: Any] { json as? [String: Any] ?? [:] }

  static func send(port: Int, _ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []) throws -> HTTPExchange {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    var limit = timeval(tv_sec: 20, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard connected == 0 else { throw NSError(domain: "http", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "cannot connect to port \(port)"]) }
    var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    let request = Array((head + "\r\n").utf8) + body
    var sent = 0
    while sent < request.count {
      let count = request[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if count <= 0 { break }  // a server may answer 413 and close before reading everything
      sent += count
    }
    var received = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = recv(descriptor, &buffer, buffer.count, 0)
      if count <= 0 { break }
      received += buffer[0..<count]
    }
    let text = String(decoding: received, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { throw NSError(domain: "http", code: 0, userInfo: [NSLocalizedDescriptionKey: "no HTTP reply: \(text.prefix(200))"]) }
    let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
    let status = Int(lines[0].split(separator: " ")[1]) ?? 0
    let fields: [(String, String)] = lines.dropFirst().compactMap { line in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    return HTTPExchange(status: status, headers: fields, body: String(text[split.upperBound...]))
  }
}

/// A browser-like client: keeps cookies and reads the CSRF token out of each page.
final class BrowserSession {
  let port: Int
  var cookies: [String: String] = [:]
  var lastToken = ""

  init(port: Int) { self.port = port }

  @discardableResult
  func get(_ target: String) throws -> HTTPExchange { try exchange("GET", target) }

  @discardableResult
  func post(_ target: String, form: [(String, String)], token: Bool = true) throws -> HTTPExchange {
    var fields = form
    if token { fields.insert(("csrfmiddlewaretoken", lastToken), at: 0) }
    let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    return try exchange("POST", target, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8))
  }

  func exchange(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []) throws -> HTTPExchange {
    var all = headers
    if !cookies.isEmpty { all["Cookie"] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
    let reply = try HTTPExchange.send(port: port, method, target, headers: all, body: body)
    for cookie in reply.headers("Set-Cookie") {
      let pair = cookie.split(separator: ";")[0]
      guard let equals = pair.firstIndex(of: "=") else { continue }
      let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
      if value.isEmpty || value == "\"\"" || cookie.contains("Max-Age=0") { cookies.removeValue(forKey: name) } else { cookies[name] = value }
    }
    if let range = reply.body.range(of: "name=\"csrfmiddlewaretoken\" value=\"") {
      lastToken = String(reply.body[range.upperBound...].prefix { $0 != "\"" })
    }
    return reply
  }

  static func encode(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
  }
}

/// A migrated copy of the demo with a superuser (admin / secret-pass-123), a non-staff user
/// (reader), an API token for each, and `manage runserver` on a free loopback port.
final class RunningServer {
  let project: TemporaryDirectory
  let port: Int
  let pid: pid_t
  let adminToken: String
  let readerToken: String

  /// `prepare` edits the copy before it is migrated (models' `on:` events, say).
  init(extraSettings: String = "", prepare: ((TemporaryDirectory) throws -> Void)? = nil) throws {
    project = try TemporaryDirectory.copyOfFixture("demo")
    try project.write("manage.yaml", try project.read("manage.yaml") + "password_iterations: 1000\n" + extraSettings)
    try prepare?(project)
    _ = try Manage.run(["makemigrations", "-v", "0"], in: project.path)
    _ = try Manage.run(["migrate", "-v", "0"], in: project.path)
    let environment = ["DJANGO_SUPERUSER_PASSWORD": "secret-pass-123"]
    _ = try Manage.run(["createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com"], in: project.path, environment: environment)
    let connection = try Connection(path: project.path + "/db.sqlite3")
    try connection.run("INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) VALUES ((SELECT password FROM auth_user WHERE username = 'admin'), 0, 'reader', '', '', '', 0, 1, '2026-01-01 00:00:00')")
    adminToken = try Manage.run(["createtoken", "admin"], in: project.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    readerToken = try Manage.run(["createtoken", "reader"], in: project.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    port = try Self.freePort()
    pid = try Manage.start(["runserver", String(port)], in: project.path, output: project.path + "/server")
    let deadline = Date().addingTimeInterval(20)
    while (try? HTTPExchange.send(port: port, "GET", "/admin/login/")) == nil {
      guard Date() < deadline else { throw NSError(domain: "runserver", code: 0, userInfo: [NSLocalizedDescriptionKey: "runserver did not start: " + ((try? project.read("server.err")) ?? "")]) }
      usleep(50_000)
    }
  }

  deinit {
    kill(pid, SIGTERM)
    _ = Manage.wait(pid)
  }

  var stdout: String { (try? project.read("server.out")) ?? "" }
  var stderr: String { (try? project.read("server.err")) ?? "" }

  func api(_ method: String, _ target: String, json: String? = nil, token: String? = nil) throws -> HTTPExchange {
    var headers: [String: String] = [:]
    if let token { headers["Authorization"] = "Token \(token)" }
    if json != nil { headers["Content-Type"] = "application/json" }
    return try HTTPExchange.send(port: port, method, target, headers: headers, body: Array((json ?? "").utf8))
  }

  /// A port nothing listens on now (bound to 0, read, released).
  static func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var bound = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
    return Int(UInt16(bigEndian: bound.sin_port))
  }
}
