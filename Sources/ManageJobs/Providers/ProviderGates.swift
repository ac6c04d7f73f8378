import Foundation
import ManageCore

/// The limits every worker and `manage evals run` share, kept in the database so they hold
/// across processes and hosts: `jobs_limit` has each provider's pause, `jobs_slot` the calls
/// in flight (`slot:` rows) and the calls started within each rate's period (`rate:` rows). A slot carries an expiry (the call's timeout plus a
/// margin), so a process killed mid-call frees its slot instead of leaking it.
public final class ProviderGates: Sendable {
  let database: DatabaseURL
  let displayName: String
  /// A holder's tag: the process and a random part.
  let owner: String

  private let lock = NSLock()
  nonisolated(unsafe) private var idle: [Connection] = []

  public init(database: DatabaseURL, displayName: String) {
    self.database = database
    self.displayName = displayName
    owner = "\(getpid()):\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
  }

  /// Runs `body` on a connection of the gates' own (kept for the next call: a job's gate
  /// should not pay for opening the database).
  func with<T>(_ body: (Connection) throws -> T) throws -> T {
    let connection = try lock.withLock { idle.popLast() } ?? Connection(database, displayName: displayName)
    defer { lock.withLock { idle.append(connection) } }
    return try body(connection)
  }

  /// The gate for calls of `provider` by task `task` (nil for an eval suite): the provider's
  /// limits and the task's, both honoured. Nil when there are none.
  public func gate(provider: NamedProvider, task: String?, taskLimits: ProviderLimits = .none, timeout: Double?) -> ProviderGate? {
    var limits: [(String, ProviderLimits)] = []
    if !provider.limits.isEmpty { limits.append(("provider:" + provider.name, provider.limits)) }
    if let task, !taskLimits.isEmpty { limits.append(("task:" + task, taskLimits)) }
    // A provider without limits may still be paused by a 429: its name is always a key.
    return DatabaseProviderGate(gates: self, keys: limits, pauseKey: "provider:" + provider.name, slotLife: min((timeout ?? 300) + 60, DurationText.maximumSeconds))
  }
}

/// One call site's gate (see ProviderGates). Each `enter` takes, in one IMMEDIATE
/// transaction, a slot of every concurrency limit and a place in every rate's window; when one
/// is short nothing is taken and it waits for the soonest moment one could be free.
final class DatabaseProviderGate: ProviderGate, @unchecked Sendable {
  let gates: ProviderGates
  let keys: [(String, ProviderLimits)]
  let pauseKey: String
  let slotLife: Double
  private let lock = NSLock()
  private var held: [String] = []

  init(gates: ProviderGates, keys: [(String, ProviderLimits)], pauseKey: String, slotLife: Double) {
    self.gates = gates
    self.keys = keys
    self.pauseKey = pauseKey
    self.slotLife = slotLife
  }

  func enter() throws {
    try lock.withLock {
      while true {
        let wait = try gates.with { connection in
          // No limits: only a pause can hold the call back, and reading it takes no lock.
          keys.isEmpty ? try pausedFor(connection) : try connection.transaction(.immediate) { try tryEnter(connection) }
        }
        guard let wait else { return }
        Thread.sleep(forTimeInterval: min(max(wait, 0.005), 1))
      }
    }
  }

  /// Seconds the provider is still paused for, or nil.
  private func pausedFor(_ connection: Connection) throws -> Double? {
    let now = Date().timeIntervalSince1970
    guard let paused = try connection.scalar("SELECT paused_until FROM jobs_limit WHERE name = ?", [.text(pauseKey)])?.string.flatMap(Self.seconds),
      paused > now
    else { return nil }
    return paused - now
  }

  /// Takes what a call needs and returns nil, or takes nothing and returns seconds to wait.
  ///
  /// A rate is a sliding window, not a token bucket that starts full: a call is admitted when
  /// fewer than `count` calls started within the last `period`, so no window of that length
  /// ever holds more than `count` (a full bucket would let twice the rate through in the first
  /// period, which is what a provider's own per-minute limit refuses with 429s).
  private func tryEnter(_ connection: Connection) throws -> Double? {
    let now = Date().timeIntervalSince1970
    let nowText = SQLValue.text(Self.iso(now))
    var wait = try pausedFor(connection) ?? 0
    for (name, limits) in keys {
      if let concurrency = limits.concurrency {
        let slots = "slot:" + name
        try connection.run("DELETE FROM jobs_slot WHERE name = ? AND expires_at < ?", [.text(slots), nowText])
        let inFlight = try connection.scalar("SELECT count(*) FROM jobs_slot WHERE name = ?", [.text(slots)])?.int ?? 0
        // Slots are given back as calls end: poll briefly rather than wait for their expiry.
        if inFlight >= concurrency { wait = max(wait, 0.01) }
      }
      if let rate = limits.rate {
        let starts = "rate:" + name
        try connection.run("DELETE FROM jobs_slot WHERE name = ? AND expires_at <= ?", [.text(starts), nowText])
        let recent = try connection.scalar("SELECT count(*) FROM jobs_slot WHERE name = ?", [.text(starts)])?.int ?? 0
        if recent >= rate.count {
          // The oldest start in the window leaves it first.
          let oldest = try connection.scalar("SELECT min(expires_at) FROM jobs_slot WHERE name = ?", [.text(starts)])?.string.flatMap(Self.seconds) ?? now
          wait = max(wait, oldest - now + 0.001)
        }
      }
    }
    if wait > 0 { return wait }
    for (name, limits) in keys {
      if limits.concurrency != nil {
        let holder = gates.owner + ":" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try connection.run(
          "INSERT INTO jobs_slot (name, holder, expires_at) VALUES (?, ?, ?)", [.text("slot:" + name), .text(holder), .text(Self.iso(now + slotLife))])
        held.append(holder)
      }
      if let rate = limits.rate {
        try connection.run(
          "INSERT INTO jobs_slot (name, holder, expires_at) VALUES (?, ?, ?)", [.text("rate:" + name), .text(gates.owner), .text(Self.iso(now + rate.period))])
      }
    }
    return nil
  }

  func leave() {
    lock.withLock {
      guard !held.isEmpty else { return }
      let holders = held
      held = []
      let marks = Array(repeating: "?", count: holders.count).joined(separator: ", ")
      // Best effort: a slot that cannot be given back now expires on its own.
      _ = try? gates.with { connection in
        try connection.transaction(.immediate) { try connection.run("DELETE FROM jobs_slot WHERE holder IN (\(marks))", holders.map(SQLValue.text)) }
      }
    }
  }

  func pause(seconds: Double) {
    lock.withLock {
      guard seconds > 0 else { return }
      let until = Self.iso(Date().timeIntervalSince1970 + min(seconds, HTTPProvider.longestPause))
      _ = try? gates.with { connection in
        try connection.transaction(.immediate) {
          try connection.run(
            "INSERT INTO jobs_limit (name, paused_until) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET paused_until = excluded.paused_until WHERE paused_until IS NULL OR paused_until < excluded.paused_until",
            [.text(pauseKey), .text(until)])
        }
      }
    }
  }

  static func iso(_ seconds: Double) -> String {
    CivilDateTime(microsecondsSinceEpoch: Int64(seconds * 1_000_000)).iso
  }

  static func seconds(_ text: String) -> Double? {
    CivilDateTime(iso: Substring(text)).map { Double($0.microsecondsSinceEpoch) / 1_000_000 }
  }
}
