import ManageCore

/// Numbers a job payload cannot keep as written. The JSON reader keeps 64-bit integers and
/// finite doubles; an integer literal past 64 bits would become a rounded float, and one past
/// a double's range (`1e400`) infinity, which JSON writes back as null. A payload with either
/// is refused where it enters (enqueue's --payload and --jsonl) rather than stored changed.
/// (Foundation's parser, which checks --payload and API bodies first, already refuses 1e400.)
public enum PayloadNumbers {
  /// The first such number in one line of JSON text and its 1-based column, or nil.
  public static func firstLossy(in text: String) -> (number: String, column: Int)? {
    let bytes = Array(text.utf8)
    var index = 0
    var inString = false
    while index < bytes.count {
      let byte = bytes[index]
      if inString {
        if byte == UInt8(ascii: "\\") { index += 2; continue }
        if byte == UInt8(ascii: "\"") { inString = false }
        index += 1
        continue
      }
      if byte == UInt8(ascii: "\"") {
        inString = true
        index += 1
        continue
      }
      guard byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
        index += 1
        continue
      }
      let start = index
      while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
      let token = String(decoding: bytes[start..<index], as: UTF8.self)
      let isInteger = !token.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
      if isInteger ? Int64(token) == nil : !(Double(token)?.isFinite ?? true) {
        return (token, String(decoding: bytes[..<start], as: UTF8.self).count + 1)
      }
    }
    return nil
  }

  /// What to tell the user about `number`.
  public static func reason(_ number: String) -> String {
    "the number \(number) is past what a payload keeps exactly (whole numbers within 64 bits, finite decimals)"
  }
}
