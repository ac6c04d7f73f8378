import ManageCore

/// A provider named in manage.yaml's `providers:`, shared by llm tasks and eval suites, with
/// the limits every worker and every `manage evals run` honours together.
///
/// ```yaml
/// providers:
///   haiku:
///     type: http
///     format: anthropic
///     model: claude-haiku-4-5
///     api_key_env: ANTHROPIC_API_KEY
///     concurrency: 5        # calls in flight across all workers and hosts
///     rate: 50/min          # a token bucket in the database
/// ```
public struct NamedProvider: Sendable {
  public var name: String
  public var provider: Provider
  public var limits: ProviderLimits
  public var location: SourceLocation?
}

/// The providers of manage.yaml, by name.
public struct ProjectProviders: Sendable {
  public private(set) var byName: [String: NamedProvider] = [:]

  public init() {}

  /// Reads `providers:` of `settings`; a mistake is a ProviderError at file:line:col.
  public init(settings: Settings) throws {
    guard let node = settings["providers"] else { return }
    guard let entries = node.entries else {
      throw ProviderError("\(node.location): 'providers' must map names to provider settings, not be \(node.kindDescription)",
                          hint: "providers:\n  haiku: {type: http, format: anthropic, model: claude-haiku-4-5}")
    }
    for entry in entries {
      guard Identifier.isValid(entry.key) else {
        throw ProviderError("\(entry.keyLocation): '\(entry.key)' is not a valid provider name", hint: "Use letters, digits and underscores.")
      }
      guard entry.value.entries != nil else {
        throw ProviderError("\(entry.value.location): provider '\(entry.key)' needs settings, at least `type:`")
      }
      let provider = try ProviderLoader.provider(entry.value, folder: settings.projectDirectory, projectDirectory: settings.projectDirectory)
      let limits = try ProviderLimits(entry.value, owner: "provider '\(entry.key)'")
      byName[entry.key] = NamedProvider(name: entry.key, provider: provider, limits: limits, location: entry.keyLocation)
    }
  }

  /// The provider `name` refers to at `location`, or an error suggesting the closest name.
  public func named(_ name: String, at location: SourceLocation?) throws -> NamedProvider {
    if let found = byName[name] { return found }
    let prefix = location.map { "\($0): " } ?? ""
    throw ProviderError(
      "\(prefix)unknown provider '\(name)'" + (Suggestion.closest(to: name, in: byName.keys).map { ". Did you mean '\($0)'?" } ?? ""),
      hint: byName.isEmpty
        ? "Define it in manage.yaml: `providers: {\(name): {type: http, format: anthropic, model: …}}`."
        : "manage.yaml's providers: " + byName.keys.sorted().joined(separator: ", ") + ".")
  }
}
