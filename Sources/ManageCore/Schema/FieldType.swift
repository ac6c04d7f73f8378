/// The field types models.yaml accepts: Django's, in snake_case.
public enum FieldType: String, Sendable, Hashable, CaseIterable {
  case auto, bigAuto = "big_auto", char, text, slug, email, url
  case integer, bigInteger = "big_integer", smallInteger = "small_integer"
  case positiveInteger = "positive_integer", positiveSmallInteger = "positive_small_integer"
  case positiveBigInteger = "positive_big_integer", float, decimal, boolean
  case date, datetime, time, duration, uuid, json, binary
  case foreignKey = "foreign_key", oneToOne = "one_to_one", manyToMany = "many_to_many"

  /// Django's class name, for messages that quote Django ("CharFields must define…").
  public var djangoName: String {
    switch self {
    case .auto: "AutoField"
    case .bigAuto: "BigAutoField"
    case .char: "CharField"
    case .text: "TextField"
    case .slug: "SlugField"
    case .email: "EmailField"
    case .url: "URLField"
    case .integer: "IntegerField"
    case .bigInteger: "BigIntegerField"
    case .smallInteger: "SmallIntegerField"
    case .positiveInteger: "PositiveIntegerField"
    case .positiveSmallInteger: "PositiveSmallIntegerField"
    case .positiveBigInteger: "PositiveBigIntegerField"
    case .float: "FloatField"
    case .decimal: "DecimalField"
    case .boolean: "BooleanField"
    case .date: "DateField"
    case .datetime: "DateTimeField"
    case .time: "TimeField"
    case .duration: "DurationField"
    case .uuid: "UUIDField"
    case .json: "JSONField"
    case .binary: "BinaryField"
    case .foreignKey: "ForeignKey"
    case .oneToOne: "OneToOneField"
    case .manyToMany: "ManyToManyField"
    }
  }

  /// Fields that point at another model.
  public var isRelation: Bool { self == .foreignKey || self == .oneToOne || self == .manyToMany }

  /// Relations stored as a column on this model's table (not a through table).
  public var isConcreteRelation: Bool { self == .foreignKey || self == .oneToOne }

  public var isAutoIncrement: Bool { self == .auto || self == .bigAuto }

  /// Types stored as text whose values are strings.
  /// Django's three PositiveIntegerField kinds, which carry a `>= 0` CHECK.
  public var isPositive: Bool { [.positiveInteger, .positiveSmallInteger, .positiveBigInteger].contains(self) }

  public var isTextual: Bool { [.char, .text, .slug, .email, .url].contains(self) }

  public var isInteger: Bool {
    [.auto, .bigAuto, .integer, .bigInteger, .smallInteger, .positiveInteger, .positiveSmallInteger, .positiveBigInteger]
      .contains(self)
  }

  /// The `max_length` Django gives the type when none is written (SlugField 50, EmailField
  /// 254, URLField 200); nil when the type has none or requires one.
  public var defaultMaxLength: Int? {
    switch self {
    case .slug: 50
    case .email: 254
    case .url: 200
    default: nil
    }
  }
}

/// What happens to rows pointing at a deleted row: Django's `on_delete` choices.
public enum OnDelete: String, Sendable, Hashable, CaseIterable {
  case cascade, protect, setNull = "set_null", setDefault = "set_default", restrict
  case doNothing = "do_nothing"
}
