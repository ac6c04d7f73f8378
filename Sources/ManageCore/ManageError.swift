/// An error the user can cause and fix: bad input, a missing file, a locked database.
///
/// The dispatcher prints `error: <message>` and, when present, `hint: <hint>` to stderr and
/// exits with `exitCode`. Anything that is not a `ManageError` is a bug and is reported as such.
public protocol ManageError: Error, CustomStringConvertible {
  /// What went wrong, and where (a file:line:col when a file is at fault).
  var message: String { get }
  /// How to fix it, when there is something to say.
  var hint: String? { get }
  /// The process exit code: 2 for usage errors, 1 for failures.
  var exitCode: Int32 { get }
}

extension ManageError {
  public var hint: String? { nil }
  public var exitCode: Int32 { 1 }
  public var description: String { message }
}

/// A failure of a command, like Django's `CommandError`: exit 1 unless told otherwise.
public struct CommandFailure: ManageError {
  public var message: String
  public var hint: String?
  public var exitCode: Int32

  public init(_ message: String, hint: String? = nil, exitCode: Int32 = 1) {
    self.message = message
    self.hint = hint
    self.exitCode = exitCode
  }
}

/// A command used wrongly (an unknown command, a bad argument): exit 2.
public struct UsageError: ManageError {
  public var message: String
  public var hint: String?
  public var exitCode: Int32 { 2 }

  public init(_ message: String, hint: String? = nil) {
    self.message = message
    self.hint = hint
  }
}

/// Where in a file something is: shown as `path:line:col`, lines and columns from 1.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  /// The path as the user would write it (relative to the project when inside it).
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String { "\(file):\(line):\(column)" }
}

/// A source location that never takes part in equality or hashing.
///
/// Schema values carry where they were declared so diagnostics can point at them, but two
/// declarations that differ only in position are the same schema (the migration autodetector
/// must not see a moved line as a change).
public struct DeclaredAt: Sendable, Hashable, CustomStringConvertible {
  public var location: SourceLocation?
  /// Locations of named parts (a model's options), for the same reason.
  public var options: [String: SourceLocation] = [:]

  public init(_ location: SourceLocation?) { self.location = location }

  public static func == (lhs: DeclaredAt, rhs: DeclaredAt) -> Bool { true }
  public func hash(into hasher: inout Hasher) {}
  public var description: String { location?.description ?? "" }
}
