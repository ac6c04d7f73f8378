/// An index from `indexes:`.
public struct IndexSchema: Sendable, Hashable {
  public var fields: [String]
  public var name: String?
  public var declaredAt = DeclaredAt(nil)

  public init(fields: [String], name: String? = nil) {
    self.fields = fields
    self.name = name
  }
}

/// A constraint from `constraints:`: a check (`check: "length(title) > 0"`) or a unique
/// constraint over fields (`fields: [author, slug]`), each with a name.
public struct ConstraintSchema: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    case check(String)
    case unique(fields: [String], condition: String?)
  }

  public var name: String
  public var kind: Kind
  public var declaredAt = DeclaredAt(nil)

  public init(name: String, kind: Kind) {
    self.name = name
    self.kind = kind
  }
}

/// A model as declared in models.yaml: its fields in file order and its Meta options.
public struct ModelSchema: Sendable, Hashable {
  /// The app label (`blog`).
  public var app: String
  /// The model name as written (`Post`).
  public var name: String
  public var fields: [FieldSchema]
  public var dbTable: String
  public var ordering: [String] = []
  public var indexes: [IndexSchema] = []
  public var uniqueTogether: [[String]] = []
  public var constraints: [ConstraintSchema] = []
  public var verboseName: String?
  public var verboseNamePlural: String?
  /// `on:`: tasks enqueued with the row's writes (ignored by `==`: not part of the table).
  public var events = ModelEvents()
  public var declaredAt = DeclaredAt(nil)
  /// Where each model option (`ordering`, `unique_together`, …) is written; ignored by `==`.
  public var optionLocations: [String: SourceLocation] {
    get { declaredAt.options }
    set { declaredAt.options = newValue }
  }

  public init(app: String, name: String, fields: [FieldSchema], dbTable: String? = nil) {
    self.app = app
    self.name = name
    self.fields = fields
    self.dbTable = dbTable ?? ModelSchema.defaultTable(app: app, model: name)
  }

  /// `app.Model`, as Django labels a model.
  public var label: String { "\(app).\(name)" }

  /// `app.model`, the case-insensitive form used to look models up.
  public var labelLower: String { label.lowercased() }

  /// `verbose_name`, else Django's default from the class name (`EvalRun` → `eval run`).
  public var readableName: String { verboseName ?? ModelSchema.defaultVerboseName(name) }

  /// `verbose_name_plural`, else the readable name with an `s`, as Django does.
  public var readableNamePlural: String { verboseNamePlural ?? readableName + "s" }

  /// Django's default `verbose_name` (camel_case_to_spaces): `EvalRun` → `eval run`,
  /// `APIKey` → `api key`.
  public static func defaultVerboseName(_ name: String) -> String {
    var result = ""
    let characters = Array(name)
    for (index, character) in characters.enumerated() {
      if character.isUppercase, index > 0,
        characters[index - 1].isLowercase || (index + 1 < characters.count && characters[index + 1].isLowercase)
      {
        result.append(" ")
      }
      result.append(character)
    }
    return result.lowercased().trimmingCharacters(in: .whitespaces)
  }

  /// Django's default table name: `<app>_<model lowercased>`.
  public static func defaultTable(app: String, model: String) -> String {
    "\(app)_\(model.lowercased())"
  }

  /// The field named `name`.
  public func field(_ name: String) -> FieldSchema? { fields.first { $0.name == name } }

  /// The primary key field (the implicit `id` unless a field says `primary_key: true`).
  public var primaryKey: FieldSchema? { fields.first { $0.primaryKey } }
}
