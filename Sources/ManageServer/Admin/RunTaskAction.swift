import ManageCore
import ManageJobs

/// The "Run TASK for selected" actions of a change list: one per llm task whose `input:` is
/// this model and whose key comes straight from the payload (`pk: "{{payload.document_id}}"`).
enum RunTaskAction {
  static let prefix = "run_task:"

  /// (task, the payload field path that carries the row's key) for `model`.
  static func tasks(for model: ModelSchema, _ state: SiteState) -> [(name: String, path: [String])] {
    guard let registry = state.tasks else { return [] }
    return registry.tasks.values.sorted { $0.name < $1.name }.compactMap { task in
      guard case .llm(let llm) = task.body, let input = llm.input, state.schema.model(input.model)?.labelLower == model.labelLower,
        case .text(let source) = input.pk.source
      else { return nil }
      let trimmed = source.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}"), input.pk.paths.count == 1 else { return nil }
      let parts = input.pk.paths[0].split(separator: ".").map(String.init)
      guard parts.count >= 2, parts[0] == "payload" else { return nil }
      return (task.name, Array(parts.dropFirst()))
    }
  }

  /// The payload that makes the task read the row with key `key`.
  static func payload(_ path: [String], key: ModelValue) -> ModelValue {
    path.reversed().reduce(key) { inner, name in .dict(OrderedDictionary([(name, inner)])) }
  }
}
