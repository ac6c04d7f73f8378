import ArgumentParser
import Foundation
import ManageCore

/// What the shell completes for `manage evals`: suite names and run ids.
public enum EvalCompletions {
  public static let all: [CompletionSource] = [
    CompletionSource("suites") { request in
      guard let registry = request.registry else { return [] }
      let names = registry.apps.flatMap { app in app.evalSuiteFiles.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension } }
      return Array(Set(names)).sorted()
    },
    // `latest`, then the 50 newest runs, newest first.
    CompletionSource("runs") { request in
      guard let connection = request.openDatabase(), let rows = try? connection.query("SELECT id FROM evals_evalrun ORDER BY id DESC LIMIT 50") else {
        return ["latest"]
      }
      return ["latest"] + rows.compactMap { $0[0].int.map(String.init) }
    },
  ]
}

extension CompletionKind {
  /// Suite names (evals/NAME.yaml in any installed app).
  public static var suiteNames: CompletionKind { CompletionSource.kind("suites") }
  /// `latest` and the newest run ids.
  public static var evalRunIDs: CompletionKind { CompletionSource.kind("runs") }
}
