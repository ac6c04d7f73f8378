import ManageCore

/// A provider that cannot answer, or a `providers:` entry that is wrong: a malformed entry
/// (exit 2, with file:line:col), a program that failed, an HTTP error, a reply without an
/// answer (exit 1). Evals count it as an error, tasks as a failed attempt.
public struct ProviderError: ManageError {
  public var message: String
  public var hint: String?
  public var exitCode: Int32
  /// False for a failure that asking again cannot mend (a certificate not accepted, a quota).
  public var retryable = true

  public init(_ message: String, hint: String? = nil, exitCode: Int32 = 2) {
    self.message = message
    self.hint = hint
    self.exitCode = exitCode
  }
}
