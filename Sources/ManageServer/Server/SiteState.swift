import Foundation
import ManageAuth
import ManageCore
import ManageJobs

/// What the site serves from, loaded from the project and replaced whole when a reload reads
/// the project again: settings, the installed apps' models and the declared tasks.
public struct SiteState: Sendable {
  public let settings: Settings
  public let schema: ProjectSchema
  public let tasks: TaskRegistry?
  public let installedApps: [String]
  /// The models the admin and the API serve, app by app in installed_apps order.
  public let servedModels: [ModelSchema]
  /// The same, by `app.modelname` in lower case, for routing.
  private let servedByPath: [String: ModelSchema]

  /// Models kept out of the admin and the API: sessions and API tokens hold credentials.
  static let hiddenModels: Set<String> = ["sessions.Session", "admin.Token"]
  /// Fields never shown or written through the API (a password hash is a credential too).
  static let hiddenFields: [String: Set<String>] = ["auth.User": ["password"]]

  public init(settings: Settings, schema: ProjectSchema, tasks: TaskRegistry?, installedApps: [String]) {
    self.settings = settings
    self.schema = schema
    self.tasks = tasks
    self.installedApps = installedApps
    servedModels = installedApps.flatMap { app in schema.models(in: app).filter { !Self.hiddenModels.contains($0.label) } }
    servedByPath = Dictionary(servedModels.map { ($0.app + "." + $0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// The model `app`/`name` (case-insensitive, as in Django's URLs), when it is served.
  public func servedModel(app: String, name: String) -> ModelSchema? {
    servedByPath[app + "." + name.lowercased()]
  }

  /// The built-in apps' models hold users' emails, the admin's log, job payloads and eval
  /// runs: only staff read them through the API, as DRF's IsAdminUser would have it.
  static let staffOnlyApps: Set<String> = ["auth", "admin", "contenttypes", "sessions", "jobs", "evals"]

  public func isStaffOnly(_ model: ModelSchema) -> Bool { Self.staffOnlyApps.contains(model.app) }

  public func isHidden(_ field: FieldSchema, of model: ModelSchema) -> Bool {
    Self.hiddenFields[model.label]?.contains(field.name) == true
  }

  public func isInstalled(_ app: String) -> Bool { installedApps.contains(app) }

  /// The row of `model` whose key is `key` as it appears in a URL, or nil when there is none
  /// (or `key` cannot be a key of that model).
  public func row(of model: ModelSchema, key: String, _ connection: Connection) throws -> ModelInstance? {
    guard let query = try? QuerySet(model: model, schema: schema).filter("pk", .text(key)) else { return nil }
    do {
      guard case .instance(let instance)? = try query.first(connection) else { return nil }
      return instance
    } catch is QueryError { return nil }
  }

  /// The values hidden fields take when a row is added where they cannot be typed: a new user's
  /// password is unusable until `manage changepassword` sets one.
  public func hiddenDefaults(for model: ModelSchema) -> [String: ModelValue] {
    model.label == "auth.User" ? ["password": .text(PasswordHasher.unusable())] : [:]
  }

  /// Whether a lookup or ordering path (`author__user__password__startswith`, `-title`) passes
  /// through a hidden field anywhere along its relations: such paths would let a client probe a
  /// password hash one character at a time.
  /// For a reader who is not staff, a path into a staff-only model (`author__user__email`)
  /// is refused the same way.
  public func touchesHiddenField(_ path: String, from model: ModelSchema, staff: Bool = true) -> Bool {
    var current = model
    for part in path.trimmingCharacters(in: CharacterSet(charactersIn: "-")).components(separatedBy: "__") {
      if let field = current.field(part), isHidden(field, of: current) { return true }
      guard let relation = schema.relation(named: part, from: current) else { return false }
      current = relation.to
      if !staff && isStaffOnly(current) { return true }
    }
    return false
  }
}

/// The current `SiteState`, swapped whole by a reload while requests keep the one they started with.
public final class SiteStateBox: @unchecked Sendable {
  private let lock = NSLock()
  private var state: SiteState
  public init(_ state: SiteState) { self.state = state }
  public var current: SiteState { lock.withLock { state } }
  public func replace(_ state: SiteState) { lock.withLock { self.state = state } }
}
