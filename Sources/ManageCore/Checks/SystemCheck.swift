/// What a system check looks at.
public struct CheckInput: Sendable {
  public var settings: Settings { registry.settings }
  public var registry: AppRegistry
  public var schema: ProjectSchema
  /// The binary's own command names, to spot plugins that shadow them.
  public var commandNames: [String]
  /// Whether `--database` asked for checks that open the database.
  public var includeDatabase: Bool

  public init(registry: AppRegistry, schema: ProjectSchema, commandNames: [String] = [], includeDatabase: Bool = false) {
    self.registry = registry
    self.schema = schema
    self.commandNames = commandNames
    self.includeDatabase = includeDatabase
  }
}

/// A system check, registered by a module like Django's `@register(Tags.models)`.
public struct SystemCheck: Sendable {
  /// Tags for `manage check --tag` (`models`, `settings`, `database`, `security`, …).
  public var tags: Set<String>
  /// Whether the check runs only under `--deploy`.
  public var deployOnly: Bool
  public var run: @Sendable (CheckInput) throws -> [CheckMessage]

  public init(tags: Set<String>, deployOnly: Bool = false, run: @escaping @Sendable (CheckInput) throws -> [CheckMessage]) {
    self.tags = tags
    self.deployOnly = deployOnly
    self.run = run
  }
}
