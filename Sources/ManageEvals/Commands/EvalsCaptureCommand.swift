import ArgumentParser
import Foundation
import ManageCore
import ManageJobs

/// `manage evals capture APP.TASK`: recent succeeded jobs of an llm task as golden-case
/// candidates, one JSON line each: `{"id", "vars", "expected", "tags"}`, the vars being the
/// input row's fields the task's prompts use (as a `task:` suite fills them back in), the
/// expected value the answer the job wrote. Review them before adding them to a suite.
struct EvalsCaptureCommand: ManageCommand {
  static let configuration = CommandConfiguration(
    commandName: "capture", abstract: "Writes recent succeeded jobs of an llm task as golden-case candidates (JSON lines).",
    discussion: "Each line is {id, vars, expected, tags}: vars are the fields of the task's input row its prompts use, as they are in the database now; expected is the output the job wrote. Lines go to -o FILE (written whole, or not at all) or to standard output.")
  static let group = "evals"

  @Argument(help: "The llm task: APP.TASK or TASK.", completion: .taskNames)
  var task: String

  @Option(help: "Only jobs that finished within this long (7d).")
  var since = "7d"

  @Option(help: "At most this many cases, newest first (1 to 100000).")
  var limit = 50

  @Option(name: .shortAndLong, help: "Write the cases to this file instead of standard output.")
  var output: String?

  @OptionGroup(title: "Global Options")
  var global: GlobalOptions

  init() {}

  func validate() throws {
    guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 100000") }
    guard DurationText.seconds(since) != nil else { throw ValidationError("--since must be \(DurationText.expectation), not '\(since)'") }
  }

  func run(context: CommandContext) async throws {
    let project = try EvalsProject(context)
    let registry = try TaskRegistry(registry: project.registry)
    let parts = task.split(separator: ".", maxSplits: 1).map(String.init)
    let name = registry.tasks[task] == nil && parts.count == 2 ? parts[1] : task
    guard let definition = registry.tasks[name], parts.count < 2 || registry.tasks[task] != nil || definition.app == parts[0] else {
      throw EvalsError("There is no task '\(task)'.", hint: "`manage evals capture` takes an llm task of a tasks.yaml.")
    }
    guard case .llm(let llm) = definition.body else {
      throw EvalsError("Task '\(task)' is not an llm task: only those have prompts and answers to capture.")
    }
    let schema = try project.registry.loadSchema()
    let seconds = DurationText.seconds(since)!
    let cutoff = CivilDateTime(microsecondsSinceEpoch: CivilDateTime.now().microsecondsSinceEpoch - Int64(seconds * 1_000_000))
    let rows = try project.connection.query(
      "SELECT id, payload, result FROM jobs_job WHERE task = ? AND state = 'succeeded' AND finished_at >= ? ORDER BY finished_at DESC, id DESC LIMIT ?",
      [.text(name), .text(cutoff.iso), .integer(Int64(limit))])
    // The input's fields the prompts name: `{{document.content}}` → content.
    let used = Set(((llm.system?.paths ?? []) + llm.prompt.paths).compactMap { path -> String? in
      let parts = path.split(separator: ".").map(String.init)
      guard let input = llm.input, parts.count >= 2, parts[0] == input.variable else { return nil }
      return parts[1]
    })
    var lines: [String] = []
    var missing = 0
    for row in rows {
      let id = Int64(row[0].int ?? 0)
      let payload = row[1].string.flatMap { try? ModelValue(json: $0) } ?? .null
      let expected = row[2].string.flatMap { try? ModelValue(json: $0) } ?? .null
      var vars = OrderedDictionary()
      if let input = llm.input, let model = schema.model(input.model) {
        let key = try input.pk.render(TaskTemplate.runContext(payload: payload, id: id, attempt: 1, task: name))
        guard case .instance(let instance)? = try? QuerySet(model: model, schema: schema).filter("pk", key).first(project.connection) else {
          missing += 1  // the row is gone since: nothing to fill the case with
          continue
        }
        for field in model.fields where used.contains(field.name) { vars[field.name] = instance.values[field.name] ?? .null }
      } else if case .dict(let fields) = payload {
        vars = fields
      }
      lines.append(ModelValue.dict(OrderedDictionary([
        ("id", .text("job-\(id)")), ("vars", .dict(vars)), ("expected", expected), ("tags", .list([.text("captured")])),
      ])).jsonText)
    }
    let text = lines.map { $0 + "\n" }.joined()
    if let output {
      try FileWriter.writeAtomically(text, to: output)
    } else {
      context.console.print(text, terminator: "")
    }
    if context.verbosity >= 1 {
      context.console.printError("Captured \(lines.count) case(s) from succeeded \(name) jobs of the last \(since)" + (missing > 0 ? "; \(missing) skipped (their input row is gone)" : "") + (output.map { " into \($0)" } ?? "") + ".")
    }
  }
}
