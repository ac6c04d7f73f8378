import Foundation

/// Names that become SQL identifiers, shell names and file names must be plain identifiers.
public enum Identifier {
  /// Whether `name` is an ASCII identifier: a letter or `_` first, then letters, digits, `_`.
  public static func isValid(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first else { return false }
    guard first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
    return name.unicodeScalars.allSatisfy { scalar in
      scalar == "_" || (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
    }
  }

  /// Quotes an identifier for SQLite, doubling embedded quotes.
  public static func quoted(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
