import Foundation
import Testing
import FuzzSupport
@testable import ManageCore
@testable import ManageShell

/// Reading fixtures: Django's three formats, each object's parts at their file:line:col, and
/// any text refused with a positioned error, never a crash.
@Suite("Fixture files")
struct FixtureFileTests {
  @Test func theThreeFormatsReadTheSameObjects() throws {
    let json = #"[{"model": "blog.tag", "pk": 1, "fields": {"name": "swift"}}, {"model": "blog.Post", "fields": {"tags": [1]}}]"#
    let jsonl = "{\"model\": \"blog.tag\", \"pk\": 1, \"fields\": {\"name\": \"swift\"}}\n\n{\"model\": \"blog.Post\", \"fields\": {\"tags\": [1]}}\n"
    let yaml = "- model: blog.tag\n  pk: 1\n  fields: {name: swift}\n- model: blog.Post\n  fields:\n    tags: [1]\n"
    for (text, format) in [(json, FixtureFormat.json), (jsonl, .jsonl), (yaml, .yaml)] {
      let objects = try FixtureFile.objects(text, format: format, displayPath: "f")
      #expect(objects.map(\.model) == ["blog.tag", "blog.Post"], "\(format)")
      #expect(objects[0].pk.map { ModelValue(node: $0) } == .int(1) && objects[1].pk == nil)
      #expect(objects[0].fields.map(\.key) == ["name"] && objects[1].fields.first.map { ModelValue(node: $0.value) } == .list([.int(1)]))
    }
    // A JSON Lines object's places are on its own line.
    let lines = try FixtureFile.objects(jsonl, format: .jsonl, displayPath: "f.jsonl")
    #expect(lines[1].location.line == 3 && lines[1].fields[0].keyLocation == SourceLocation(file: "f.jsonl", line: 3, column: 35))
    #expect(try FixtureFile.objects("", format: .yaml, displayPath: "f").isEmpty)
    #expect(try FixtureFile.objects("[]", format: .json, displayPath: "f").isEmpty)
  }

  @Test(arguments: [
    (#"{"model": "blog.tag"}"#, "f:1:1: a fixture is a list of objects, not a mapping"),
    (#"[1]"#, "f:1:2: an object of a fixture is a mapping with model, pk and fields, not an integer"),
    (#"[{"pk": 1}]"#, "f:1:2: this object has no 'model'"),
    (#"[{"model": "tag"}]"#, "f:1:12: Invalid model identifier: 'tag'"),
    (#"[{"model": "blog.tag", "fields": [1]}]"#, "f:1:34: 'fields' is a mapping of field names to values, not a list"),
    (#"[{"model": "blog.tag", "feilds": {}}]"#, "f:1:24: unknown key 'feilds' in a fixture object"),
    ("[{\"model\": \"blog.tag\",\n  \"pk\": 1,,}]", "f:2:"),
  ])
  func mistakesNameTheirPlace(_ text: String, _ expected: String) {
    do {
      _ = try FixtureFile.objects(text, format: .json, displayPath: "f")
      Issue.record("read: \(text)")
    } catch let error as any ManageError {
      #expect(error.message.hasPrefix(expected), "\(error.message)")
    } catch {
      Issue.record("\(error)")
    }
  }

  /// Mutated fixtures in every format: read or refused with a place, never a trap.
  @Test func fuzzedFixturesNeverCrashTheReader() {
    var generator = SeededGenerator(seed: Fuzz.seed(0xF1C5))
    let seeds = [
      #"[{"model": "blog.post", "pk": 9223372036854775808, "fields": {"title": "x", "tags": [1, 2], "n": 1e400}}]"#,
      "- model: blog.tag\n  pk: 1\n  fields:\n    name: \"\\u00e9\"\n",
      "{\"model\": \"a.b\", \"pk\": null, \"fields\": null}\n{\"model\": \"a.b\"}\n",
    ]
    let alphabet = Array(#"{}[]":,-0123456789.eE pkmodelfields\n"#) + ["é", "\u{0}", "\t", "&", "*", "!", "|"]
    for _ in 0..<Fuzz.iterations(default: 3_000) {
      let text = Fuzz.mutate(seeds, alphabet: alphabet, using: &generator)
      for format in FixtureFormat.allCases {
        do { _ = try FixtureFile.objects(text, format: format, displayPath: "fuzz") } catch let error as any ManageError {
          #expect(error.message.contains("fuzz"), "an error names the file: \(error.message)")
        } catch {
          Issue.record("not a ManageError: \(error)")
        }
      }
    }
  }
}
