import Foundation
import FuzzSupport
import Testing
import ManageCore
@testable import ManageJobs

/// `manage enqueue --jsonl` reads files and pipes nobody checked: any bytes give payloads in
/// line order or one error at FILE:LINE:COLUMN, never a crash, and a line that reads is a
/// payload whatever surrounds it.
@Suite("enqueue --jsonl reader")
struct JSONLinesPayloadsFuzzTests {
  @Test func linesAreObjectsInOrderAndBlankLinesAreSkipped() throws {
    let lines = try JSONLinesPayloads(data: Data("{\"a\": 1}\r\n\n  \n{\"b\": [1, {\"c\": null}]}\n".utf8), name: "p.jsonl")
    #expect(lines.payloads.map(\.line) == [1, 4])
    #expect(lines.payloads.map(\.value.jsonText) == [#"{"a": 1}"#, #"{"b": [1, {"c": null}]}"#])
    let error = #expect(throws: UsageError.self) { try JSONLinesPayloads(data: Data("{}\n{\"a\": [1, }\n".utf8), name: "p.jsonl") }
    #expect(error?.message.hasPrefix("p.jsonl:2:11: not valid JSON") == true, "\(error?.message ?? "")")
  }

  @Test func randomInputIsPayloadsOrOneLocatedError() throws {
    var generator = SeededGenerator(seed: Fuzz.seed(20261202))
    let seeds = [#"{"document_id": 7}"#, #"{"a": [1, 2.5, true, null], "b": {"c": "x\"y"}}"#, "{}", #"{"n": 18446744073709551616}"#, #"{"é": "\u00e9"}"#]
    let alphabet = Array("{}[]\",:0123456789.eE+-truefalsn \\/\tu\n\r€")
    for _ in 0..<Fuzz.iterations(default: 3_000) {
      let lines = (0..<Int.random(in: 1...4, using: &generator)).map { _ in Fuzz.mutate(seeds + Fuzz.hostileNumbers, alphabet: alphabet, using: &generator) }
      let text = lines.joined(separator: "\n")
      do {
        let read = try JSONLinesPayloads(data: Data(text.utf8), name: "f.jsonl")
        for payload in read.payloads {
          guard case .dict = payload.value else { Issue.record("not an object from \(text.debugDescription)"); break }
        }
      } catch let error as UsageError {
        let location = error.message.split(separator: ":").prefix(3)
        #expect(location.count == 3 && location[0] == "f.jsonl" && Int(location[1]) != nil && Int(location[2]) != nil,
                "\(error.message) for \(text.debugDescription)")
      }
    }
  }
}
