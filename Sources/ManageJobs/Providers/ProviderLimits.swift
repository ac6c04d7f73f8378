import ManageCore

/// `concurrency: 5` and `rate: 50/min` of a provider or a task: the most calls in flight and
/// the most calls started per period, shared by every worker and `manage evals run` through
/// the database (see ProviderGate).
public struct ProviderLimits: Sendable, Equatable {
  /// Calls in flight at once, across every process; nil for no limit.
  public var concurrency: Int?
  /// At most `count` calls started within any `period` seconds (a sliding window).
  public var rate: (count: Int, period: Double)?

  public static let none = ProviderLimits()
  /// Limits past these are typing mistakes; they also keep every sum on them far from overflow.
  public static let maximumConcurrency = 10_000
  public static let maximumRate = 1_000_000

  public init(concurrency: Int? = nil, rate: (count: Int, period: Double)? = nil) {
    self.concurrency = concurrency
    self.rate = rate
  }

  public static func == (a: ProviderLimits, b: ProviderLimits) -> Bool {
    a.concurrency == b.concurrency && a.rate?.count == b.rate?.count && a.rate?.period == b.rate?.period
  }

  public var isEmpty: Bool { concurrency == nil && rate == nil }

  /// `concurrency:` and `rate:` of a settings mapping (a provider's or a task's).
  public init(_ node: YAMLNode, owner: String) throws {
    if let value = node["concurrency"] {
      guard case .int(let count) = value.value, (1...Self.maximumConcurrency).contains(count) else {
        throw ProviderError("\(value.location): \(owner): 'concurrency' must be a whole number from 1 to \(Self.maximumConcurrency)")
      }
      concurrency = count
    }
    if let value = node["rate"] {
      guard let rate = Self.rate(value.scalarText) else {
        throw ProviderError(
          "\(value.location): \(owner): 'rate' must be calls per period such as 50/min, 10/s or 1000/h, not '\(value.scalarText)'",
          hint: "The count is 1 to \(Self.maximumRate); the period is s, min, h or d, optionally with a number (5/10s).")
      }
      self.rate = rate
    }
  }

  /// `50/min`, `10/s`, `1000/h`, `5/10s` → (count, seconds); nil when malformed or out of range.
  public static func rate(_ text: String) -> (count: Int, period: Double)? {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let count = Int(parts[0].trimmingCharacters(in: .whitespaces)), (1...maximumRate).contains(count) else { return nil }
    var unit = parts[1].trimmingCharacters(in: .whitespaces)
    let names: [String: String] = ["sec": "s", "second": "s", "min": "m", "minute": "m", "hour": "h", "day": "d"]
    if let short = names[unit] { unit = short }
    if ["s", "m", "h", "d"].contains(unit) { unit = "1" + unit }
    guard let period = DurationText.seconds(unit), period > 0 else { return nil }
    return (count, period)
  }
}
