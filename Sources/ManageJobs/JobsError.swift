import ManageCore

/// A job-queue failure the user can act on: an unknown task, a bad payload, a malformed
/// tasks.yaml (with file:line:col), a job that cannot be retried.
public struct JobsError: ManageError {
  public var message: String
  public var hint: String?
  public var exitCode: Int32

  public init(_ message: String, hint: String? = nil, exitCode: Int32 = 1) {
    self.message = message
    self.hint = hint
    self.exitCode = exitCode
  }
}
