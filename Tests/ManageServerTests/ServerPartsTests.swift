import Foundation
import Testing
import ManageCore
@testable import ManageServer

@Suite("runserver's parts")
struct ServerPartsTests {
  @Test func addressForms() throws {
    #expect(try AddressPort.parse(nil, useIPv6: false) == AddressPort(address: "127.0.0.1", port: 8000, ipv6: false))
    #expect(try AddressPort.parse("8001", useIPv6: false) == AddressPort(address: "127.0.0.1", port: 8001, ipv6: false))
    #expect(try AddressPort.parse("0:8000", useIPv6: false).address == "0.0.0.0")
    #expect(try AddressPort.parse("0:8000", useIPv6: false).url == "http://0.0.0.0:8000/")
    #expect(try AddressPort.parse("10.1.2.3:9000", useIPv6: false) == AddressPort(address: "10.1.2.3", port: 9000, ipv6: false))
    let six = try AddressPort.parse("[::1]:8000", useIPv6: false)
    #expect(six == AddressPort(address: "::1", port: 8000, ipv6: true) && six.url == "http://[::1]:8000/")
    #expect(try AddressPort.parse(nil, useIPv6: true).url == "http://[::1]:8000/")
    #expect(try AddressPort.parse("localhost:8000", useIPv6: false).address == "localhost")
    for (text, message) in [
      ("abc", "\"abc\" is not a valid port number or address:port pair."),
      ("127.0.0.1:", "\"127.0.0.1:\" is not a valid port number or address:port pair."),
      ("[zz]:80", "\"[zz]:80\" is not a valid port number or address:port pair."),
      ("99999", "\"99999\" is not a valid port number."),
      ("bad host:80", "\"bad host:80\" is not a valid port number or address:port pair."),
    ] {
      #expect(throws: CommandFailure.self, "\(text)") { try AddressPort.parse(text, useIPv6: false) }
      #expect((try? AddressPort.parse(text, useIPv6: false)) == nil)
      do { _ = try AddressPort.parse(text, useIPv6: false) } catch let error as CommandFailure { #expect(error.message == message) }
    }
  }

  @Test func csrfTokensAreMaskedAndUnmasked() {
    let secret = CSRF.newSecret()
    let first = CSRF.mask(secret), second = CSRF.mask(secret)
    #expect(first.count == 64 && first != second, "each page gets a fresh mask")
    #expect(CSRF.unmask(first) == secret && CSRF.unmask(second) == secret)
    #expect(CSRF.unmask(secret) == secret)
    #expect(CSRF.unmask("short") == nil && CSRF.unmask(String(repeating: "!", count: 64)) == nil)
  }

  @Test func htmlEscapesUnlessToldNotTo() {
    let user = "<img src=x onerror=alert('1')> & \"quoted\""
    let markup: HTML = "<p title=\"\(user)\">\(user)</p>"
    #expect(markup.text == "<p title=\"&lt;img src=x onerror=alert(&#x27;1&#x27;)&gt; &amp; &quot;quoted&quot;\">&lt;img src=x onerror=alert(&#x27;1&#x27;)&gt; &amp; &quot;quoted&quot;</p>")
    let inner: HTML = "<b>\(user)</b>"
    let outer: HTML = "<div>\(inner)</div>"
    #expect(outer.text.hasPrefix("<div><b>&lt;img"))
  }

  @Test func signedValuesDetectTampering() {
    let signer = Signer(secret: "s3cret", purpose: "test")
    let signed = signer.sign("user=1")
    #expect(signer.unsign(signed) == "user=1")
    #expect(signer.unsign(signed.replacingOccurrences(of: "user=1", with: "user=2")) == nil)
    #expect(Signer(secret: "other", purpose: "test").unsign(signed) == nil)
    #expect(Signer(secret: "s3cret", purpose: "another purpose").unsign(signed) == nil)
  }

  @Test func requestLogLinesAndColours() {
    let date = Date(timeIntervalSince1970: 1_795_792_530)  // 2026-11-27 15:15:30 UTC
    #expect(RequestLog.line(method: "GET", target: "/admin/", status: 200, bytes: 12149, at: date, timeZone: TimeZone(identifier: "UTC")!, colour: false) == "[27/Nov/2026 15:15:30] \"GET /admin/ HTTP/1.1\" 200 12149")
    #expect(RequestLog.line(method: "GET", target: "/x", status: 404, bytes: 1, at: date, colour: true).hasPrefix("\u{1B}[33m["))
    #expect(RequestLog.line(method: "GET", target: "/x", status: 500, bytes: 1, at: date, colour: true).hasPrefix("\u{1B}[1;35m["))
    #expect(RequestLog.line(method: "GET", target: "/x", status: 200, bytes: 1, at: date, colour: true).hasPrefix("["))
  }

  @Test func loginThrottleWindow() {
    let throttle = LoginThrottle(limit: 3, window: 60)
    let start = Date()
    for offset in 0..<3 { throttle.recordFailure("ip|ada", now: start.addingTimeInterval(Double(offset))) }
    #expect(throttle.wait("ip|ada", now: start.addingTimeInterval(3)).map { $0 > 56 && $0 <= 57 } == true)
    #expect(throttle.wait("ip|bob", now: start) == nil)
    #expect(throttle.wait("ip|ada", now: start.addingTimeInterval(61)) == nil, "failures age out")
  }

  @Test func csvCellsAreQuotedAndDefused() {
    #expect(ChangeList.csvCell("plain") == "plain")
    #expect(ChangeList.csvCell("a,b") == "\"a,b\"")
    #expect(ChangeList.csvCell("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(ChangeList.csvCell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
    #expect(ChangeList.csvCell("-12.5") == "-12.5")
  }
}
