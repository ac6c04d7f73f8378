import ManageCore

/// JSON equality that treats 1 and 1.0 alike and ignores key order.
public enum JSONCompare {
  public static func number(_ value: ModelValue) -> Double? {
    switch value {
    case .int(let n): Double(n)
    case .double(let d): d
    case .decimal(let text): Double(text)
    default: nil
    }
  }

  public static func equal(_ a: ModelValue, _ b: ModelValue) -> Bool {
    if let x = number(a), let y = number(b) { return x == y }
    switch (a, b) {
    case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)), (.list(let x), .tuple(let y)), (.tuple(let x), .list(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
    case (.dict(let x), .dict(let y)):
      return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { equal(x[$0]!, y[$0]!) }
    default:
      return a == b
    }
  }

  /// Numbers within an absolute or relative tolerance; anything else equal.
  public static func close(_ a: ModelValue, _ b: ModelValue, tolerance: Double, relative: Double) -> Bool {
    if let x = number(a), let y = number(b) {
      return abs(x - y) <= max(tolerance, relative * abs(y)) + 1e-12
    }
    return equal(a, b)
  }
}
