import Foundation
import ManageCore
import ManageMigrations

/// What the auth commands share: the database, checked to be migrated, and the settings
/// for hashing and validation.
struct AuthProject {
  let connection: Connection
  let validators: PasswordValidators
  let iterations: Int

  init(_ context: CommandContext) throws {
    let settings = try context.settings()
    let registry = try context.registry()
    guard registry.app("auth") != nil else {
      throw AuthError("The auth app is not installed.", hint: "Add auth and contenttypes to installed_apps, then run `manage migrate`.")
    }
    // A missing database is reported as unapplied migrations, without creating an empty file.
    if settings.databaseFileIsMissing {
      try UnappliedMigrations.require(registry: registry, connection: nil)
    }
    connection = try context.openDatabase(readOnly: false)
    try UnappliedMigrations.require(registry: registry, connection: connection)
    validators = try PasswordValidators(settings: settings)
    if let node = settings["password_iterations"] {
      guard case .int(let count) = node.value, count > 0 else {
        throw AuthError("\(node.location): 'password_iterations' must be a positive whole number",
                        hint: "Django 6.1 uses 1500000; leave it out to use that.")
      }
      iterations = count
    } else {
      iterations = PasswordHasher.defaultIterations
    }
  }

  /// The login name of whoever runs the command, for Django's default username.
  static var systemUsername: String? {
    if let name = ProcessInfo.processInfo.environment["USER"], !name.isEmpty { return name.lowercased() }
    guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
    return String(cString: name).lowercased()
  }
}
