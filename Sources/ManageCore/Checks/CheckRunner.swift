import Foundation

/// Runs system checks and renders the outcome the way Django's `BaseCommand.check` does.
public struct CheckRunner: Sendable {
  public var checks: [SystemCheck]

  public init(checks: [SystemCheck]) { self.checks = checks }

  /// Every tag any check has.
  public var availableTags: [String] { Set(checks.flatMap(\.tags)).sorted() }

  /// Runs the checks, limited to `tags` and `appLabels` when given.
  public func run(
    _ input: CheckInput, tags: [String] = [], appLabels: [String] = [], deploy: Bool = false
  ) throws -> CheckReport {
    var messages: [CheckMessage] = []
    for check in checks {
      if check.deployOnly && !deploy { continue }
      if check.tags.contains("database") && !input.includeDatabase { continue }
      if !tags.isEmpty && check.tags.isDisjoint(with: tags) { continue }
      messages += try check.run(input)
    }
    if !appLabels.isEmpty {
      messages = messages.filter { message in
        guard let object = message.object else { return false }
        return appLabels.contains(String(object.split(separator: ".").first ?? ""))
      }
    }
    let silenced = Set(input.settings.silencedSystemChecks)
    return CheckReport(
      visible: messages.filter { !silenced.contains($0.id) },
      silencedCount: messages.filter { silenced.contains($0.id) }.count)
  }
}

/// The messages a check run produced, with how many were silenced.
public struct CheckReport: Sendable {
  public var visible: [CheckMessage]
  public var silencedCount: Int

  /// Whether any message reaches `failLevel` (exit 1).
  public func isSerious(failLevel: CheckMessage.Level) -> Bool {
    visible.contains { $0.isSerious(failLevel) }
  }

  /// Messages in file order: where they are written, then by text.
  public var ordered: [CheckMessage] {
    visible.sorted { a, b in
      let left = (a.location?.file ?? "", a.location?.line ?? 0, a.location?.column ?? 0)
      let right = (b.location?.file ?? "", b.location?.line ?? 0, b.location?.column ?? 0)
      return left != right ? left < right : a.rendered < b.rendered
    }
  }

  /// Django's text: a header, sections per level (`ERRORS:`, `WARNINGS:`), then the count line.
  public func rendered(console: Console, failLevel: CheckMessage.Level, toStandardError: Bool = true) -> String {
    let style = toStandardError ? console.styleError : console.style
    var body = ""
    for level in CheckMessage.Level.allCases.reversed() {
      let group = ordered.filter { $0.level == level }
      guard !group.isEmpty else { continue }
      let lines = group.map { style($0.rendered, $0.isSerious() ? .error : .warning) }
      body += "\n\(level.name)S:\n" + lines.joined(separator: "\n") + "\n"
    }
    let count = visible.count
    let summary = count == 0 ? "no issues" : count == 1 ? "1 issue" : "\(count) issues"
    let footer = (count > 0 ? "\n" : "") + "System check identified \(summary) (\(silencedCount) silenced)."
    guard count > 0 else { return footer }
    let header = "System check identified some issues:\n"
    if isSerious(failLevel: failLevel) {
      return style("SystemCheckError: " + header, .error) + body + footer
    }
    return header + body + footer
  }

  /// The messages as a JSON array, for CI and editors.
  public func json() -> String {
    let objects: [[String: Any]] = ordered.map { message in
      var object: [String: Any] = [
        "id": message.id, "level": message.level.name, "message": message.message,
        "object": message.object ?? NSNull(), "hint": message.hint ?? NSNull(),
      ]
      if let location = message.location {
        object["file"] = location.file
        object["line"] = location.line
        object["column"] = location.column
      }
      return object
    }
    let document: [String: Any] = ["issues": objects, "silenced": silencedCount]
    let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }
}
