import Foundation
import Testing
import CTLS
import ManageCore
@testable import ManageEvals
@testable import ManageJobs

/// A real HTTP server on a loopback port that answers from a script and records each request.
final class ScriptedServer: @unchecked Sendable {
  struct Request {
    var line: String
    var headers: [String: String]
    var body: String
  }

  let port: UInt16
  private let listener: Int32
  private let lock = NSLock()
  private var replies: [String]
  private(set) var requests: [Request] = []
  /// When set, the server speaks TLS with this certificate and key (PEM files).
  private let certificate: (certificate: String, key: String)?

  init(replies: [String], tls certificate: (certificate: String, key: String)? = nil) throws {
    self.replies = replies
    self.certificate = certificate
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var reuse: Int32 = 1
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    listen(descriptor, 8)
    var bound = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
    listener = descriptor
    port = UInt16(bigEndian: bound.sin_port)
    Thread { [self] in serve() }.start()
  }

  deinit { close(listener) }

  private func serve() {
    while true {
      let client = accept(listener, nil, nil)
      guard client >= 0 else { return }
      var tls: OpaquePointer?
      if let certificate {
        var reason = [CChar](repeating: 0, count: 512)
        tls = manage_tls_accept(client, certificate.certificate, certificate.key, &reason, reason.count)
        // A client that refused the certificate hangs up during the handshake: nothing to serve.
        guard tls != nil else { close(client); continue }
      }
      var data = Data()
      var buffer = [UInt8](repeating: 0, count: 65536)
      while true {
        let count = tls.map { manage_tls_read($0, &buffer, buffer.count) } ?? recv(client, &buffer, buffer.count, 0)
        if count <= 0 { break }
        data.append(contentsOf: buffer[0..<count])
        if let split = data.range(of: Data("\r\n\r\n".utf8)) {
          let head = String(decoding: data[..<split.lowerBound], as: UTF8.self)
          let length = head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
          if data.count - split.upperBound >= length { break }
        }
      }
      let split = data.range(of: Data("\r\n\r\n".utf8))!
      let lines = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
      var headers: [String: String] = [:]
      for line in lines.dropFirst() {
        if let colon = line.firstIndex(of: ":") { headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
      }
      let reply: String = lock.withLock {
        requests.append(Request(line: lines[0], headers: headers, body: String(decoding: data[split.upperBound...], as: UTF8.self)))
        return replies.isEmpty ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n" : replies.removeFirst()
      }
      _ = reply.withCString { text in
        tls.map { manage_tls_write($0, text, strlen(text)) } ?? send(client, text, strlen(text), Int32(MSG_NOSIGNAL))
      }
      if let tls { manage_tls_close(tls) }
      close(client)
    }
  }

  static func json(_ status: String, _ body: String, headers: String = "") -> String {
    "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\(headers)\r\n\(body)"
  }

  static func chunked(_ status: String, _ body: String) -> String {
    let half = body.utf8.count / 2
    let first = String(body.prefix(half)), second = String(body.dropFirst(half))
    return "HTTP/1.1 \(status)\r\nTransfer-Encoding: chunked\r\n\r\n\(String(first.utf8.count, radix: 16))\r\n\(first)\r\n\(String(second.utf8.count, radix: 16))\r\n\(second)\r\n0\r\n\r\n"
  }
}

@Suite("HTTP providers")
struct HTTPProviderTests {
  func provider(_ format: HTTPProvider.Format, _ server: ScriptedServer) -> HTTPProvider {
    var provider = HTTPProvider(format: format, baseURL: URL(string: "http://127.0.0.1:\(server.port)")!, model: "test-model")
    provider.system = "Answer in JSON."
    provider.temperature = 0
    provider.apiKeyVariable = "TEST_API_KEY"
    return provider
  }

  @Test func openAIRetriesA429ThenA500AndReadsTheAnswer() throws {
    let server = try ScriptedServer(replies: [
      ScriptedServer.json("429 Too Many Requests", "{\"error\": {\"message\": \"slow down\"}}", headers: "retry-after-ms: 50\r\n"),
      ScriptedServer.json("500 Internal Server Error", "{\"error\": {\"message\": \"oops\"}}", headers: "retry-after: 0\r\n"),
      ScriptedServer.chunked("200 OK", "{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": \"Paris\"}}], \"usage\": {\"prompt_tokens\": 12, \"completion_tokens\": 1}}"),
    ])
    let started = Date()
    let answer = try Provider.http(provider(.openai, server)).answer("Capital of France?", caseID: "fr", environment: ["TEST_API_KEY": "sk-test"])
    #expect(answer.output == "Paris")
    #expect(answer.tokensIn == 12 && answer.tokensOut == 1)
    #expect(server.requests.count == 3)
    #expect(Date().timeIntervalSince(started) >= 0.05, "retry-after-ms was honoured")
    let request = try #require(server.requests.first)
    #expect(request.line == "POST /v1/chat/completions HTTP/1.1")
    #expect(request.headers["authorization"] == "Bearer sk-test")
    #expect(request.body == "{\"model\": \"test-model\", \"messages\": [{\"role\": \"system\", \"content\": \"Answer in JSON.\"}, {\"role\": \"user\", \"content\": \"Capital of France?\"}], \"temperature\": 0.0}")
  }

  @Test func anthropicSendsItsHeadersAndJoinsTextBlocks() throws {
    let server = try ScriptedServer(replies: [
      ScriptedServer.json("200 OK", "{\"content\": [{\"type\": \"text\", \"text\": \"Par\"}, {\"type\": \"text\", \"text\": \"is\"}], \"usage\": {\"input_tokens\": 9, \"output_tokens\": 2}}"),
    ])
    let answer = try Provider.http(provider(.anthropic, server)).answer("Capital of France?", caseID: "fr", environment: ["TEST_API_KEY": "sk-ant"])
    #expect(answer.output == "Paris" && answer.tokensIn == 9 && answer.tokensOut == 2)
    let request = try #require(server.requests.first)
    #expect(request.line == "POST /v1/messages HTTP/1.1")
    #expect(request.headers["x-api-key"] == "sk-ant")
    #expect(request.headers["anthropic-version"] == "2023-06-01")
    #expect(request.body.contains("\"max_tokens\": 1024") && request.body.contains("\"system\": \"Answer in JSON.\""))
  }

  @Test func aQuotaErrorIsNotRetriedAndClientErrorsStop() throws {
    let quota = try ScriptedServer(replies: [
      ScriptedServer.json("429 Too Many Requests", "{\"error\": {\"message\": \"You exceeded your current quota\", \"type\": \"insufficient_quota\"}}"),
      ScriptedServer.json("200 OK", "{\"choices\": [{\"message\": {\"content\": \"late\"}}]}"),
    ])
    let error = #expect(throws: ProviderError.self) { try Provider.http(provider(.openai, quota)).answer("x", caseID: "a", environment: [:]) }
    #expect(error?.message == "HTTP 429 (quota, not retried): You exceeded your current quota")
    #expect(quota.requests.count == 1)
    let bad = try ScriptedServer(replies: [ScriptedServer.json("400 Bad Request", "{\"error\": {\"message\": \"unknown model\"}}")])
    let badError = #expect(throws: ProviderError.self) { try Provider.http(provider(.openai, bad)).answer("x", caseID: "a", environment: [:]) }
    #expect(badError?.message == "HTTP 400 after 1 attempt(s): unknown model")
  }

  /// A self-signed certificate for 127.0.0.1 and localhost, made by the openssl CLI.
  static func selfSignedCertificate(names: String = "IP:127.0.0.1,DNS:localhost") throws -> (certificate: String, key: String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("manage-tls-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let certificate = folder + "/cert.pem", key = folder + "/key.pem"
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    openssl.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=localhost",
                         "-addext", "subjectAltName=\(names)"]
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
    try #require(openssl.terminationStatus == 0, "openssl req made a certificate")
    return (certificate, key)
  }

  @Test func httpsTrustsTheGivenCAAndChecksTheName() throws {
    let pair = try Self.selfSignedCertificate()
    let reply = "{\"choices\": [{\"message\": {\"content\": \"Paris\"}}]}"
    let server = try ScriptedServer(replies: [
      ScriptedServer.json("503 Service Unavailable", "{}", headers: "retry-after: 0\r\n"), ScriptedServer.json("200 OK", reply),
      ScriptedServer.json("200 OK", reply),
    ], tls: pair)
    var https = provider(.openai, server)
    https.baseURL = URL(string: "https://127.0.0.1:\(server.port)")!
    https.caFile = pair.certificate
    let answer = try Provider.http(https).answer("Capital of France?", caseID: "fr", environment: ["TEST_API_KEY": "sk-test"])
    #expect(answer.output == "Paris")
    #expect(server.requests.count == 2, "a 503 over TLS is retried like one over plain HTTP")
    #expect(server.requests.last?.headers["authorization"] == "Bearer sk-test")
    #expect(server.requests.last?.line == "POST /v1/chat/completions HTTP/1.1")

    // The name is checked: a trusted certificate for another host is refused.
    let other = try Self.selfSignedCertificate(names: "DNS:api.example.com")
    let impostor = try ScriptedServer(replies: [ScriptedServer.json("200 OK", reply)], tls: other)
    var wrongName = https
    wrongName.baseURL = URL(string: "https://127.0.0.1:\(impostor.port)")!
    wrongName.caFile = other.certificate
    let mismatch = #expect(throws: ProviderError.self) { try Provider.http(wrongName).answer("x", caseID: "a", environment: [:]) }
    #expect(mismatch?.message.contains("was not accepted: IP address mismatch") == true, "\(mismatch?.message ?? "")")
    #expect(impostor.requests.isEmpty, "nothing was sent to a server with the wrong name")

    // Without the CA the self-signed certificate is refused, said plainly and not retried.
    var untrusted = https
    untrusted.caFile = nil
    let refused = #expect(throws: ProviderError.self) { try Provider.http(untrusted).answer("x", caseID: "a", environment: [:]) }
    #expect(refused?.message.contains("the certificate of 127.0.0.1 was not accepted: self-signed certificate") == true)
    #expect(refused?.hint?.contains("ca_file") == true)
    #expect(server.requests.count == 2, "a refused certificate is not retried")
  }
}
