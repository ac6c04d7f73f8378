import Foundation

/// What modules add to every connection manage opens for a project: the jobs module's
/// handler of models' `on:` events. Registered before the dispatcher starts (main.swift).
public enum ConnectionSetup {
  public typealias Step = @Sendable (AppRegistry, Connection) throws -> Void
  private static let lock = NSLock()
  nonisolated(unsafe) private static var steps: [Step] = []

  public static func register(_ step: @escaping Step) { lock.withLock { steps.append(step) } }

  /// Runs every registered step on `connection`.
  public static func apply(_ registry: AppRegistry, _ connection: Connection) throws {
    for step in lock.withLock({ steps }) { try step(registry, connection) }
  }
}
