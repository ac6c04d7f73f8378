import Foundation
import ManageCore

/// The payloads of `manage enqueue --jsonl`: one JSON object a line (blank lines skipped), each
/// read before any job is added, so a bad line is an error naming FILE:LINE:COLUMN and nothing
/// is enqueued.
struct JSONLinesPayloads {
  /// The payloads in file order, with the line each came from.
  var payloads: [(line: Int, value: ModelValue)] = []

  /// Reads `path` (`-` for standard input).
  init(path: String, standardInput: () -> Data = { FileHandle.standardInput.readDataToEndOfFile() }) throws {
    let data: Data
    let name = path == "-" ? "<stdin>" : path
    if path == "-" {
      data = standardInput()
    } else {
      guard let contents = FileManager.default.contents(atPath: path) else {
        throw UsageError("--jsonl: cannot read '\(path)': no such file or not readable", hint: "Give a file of one JSON object per line, or - for standard input.")
      }
      data = contents
    }
    try self.init(data: data, name: name)
  }

  init(data: Data, name: String) throws {
    var lineNumber = 0
    for rawLine in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      var line = rawLine
      if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
      guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { continue }
      let text = String(decoding: line, as: UTF8.self)
      if let value = try? ModelValue(json: text), case .dict = value {
        if let lossy = PayloadNumbers.firstLossy(in: text) {
          throw UsageError("\(name):\(lineNumber):\(lossy.column): \(PayloadNumbers.reason(lossy.number))", hint: "Send it as a string, e.g. \"\(lossy.number)\".")
        }
        payloads.append((lineNumber, value))
        continue
      }
      throw Self.lineError(text, line: lineNumber, name: name)
    }
  }

  /// Why `text` is not a payload, at FILE:LINE:COLUMN (the column where the strict reader
  /// stopped; the reason from Foundation's reader).
  static func lineError(_ text: String, line: Int, name: String) -> UsageError {
    do {
      let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
      if object is [String: Any] {
        return UsageError("\(name):\(line):1: not strict JSON (a trailing comma, or a number past what a JSON reader keeps exactly)", hint: "Write one JSON object per line, such as {\"document_id\": 7}.")
      }
      let what = object is [Any] ? "an array" : object is String ? "a string" : object is NSNull ? "null" : "a number or boolean"
      return UsageError("\(name):\(line):1: each line must be a JSON object such as {\"document_id\": 7}, not \(what)")
    } catch {
      let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "invalid JSON"
      let column = ModelValue.jsonFailureColumn(text) ?? 1
      return UsageError("\(name):\(line):\(column): not valid JSON: \(reason)", hint: "Write one JSON object per line, such as {\"document_id\": 7}.")
    }
  }
}
