/// A constraint the database refused (SQLITE_CONSTRAINT) as the field errors Django's model
/// validation would have given, for the doors that answer with errors by field (the API, the
/// admin): what the validator could not see in advance (a CHECK constraint written in SQL, a
/// row inserted by someone else a moment ago) still reads as a 400 with Django's words.
public enum ConstraintErrors {
  /// Errors by field name (`__all__` for the row) for `reason`, SQLite's message.
  public static func errors(_ reason: String, model: ModelSchema) -> [String: [String]] {
    func field(_ column: String) -> FieldSchema? {
      let name = column.split(separator: ".").last.map(String.init) ?? column
      return model.fields.first { $0.column == name || $0.name == name }
    }
    if reason.hasPrefix("UNIQUE constraint failed: ") {
      let columns = reason.dropFirst("UNIQUE constraint failed: ".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      let fields = columns.compactMap(field)
      let labels = fields.map { Naming.capitalized(Naming.label($0)) }
      let message = "\(Naming.capitalized(model.readableName)) with this \(RecordValidator.englishList(labels)) already exists."
      return fields.count == 1 ? [fields[0].name: [message]] : ["__all__": [message]]
    }
    if reason.hasPrefix("NOT NULL constraint failed: "), let found = field(String(reason.dropFirst("NOT NULL constraint failed: ".count))) {
      return [found.name: ["This field cannot be null."]]
    }
    if reason.hasPrefix("CHECK constraint failed: ") {
      // Django 4.1+: BaseConstraint's violation_error_message.
      return ["__all__": ["Constraint “\(reason.dropFirst("CHECK constraint failed: ".count))” is violated."]]
    }
    if reason.hasPrefix("FOREIGN KEY constraint failed") {
      return ["__all__": ["A related row this one points to does not exist."]]
    }
    return ["__all__": [reason]]
  }
}
