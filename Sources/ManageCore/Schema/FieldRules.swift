import Foundation

/// The rules one field must follow on its own, with Django's check ids where Django has the
/// check and `schema.*` ids where it does not (Django fails at import time instead).
struct FieldRules {
  let object: String
  /// The option nodes as written, so a message can point at the offending value.
  let options: [String: YAMLNode]

  func check(_ field: FieldSchema, into diagnostics: inout [CheckMessage]) {
    func report(_ id: String, _ message: String, hint: String? = nil, option: String? = nil, level: CheckMessage.Level = .error) {
      let location = option.flatMap { options[$0]?.location } ?? field.declaredAt.location
      diagnostics.append(CheckMessage(level, id, message, hint: hint, object: object, at: location))
    }
    let type = field.type

    if type == .char && field.maxLength == nil {
      report("fields.E120", "CharFields must define a 'max_length' attribute.",
             hint: "Add max_length, e.g. {type: char, max_length: 200}; use type: text for unbounded text.")
    }
    if let maxLength = field.maxLength, maxLength <= 0 {
      report("fields.E121", "'max_length' must be a positive integer.", hint: "Write the longest length allowed, e.g. max_length: 200.", option: "max_length")
    }
    if type == .decimal {
      if field.decimalPlaces == nil {
        report("fields.E130", "DecimalFields must define a 'decimal_places' attribute.", hint: "Add decimal_places, e.g. 2.")
      } else if field.decimalPlaces! < 0 {
        report("fields.E131", "'decimal_places' must be a non-negative integer.", hint: "Write the digits after the point, e.g. decimal_places: 2.", option: "decimal_places")
      }
      if field.maxDigits == nil {
        report("fields.E132", "DecimalFields must define a 'max_digits' attribute.", hint: "Add max_digits, e.g. 10.")
      } else if field.maxDigits! <= 0 {
        report("fields.E133", "'max_digits' must be a positive integer.", hint: "Write the total number of digits, e.g. max_digits: 10.", option: "max_digits")
      }
      if let digits = field.maxDigits, let places = field.decimalPlaces, digits > 0, places >= 0, places > digits {
        report("fields.E134", "'max_digits' must be greater or equal to 'decimal_places'.", hint: "max_digits counts the digits on both sides of the point; raise it or lower decimal_places.", option: "max_digits")
      }
    }
    if field.primaryKey && field.null {
      report("fields.E007", "Primary keys must not have null=True.",
             hint: "Set null=False on the field, or remove primary_key=True argument.", option: "null")
    }
    if [field.autoNow, field.autoNowAdd, field.default != nil].filter({ $0 }).count > 1 {
      report("fields.E160", "The options auto_now, auto_now_add, and default are mutually exclusive. Only one of these options may be present.",
             hint: "Keep auto_now (set on every save), auto_now_add (set on creation) or default: now, not several.")
    }
    if (field.autoNow || field.autoNowAdd) && ![.date, .datetime, .time].contains(type) {
      report("schema.E003", "auto_now and auto_now_add apply to date, datetime and time fields only.", hint: "Remove the option, or change the type to datetime.",
             option: field.autoNow ? "auto_now" : "auto_now_add")
    }
    if type.isAutoIncrement && !field.primaryKey {
      report("fields.E100", "AutoFields must set primary_key=True.", hint: "Add primary_key: true, or use type: integer.")
    }

    if type.isRelation {
      if field.to == nil {
        report("schema.E006", "\(type.djangoName) '\(field.name)' needs 'to', the model it points at.",
               hint: "Write to: ModelName for a model of this app, or to: app.Model (e.g. auth.User).")
      }
      if type.isConcreteRelation && field.onDelete == nil && options["on_delete"] == nil {
        report("schema.E007", "\(type.djangoName) '\(field.name)' needs 'on_delete'.",
               hint: "Say what deleting the target does: \(OnDelete.allCases.map(\.rawValue).joined(separator: ", ")).")
      }
      if field.onDelete == .setNull && !field.null {
        report("fields.E320", "Field specifies on_delete=SET_NULL, but cannot be null.",
               hint: "Set null=True argument on the field, or change the on_delete rule.", option: "on_delete")
      }
      if field.onDelete == .setDefault && field.default == nil {
        report("fields.E321", "The field specifies on_delete=SET_DEFAULT, but has no default value.",
               hint: "Set a default value, or change the on_delete rule.", option: "on_delete")
      }
    } else {
      for option in ["to", "on_delete", "related_name"] where options[option] != nil {
        report("schema.E003", "'\(option)' applies to relations only (foreign_key, one_to_one, many_to_many).",
               hint: "Remove '\(option)', or make the field a relation with type: foreign_key.", option: option)
      }
    }
    if type == .manyToMany {
      if options["null"] != nil {
        report("fields.W340", "null has no effect on ManyToManyField.", hint: "Remove null; use blank: true to allow an empty set.", option: "null", level: .warning)
      }
      if options["default"] != nil {
        report("schema.E008", "A many_to_many field cannot have a default.", hint: "Remove the default; a new row starts with no related rows.", option: "default")
      }
      if field.onDelete != nil {
        report("schema.E003", "'on_delete' does not apply to many_to_many fields.", hint: "Remove it: deleting either side removes the link rows.", option: "on_delete")
      }
    } else if options["db_table"] != nil {
      report("schema.E003", "'db_table' on a field names a many_to_many through table.",
             hint: "Set db_table on the model instead.", option: "db_table")
    }
    if let relatedName = field.relatedName, !relatedName.hasSuffix("+"), !Identifier.isValid(relatedName) {
      report("fields.E306", "The name '\(relatedName)' is invalid related_name for field \(object.split(separator: ".").dropFirst().joined(separator: ".")).",
             hint: "Use letters, digits and underscores, or end with '+' to turn the reverse relation off.", option: "related_name")
    }
    if let column = field.dbColumn, column.isEmpty {
      report("schema.E003", "'db_column' cannot be empty.", hint: "Name the column, or remove db_column to use the field name.", option: "db_column")
    }

    if let value = field.default, let problem = defaultProblem(value, field) {
      report("schema.E008", problem.message, hint: problem.hint, option: "default")
    }
    if let choices = field.choices {
      if let value = field.default, value != .null, !choices.contains(where: { $0.value == value }) {
        report("schema.E009", "Default \(value) is not one of the choices: \(choices.map(\.value.description).joined(separator: ", ")).",
               hint: "Use one of the choices as the default, or add it to the choices.", option: "default")
      }
      if let maxLength = field.effectiveMaxLength, type.isTextual {
        let longest = choices.map { value -> Int in
          if case .string(let text) = value.value { return text.count }
          return value.value.description.count
        }.max() ?? 0
        if longest > maxLength {
          report("fields.E009", "'max_length' is too small to fit the longest value in 'choices' (\(longest) characters).",
                 hint: "Raise max_length to at least \(longest).", option: "max_length")
        }
      }
    }
  }

  private func defaultProblem(_ value: FieldValue, _ field: FieldSchema) -> (message: String, hint: String)? {
    let type = field.type
    func wrong(_ expected: String) -> (String, String) {
      ("Default \(value) does not fit the \(type.rawValue) field: expected \(expected).",
       "Write a default of the field's type, or quote it if it is text.")
    }
    if value == .null {
      return field.null || type == .json ? nil
        : ("Default null needs null: true.", "Add null: true, or give a non-null default.")
    }
    switch type {
    case .char, .text, .slug, .email, .url:
      guard case .string(let text) = value else { return wrong("a string") }
      if let maxLength = field.effectiveMaxLength, text.count > maxLength {
        return ("Default \(value) is longer than max_length \(maxLength).", "Shorten the default or raise max_length.")
      }
      return nil
    case .auto, .bigAuto, .integer, .bigInteger, .smallInteger, .positiveInteger, .positiveSmallInteger, .positiveBigInteger,
      .foreignKey, .oneToOne:
      guard case .int(let number) = value else {
        if type.isConcreteRelation, case .string = value { return nil }  // a text primary key
        return wrong("an integer")
      }
      if type.isPositive && number < 0 { return wrong("an integer of 0 or more") }
      return nil
    case .float:
      switch value {
      case .int, .float: return nil
      default: return wrong("a number")
      }
    case .decimal:
      switch value {
      case .int, .float: return nil
      case .string(let text): return Decimal(string: text) == nil ? wrong("a decimal number like \"9.99\"") : nil
      default: return wrong("a decimal number like \"9.99\"")
      }
    case .boolean:
      if case .bool = value { return nil }
      return wrong("true or false")
    case .date where value == .string("now"), .datetime where value == .string("now"),
      .time where value == .string("now"):
      return nil  // Django's default=timezone.now: the time the row is created
    case .uuid where value == .string("uuid4"):
      return nil  // Django's default=uuid.uuid4: a fresh random UUID per row
    case .date:
      return matches(value, #"^\d{4}-\d{2}-\d{2}$"#) ? nil : wrong("a date like \"2026-01-31\"")
    case .datetime:
      return matches(value, #"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$"#)
        ? nil : wrong("a date-time like \"2026-01-31T09:30:00Z\"")
    case .time:
      return matches(value, #"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"#) ? nil : wrong("a time like \"09:30:00\"")
    case .duration:
      if case .int = value { return nil }
      return matches(value, #"^(-?\d+ )?\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?$|^P"#)
        ? nil : wrong("seconds, \"HH:MM:SS\", \"D HH:MM:SS\" or an ISO 8601 duration")
    case .uuid:
      return matches(value, #"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"#)
        ? nil : wrong("a UUID like \"12345678-1234-5678-1234-567812345678\"")
    case .json:
      return nil
    case .binary:
      if case .string = value { return nil }
      return wrong("a string")
    case .manyToMany:
      return nil
    }
  }

  private func matches(_ value: FieldValue, _ pattern: String) -> Bool {
    guard case .string(let text) = value else { return false }
    return text.range(of: pattern, options: .regularExpression) != nil
  }
}
