import ManageCore

/// Prints what a statement returned: a query as a table (or JSON / CSV rows, streamed), one
/// row as its repr, anything else as Python's repr. Interactive tables stop at 20 rows, as
/// Django's QuerySet repr does, and say how many there were.
struct ResultPrinter {
  let interpreter: Interpreter
  let format: ShellFormat
  /// Rows shown per query in a table; nil shows them all.
  let rowLimit: Int?
  let output: BufferedOutput

  func print(_ value: ShellValue) throws {
    if case .data(.null) = value, format == .table { return }
    switch value {
    case .queryset(let query): try printQuery(query)
    case .related(let related): try printQuery(related.query)
    default:
      switch format {
      case .table: output.write(try interpreter.repr(value) + "\n")
      case .json: output.write(try json(value) + "\n")
      case .csv: try printCSV(value)
      }
    }
  }

  // MARK: - Queries

  private func printQuery(_ query: QuerySet) throws {
    let keys = try interpreter.orm { try query.columnKeys() }
    switch format {
    case .json:
      output.write("[")
      var first = true
      try interpreter.orm {
        try query.forEachRow(interpreter.connection) { row in
          var line = first ? "\n  " : ",\n  "
          first = false
          if case .valuesList(_, flat: true) = query.shape {
            row[0].writeJSON(to: &line)
          } else if case .valuesList = query.shape {
            ModelValue.tuple(Array(row.prefix(keys.count))).writeJSON(to: &line)
          } else {
            line += "{"
            for (index, key) in keys.enumerated() {
              if index > 0 { line += ", " }
              line += ModelValue.jsonQuote(key) + ": "
              row[index].writeJSON(to: &line)
            }
            line += "}"
          }
          output.write(line)
        }
      }
      output.write(first ? "]\n" : "\n]\n")
    case .csv:
      output.write(keys.map(Self.csvField).joined(separator: ",") + "\r\n")
      try interpreter.orm {
        var line = ""
        var asStored: [Bool] = []
        try query.forEachStoredRow(interpreter.connection) { row, fields in
          if asStored.isEmpty { asStored = fields.map(Self.printsAsStored) }
          line.removeAll(keepingCapacity: true)
          for index in 0..<keys.count {
            if index > 0 { line += "," }
            let value = row[index]
            if asStored[index] {
              switch value {
              case .null: continue
              case .text(let text): line += Self.csvField(text)
              case .integer(let number): line += String(number)
              default: line += Self.csvField(Self.storedCell(value, fields[index]))
              }
            } else {
              line += Self.csvField(Self.storedCell(value, fields[index]))
            }
          }
          line += "\r\n"
          output.write(line)
        }
      }
    case .table:
      var rows: [[String]] = []
      let probe = try rowLimit.map { limit in try interpreter.orm { try query.slice(0, limit + 1) } } ?? query
      try interpreter.orm {
        try probe.forEachRow(interpreter.connection) { row in
          rows.append((0..<keys.count).map { Self.cell(row[$0], limit: rowLimit == nil ? nil : 60) })
        }
      }
      var footer = "(\(rows.count) row\(rows.count == 1 ? "" : "s"))"
      if let limit = rowLimit, rows.count > limit {
        rows.removeLast()
        let total = try interpreter.orm { try query.count(interpreter.connection) }
        footer = "(\(limit) of \(total) rows; slice the query, e.g. [\(limit):\(limit * 2)], to see more)"
      }
      output.write(Self.table(keys, rows) + footer + "\n")
    }
  }

  /// A value as a table or CSV cell: text as is, None as empty in CSV and "None" in tables.
  static func cell(_ value: ModelValue, limit: Int? = nil) -> String {
    var text: String
    switch value {
    case .null: text = limit == nil ? "" : "None"
    case .text(let value): text = value
    case .list, .tuple, .dict: text = value.jsonText
    case .datetime(let moment): text = moment.iso
    default: text = value.str
    }
    if let limit {
      text = text.replacingOccurrences(of: "\n", with: "\\n")
      if text.count > limit { text = String(text.prefix(limit - 1)) + "…" }
    }
    return text
  }

  /// A cell straight from SQLite's storage: text columns (dates and datetimes included, which
  /// are stored in the form cells show) need no conversion, which makes a 100,000-row CSV
  /// several times faster than typing every value first.
  static func printsAsStored(_ field: FieldSchema?) -> Bool {
    guard let type = field?.type else { return true }
    return type.isTextual || type.isInteger || type.isRelation || type == .date || type == .datetime || type == .time
  }

  static func storedCell(_ value: SQLValue, _ field: FieldSchema?) -> String {
    switch (value, field?.type) {
    case (.null, _): return ""
    case (.text(let text), let type?) where ![.uuid, .decimal, .json].contains(type): return text
    case (.text(let text), nil): return text
    case (.integer(let number), let type) where type != .boolean && type != .decimal && type != .duration && type != .float:
      return String(number)
    default: return cell(field.map { ModelValue(value, field: $0) } ?? ModelValue(value))
    }
  }

  static func csvField(_ text: String) -> String {
    // Bytes, not Characters: this runs for every cell of every row.
    guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// psql's aligned layout: a header, a rule, numbers right-aligned.
  static func table(_ header: [String], _ rows: [[String]]) -> String {
    var widths = header.map(\.count)
    var numeric = Array(repeating: true, count: header.count)
    for row in rows {
      for (index, cell) in row.enumerated() {
        widths[index] = max(widths[index], cell.count)
        if cell != "None" && !cell.isEmpty && Double(cell) == nil { numeric[index] = false }
      }
    }
    func pad(_ text: String, _ index: Int, right: Bool) -> String {
      let space = String(repeating: " ", count: widths[index] - text.count)
      return right ? space + text : text + space
    }
    var lines = [" " + header.enumerated().map { pad($1, $0, right: false) }.joined(separator: " | ")]
    lines.append(widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+"))
    for row in rows {
      lines.append(" " + row.enumerated().map { pad($1, $0, right: numeric[$0] && !rows.isEmpty) }.joined(separator: " | "))
    }
    return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n") + "\n"
  }

  // MARK: - Other values

  private func json(_ value: ShellValue) throws -> String {
    switch value {
    case .data(let data): return data.jsonText
    // JSON numbers have no size limit: a big int is its digits.
    case .bigInt(let number): return try number.decimalText()
    case .list(let items), .tuple(let items): return "[" + (try items.map(json)).joined(separator: ", ") + "]"
    case .namedRow(_, let values): return ModelValue.list(values).jsonText
    case .dict(let dictionary):
      return "{" + (try zip(dictionary.keys, dictionary.values).map { ModelValue.jsonQuote($0.str) + ": " + (try json($1)) }).joined(separator: ", ") + "}"
    case .instance(let object): return ModelValue.dict(Self.record(object)).jsonText
    default: return ModelValue.jsonQuote(try interpreter.repr(value))
    }
  }

  /// A row's columns by their `values()` names (`author_id` for a foreign key).
  static func record(_ object: ModelInstance) -> OrderedDictionary {
    var record = OrderedDictionary()
    for field in object.model.fields where field.isConcrete {
      record[field.type.isConcreteRelation ? field.column! : field.name] = object.values[field.name] ?? .null
    }
    for (name, value) in object.annotations.pairs { record[name] = value }
    return record
  }

  private func printCSV(_ value: ShellValue) throws {
    var records: [OrderedDictionary] = []
    switch value {
    case .instance(let object): records = [Self.record(object)]
    case .data(.dict(let dictionary)): records = [dictionary]
    case .list(let items), .tuple(let items):
      for item in items {
        switch item {
        case .instance(let object): records.append(Self.record(object))
        case .data(.dict(let dictionary)): records.append(dictionary)
        default:
          output.write(try items.map { Self.csvField(try interpreter.str($0)) }.joined(separator: ",") + "\r\n")
          return
        }
      }
    default:
      if case .data(let data) = value {
        output.write(Self.csvField(Self.cell(data)) + "\r\n")
      } else {
        output.write(Self.csvField(try interpreter.str(value)) + "\r\n")
      }
      return
    }
    guard let first = records.first else { return }
    output.write(first.keys.map(Self.csvField).joined(separator: ",") + "\r\n")
    for record in records {
      output.write(first.keys.map { Self.csvField(Self.cell(record[$0] ?? .null)) }.joined(separator: ",") + "\r\n")
    }
  }
}

/// Output collected into 64 KB writes: printing 100,000 rows is one write per block, not
/// one per row.
final class BufferedOutput {
  private var buffer = ""
  private let sink: (String) -> Void

  init(_ sink: @escaping (String) -> Void) { self.sink = sink }

  /// Standard output.
  static func standardOutput() -> BufferedOutput {
    BufferedOutput { text in
      var stream = OutputStream.standardOutput
      stream.write(text)
    }
  }

  func write(_ text: String) {
    buffer += text
    if buffer.utf8.count >= 65_536 { flush() }
  }

  func flush() {
    guard !buffer.isEmpty else { return }
    sink(buffer)
    buffer = ""
  }

  deinit { flush() }
}

import Foundation
