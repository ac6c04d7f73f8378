import Foundation

/// Durations as people write them in tasks.yaml, suites and on the command line: `500ms`,
/// `30s`, `5m`, `2h`, `7d`, or a bare number of seconds. Every duration from outside goes
/// through here, and none is longer than `maximumSeconds`, so whatever is computed from one
/// (microseconds, a backoff doubled per attempt, a date in the past) stays far inside Int64.
public enum DurationText {
  /// A hundred years of 365.25 days: longer than any delay, lease or retention anyone means.
  public static let maximumSeconds: Double = 3_155_760_000

  /// How an option's or a key's error says what it takes.
  public static let expectation = "a duration such as 500ms, 30s, 5m, 2h or 7d, at most 36525d"

  /// Seconds, or nil when the text is not a duration between 0 and `maximumSeconds`.
  public static func seconds(_ text: String) -> Double? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
    var number: Double?
    var scale = 1.0
    for (suffix, unitScale) in units where trimmed.hasSuffix(suffix) {
      number = plainNumber(trimmed.dropLast(suffix.count))
      scale = unitScale
      break
    }
    if number == nil, trimmed.last.map({ $0.isNumber || $0 == "." }) == true { number = plainNumber(Substring(trimmed)) }
    guard let number, number >= 0 else { return nil }
    let seconds = number * scale
    return seconds <= maximumSeconds ? seconds : nil
  }

  /// The duration a YAML value says (`30s`, or a bare number of seconds), or nil.
  public static func seconds(of node: YAMLNode) -> Double? { seconds(node.scalarText) }

  /// The message for a YAML value that is not a duration: `file:line:col: 'key' must be …`.
  public static func problem(_ node: YAMLNode, key: String) -> String {
    "\(node.location): '\(key)' must be \(expectation), not '\(node.scalarText)'"
  }

  /// Digits with an optional fraction: no `inf`, `nan`, signs or exponents, which Double(_:)
  /// would also read.
  private static func plainNumber(_ text: Substring) -> Double? {
    guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
    return Double(text)
  }

  /// `1.5s`, `30s`, `2m`: how log lines and listings show a duration.
  public static func format(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds <= maximumSeconds * 2 else { return "\(seconds)s" }
    if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
    if seconds < 60 { return seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.2fs", seconds) }
    if seconds < 3600 { return "\(Int(seconds / 60))m\(Int(seconds) % 60 == 0 ? "" : "\(Int(seconds) % 60)s")" }
    return "\(Int(seconds / 3600))h\(Int(seconds) % 3600 / 60 == 0 ? "" : "\(Int(seconds) % 3600 / 60)m")"
  }
}
