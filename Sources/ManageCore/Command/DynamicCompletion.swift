import ArgumentParser

/// Completions whose values live in the project, fetched by calling the binary back with the
/// hidden `---complete KIND` argument. The generated scripts replace the leading `manage` with
/// the binary the user is typing.
extension CompletionKind {
  /// Installed app labels.
  public static var appLabels: CompletionKind { .shellCommand("manage ---complete apps") }
  /// Model labels (`blog.Post`).
  public static var modelLabels: CompletionKind { .shellCommand("manage ---complete models") }
  /// App labels, then model labels (`blog`, `blog.Post`): dumpdata's arguments.
  public static var appAndModelLabels: CompletionKind { .shellCommand("manage ---complete apps-and-models") }
  /// Command names, plugins included.
  public static var commandNames: CompletionKind { .shellCommand("manage ---complete commands") }
}
