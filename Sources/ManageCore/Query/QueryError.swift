/// A query the models cannot answer, named as Django names it (`FieldError`,
/// `Post.DoesNotExist`, `ProtectedError`, …) so the shell can print it as Python would.
public struct QueryError: ManageError, Equatable {
  public var message: String
  public var hint: String?
  /// The Python exception's name: `FieldError`, `Post.DoesNotExist`, `ValidationError`, ….
  public var kind: String

  public init(_ message: String, hint: String? = nil, kind: String = "FieldError") {
    self.message = message
    self.hint = hint
    self.kind = kind
  }
}
