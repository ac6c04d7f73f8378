import ArgumentParser
import Foundation

/// Values the shell completes from the project (task names, suites, run and job ids, queues,
/// migration names), asked of the binary with the hidden `---complete KIND [WORD]`. Each
/// command module hands its sources to the dispatcher with its commands; ManageCore itself
/// answers `commands`, `apps` and `models`.
public struct CompletionSource: Sendable {
  /// The kind the scripts ask for (`tasks`, `migrations`, …).
  public let kind: String
  /// The values, most useful first; never throws (a broken project completes nothing).
  public let values: @Sendable (CompletionRequest) -> [String]

  public init(_ kind: String, values: @escaping @Sendable (CompletionRequest) -> [String]) {
    self.kind = kind
    self.values = values
  }

  /// The `CompletionKind` an argument declares to complete with this source.
  public static func kind(_ kind: String) -> CompletionKind { .shellCommand("manage ---complete \(kind)") }

  /// The same, for values that depend on what is already typed (`migrate blog <Tab>` lists
  /// blog's migrations): the scripts pass the words before the cursor after the kind.
  public static func kindAfterTypedWords(_ kind: String) -> CompletionKind {
    .shellCommand("manage ---complete \(kind) \(typedWordsMarker)")
  }

  /// What the generators replace with the words typed before the cursor.
  public static let typedWordsMarker = "--typed-words"
}

/// What a completion source is asked with: the project's settings (nil when none loads) and
/// the words the script passed after the kind (the typed words, for `kindAfterTypedWords`).
public struct CompletionRequest {
  public let settings: Settings?
  public let words: [String]

  /// The installed apps, when the project loads.
  public var registry: AppRegistry? { settings.flatMap { try? AppRegistry(settings: $0) } }

  /// The database, read-only, when it exists (completion never creates one).
  public func openDatabase() -> Connection? {
    // Completion answers within a keystroke: it reads a SQLite file, never a server.
    guard let settings, settings.database.backend == .sqlite, FileManager.default.fileExists(atPath: settings.database.path) else { return nil }
    return try? Connection(path: settings.database.path, readOnly: true, create: false, busyTimeout: 200)
  }
}
