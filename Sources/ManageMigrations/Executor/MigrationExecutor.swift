import Foundation
import ManageCore

/// One step of a plan: a migration to apply, or to unapply.
public struct PlannedMigration: Sendable, Equatable {
  public var key: MigrationKey
  public var backwards: Bool
}

/// How a migration went, for migrate's `OK` / `FAKED` lines.
public enum MigrationOutcome: Sendable {
  case applied, faked, skippedAlreadyApplied
}

/// Plans and runs migrations against a database (Django's `MigrationExecutor`).
///
/// Each migration runs in one `BEGIN IMMEDIATE` transaction: its DDL and its
/// django_migrations row commit together or not at all, so a killed migrate leaves the
/// database at a migration boundary. Foreign keys are switched off around the transaction
/// (SQLite cannot do it inside one, and table remakes need it) and checked with
/// `PRAGMA foreign_key_check` before the commit.
public final class MigrationExecutor {
  public let connection: Connection
  public let loader: MigrationLoader
  public let recorder: MigrationRecorder
  public private(set) var applied: [MigrationKey: String]

  public init(connection: Connection, loader: MigrationLoader) throws {
    self.connection = connection
    self.loader = loader
    recorder = MigrationRecorder(connection: connection)
    applied = try recorder.applied()
  }

  /// Applied migrations as the graph sees them: a squashed migration counts as applied when
  /// everything it replaces is.
  public var appliedNodes: Set<MigrationKey> {
    var result = Set(applied.keys)
    for (squashed, replaced) in loader.replacements where replaced.allSatisfy(result.contains) {
      result.insert(squashed)
    }
    return result.intersection(loader.graph.nodes)
  }

  // MARK: - Planning

  /// A target: a migration to reach, or `nil` name for "unapply all of app" (`zero`).
  public struct Target: Sendable {
    public var app: String
    public var name: String?
    public init(app: String, name: String?) {
      self.app = app
      self.name = name
    }
  }

  /// Django's `migration_plan`.
  public func plan(_ targets: [Target]) -> [PlannedMigration] {
    var plan: [PlannedMigration] = []
    var done = appliedNodes
    let graph = loader.graph
    for target in targets {
      if let name = target.name {
        let key = MigrationKey(target.app, name)
        if done.contains(key) {
          // Roll back only what follows the target in its own app (and what depends on that).
          let next = (graph.children[key] ?? []).filter { $0.app == target.app }.sorted()
          for child in next {
            for node in graph.backwardsPlan(child) where done.contains(node) {
              plan.append(PlannedMigration(key: node, backwards: true))
              done.remove(node)
            }
          }
        } else {
          for node in graph.forwardsPlan(key) where !done.contains(node) {
            plan.append(PlannedMigration(key: node, backwards: false))
            done.insert(node)
          }
        }
      } else {
        for root in graph.roots(of: target.app) {
          for node in graph.backwardsPlan(root) where done.contains(node) {
            plan.append(PlannedMigration(key: node, backwards: true))
            done.remove(node)
          }
        }
      }
    }
    return plan
  }

  /// The state after every applied migration.
  public func appliedState() throws -> ProjectState {
    var state = ProjectState()
    let done = appliedNodes
    for key in loader.graph.orderedNodes where done.contains(key) {
      try mutate(&state, with: key)
    }
    return state
  }

  /// The state of every migration in the graph (what makemigrations compares with).
  public static func graphState(_ loader: MigrationLoader) throws -> ProjectState {
    var state = ProjectState()
    for key in loader.graph.orderedNodes {
      guard let migration = loader.migrations[key] else { continue }
      for operation in migration.operations { try apply(operation, of: migration, to: &state) }
    }
    return state
  }

  // MARK: - Running

  /// Runs `plan`; `progress` is called before (`nil` outcome) and after each migration.
  public func migrate(
    _ plan: [PlannedMigration], fake: Bool = false, fakeInitial: Bool = false,
    progress: (PlannedMigration, MigrationOutcome?, Double) -> Void = { _, _, _ in }
  ) throws {
    guard !plan.isEmpty else { return }
    if plan.contains(where: \.backwards) && plan.contains(where: { !$0.backwards }) {
      throw MigrationError("Migration plans with both forwards and backwards migrations are not supported.",
                           hint: "Migrate in two steps.")
    }
    try recorder.ensureTable()
    // Foreign keys stay off for the whole run: SQLite cannot switch them inside a transaction,
    // table remakes need them off, and switching them per migration clears SQLite's foreign
    // key caches for every table each time. Each migration is checked before it commits.
    // PostgreSQL checks its deferred foreign keys at each migration's COMMIT instead.
    let sqlite = connection.backend == .sqlite
    if sqlite { try connection.execute("PRAGMA foreign_keys = OFF") }
    defer { if sqlite { try? connection.execute("PRAGMA foreign_keys = ON") } }
    if plan[0].backwards {
      try migrateBackwards(plan, fake: fake, progress: progress)
    } else {
      var state = try appliedState()
      for step in plan {
        progress(step, nil, 0)
        let started = Date()
        let outcome = try apply(step.key, state: &state, fake: fake, fakeInitial: fakeInitial)
        progress(step, outcome, Date().timeIntervalSince(started))
      }
    }
  }

  private func migrateBackwards(_ plan: [PlannedMigration], fake: Bool, progress: (PlannedMigration, MigrationOutcome?, Double) -> Void) throws {
    // The state before each migration to undo, from a replay of what is applied.
    var before: [MigrationKey: ProjectState] = [:]
    var remaining = Set(plan.map(\.key))
    var state = ProjectState()
    let done = appliedNodes
    for key in loader.graph.orderedNodes where !remaining.isEmpty {
      if remaining.contains(key) {
        before[key] = state
        remaining.remove(key)
        try mutate(&state, with: key)
      } else if done.contains(key) {
        try mutate(&state, with: key)
      }
    }
    for step in plan {
      progress(step, nil, 0)
      let started = Date()
      try unapply(step.key, before: before[step.key] ?? ProjectState(), fake: fake)
      progress(step, fake ? .faked : .applied, Date().timeIntervalSince(started))
    }
  }

  private func apply(_ key: MigrationKey, state: inout ProjectState, fake: Bool, fakeInitial: Bool) throws -> MigrationOutcome {
    guard let migration = loader.migrations[key] else { throw MigrationError("no migration \(key)") }
    var outcome = MigrationOutcome.applied
    if fake {
      outcome = .faked
    } else if fakeInitial, migration.initial, try initialAlreadyInDatabase(migration, state: state) {
      outcome = .faked
    }
    var after = state
    try inTransaction(atomic: migration.atomic) {
      // Another migrate may have applied it while this one waited for the write lock.
      if try connection.scalar("SELECT 1 FROM django_migrations WHERE app = ? AND name = ?", [.text(key.app), .text(key.name)]) != nil {
        outcome = .skippedAlreadyApplied
      }
      let editor = SchemaEditor.make(for: connection.backend, sink: .execute(connection))
      for operation in migration.operations {
        // CreateModel needs only the state after it; not keeping the one before lets the
        // state change in place instead of being copied for every model of a large app.
        let needsBefore: Bool = if case .createModel = operation { false } else { true }
        let before = needsBefore ? after : ProjectState()
        try Self.apply(operation, of: migration, to: &after)
        guard outcome == .applied else { continue }
        do {
          try operation.databaseForwards(app: migration.app, editor: editor, from: needsBefore ? before : after, to: after)
        } catch let error as SQLiteError {
          throw MigrationError(
            "Applying \(key) failed at \"\(operation.description)\": \(error.reason) (\(error.codeName))\n  while running: \(error.sql ?? "")",
            hint: "Nothing of \(key) was kept: the migration was rolled back. Fix the migration (or the data it trips over) and run migrate again.")
        } catch let error as PostgresError where !error.isConnectionFailure {
          throw MigrationError(
            "Applying \(key) failed at \"\(operation.description)\": \(error.reason) (SQLSTATE \(error.sqlState))\n  while running: \(error.sql ?? "")",
            hint: error.serverHint ?? "Nothing of \(key) was kept: the migration was rolled back. Fix the migration (or the data it trips over) and run migrate again.")
        }
      }
      if outcome == .applied { try editor.finish() }
      if outcome == .skippedAlreadyApplied { return }
      // Tables a migration only creates are empty, so they cannot break a foreign key; the
      // check costs a few milliseconds per table, which adds up over a large initial migrate.
      let onlyCreates = migration.operations.allSatisfy { if case .createModel = $0 { true } else { false } }
      if outcome == .applied && !onlyCreates { try checkForeignKeys(after: key) }
      for replaced in loader.replacements[key] ?? [key] where try connection.scalar(
        "SELECT 1 FROM django_migrations WHERE app = ? AND name = ?", [.text(replaced.app), .text(replaced.name)]) == nil
      {
        try recorder.recordApplied(replaced)
      }
      if loader.replacements[key] != nil { try recorder.recordApplied(key) }
    }
    state = after
    applied[key] = DjangoTime.format(Date())
    return outcome
  }

  private func unapply(_ key: MigrationKey, before: ProjectState, fake: Bool) throws {
    guard let migration = loader.migrations[key] else { throw MigrationError("no migration \(key)") }
    var steps: [(Operation, ProjectState, ProjectState)] = []
    var state = before
    for operation in migration.operations {
      let from = state
      try Self.apply(operation, of: migration, to: &state)
      steps.append((operation, from, state))
    }
    try inTransaction(atomic: migration.atomic) {
      if !fake {
        let editor = SchemaEditor.make(for: connection.backend, sink: .execute(connection))
        for (operation, from, to) in steps.reversed() {
          do {
            try operation.databaseBackwards(app: migration.app, editor: editor, from: to, to: from)
          } catch let error as SQLiteError {
            throw MigrationError(
              "Unapplying \(key) failed at \"\(operation.description)\": \(error.reason) (\(error.codeName))\n  while running: \(error.sql ?? "")",
              hint: "Nothing of it was kept: the rollback was itself rolled back.")
          }
        }
        try editor.finish()
        try checkForeignKeys(after: key)
      }
      for replaced in loader.replacements[key] ?? [] { try recorder.recordUnapplied(replaced) }
      try recorder.recordUnapplied(key)
    }
    applied[key] = nil
  }

  /// `--fake-initial`: every table the migration creates (and column it adds) already exists.
  private func initialAlreadyInDatabase(_ migration: Migration, state: ProjectState) throws -> Bool {
    var after = state
    for operation in migration.operations { try Self.apply(operation, of: migration, to: &after) }
    var sawCreate = false
    for operation in migration.operations {
      switch operation {
      case .createModel(let name, _, _):
        guard let model = after.model(migration.app, name), try connection.tableExists(model.dbTable) else { return false }
        sawCreate = true
      case .addField(let modelName, let field, _):
        guard let model = after.model(migration.app, modelName), let column = field.column else { continue }
        guard try connection.columns(of: model.dbTable).contains(where: { $0.name == column }) else { return false }
      default:
        continue
      }
    }
    return sawCreate
  }

  private func checkForeignKeys(after key: MigrationKey) throws {
    guard connection.backend == .sqlite else { return }
    let violations = try connection.foreignKeyViolations()
    guard let first = violations.first else { return }
    throw MigrationError(
      "\(key) would leave \(violations.count) row(s) pointing at rows that do not exist (first: table \(first.table), rowid \(first.rowid.map(String.init) ?? "?"), referencing \(first.parent)); it was rolled back",
      hint: "Fix or delete those rows (RunSQL in an earlier migration), then migrate again.")
  }

  /// Runs `body` in a write transaction (foreign keys are already off, see `migrate`).
  private func inTransaction(atomic: Bool, _ body: () throws -> Void) throws {
    if atomic {
      try connection.transaction(.immediate, body)
    } else {
      try body()
    }
  }

  private func mutate(_ state: inout ProjectState, with key: MigrationKey) throws {
    guard let migration = loader.migrations[key] else { return }
    for operation in migration.operations { try Self.apply(operation, of: migration, to: &state) }
  }

  static func apply(_ operation: Operation, of migration: Migration, to state: inout ProjectState) throws {
    do {
      try operation.stateForwards(app: migration.app, &state)
    } catch let error as MigrationError {
      throw MigrationError("\(migration.key): \(error.message)", hint: error.hint ?? migration.file.map { "See \($0)." })
    }
  }
}
