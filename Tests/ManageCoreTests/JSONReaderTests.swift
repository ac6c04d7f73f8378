import Testing
@testable import ManageCore

@Suite("JSON fast path")
struct JSONReaderTests {
  /// Every node's kind and position, depth first.
  func shape(_ node: YAMLNode) -> [String] {
    var result = ["\(node.kindDescription)@\(node.location.line):\(node.location.column)=\(node.entries == nil && node.items == nil ? node.scalarText : "")"]
    for entry in node.entries ?? [] {
      result.append("key \(entry.key)@\(entry.keyLocation.line):\(entry.keyLocation.column)")
      result += shape(entry.value)
    }
    for item in node.items ?? [] { result += shape(item) }
    return result
  }

  @Test func agreesWithTheYAMLReaderOnValuesAndPositions() throws {
    let text = """
      {
        "dependencies": [["blog", "0001_initial"]],
        "operations": [
          {"op": "AddField", "model": "Post", "name": "é", "field": {"type": "integer", "default": -5, "null": true, "x": 1.5, "y": null}}
        ]
      }
      """
    var reader = JSONReader(text, displayPath: "m.json")
    let parsed = reader.read()
    let fast = try #require(parsed)
    let slow = try #require(try YAMLEventParser(displayPath: "m.json").parse(text))
    #expect(shape(fast) == shape(slow))
  }

  @Test func escapesAndUnicode() throws {
    var reader = JSONReader(#"{"a": "line\nnext \"q\" \u00e9 \ud83d\ude00 \/"}"#, displayPath: "m.json")
    let parsed = reader.read()
    #expect(parsed?["a"]?.string == "line\nnext \"q\" é 😀 /")
  }

  @Test func brokenJSONFallsBackToTheYAMLErrors() {
    let error = #expect(throws: YAMLSyntaxError.self) { try YAMLFile.parse("{\"a\": [1, 2}", displayPath: "m.json") }
    #expect(error?.location?.file == "m.json")
    #expect(throws: YAMLSyntaxError.self) { try YAMLFile.parse("{\"a\": 1, \"a\": 2}", displayPath: "m.json") }
  }
}
