import Foundation

/// Names that become SQL identifiers, shell names and file names must be plain identifiers.
public enum Identifier {
  /// Whether `name` is an ASCII identifier: a letter or `_` first, then letters, digits, `_`.
  ///
  /// Checked on UTF-8 bytes: it runs for every model and field name, and Unicode property
  /// lookups showed up in `manage check` profiles.
  public static func isValid(_ name: String) -> Bool {
    var bytes = name.utf8.makeIterator()
    guard let first = bytes.next(), isLetter(first) || first == UInt8(ascii: "_") else { return false }
    while let byte = bytes.next() {
      guard isLetter(byte) || byte == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
      else { return false }
    }
    return true
  }

  /// Whether `name` contains `__`, Django's lookup separator.
  public static func containsLookupSeparator(_ name: String) -> Bool {
    var previousWasUnderscore = false
    for byte in name.utf8 {
      let underscore = byte == UInt8(ascii: "_")
      if underscore && previousWasUnderscore { return true }
      previousWasUnderscore = underscore
    }
    return false
  }

  private static func isLetter(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
  }

  /// Quotes an identifier for SQLite, doubling embedded quotes.
  public static func quoted(_ name: String) -> String {
    // Names from a schema almost never hold a quote; skip Foundation's replace for them.
    guard name.utf8.contains(UInt8(ascii: "\"")) else { return "\"" + name + "\"" }
    return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
