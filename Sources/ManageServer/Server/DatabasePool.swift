import Foundation
import ManageCore

/// SQLite connections for concurrent requests: each request borrows one, so readers run side by
/// side in WAL mode and writers queue on SQLite's busy timeout. Connections are opened on demand
/// and kept for the next request.
public final class DatabasePool: @unchecked Sendable {
  private let path: String
  private let displayName: String
  private let lock = NSLock()
  private var idle: [Connection] = []
  /// Set on each connection: the admin's and the API's writes enqueue models' `on:` jobs.
  private let eventHandler: ModelEventHandler?

  public init(path: String, displayName: String, eventHandler: ModelEventHandler? = nil) {
    self.path = path
    self.displayName = displayName
    self.eventHandler = eventHandler
  }

  /// Runs `body` with a connection of its own.
  public func with<T>(_ body: (Connection) throws -> T) throws -> T {
    let connection = try lock.withLock { idle.popLast() } ?? {
      let opened = try Connection(path: path, displayName: displayName)
      opened.eventHandler = eventHandler
      return opened
    }()
    defer { lock.withLock { idle.append(connection) } }
    return try body(connection)
  }
}
