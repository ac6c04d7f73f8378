import NIOCore
import NIOHTTPTypes
import Synchronization

/// Limits on connections that the dev server's threads would otherwise wait on forever: a
/// request's head must arrive within `headTimeout` of the connection opening (or of the last
/// response), and at most `maximumConnections` are open at once; past that a new connection is
/// closed at once. Hummingbird's idle timeout (set beside it) closes a connection that sends
/// nothing; this catches one that sends a byte now and then and never finishes its headers.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
  typealias InboundIn = HTTPRequestPart
  typealias InboundOut = HTTPRequestPart

  /// The open connections, shared by every guard of one server.
  final class Count: Sendable {
    let open = Atomic<Int>(0)
    init() {}
  }

  private let count: Count
  private let headTimeout: TimeAmount
  private let maximumConnections: Int
  private var deadline: Scheduled<Void>?
  private var counted = false

  init(count: Count, headTimeout: TimeAmount, maximumConnections: Int) {
    self.count = count
    self.headTimeout = headTimeout
    self.maximumConnections = maximumConnections
  }

  func handlerAdded(context: ChannelHandlerContext) {
    let open = count.open.wrappingAdd(1, ordering: .relaxed).newValue
    counted = true
    if open > maximumConnections {
      context.close(promise: nil)
      return
    }
    armDeadline(context)
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    deadline?.cancel()
    if counted {
      count.open.wrappingSubtract(1, ordering: .relaxed)
      counted = false
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head:
      deadline?.cancel()
      deadline = nil
    case .end:
      // The next request on a kept-alive connection gets the same time for its head.
      armDeadline(context)
    case .body:
      break
    }
    context.fireChannelRead(data)
  }

  private func armDeadline(_ context: ChannelHandlerContext) {
    deadline?.cancel()
    let channel = context.channel
    deadline = context.eventLoop.scheduleTask(in: headTimeout) { channel.close(promise: nil) }
  }
}
