import ManageCore

/// runserver's `[addrport]` in Django's forms: `8000`, `0:8000`, `127.0.0.1:8000`,
/// `[::1]:8000`, `localhost:8000`; `0` means every IPv4 address, as in Django.
public struct AddressPort: Equatable, Sendable {
  public var address: String
  public var port: Int
  public var ipv6: Bool

  /// What the banner shows: `http://127.0.0.1:8000/`, `http://[::1]:8000/`.
  public var url: String { "http://\(ipv6 ? "[\(address)]" : address):\(port)/" }

  /// Parses `text` (nil for the default), Django's errors for anything else.
  public static func parse(_ text: String?, useIPv6: Bool) throws -> AddressPort {
    guard let text, !text.isEmpty else {
      return AddressPort(address: useIPv6 ? "::1" : "127.0.0.1", port: 8000, ipv6: useIPv6)
    }
    var address: String?
    var portText = text
    var ipv6 = useIPv6
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
      let inner = String(text[text.index(after: text.startIndex)..<close])
      let rest = text[text.index(after: close)...]
      guard rest.hasPrefix(":"), !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" }) else { throw invalidPair(text) }
      address = inner
      portText = String(rest.dropFirst())
      ipv6 = true
    } else if let colon = text.lastIndex(of: ":") {
      let host = String(text[..<colon])
      portText = String(text[text.index(after: colon)...])
      let isIPv4 = host.split(separator: ".", omittingEmptySubsequences: false).count == 4
        && host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }
      let isName = !host.isEmpty && host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
        !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
      }
      guard host == "0" || isIPv4 || isName else { throw invalidPair(text) }
      if useIPv6 && isIPv4 { throw CommandFailure("\(host) is not a valid IPv6 address.") }
      address = host == "0" ? (useIPv6 ? "::" : "0.0.0.0") : host
    }
    guard !portText.isEmpty, portText.allSatisfy(\.isNumber) else {
      throw address == nil ? CommandFailure("\"\(text)\" is not a valid port number or address:port pair.") : invalidPair(text)
    }
    guard let port = Int(portText), port <= 65535 else { throw CommandFailure("\"\(portText)\" is not a valid port number.") }
    return AddressPort(address: address ?? (ipv6 ? "::1" : "127.0.0.1"), port: port, ipv6: ipv6)
  }

  private static func invalidPair(_ text: String) -> CommandFailure {
    CommandFailure("\"\(text)\" is not a valid port number or address:port pair.")
  }
}
