import Foundation

/// Django's model validation (`full_clean`) for the admin's forms and the API alike: required
/// fields, types, max_length, choices, email/URL/slug formats, non-negative integers, foreign
/// keys that exist, unique and unique_together. Messages are Django's.
public struct RecordValidator {
  public let model: ModelSchema
  public let schema: ProjectSchema

  /// Errors by field name; `__all__` for errors of the whole row.
  public typealias Errors = [String: [String]]

  /// How input arrives: HTML forms send text (an empty box is "no value"); JSON sends types;
  /// a fixture is Django's serializer output (JSON or YAML), where dates, decimals, durations
  /// and UUIDs are text, as `Field.to_python` reads them, and auto_now times are kept.
  public enum Source { case form, json, fixture }

  /// Keys of rows about to be written alongside this one (the rest of a fixture), by model
  /// label in lower case: a foreign key or a many-to-many link to one of them is valid, as
  /// Django's loaddata, which checks constraints once the whole fixture is in.
  public var rowsToCome: [String: Set<SQLValue>] = [:]

  public init(model: ModelSchema, schema: ProjectSchema) {
    self.model = model
    self.schema = schema
  }

  /// The fields `source` sets: a fixture also sets auto_now(_add) times (Django's raw save).
  public func settableFields(_ source: Source) -> [FieldSchema] {
    source == .fixture ? model.fields.filter { $0.isConcrete && !($0.primaryKey && $0.type.isAutoIncrement) } : editableFields
  }

  /// Fields a person or a client sets: stored ones, minus auto keys, auto_now(_add) times and many-to-many.
  public var editableFields: [FieldSchema] {
    model.fields.filter { $0.isConcrete && !($0.primaryKey && $0.type.isAutoIncrement) && !$0.autoNow && !$0.autoNowAdd }
  }

  /// The cleaned values for `input`, or the errors. With `partial` (PATCH) absent fields are left
  /// alone; `existing` is the row being changed (unique checks skip it).
  public func clean(_ input: [String: ModelValue], source: Source, partial: Bool = false, existing: ModelInstance? = nil, _ connection: Connection) throws -> Result<[(String, ModelValue)], ValidationFailure> {
    var errors: Errors = [:]
    var cleaned: [(String, ModelValue)] = []
    let known = Set(model.fields.flatMap { [$0.name] + ($0.type.isConcreteRelation ? [$0.name + "_id"] : []) } + ["pk"])
    let fields = settableFields(source)
    if source != .form {
      for name in input.keys where !known.contains(name) {
        errors[name, default: []].append("Unknown field. \(Naming.capitalized(model.readableName)) has: \(fields.map(\.name).joined(separator: ", ")).")
      }
    }
    for field in fields {
      let given = input[field.name] ?? (field.type.isConcreteRelation ? input[field.name + "_id"] : nil)
      if given == nil && partial { continue }
      var value: ModelValue
      if let given {
        value = given
      } else if let fallback = field.default {
        value = ModelValue(default: fallback, field: field)
      } else if source == .form && field.type == .boolean {
        value = .bool(false)  // an unticked box is not sent at all
      } else {
        value = .null
      }
      if case .text(let text) = value, source == .form, text.isEmpty, !field.type.isTextual || field.null {
        value = .null
      }
      if case .text(let text) = value, source == .form, field.type == .boolean {
        value = .bool(["on", "true", "1", "yes"].contains(text.lowercased()))
      }
      if given == nil, source != .form, value.isNull, !field.null, !(field.blank && field.type.isTextual) {
        errors[field.name, default: []].append("This field is required.")
        continue
      }
      // Only a value the client sent must have the JSON type; a default is already typed.
      if let problem = try check(field, &value, source: source, typed: given == nil, existing: existing, connection) {
        errors[field.name, default: []].append(problem)
        continue
      }
      cleaned.append((field.name, value))
    }
    if errors.isEmpty {
      for group in model.uniqueTogether {
        let values = group.map { name in cleaned.first { $0.0 == name }?.1 ?? existing?.values[name] ?? .null }
        if values.contains(.null) { continue }
        var query = QuerySet(model: model, schema: schema)
        for (name, value) in zip(group, values) { query = try query.filter(name, value) }
        if let existing { query = try query.exclude("pk", existing.pk) }
        if try query.exists(connection) {
          let labels = group.compactMap { model.field($0) }.map { Naming.capitalized(Naming.label($0)) }
          errors["__all__", default: []].append("\(Naming.capitalized(model.readableName)) with this \(Self.englishList(labels)) already exists.")
        }
      }
    }
    return errors.isEmpty ? .success(cleaned) : .failure(ValidationFailure(errors: errors))
  }

  /// The problem with one value, normalising it to the field's type on the way; nil when it is valid.
  private func check(_ field: FieldSchema, _ value: inout ModelValue, source: Source, typed: Bool, existing: ModelInstance?, _ connection: Connection) throws -> String? {
    let required = source == .form ? "This field is required." : nil
    if value.isNull {
      if field.null { return nil }
      if field.type.isTextual && field.blank { value = .text(""); return nil }
      return required ?? "This field cannot be null."
    }
    if case .text(let text) = value, text.isEmpty, field.type.isTextual, !field.blank {
      return required ?? "This field cannot be blank."
    }
    if field.type.isConcreteRelation {
      let target = schema.keyField(referencedBy: field)
      // DRF's PrimaryKeyRelatedField refuses a float rather than truncating it as the ORM would.
      if source == .json, case .double = value, target.type.isInteger { return "Incorrect type. Expected pk value, received float." }
      guard let key = try? value.sqlValue(for: target), let related = field.relatedModel.flatMap(schema.model) else {
        return "“\(value.str)” is not a valid \(target.type.isInteger ? "number" : "key")."
      }
      if try rowsToCome[related.labelLower]?.contains(key) != true && !QuerySet(model: related, schema: schema).filter("pk", ModelValue(key, field: target)).exists(connection) {
        return "\(related.readableName) instance with \(target.name) \(value.str) does not exist."
      }
      value = ModelValue(key, field: target)
      // A one-to-one is unique, as Django's OneToOneField: a second row for the same target is
      // a field error, not the database's constraint failure.
      if field.type == .oneToOne || field.unique {
        var query = try QuerySet(model: model, schema: schema).filter(field.name, value)
        if let existing, existing.isStored { query = try query.exclude("pk", existing.pk) }
        if try query.exists(connection) {
          return "\(Naming.capitalized(model.readableName)) with this \(Naming.capitalized(Naming.label(field))) already exists."
        }
      }
      return nil
    }
    // A form sends JSON as text: parsed here (Django's JSONField form field), so the stored
    // column is the JSON itself, not a JSON string holding it.
    if field.type == .json, source == .form, case .text(let text) = value {
      guard let parsed = try? ModelValue(json: text) else { return "Enter a valid JSON." }
      value = parsed
    }
    // DurationField.to_python (and DRF's DurationField): a form, a fixture or a client gives
    // text in parse_duration's forms; the ORM itself takes only timedeltas.
    if field.type == .duration, case .text(let text) = value {
      switch DjangoDurationText.parse(text) {
      case .microseconds(let micro): value = .duration(micro)
      case .overflow: return "“\(text)” is longer than a duration can be (about 292,000 years)."
      case .invalid: return "“\(text)” value has an invalid format. It must be in [DD] [[HH:]MM:]ss[.uuuuuu] format."
      }
    }
    // BinaryField.to_python: text is base64 (what dumpdata and the API write for bytes).
    if field.type == .binary, source != .form, case .text(let text) = value {
      guard let data = Data(base64Encoded: text) else { return "Enter valid base64-encoded data." }
      value = .bytes(Array(data))
    }
    // DecimalField.to_python's message for text that is no number (the form field's is "Enter
    // a number.", as is DecimalValidator's for NaN and infinities, which Decimal() reads).
    if field.type == .decimal, source != .form, case .text(let text) = value, DecimalShape(text) == nil, Double(text) == nil {
      return "“\(text)” value must be a decimal number."
    }
    if let problem = FieldValidation.problemBeforeStoring(value, for: field) { return problem }
    if source == .json, !typed, !Self.jsonTypeFits(value, field) {
      return "Expected \(Self.jsonTypeName(field)) for \(field.type.djangoName), got \(value.typeName)."
    }
    let stored: SQLValue
    do {
      stored = try value.sqlValue(for: field)
    } catch let error as QueryError {
      return Self.plainMessage(error.message)
    }
    value = ModelValue(stored, field: field)
    if let problem = FieldValidation.problem(field, stored: stored) { return problem }
    if field.unique || field.primaryKey, !value.isNull {
      var query = try QuerySet(model: model, schema: schema).filter(field.name, value)
      if let existing, existing.isStored { query = try query.exclude("pk", existing.pk) }
      if try query.exists(connection) {
        return "\(Naming.capitalized(model.readableName)) with this \(Naming.capitalized(Naming.label(field))) already exists."
      }
    }
    return nil
  }

  /// `['“x” value must be …']` (QueryError's ValidationError form) as the bare message.
  package static func plainMessage(_ message: String) -> String {
    if message.hasPrefix("['") && message.hasSuffix("']") { return String(message.dropFirst(2).dropLast(2)) }
    return message
  }

  /// Whether a JSON value has a type the field takes (a number for an integer, text for a date…).
  static func jsonTypeFits(_ value: ModelValue, _ field: FieldSchema) -> Bool {
    switch (field.type, value) {
    case (.json, _): return true
    case (_, .null): return true
    case (.boolean, .bool): return true
    case (.boolean, _): return false
    case (let type, .int) where type.isInteger || type == .float || type == .decimal || type == .duration: return true
    case (.float, .double), (.decimal, .double), (.decimal, .text), (.duration, .duration), (.binary, .bytes): return true
    case (let type, .text) where type.isTextual || [.date, .datetime, .time, .uuid, .decimal].contains(type): return true
    default: return false
    }
  }

  static func jsonTypeName(_ field: FieldSchema) -> String {
    if field.type == .boolean { return "a boolean" }
    if field.type.isInteger || field.type == .duration { return "an integer" }
    if field.type == .float || field.type == .decimal { return "a number" }
    return "a string"
  }

  package static func englishList(_ items: [String]) -> String {
    items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
  }
}

/// The errors of a row that did not validate, by field (`__all__` for the row).
public struct ValidationFailure: Error {
  public var errors: RecordValidator.Errors

  public init(errors: RecordValidator.Errors) { self.errors = errors }
}
