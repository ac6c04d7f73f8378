import ManageCore

/// A suite that cannot run: a malformed suite file (with file:line:col), an unknown provider or
/// scorer, a case that names a variable its prompt does not have. Exit status 2, as the issue's
/// contract says for suite errors.
public struct EvalsError: ManageError {
  public var message: String
  public var hint: String?
  public var exitCode: Int32

  public init(_ message: String, hint: String? = nil, exitCode: Int32 = 2) {
    self.message = message
    self.hint = hint
    self.exitCode = exitCode
  }
}
