import Foundation
import Testing
import FuzzSupport
@testable import ManageCore

/// Durations in Django's text forms: what `parse_duration` reads and `duration_string` writes.
/// The expected values are Django 6.1's own answers for the same texts.
@Suite("Django's duration text")
struct DjangoDurationTextTests {
  @Test(arguments: [
    ("P3DT04H05M06.5S", Int64(273_906_500_000)), ("-P1D", -86_400_000_000), ("+P1D", 86_400_000_000),
    ("3 days 04:05:06", 273_906_000_000), ("-1 23:59:59", -1_000_000), ("1:02", 62_000_000), ("15", 15_000_000),
    ("1 day, 0:00:01", 86_401_000_000), ("-15:30", -930_000_000), ("P", 0), ("PT", 0), ("", 0),
    ("4 days, -1:00:00", 342_000_000_000), ("1,5", 1_500_000), ("P1.5D", 129_600_000_000), ("-PT1M", -60_000_000),
    ("10:15:30.1234567", 36_930_123_456), ("1 day", 86_400_000_000), ("2 days ", 172_800_000_000), ("-0:00:01", -1_000_000),
  ])
  func parsesWhatDjangoParses(_ text: String, _ microseconds: Int64) {
    #expect(DjangoDurationText.parse(text) == .microseconds(microseconds), "\(text)")
  }

  @Test func refusesWhatDjangoRefusesAndOverflowsPast64Bits() {
    for text in [" ", "1e3", "abc", "1:2:3:4", "P1Y", "--1"] { #expect(DjangoDurationText.parse(text) == .invalid, "\(text)") }
    for text in ["99999999999999 00:00:00", "P99999999999999D", "106751992 00:00:00", "PT99999999999999999999999999S"] {
      #expect(DjangoDurationText.parse(text) == .overflow, "\(text)")
    }
    #expect(DjangoDurationText.parse(String(repeating: "9", count: 5_000)) == .invalid)
  }

  @Test(arguments: [
    (Int64(0), "00:00:00"), (-1_000_000, "-1 23:59:59"), (273_906_500_000, "3 04:05:06.500000"),
    (-259_199_999_999, "-3 00:00:00.000001"), (1, "00:00:00.000001"), (86_399_913_600_000_000, "999999 00:00:00"),
  ])
  func writesWhatDjangoWrites(_ microseconds: Int64, _ text: String) {
    #expect(DjangoDurationText.string(microseconds: microseconds) == text)
  }

  /// Every 64-bit duration written and read back is itself, the extremes included.
  @Test func writingThenParsingGivesTheSameDuration() {
    var generator = SeededGenerator(seed: Fuzz.seed(0xD0A7))
    let edges: [Int64] = [Int64.max, Int64.min + 1, 86_400_000_000, -86_400_000_000, 999_999, -999_999]
    for index in 0..<Fuzz.iterations(default: 5_000) {
      let value = index < edges.count ? edges[index] : Int64.random(in: (Int64.min + 1)...Int64.max, using: &generator) >> UInt64.random(in: 0...60, using: &generator)
      let text = DjangoDurationText.string(microseconds: value)
      #expect(DjangoDurationText.parse(text) == .microseconds(value), "\(value) → \(text)")
    }
  }
}
