import Foundation

/// Refuses logins for a while after repeated failures from one address for one username, so a
/// password cannot be guessed at request speed (Django leaves this to add-ons such as
/// django-axes). In memory: a restart forgets, which suits a dev server.
public final class LoginThrottle: @unchecked Sendable {
  public let limit: Int
  public let window: TimeInterval
  private let lock = NSLock()
  private var failures: [String: [Date]] = [:]
  /// Addresses-and-usernames remembered at once: past this, expired entries go, then the
  /// stalest, so a flood of distinct usernames cannot grow the server without bound.
  public static let maximumKeys = 10_000

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

  public func recordFailure(_ key: String, now: Date = Date()) {
    lock.withLock {
      if failures[key] == nil && failures.count >= Self.maximumKeys {
        failures = failures.filter { $0.value.last.map { now.timeIntervalSince($0) < window } ?? false }
        if failures.count >= Self.maximumKeys, let stalest = failures.min(by: { ($0.value.last ?? now) < ($1.value.last ?? now) })?.key {
          failures[stalest] = nil
        }
      }
      // Only the last `limit` failures decide a wait.
      failures[key, default: []].append(now)
      if let count = failures[key]?.count, count > limit { failures[key]?.removeFirst(count - limit) }
    }
  }

  /// How many keys are remembered now (for tests of the bound).
  public var rememberedKeys: Int { lock.withLock { failures.count } }

  public func reset(_ key: String) { _ = lock.withLock { failures.removeValue(forKey: key) } }
}
