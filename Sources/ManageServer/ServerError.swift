import ManageCore

/// A runserver or createtoken problem the user can fix; Django's wording where Django has one.
public struct ServerError: ManageError {
  public var message: String
  public var hint: String?
  public var exitCode: Int32

  public init(_ message: String, hint: String? = nil, exitCode: Int32 = 1) {
    self.message = message
    self.hint = hint
    self.exitCode = exitCode
  }
}
