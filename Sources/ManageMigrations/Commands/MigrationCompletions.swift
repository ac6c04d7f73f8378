import ArgumentParser
import ManageCore

/// What the shell completes for the migration commands: the migration names of the app already
/// typed (`migrate blog <Tab>`, `squashmigrations blog 0001 <Tab>`), and for migrate `zero` too.
public enum MigrationCompletions {
  public static let all: [CompletionSource] = [
    CompletionSource("migrations") { request in names(request) },
    CompletionSource("migrate-targets") { request in
      let found = names(request)
      return found.isEmpty ? [] : ["zero"] + found
    },
  ]

  private static func names(_ request: CompletionRequest) -> [String] {
    guard let registry = request.registry, let app = request.words.first(where: { registry.app($0) != nil }),
          let loader = try? MigrationLoader(registry: registry)
    else { return [] }
    return loader.migrations(of: app).map(\.name).sorted()
  }
}

extension CompletionKind {
  /// The migrations of the app already typed.
  public static var migrationNames: CompletionKind { CompletionSource.kindAfterTypedWords("migrations") }
  /// `zero` and the migrations of the app already typed.
  public static var migrateTargets: CompletionKind { CompletionSource.kindAfterTypedWords("migrate-targets") }
}
