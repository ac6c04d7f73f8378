import Foundation

/// Refuses logins for a while after repeated failures from one address for one username, so a
/// password cannot be guessed at request speed (Django leaves this to add-ons such as
/// django-axes). In memory: a restart forgets, which suits a dev server.
public final class LoginThrottle: @unchecked Sendable {
  public let limit: Int
  public let window: TimeInterval
  private let lock = NSLock()
  private var failures: [String: [Date]] = [:]

  public init(limit: Int = 5, window: TimeInterval = 15 * 60) {
    self.limit = limit
    self.window = window
  }

  /// Seconds until `key` may try again, or nil when it may now.
  public func wait(_ key: String, now: Date = Date()) -> TimeInterval? {
    lock.withLock {
      let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
      failures[key] = recent
      guard recent.count >= limit, let oldest = recent.first else { return nil }
      return window - now.timeIntervalSince(oldest)
    }
  }

  public func recordFailure(_ key: String, now: Date = Date()) { lock.withLock { failures[key, default: []].append(now) } }

  public func reset(_ key: String) { _ = lock.withLock { failures.removeValue(forKey: key) } }
}
