import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The request context: Hummingbird's core storage plus the client's address (for the login throttle).
struct ServerRequestContext: RequestContext {
  var coreContext: CoreRequestContextStorage
  let remoteAddress: String

  init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    remoteAddress = source.channel.remoteAddress?.ipAddress ?? ""
  }
}

/// Timeouts and the connection cap (gunicorn's defaults are of the same order: 30 s worker
/// timeout, 1,000 connections per worker).
public struct ConnectionLimits: Sendable {
  /// A connection that sends nothing for this long is closed.
  public var idleTimeout: TimeAmount = .seconds(60)
  /// A request's headers must be complete this long after the connection opens.
  public var headTimeout: TimeAmount = .seconds(10)
  /// Connections open at once; more are closed as they arrive.
  public var maximumConnections = 1_000

  public init() {}
}

/// The site on Hummingbird 2: each request's body collected up to the cap (413 past it),
/// handed to `Site.respond`, and logged in Django's format.
public struct HTTPServer: Sendable {
  public let site: Site
  public let address: AddressPort
  /// Called with each request's log line.
  public let log: @Sendable (_ status: Int, _ line: String) -> Void
  public let logColour: Bool
  /// How long a connection may take or idle, and how many may be open.
  public var limits = ConnectionLimits()

  public init(site: Site, address: AddressPort, logColour: Bool, log: @escaping @Sendable (Int, String) -> Void) {
    self.site = site
    self.address = address
    self.logColour = logColour
    self.log = log
  }

  /// Serves until SIGINT or SIGTERM; `onRunning` is called once the port is bound.
  public func run(onRunning: @escaping @Sendable () async -> Void) async throws {
    let site = self.site, log = self.log, colour = self.logColour
    let responder = CallbackResponder<ServerRequestContext> { request, context in
      let target = request.uri.string
      var headers: [String: String] = [:]
      for field in request.headers {
        let name = field.name.canonicalName
        headers[name] = headers[name].map { $0 + (name == "cookie" ? "; " : ", ") + field.value } ?? field.value
      }
      // HTTPTypes keeps the Host header as the request's authority.
      if let authority = request.head.authority { headers["host"] = authority }
      var response: WebResponse
      let declared = headers["content-length"].flatMap(Int.init) ?? 0
      if declared > site.maxBodySize {
        response = Self.tooLarge(target)
      } else {
        var request = request
        do {
          let buffer = try await request.collectBody(upTo: site.maxBodySize)
          let body = Array(buffer.readableBytesView)
          let webRequest = WebRequest(method: request.method.rawValue, target: target, headers: headers, body: body, remoteAddress: context.remoteAddress)
          response = site.respond(webRequest)
        } catch {
          response = Self.tooLarge(target)
        }
      }
      log(response.status, RequestLog.line(method: request.method.rawValue, target: target, status: response.status, bytes: response.body.count, colour: colour))
      var fields = HTTPFields()
      for (name, value) in response.headers {
        if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
      }
      fields[.contentLength] = String(response.body.count)
      let body = request.method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: response.body))
      return Response(status: .init(code: response.status), headers: fields, body: body)
    }
    var logger = Logger(label: "manage.runserver")
    logger.logLevel = .critical
    let count = ConnectionGuard.Count()
    let limits = limits
    let channel = HTTP1Channel.Configuration(
      additionalChannelHandlers: [ConnectionGuard(count: count, headTimeout: limits.headTimeout, maximumConnections: limits.maximumConnections)],
      idleTimeout: limits.idleTimeout)
    let app = Application(
      responder: responder,
      server: .http1(configuration: channel),
      configuration: .init(address: .hostname(address.address, port: address.port), serverName: nil, reuseAddress: true),
      onServerRunning: { _ in await onRunning() },
      logger: logger)
    try await app.runService()
  }

  static func tooLarge(_ target: String) -> WebResponse {
    var response = target.hasPrefix("/api/")
      ? WebResponse.detail("Request body exceeded the limit of 2.5 MB.", status: 413)
      : WebResponse.html("<!DOCTYPE html><title>Request Entity Too Large</title><h1>Request Entity Too Large (413)</h1>", status: 413)
    SecurityHeaders.apply(to: &response)
    response.setHeader("Connection", "close")
    return response
  }
}
