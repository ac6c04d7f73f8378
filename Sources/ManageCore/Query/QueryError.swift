/// A query the models cannot answer: Django's FieldError and friends.
public struct QueryError: ManageError {
  public var message: String
  public var hint: String?

  public init(_ message: String, hint: String? = nil) {
    self.message = message
    self.hint = hint
  }
}
