import CSQLite
import Foundation

extension Connection {
  /// Adds SQLite's missing `REGEXP` operator (`column REGEXP pattern`), as Django's SQLite
  /// backend does for the `regex` and `iregex` lookups. The compiled pattern is kept on the
  /// statement (sqlite3_set_auxdata), so a scan compiles it once, not once per row.
  func registerRegexpFunction() {
    sqlite3_create_function_v2(
      handle, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
      { context, _, arguments in
        guard let context, let arguments, let patternValue = arguments[0], let subjectValue = arguments[1] else { return }
        // NULL on either side is NULL, as for every other comparison.
        guard sqlite3_value_type(patternValue) != SQLITE_NULL, sqlite3_value_type(subjectValue) != SQLITE_NULL else {
          sqlite3_result_null(context)
          return
        }
        let expression: NSRegularExpression
        if let cached = sqlite3_get_auxdata(context, 0) {
          expression = Unmanaged<NSRegularExpression>.fromOpaque(cached).takeUnretainedValue()
        } else {
          let pattern = String(cString: sqlite3_value_text(patternValue))
          guard let compiled = try? NSRegularExpression(pattern: pattern) else {
            sqlite3_result_error(context, "invalid regular expression: \(pattern)", -1)
            return
          }
          expression = compiled
          sqlite3_set_auxdata(context, 0, Unmanaged.passRetained(compiled).toOpaque()) { pointer in
            if let pointer { Unmanaged<NSRegularExpression>.fromOpaque(pointer).release() }
          }
        }
        let subject = String(cString: sqlite3_value_text(subjectValue))
        let found = expression.firstMatch(in: subject, range: NSRange(subject.startIndex..., in: subject)) != nil
        sqlite3_result_int(context, found ? 1 : 0)
      }, nil, nil, nil)
  }
}
