import ManageCore

/// Golden cases from a file: JSONL (one case object per line) or CSV (a header row; `id` and
/// `expected` columns, the rest become vars).
enum GoldenFile {
  static func jsonl(_ text: String, display: String) throws -> [EvalCase] {
    var cases: [EvalCase] = []
    var seen = Set<String>()
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { continue }
      guard case .dict(let record)? = try? ModelValue(json: trimmed) else {
        throw EvalsError("\(display):\(index + 1):1: this line is not a JSON object", hint: "Each line is {\"id\": …, \"vars\": {…}, \"expected\": …}.")
      }
      let id = record["id"].map(Scorer.text) ?? "line-\(index + 1)"
      guard seen.insert(id).inserted else { throw EvalsError("\(display):\(index + 1):1: a second case with the id '\(id)'") }
      var evalCase = EvalCase(id: id, expected: record["expected"] ?? .null)
      if case .dict(let vars)? = record["vars"] { evalCase.vars = vars }
      if case .list(let tags)? = record["tags"] { evalCase.tags = tags.map(Scorer.text) }
      evalCase.location = SourceLocation(file: display, line: index + 1, column: 1)
      cases.append(evalCase)
    }
    return cases
  }

  static func csv(_ text: String, display: String) throws -> [EvalCase] {
    let rows = parseCSV(text)
    guard let header = rows.first else { return [] }
    var cases: [EvalCase] = []
    for (index, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
      guard row.count == header.count else {
        throw EvalsError("\(display):\(index + 2):1: \(row.count) fields, the header has \(header.count)")
      }
      var evalCase = EvalCase(id: "row-\(index + 2)")
      for (name, value) in zip(header, row) {
        switch name {
        case "id": evalCase.id = value
        case "expected": evalCase.expected = (try? ModelValue(json: value)).flatMap { if case .dict = $0 { $0 } else if case .list = $0 { $0 } else { nil } } ?? .text(value)
        default: evalCase.vars[name] = .text(value)
        }
      }
      evalCase.location = SourceLocation(file: display, line: index + 2, column: 1)
      cases.append(evalCase)
    }
    return cases
  }

  /// RFC 4180: quoted fields, doubled quotes, newlines inside quotes.
  static func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var characters = Array(text)[...]
    while let character = characters.popFirst() {
      if quoted {
        if character == "\"" {
          if characters.first == "\"" {
            field.append("\"")
            characters = characters.dropFirst()
          } else {
            quoted = false
          }
        } else {
          field.append(character)
        }
      } else if character == "\"" {
        quoted = true
      } else if character == "," {
        row.append(field)
        field = ""
      } else if character == "\n" || character == "\r\n" {
        row.append(field)
        rows.append(row)
        row = []
        field = ""
      } else if character != "\r" {
        field.append(character)
      }
    }
    if !field.isEmpty || !row.isEmpty {
      row.append(field)
      rows.append(row)
    }
    return rows
  }
}
