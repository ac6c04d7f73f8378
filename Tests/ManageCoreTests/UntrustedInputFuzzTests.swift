import Foundation
import Testing
import FuzzSupport
@testable import ManageCore

/// Fuzzing the readers of files and values that come from outside: JSON (migration files, API
/// bodies), YAML and models.yaml, and the checked number and duration conversions. Each input
/// is read or refused with a positioned error; nothing traps.
@Suite("Fuzz: JSON, YAML, models.yaml and checked values")
struct UntrustedInputFuzzTests {
  static let jsonSeeds = [
    #"{"title": "x", "pages": 9223372036854775808, "cost": 1e400, "tags": [-1e19, 1.5], "meta": {"a": [null, true]}}"#,
    #"[1, -0, 0.1e-5, "\u00e9\ud83d\ude00", "\\", {"": {}}]"#,
    #"{"n": 99999999999999999999999999999999, "d": -9223372036854775809, "s": "\u0000"}"#,
  ]

  /// Both readers finish on every input (libyaml is YAML 1.1, so it refuses some JSON the fast
  /// path takes, such as `{"a":1}`; the fast path is tried first, so that is no harm).
  @Test func jsonNeverCrashesEitherReader() throws {
    var generator = SeededGenerator(seed: Fuzz.seed(0x150A))
    let alphabet = Array(#"{}[]":,0123456789.eE-+ tfnrul\"#) + ["é", "\u{0}", "\n"]
    for _ in 0..<Fuzz.iterations(default: 4_000) {
      let text = Fuzz.mutate(Self.jsonSeeds, alphabet: alphabet, using: &generator)
      var reader = JSONReader(text, displayPath: "fuzz.json")
      let fast = reader.read()
      if fast == nil {
        do { _ = try YAMLFile.parse(text, displayPath: "fuzz.json") } catch let error as any ManageError {
          #expect(error.message.contains("fuzz.json:"), "a YAML error names its place: \(error.message)")
        }
      }
      _ = try? ModelValue(json: text)
    }
  }

  @Test func modelsFilesNeverCrashTheLoader() throws {
    var generator = SeededGenerator(seed: Fuzz.seed(0x30DE))
    let seeds = [
      "models:\n  Post:\n    fields:\n      title: {type: char, max_length: 200}\n      n: {type: integer, default: 9223372036854775808}\n",
      "models:\n  P:\n    fields:\n      price: {type: decimal, max_digits: 99999999999999999999, decimal_places: 1e300}\n    ordering: [-price]\n",
      "models:\n  Q:\n    fields:\n      a: {type: foreign_key, to: Q, on_delete: cascade}\n      b: !!python/object {x: 1}\n    unique_together: [[a, b]]\n",
    ]
    let alphabet = Array("models: fieldstype{},[]-!\n 0123456789e.abc&*|>'\"") + Fuzz.hostileNumbers.joined().map { $0 }
    for _ in 0..<Fuzz.iterations(default: 2_000) {
      let text = Fuzz.mutate(seeds, alphabet: alphabet, using: &generator)
      guard let document = try? YAMLFile.parse(text, displayPath: "blog/models.yaml") else { continue }
      var loader = ModelsFileLoader(app: "blog")
      let models = loader.load(document)
      for model in models { #expect(!model.name.isEmpty) }
    }
  }

  @Test func yamlTagsOtherThanTheCoreSchemasAreRefused() throws {
    let error = #expect(throws: YAMLSyntaxError.self) { try YAMLFile.parse("models:\n  P: !!python/object:os.system {x: 1}\n", displayPath: "blog/models.yaml") }
    #expect(error?.message == "blog/models.yaml:2:6: the YAML tag '!!python/object:os.system' is not supported")
    #expect(throws: YAMLSyntaxError.self) { try YAMLFile.parse("a: !custom 1\n", displayPath: "x.yaml") }
    let tagged = try YAMLFile.parse("a: !!str 12\nb: !!int 3\n", displayPath: "x.yaml")
    #expect(tagged?["a"]?.string == "12" && tagged?["b"]?.scalarText == "3")
  }

  @Test func checkedConversionsMatchExactArithmetic() {
    var generator = SeededGenerator(seed: Fuzz.seed(0xC4EC))
    for _ in 0..<Fuzz.iterations(default: 20_000) {
      let digits = String((0..<Int.random(in: 1...25, using: &generator)).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
      let text = (Bool.random(using: &generator) ? "-" : "") + digits
      let checked = CheckedInteger(parsing: text)
      if let exact = Int64(text) {
        #expect(checked == .exact(exact), "\(text)")
      } else {
        #expect(checked == (text.hasPrefix("-") ? .below : .above), "\(text)")
      }
      let number = Double(bitPattern: generator.next())
      if let truncated = CheckedInteger(truncating: number), case .exact(let value) = truncated {
        #expect(Double(value) == number.rounded(.towardZero), "\(number)")
      }
      let soup = Fuzz.mutate(["30s", "1.5h", "36525d", "500ms"], alphabet: Array("0123456789.smhd -einf"), using: &generator)
      if let seconds = DurationText.seconds(soup) { #expect(seconds >= 0 && seconds <= DurationText.maximumSeconds, "\(soup)") }
    }
  }
}
