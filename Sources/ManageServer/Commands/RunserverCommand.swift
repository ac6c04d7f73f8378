import ArgumentParser
import Foundation
import ManageCore
import ManageMigrations

/// `manage runserver [addrport]`: the admin, the JSON API and the enqueue endpoint on a
/// development server, with Django's banner, request log and address forms, reloading the
/// models in place when a project file changes.
public struct RunserverCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "runserver",
    abstract: "Starts a lightweight web server for development: the admin, the JSON API and the enqueue endpoint.",
    discussion: """
      The admin is at /admin/ (log in with a staff account, e.g. one made by createsuperuser), \
      the JSON API at /api/<app>/<model>/ (session or `Authorization: Token …` from createtoken), \
      its OpenAPI document at /api/openapi.json, and POST /api/jobs/ enqueues a job. \
      When manage.yaml, .env, a models.yaml, a tasks.yaml or a migration changes, the models \
      are reloaded in place (inotify); --noreload turns that off. Not for production.
      """)
  public static let group = "server"

  @Argument(help: "Optional port number, or ipaddr:port (default 127.0.0.1:8000; [::1]:8000 for IPv6; 0:8000 for every address).")
  var addrport: String?

  @Flag(name: [.customShort("6"), .long], help: "Tells the server to use an IPv6 address.")
  var ipv6 = false

  @Flag(help: "Tells the server NOT to reload the models when project files change.")
  var noreload = false

  @Flag(name: .customLong("skip-checks"), help: "Skip system checks.")
  var skipChecks = false

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let address = try AddressPort.parse(addrport, useIPv6: ipv6)
    let settings = try context.settings()
    guard !settings.secretKey.isEmpty else {
      throw CommandFailure(
        "The secret_key setting must not be empty.",
        hint: "runserver signs sessions and CSRF tokens with it. Add `secret_key: ${MANAGE_SECRET_KEY}` to manage.yaml and put a long random value in .env, e.g. MANAGE_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))').")
    }
    let console = context.console
    if !skipChecks {
      console.print("Performing system checks...\n")
      let report = try CheckRunner(checks: context.checks).run(
        CheckInput(registry: context.registry(), schema: context.schema(), commandNames: context.commandNames))
      let text = report.rendered(console: console, failLevel: .error, toStandardError: !report.visible.isEmpty)
      if report.visible.isEmpty { console.print(text) } else { console.printError(text) }
      if report.isSerious(failLevel: .error) { throw ExitStatus(1) }
    }
    try context.requireSQLite(for: "`manage runserver`")
    let registry = try context.registry()
    let existingDatabase = settings.database.path == ":memory:" || Path.exists(settings.database.path)
    let pending = existingDatabase
      ? try UnappliedMigrations.list(registry: registry, connection: try context.openDatabase())
      : try UnappliedMigrations.list(registry: registry, connection: nil)
    if !pending.isEmpty {
      let apps = Set(pending.map(\.app)).sorted().joined(separator: ", ")
      console.print("\nYou have \(pending.count) unapplied migration(s). Your project may not work properly until you apply the migrations for app(s): \(apps).", style: .notice)
      console.print("Run 'manage migrate' to apply them.", style: .notice)
    }
    let state = SiteLoader.state(settings: settings, registry: registry, schema: try context.schema())
    let site = Site(state: state) { message in console.printError(message) }
    let server = HTTPServer(site: site, address: address, logColour: console.colorsError) { status, line in
      console.printError(line)
    }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "MMMM dd, yyyy - HH:mm:ss"
    let settingsName = settings.file.map { settings.display($0) } ?? "embedded defaults"
    let banner = """
      \(formatter.string(from: Date()))
      manage version \(ManageVersion.current), using settings '\(settingsName)'
      Starting development server at \(address.url)
      Quit the server with CONTROL-C.

      """
    if !noreload { startReloading(site: site, context: context) }
    do {
      try await server.run {
        console.print(banner)
        console.print(console.style("WARNING: This is a development server. Do not use it in a production setting.", .warning))
        console.print("For more information on deployment see the README's notes on runserver.")
      }
    } catch {
      // Django prints "Error: That port is already in use."; the dispatcher's "error: " prefix
      // stands for its "Error: ", so the message is not doubled.
      throw CommandFailure(Self.bindMessage(error))
    }
  }

  /// Django's words for a port that cannot be bound.
  static func bindMessage(_ error: Error) -> String {
    let text = "\(error)"
    if text.contains("Address already in use") || text.contains("EADDRINUSE") || text.contains("errno: 98") { return "That port is already in use." }
    if text.contains("Cannot assign requested address") || text.contains("errno: 99") { return "That IP address can't be assigned to." }
    if text.contains("Permission denied") || text.contains("errno: 13") { return "You don't have permission to access that port." }
    if text.contains("NIOConnectionError") || text.contains("resolve") { return "That IP address can't be assigned to." }
    return text
  }

  /// Watches the project's files and swaps in freshly read models when one changes.
  private func startReloading(site: Site, context: CommandContext) {
    guard let registry = try? context.registry() else { return }
    let files = SiteLoader.watchedFiles(site.stateBox.current, registry: registry)
    guard let watcher = FileWatcher(paths: files) else {
      context.console.printError("Could not watch the project's files (inotify); reloading is off.")
      return
    }
    let console = context.console
    let settingsPath = context.global.settings, environment = context.environment, directory = context.currentDirectory
    let settings = site.stateBox.current.settings
    watcher.start { path in
      console.print("\(settings.display(path)) changed, reloading.")
      do {
        let (state, _) = try SiteLoader.load(settingsPath: settingsPath, environment: environment, currentDirectory: directory)
        if state.schema.diagnostics.contains(where: { $0.level >= .error }) {
          console.printError("The models have errors; still serving the previous ones. Run `manage check` to see them.")
          return
        }
        let before = site.stateBox.current.settings
        if state.settings.database.path != before.database.path || state.settings.secretKey != before.secretKey {
          // The connection pool and the signers were made at start-up from these.
          console.printError("The database or the secret_key changed: restart runserver to use them; the rest is reloaded.")
        }
        site.stateBox.replace(state)
        console.print("Reloaded: \(state.servedModels.count) models.")
      } catch {
        console.printError("Could not reload: \(error); still serving the previous models.")
      }
    }
  }
}
