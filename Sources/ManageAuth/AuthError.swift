import ManageCore

/// A failure of an auth command or of checking a password.
public struct AuthError: ManageError {
  public var message: String
  public var hint: String?
  public var exitCode: Int32

  public init(_ message: String, hint: String? = nil, exitCode: Int32 = 1) {
    self.message = message
    self.hint = hint
    self.exitCode = exitCode
  }
}
