/// One finding of a system check, printed in Django's format:
/// `blog.Post.title: (fields.E120) CharFields must define a 'max_length' attribute.`
public struct CheckMessage: Sendable, Hashable {
  /// Django's levels, with its numeric values so `--fail-level` compares the same way.
  public enum Level: Int, Sendable, Comparable, CaseIterable {
    case debug = 10, info = 20, warning = 30, error = 40, critical = 50

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The name `--fail-level` takes and the section headings use (`ERROR`, `WARNING`).
    public var name: String {
      switch self {
      case .debug: "DEBUG"
      case .info: "INFO"
      case .warning: "WARNING"
      case .error: "ERROR"
      case .critical: "CRITICAL"
      }
    }
  }

  public var level: Level
  /// The check id, like `fields.E120`.
  public var id: String
  public var message: String
  public var hint: String?
  /// What the message is about: `blog.Post.title`, `blog.Post`, `blog`, or nil (`?`).
  public var object: String?
  /// Where the problem is written, when it is in a file.
  public var location: SourceLocation?

  public init(
    _ level: Level, _ id: String, _ message: String, hint: String? = nil, object: String? = nil,
    at location: SourceLocation? = nil
  ) {
    self.level = level
    self.id = id
    self.message = message
    self.hint = hint
    self.object = object
    self.location = location
  }

  /// Whether the message reaches `level` (Django's `is_serious`).
  public func isSerious(_ level: Level = .error) -> Bool { self.level >= level }

  /// Django's rendering, with the file position in front so terminals and editors can jump to it.
  public var rendered: String {
    var text = ""
    if let location { text += "\(location): " }
    text += "\(object ?? "?"): (\(id)) \(message)"
    if let hint { text += "\n\tHINT: \(hint)" }
    return text
  }
}
