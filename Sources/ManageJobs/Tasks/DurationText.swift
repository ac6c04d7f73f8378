/// Durations as people write them in tasks.yaml and on the command line: `500ms`, `30s`,
/// `5m`, `2h`, `7d`, or a bare number of seconds.
public enum DurationText {
  /// Seconds, or nil when the text is not a duration.
  public static func seconds(_ text: String) -> Double? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
    for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
      guard let number = Double(trimmed.dropLast(suffix.count)), number >= 0 else { return nil }
      return number * scale
    }
    guard let number = Double(trimmed), number >= 0 else { return nil }
    return number
  }

  /// `1.5s`, `30s`, `2m`: how log lines and listings show a duration.
  public static func format(_ seconds: Double) -> String {
    if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
    if seconds < 60 { return seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.2fs", seconds) }
    if seconds < 3600 { return "\(Int(seconds / 60))m\(Int(seconds) % 60 == 0 ? "" : "\(Int(seconds) % 60)s")" }
    return "\(Int(seconds / 3600))h\(Int(seconds) % 3600 / 60 == 0 ? "" : "\(Int(seconds) % 3600 / 60)m")"
  }
}

import Foundation
