import CTLS
import Foundation

/// A small HTTP/1.1 client on POSIX sockets for the HTTP providers: one POST, `Connection:
/// close`, Content-Length or chunked replies, over plain TCP for `http://` or TLS on the
/// system's OpenSSL for `https://` (certificates checked against the system's trust store or a
/// suite's `ca_file`, the name against the host).
public enum HTTPClient {
  public struct Response: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data
  }

  public static func post(_ url: URL, headers: [(String, String)], body: Data, timeout: Double, caFile: String? = nil) throws -> Response {
    guard let scheme = url.scheme, scheme == "http" || scheme == "https" else {
      throw ProviderError("\(url.absoluteString): only http:// and https:// endpoints are supported", exitCode: 2)
    }
    guard let host = url.host else { throw ProviderError("\(url.absoluteString) has no host", exitCode: 2) }
    let secure = scheme == "https"
    let port = url.port ?? (secure ? 443 : 80)
    let socketFD = try connect(host: host, port: port, timeout: timeout)
    defer { close(socketFD) }
    var tls: OpaquePointer?
    if secure {
      var reason = [CChar](repeating: 0, count: 512)
      var verifyFailed: Int32 = 0
      tls = manage_tls_connect(socketFD, host, caFile, &verifyFailed, &reason, reason.count)
      guard tls != nil else {
        var error = ProviderError(
          "https://\(host):\(port): \(String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))", exitCode: 1)
        if verifyFailed != 0 {
          error.retryable = false
          error.hint = "Give the suite's provider `ca_file: PATH` (a PEM file) to trust a private CA, or set SSL_CERT_FILE."
        }
        throw error
      }
    }
    defer { if let tls { manage_tls_close(tls) } }

    var path = url.path.isEmpty ? "/" : url.path
    if let query = url.query { path += "?" + query }
    let defaultPort = port == (secure ? 443 : 80)
    var head = "POST \(path) HTTP/1.1\r\nHost: \(defaultPort ? host : "\(host):\(port)")\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    head += "\r\n"
    let request = Data(head.utf8) + body
    let written = request.withUnsafeBytes { bytes -> Int in
      if let tls { return manage_tls_write(tls, bytes.baseAddress, bytes.count) }
      var sent = 0
      while sent < bytes.count {
        let count = send(socketFD, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { return -1 }
        sent += count
      }
      return sent
    }
    guard written == request.count else {
      throw ProviderError("the request to \(host):\(port) failed: \(String(cString: strerror(errno)))", exitCode: 1)
    }
    var received = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = tls.map { manage_tls_read($0, &buffer, buffer.count) } ?? recv(socketFD, &buffer, buffer.count, 0)
      if count > 0 { received.append(contentsOf: buffer[0..<count]) } else if count == 0 { break } else {
        if tls == nil && errno == EINTR { continue }
        throw ProviderError("no answer from \(host):\(port) within \(Int(timeout)) s", exitCode: 1)
      }
    }
    return try parse(received)
  }

  /// A TCP connection to the first address `host` resolves to, with send and receive timeouts.
  private static func connect(host: String, port: Int, timeout: Double) throws -> Int32 {
    var hints = addrinfo(ai_flags: 0, ai_family: AF_UNSPEC, ai_socktype: Int32(SOCK_STREAM.rawValue), ai_protocol: 0, ai_addrlen: 0, ai_addr: nil, ai_canonname: nil, ai_next: nil)
    var found: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else {
      throw ProviderError("cannot resolve \(host)", exitCode: 1)
    }
    defer { freeaddrinfo(found) }
    let socketFD = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
    guard socketFD >= 0 else { throw ProviderError("cannot open a socket: \(String(cString: strerror(errno)))", exitCode: 1) }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
    setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    guard Glibc.connect(socketFD, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
      let reason = String(cString: strerror(errno))
      close(socketFD)
      throw ProviderError("cannot connect to \(host):\(port): \(reason)", exitCode: 1)
    }
    return socketFD
  }

  static func parse(_ data: Data) throws -> Response {
    guard let split = data.range(of: Data("\r\n\r\n".utf8)) else { throw ProviderError("the server's reply is not HTTP", exitCode: 1) }
    let head = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let statusParts = head.first?.split(separator: " ") ?? []
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw ProviderError("the server's reply has no status", exitCode: 1) }
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var body = Data(data[split.upperBound...])
    if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
      var decoded = Data()
      var rest = body[...]
      while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
        let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
        guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
        let start = lineEnd.upperBound
        guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
        let end = rest.index(start, offsetBy: size)
        decoded.append(rest[start..<end])
        rest = rest[min(rest.index(end, offsetBy: 2, limitedBy: rest.endIndex) ?? rest.endIndex, rest.endIndex)...]
      }
      body = decoded
    }
    return Response(status: status, headers: headers, body: body)
  }
}
