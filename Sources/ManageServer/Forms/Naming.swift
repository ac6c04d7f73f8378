import ManageCore

/// Django's human names for models and fields, for headings, labels and messages.
public enum Naming {
  /// `verbose_name`, else the class name split at capitals and lower-cased (`BlogPost` → `blog post`).
  public static func verboseName(_ model: ModelSchema) -> String {
    if let name = model.verboseName { return name }
    var words = ""
    for (index, character) in model.name.enumerated() {
      if character.isUppercase && index > 0 { words += " " }
      words += character.lowercased()
    }
    return words
  }

  /// `verbose_name_plural`, else the verbose name with an `s`.
  public static func verboseNamePlural(_ model: ModelSchema) -> String { model.verboseNamePlural ?? verboseName(model) + "s" }

  /// The field's `verbose_name`, else its name with spaces for underscores.
  public static func label(_ field: FieldSchema) -> String { field.verboseName ?? field.name.replacingOccurrences(of: "_", with: " ") }

  /// First letter up, as Django's `capfirst`.
  public static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}
