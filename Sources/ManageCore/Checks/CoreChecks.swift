import Foundation

/// The checks ManageCore itself provides: settings, models, app commands, the database and
/// deployment safety.
public enum CoreChecks {
  public static let all: [SystemCheck] = [settings, models, commands, database, deploy]

  /// `${VAR}` left unset, unknown keys, an unknown time zone.
  static let settings = SystemCheck(tags: ["settings"]) { input in
    var messages: [CheckMessage] = []
    let settings = input.settings
    for unset in settings.unsetVariables {
      messages.append(CheckMessage(
        .warning, "settings.W001", "${\(unset.name)} is not set, so it expands to an empty string.",
        hint: "Set \(unset.name) in the environment or in .env beside manage.yaml, or write ${\(unset.name):-default}.",
        object: "settings", at: unset.location))
    }
    for entry in settings.document?.entries ?? [] where !Settings.knownKeys.contains(entry.key) {
      var hint = "Known settings: \(Settings.knownKeys.sorted().joined(separator: ", "))."
      if let guess = Suggestion.closest(to: entry.key, in: Settings.knownKeys.sorted()) {
        hint = "Did you mean '\(guess)'? " + hint
      }
      messages.append(CheckMessage(.warning, "settings.W002", "Unknown setting '\(entry.key)'.", hint: hint,
                                   object: "settings", at: entry.keyLocation))
    }
    if TimeZone(identifier: settings.timeZone) == nil {
      messages.append(CheckMessage(
        .error, "settings.E001", "Unknown time zone '\(settings.timeZone)'.",
        hint: "Use an IANA name such as UTC or Europe/Paris.", object: "settings",
        at: settings.document?["time_zone"]?.location))
    }
    return messages
  }

  /// Everything wrong in the models, found while loading and validating them.
  static let models = SystemCheck(tags: ["models"]) { input in input.schema.diagnostics }

  /// App commands that a built-in shadows, or that two apps both define.
  static let commands = SystemCheck(tags: ["commands"]) { input in
    var messages: [CheckMessage] = []
    var seen: [String: PluginCommand] = [:]
    for command in input.registry.appCommands {
      let object = "\(command.app ?? "?")"
      let location = SourceLocation(file: input.settings.display(command.executable), line: 1, column: 1)
      if input.commandNames.contains(command.name) {
        messages.append(CheckMessage(
          .warning, "commands.W001", "App command '\(command.name)' is shadowed by the built-in command of that name.",
          hint: "Rename \(input.settings.display(command.executable)); built-in commands always win.",
          object: object, at: location))
      } else if let first = seen[command.name] {
        messages.append(CheckMessage(
          .warning, "commands.W002",
          "Command '\(command.name)' is defined by both '\(first.app ?? "?")' and '\(command.app ?? "?")'; the first installed wins.",
          hint: "Rename one of them.", object: object, at: location))
      } else {
        seen[command.name] = command
      }
    }
    return messages
  }

  /// Only with `--database`: the file opens, is healthy, and SQLite is new enough; on
  /// PostgreSQL the server answers, is 13 or later, and stores UTF8.
  static let database = SystemCheck(tags: ["database"]) { input in
    let settings = input.settings
    var messages: [CheckMessage] = []
    if settings.database.backend == .postgresql, let parameters = settings.database.postgres {
      do {
        let connection = try Connection(postgres: parameters, displayName: settings.databaseDisplay)
        if let encoding = connection.serverParameter("server_encoding"), encoding != "UTF8" {
          messages.append(CheckMessage(
            .error, "database.E004", "The database \(settings.databaseDisplay) stores \(encoding), not UTF8.",
            hint: "Create it with `createdb -E UTF8 -T template0 \(parameters.name)`: Django and manage expect UTF8.", object: "database"))
        }
      } catch let error as PostgresError {
        messages.append(CheckMessage(.error, "database.E003", "Cannot connect to the database: \(error.reason) (SQLSTATE \(error.sqlState)).",
                                     hint: error.hint, object: "database"))
      }
      return messages
    }
    let version = Connection.libraryVersion.split(separator: ".").compactMap { Int($0) }
    if version.lexicographicallyPrecedes([3, 35]) {
      messages.append(CheckMessage(
        .error, "database.E001", "SQLite \(Connection.libraryVersion) is too old; manage needs 3.35 or later (RETURNING).",
        hint: "Install a newer libsqlite3.", object: "database"))
    }
    if settings.database.path != ":memory:" && !Path.exists(settings.database.path) {
      messages.append(CheckMessage(
        .info, "database.I001", "The database \(settings.display(settings.database.path)) does not exist yet.",
        hint: "`manage migrate` creates it.", object: "database"))
      return messages
    }
    do {
      let connection = try Connection(path: settings.database.path, displayName: settings.display(settings.database.path), readOnly: true)
      let result = try connection.scalar("PRAGMA quick_check")?.string ?? "ok"
      if result != "ok" {
        messages.append(CheckMessage(.error, "database.E002", "The database failed SQLite's quick_check: \(result)",
                                     hint: "Restore it from a backup.", object: "database"))
      }
    } catch let error as SQLiteError {
      messages.append(CheckMessage(.error, "database.E003", "Cannot open the database: \(error.reason) (\(error.codeName)).",
                                   hint: error.hint, object: "database"))
    }
    return messages
  }

  /// Only with `--deploy`: Django's security warnings that apply here.
  static let deploy = SystemCheck(tags: ["security"], deployOnly: true) { input in
    let settings = input.settings
    var messages: [CheckMessage] = []
    let key = settings.secretKey
    if key.count < 50 || Set(key).count < 5 || key.hasPrefix("django-insecure-") {
      messages.append(CheckMessage(
        .warning, "security.W009",
        "Your secret_key has less than 50 characters, less than 5 unique characters, or it's prefixed with 'django-insecure-'. Please generate a long and random value, otherwise session cookies can be forged.",
        hint: "Set MANAGE_SECRET_KEY to the output of `python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
        object: "settings", at: settings.location(of: "secret_key")))
    }
    if settings.debug {
      messages.append(CheckMessage(
        .warning, "security.W018", "You should not have debug set to true in deployment.",
        hint: "Set debug: false in manage.yaml (or debug: ${DEBUG:-false}).", object: "settings",
        at: settings.location(of: "debug")))
    }
    return messages
  }
}
