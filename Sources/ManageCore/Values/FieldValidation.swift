import Foundation

/// Django's field validators on a value as it will be stored: max_length, choices, the
/// integer range of the field type, a decimal's digits and places, and the email, URL and
/// slug formats. Every door that writes runs it: the admin's forms and the API through
/// `RecordValidator`, the ORM (and so the shell's create, save, update, get_or_create and
/// bulk_create) when it binds a row. Null, blank and uniqueness are the database's to enforce
/// (NOT NULL and UNIQUE constraints, IntegrityError as in Django) and the forms' to report.
public enum FieldValidation {
  /// The first problem with `stored` for `field`, in Django's words; nil when it is valid.
  public static func problem(_ field: FieldSchema, stored: SQLValue) -> String? {
    // Field.clean runs validate() (choices) before the validators (max_length, ranges, formats).
    if let choices = field.choices, !isBlank(stored), stored != .null {
      let allowed = choices.compactMap { try? ModelValue(default: $0.value, field: field).sqlValue(for: field) }
      if !allowed.contains(stored) { return "Value \(ModelValue(stored, field: field).repr) is not a valid choice." }
    }
    switch stored {
    case .null, .blob: return nil
    case .integer(let number):
      if field.type.isInteger || field.type.isAutoIncrement, let problem = FieldLimits.integerProblem(number, field.type) { return problem }
    case .real: break
    case .text(let text):
      if field.type == .decimal {
        if let problem = FieldLimits.decimalProblem(text, maxDigits: field.maxDigits, places: field.decimalPlaces) { return problem }
      } else if field.type.isTextual, !text.isEmpty {
        if let limit = field.effectiveMaxLength {
          // Python's len(): code points, not grapheme clusters (a combining accent counts).
          let length = text.unicodeScalars.count
          if length > limit { return "Ensure this value has at most \(limit) characters (it has \(length))." }
        }
        switch field.type {
        case .email where !isEmail(text): return "Enter a valid email address."
        case .url where !isURL(text): return "Enter a valid URL."
        // Django's validate_slug (allow_unicode=False): ASCII letters and digits.
        case .slug where !text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }):
          return "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."
        default: break
        }
      }
    }
    return nil
  }

  /// The problem a value has before conversion, where conversion would hide it: a decimal is
  /// quantized to its places when stored, so `12.345` must be refused as written (Django's
  /// DecimalValidator sees the value before the database rounds it).
  public static func problemBeforeStoring(_ value: ModelValue, for field: FieldSchema) -> String? {
    guard field.type == .decimal else { return nil }
    switch value {
    case .double(let number):
      guard number.isFinite else { return "Enter a number." }
      return FieldLimits.decimalProblem("\(number)", maxDigits: field.maxDigits, places: field.decimalPlaces)
    case .int(let number): return FieldLimits.decimalProblem(String(number), maxDigits: field.maxDigits, places: field.decimalPlaces)
    case .decimal(let text), .text(let text): return FieldLimits.decimalProblem(text, maxDigits: field.maxDigits, places: field.decimalPlaces)
    default: return nil
    }
  }

  /// `value` as stored in `field`'s column, validated: ValidationError in Django's dict form
  /// (`{'pages': ['Ensure this value is greater than or equal to 0.']}`) when a validator
  /// refuses it. What the ORM binds for every row it writes.
  public static func storedValue(_ value: ModelValue, for field: FieldSchema) throws -> SQLValue {
    if let problem = problemBeforeStoring(value, for: field) { throw error(field, problem) }
    let stored = try value.sqlValue(for: field)
    if let problem = problem(field, stored: stored) { throw error(field, problem) }
    return stored
  }

  static func error(_ field: FieldSchema, _ problem: String) -> QueryError {
    // Python's repr of {name: [message]}: a message with an apostrophe is double-quoted.
    QueryError("{'\(field.name)': [\(ModelValue.text(problem).repr)]}", kind: "ValidationError")
  }

  private static func isBlank(_ stored: SQLValue) -> Bool {
    if case .text(let text) = stored { return text.isEmpty }
    return false
  }

  /// Django's EmailValidator, in its essentials: one @, a non-empty local part, a dotted domain, no spaces.
  public static func isEmail(_ text: String) -> Bool {
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
      && !text.contains(" ")
  }

  /// Django's URLValidator's schemes (http, https, ftp, ftps) and a host.
  public static func isURL(_ text: String) -> Bool {
    ["http://", "https://", "ftp://", "ftps://"].contains(where: text.lowercased().hasPrefix) && URL(string: text)?.host.map { !$0.isEmpty } == true
      && !text.contains(where: { $0.isWhitespace })
  }
}
