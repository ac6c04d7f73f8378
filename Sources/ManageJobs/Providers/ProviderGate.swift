/// What stands between a caller and a provider: a slot of the provider's `concurrency:` and a
/// token of its `rate:`, shared by every process through the database (DatabaseProviderGate).
/// Providers call `enter` before each request and `leave` after it; a 429's retry-after is
/// `pause`, which holds every caller of the provider back, not just the one that was refused.
public protocol ProviderGate: Sendable {
  /// Waits until a call may start; throws when the wait cannot be had (the database fails).
  func enter() throws
  /// The call that `enter` admitted has finished.
  func leave()
  /// The provider asked for a pause (429 with retry-after): nobody calls it for `seconds`.
  func pause(seconds: Double)
}
