
/// Django's human names for fields, for labels and messages (a model's are
/// `ModelSchema.readableName` and `readableNamePlural`).
public enum Naming {
  /// The field's `verbose_name`, else its name with spaces for underscores.
  public static func label(_ field: FieldSchema) -> String { field.verboseName ?? field.name.replacingOccurrences(of: "_", with: " ") }

  /// First letter up, as Django's `capfirst`.
  public static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}
