import Foundation

/// A small HTTP/1.1 client on POSIX sockets for the HTTP providers: one POST, `Connection:
/// close`, Content-Length or chunked replies. Plain `http://` only: OpenAI-compatible servers on
/// the machine or the network (Ollama, vLLM, llama.cpp, LiteLLM, a test server) speak it; HTTPS
/// needs TLS, which this build does not link yet.
enum HTTPClient {
  struct Response {
    var status: Int
    /// Header names in lower case.
    var headers: [String: String]
    var body: Data
  }

  static func post(_ url: URL, headers: [(String, String)], body: Data, timeout: Double) throws -> Response {
    guard url.scheme == "http" else {
      throw EvalsError(
        "\(url.absoluteString): only http:// endpoints are supported in this build (HTTPS needs TLS)",
        hint: "Point base_url at an OpenAI- or Anthropic-compatible server or proxy on http://, e.g. http://127.0.0.1:11434 for Ollama.",
        exitCode: 2)
    }
    guard let host = url.host else { throw EvalsError("\(url.absoluteString) has no host", exitCode: 2) }
    let port = url.port ?? 80
    var hints = addrinfo(ai_flags: 0, ai_family: AF_UNSPEC, ai_socktype: Int32(SOCK_STREAM.rawValue), ai_protocol: 0, ai_addrlen: 0, ai_addr: nil, ai_canonname: nil, ai_next: nil)
    var found: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else {
      throw EvalsError("cannot resolve \(host)", exitCode: 1)
    }
    defer { freeaddrinfo(found) }
    let socketFD = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
    guard socketFD >= 0 else { throw EvalsError("cannot open a socket: \(String(cString: strerror(errno)))", exitCode: 1) }
    defer { close(socketFD) }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
    setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    guard connect(socketFD, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
      throw EvalsError("cannot connect to \(host):\(port): \(String(cString: strerror(errno)))", exitCode: 1)
    }
    var path = url.path.isEmpty ? "/" : url.path
    if let query = url.query { path += "?" + query }
    var head = "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    head += "\r\n"
    let request = Data(head.utf8) + body
    var sent = 0
    while sent < request.count {
      let count = request[sent...].withUnsafeBytes { send(socketFD, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      guard count > 0 else { throw EvalsError("the request to \(host):\(port) failed: \(String(cString: strerror(errno)))", exitCode: 1) }
      sent += count
    }
    var received = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = recv(socketFD, &buffer, buffer.count, 0)
      if count > 0 { received.append(contentsOf: buffer[0..<count]) } else if count == 0 { break } else {
        if errno == EINTR { continue }
        throw EvalsError("no answer from \(host):\(port) within \(Int(timeout)) s", exitCode: 1)
      }
    }
    return try parse(received)
  }

  static func parse(_ data: Data) throws -> Response {
    guard let split = data.range(of: Data("\r\n\r\n".utf8)) else { throw EvalsError("the server's reply is not HTTP", exitCode: 1) }
    let head = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let statusParts = head.first?.split(separator: " ") ?? []
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw EvalsError("the server's reply has no status", exitCode: 1) }
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
