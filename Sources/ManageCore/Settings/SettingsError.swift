/// A problem with manage.yaml, .env or the environment it reads.
public struct SettingsError: ManageError {
  public var location: SourceLocation?
  public var problem: String
  public var hint: String?

  public init(_ problem: String, at location: SourceLocation? = nil, hint: String? = nil) {
    self.problem = problem
    self.location = location
    self.hint = hint
  }

  public var message: String {
    if let location { return "\(location): \(problem)" }
    return problem
  }
}
