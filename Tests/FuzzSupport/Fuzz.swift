import Foundation

/// Seeded, bounded fuzzing for the parsers that take untrusted input, shared by the test
/// targets. CI runs `Fuzz.iterations(default:)` inputs with a fixed seed; a longer run is
/// `MANAGE_FUZZ_ITERATIONS=200000 MANAGE_FUZZ_SEED=$RANDOM swift test --filter Fuzz`, and a
/// failure names the seed and input, so it replays and becomes a regression test.
public enum Fuzz {
  /// Inputs per harness: the default (a few seconds in CI) or MANAGE_FUZZ_ITERATIONS.
  public static func iterations(default count: Int) -> Int {
    ProcessInfo.processInfo.environment["MANAGE_FUZZ_ITERATIONS"].flatMap(Int.init).map { max($0, 1) } ?? count
  }

  /// The seed: fixed in CI, MANAGE_FUZZ_SEED for exploration.
  public static func seed(_ fixed: UInt64) -> UInt64 {
    ProcessInfo.processInfo.environment["MANAGE_FUZZ_SEED"].flatMap(UInt64.init) ?? fixed
  }

  /// `seeds` with a few random insertions, deletions and replacements from `alphabet`, or
  /// (one time in three) raw soup of the alphabet.
  public static func mutate(_ seeds: [String], alphabet: [Character], using generator: inout SeededGenerator) -> String {
    if Int.random(in: 0..<3, using: &generator) == 0 {
      return String((0..<Int.random(in: 0...60, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
    }
    var text = Array(seeds.randomElement(using: &generator)!)
    for _ in 0..<Int.random(in: 1...5, using: &generator) {
      let index = Int.random(in: 0...text.count, using: &generator)
      switch Int.random(in: 0..<4, using: &generator) {
      case 0: text.insert(alphabet.randomElement(using: &generator)!, at: index)
      case 1: if index < text.count { text.remove(at: index) }
      case 2: if index < text.count { text[index] = alphabet.randomElement(using: &generator)! }
      default:
        // Splice a slice of the text elsewhere: duplicates brackets, keys and numbers.
        guard !text.isEmpty else { continue }
        let start = Int.random(in: 0..<text.count, using: &generator)
        let slice = text[start..<min(text.count, start + Int.random(in: 1...12, using: &generator))]
        text.insert(contentsOf: slice, at: index)
      }
    }
    return String(text)
  }

  /// Numbers at and past every boundary that has bitten: 2^63, 1e300, -2^63-1, NaN.
  public static let hostileNumbers = [
    "0", "-0", "1", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
    "18446744073709551616", "99999999999999999999", "1e300", "-1e300", "1e400", "1.5", "-1.8e19", "NaN", "Infinity", "-Infinity",
    "1e-400", "0.1e1", "00012", "+5", "1_000", "0x10", "1" + String(repeating: "0", count: 400),
  ]
}

/// A small deterministic generator (SplitMix64), so a fuzz failure can be replayed.
public struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
