/// The apps compiled into the binary, so an installed `manage` needs no files beside it.
public enum BuiltinApps {
  /// The models.yaml text of a built-in app.
  public static func modelsSource(_ label: String) -> String? {
    switch label {
    case "auth": AuthModels.yaml
    case "contenttypes": ContentTypesModels.yaml
    case "sessions": SessionsModels.yaml
    case "jobs": JobsModels.yaml
    case "evals": EvalsModels.yaml
    case "admin": AdminModels.yaml
    default: nil
    }
  }

  /// Built-in apps that must be installed alongside another (Django's auth needs contenttypes).
  public static func requirements(_ label: String) -> [String] {
    switch label {
    case "auth": ["contenttypes"]
    case "admin": ["auth", "contenttypes"]
    default: []
    }
  }
}
