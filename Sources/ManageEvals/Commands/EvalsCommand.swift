import ArgumentParser
import Foundation
import ManageCore
import ManageJobs

nonisolated(unsafe) private var evalsInterrupted: sig_atomic_t = 0

extension EvalsFormat: ExpressibleByArgument {}

/// `manage evals run|list|show|compare`.
public struct EvalsCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "evals",
    abstract: "Runs golden-set evaluations, lists and shows runs, compares two runs.",
    discussion: """
      Exit status of `evals run`: 0 passed; 1 the gate failed (a pass rate under the suite's \
      threshold or --fail-under, or a regression with --fail-on-regression); 2 a usage or suite \
      error; 3 more provider errors than --max-errors; 130 interrupted (finished results kept).
      """,
    subcommands: [EvalsRunCommand.self, EvalsListCommand.self, EvalsShowCommand.self, EvalsCompareCommand.self, EvalsCaptureCommand.self],
    defaultSubcommand: EvalsListCommand.self)
  public static let group = "evals"

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    try await EvalsListCommand().run(context: context)
  }
}

struct EvalsRunCommand: ManageCommand {
  static let configuration = CommandConfiguration(commandName: "run", abstract: "Runs suites and gates on their pass rates.")
  static let group = "evals"

  @Argument(help: "Suites to run (all when none): evals/NAME.yaml in any app.", completion: .suiteNames)
  var suites: [String] = []

  @Option(help: "Only cases whose id or tag contains this (* as a wildcard).")
  var filter: String?

  @Option(help: "Run each case this many times.")
  var `repeat`: Int?

  @Option(name: [.customShort("j"), .customLong("concurrency")], help: "Cases asked at the same time.")
  var concurrency = 4

  @Option(help: "Compare with this run: latest or a run id.")
  var baseline: String?

  @Option(help: "Fail when the pass rate is under this (0 to 1), whatever the suite's threshold.")
  var failUnder: Double?

  @Flag(help: "Fail when a case that passed in the baseline fails now.")
  var failOnRegression = false

  @Option(help: "Provider errors tolerated before exit status 3.")
  var maxErrors = 0

  @Flag(help: "Ask the provider even when an answer is cached.")
  var noCache = false

  @Option(help: "Report format: table, json, junit or markdown.")
  var format: EvalsFormat = .table

  @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
  var output: String?

  @Flag(help: .hidden)
  var payloadStdin = false

  @OptionGroup(title: "Global Options")
  var global: GlobalOptions

  init() {}

  func validate() throws {
    guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    if let failUnder, !(0...1).contains(failUnder) { throw ValidationError("--fail-under is a rate from 0 to 1") }
    if let value = self.repeat, value < 1 { throw ValidationError("--repeat must be at least 1") }
  }

  func run(context: CommandContext) async throws {
    var command = self
    if payloadStdin { try command.readPayload() }
    try await command.execute(context: context)
  }

  /// The evals.run job's payload: {"suite" or "suites", "filter", "repeat", "baseline", "fail_under"}.
  mutating func readPayload() throws {
    let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    guard case .dict(let payload)? = try? ModelValue(json: text.isEmpty ? "{}" : text) else {
      throw EvalsError("the evals.run payload must be a JSON object such as {\"suite\": \"guidance\"}")
    }
    if case .text(let suite)? = payload["suite"] { suites = [suite] }
    if case .list(let names)? = payload["suites"] { suites = names.map(\.str) }
    if case .text(let value)? = payload["filter"] { filter = value }
    if case .int(let value)? = payload["repeat"] { self.repeat = Int(value) }
    if let value = payload["baseline"], value != .null { baseline = value.str }
    if let value = payload["fail_under"], case .double(let rate) = value { failUnder = rate }
  }

  func execute(context: CommandContext) async throws {
    let project = try EvalsProject(context)
    let loaded = try project.suites(suites)
    guard !loaded.isEmpty else {
      throw EvalsError("There are no suites.", hint: "Put one in an app's evals/ folder (evals/NAME.yaml).")
    }
    evalsInterrupted = 0
    signal(SIGINT) { _ in evalsInterrupted = 1 }
    defer { signal(SIGINT, SIG_DFL) }
    let showProgress = isatty(2) == 1 && context.verbosity >= 1
    var reports: [SuiteReport] = []
    var exitCode: Int32 = 0
    for suite in loaded {
      var options = EvalRunner.Options()
      options.concurrency = concurrency
      options.repeatCount = self.repeat
      options.filter = filter
      options.useCache = !noCache
      options.environment = context.environment.merging(["MANAGE_DATABASE_PATH": project.settings.database.path]) { $1 }
      options.gitCommit = project.gitCommit
      options.gates = ProviderGates(database: project.settings.database, displayName: project.settings.databaseDisplay)
      let runner = EvalRunner(suite: suite, connection: project.connection, options: options)
      let started = Date()
      let outcome = try runner.run(progress: { outcome, total in
        guard showProgress else { return }
        let done = outcome.total
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        var stream = OutputStream.standardError
        stream.write("\r\(suite.name): \(done)/\(total) done, \(EvalReport.percent(outcome.passRate)) passing, ETA \(Int(eta.rounded()))s   ")
      }, shouldStop: { evalsInterrupted != 0 })
      if showProgress { var stream = OutputStream.standardError; stream.write("\r\u{1B}[K") }
      // Tables and comments show failures only; a comparison or a full report needs every case.
      let everyCase = format == .json || format == .junit || baseline != nil
      guard let run = try RunSummary.load(outcome.runID, project.connection, onlyFailing: !everyCase) else { continue }
      let gate = max(suite.threshold, failUnder ?? 0)
      // A partial run proves nothing: an interrupted run never passes its gate.
      var report = SuiteReport(run: run, gate: gate, gatePassed: !outcome.interrupted && (outcome.passRate ?? 0) >= gate - 1e-9)
      report.interruptedNotRun = outcome.notRun
      report.cachedAnswers = outcome.cached
      if let baseline {
        let baselineID: Int64?
        if baseline == "latest" {
          baselineID = try RunSummary.previous(suite: suite.name, before: run.id, project.connection)
        } else {
          guard let id = Int64(baseline) else { throw UsageError("--baseline is latest or a run id, not '\(baseline)'") }
          baselineID = id
        }
        if let baselineID, let found = try RunSummary.load(baselineID, project.connection) {
          report.baseline = found
          report.comparison = Comparison(baseline: found, run: run)
          try project.connection.run("UPDATE evals_evalrun SET baseline_id = ? WHERE id = ?", [.integer(baselineID), .integer(run.id)])
        } else if baseline != "latest" {
          throw EvalsError("There is no run \(baseline) to compare with.", hint: "`manage evals list` shows the runs.")
        }
      }
      if outcome.interrupted {
        exitCode = 130
      } else if outcome.errors > maxErrors {
        exitCode = max(exitCode, 3)
      } else if !report.gatePassed || (failOnRegression && !(report.comparison?.regressed.isEmpty ?? true)) {
        if exitCode == 0 { exitCode = 1 }
      }
      reports.append(report)
      if outcome.interrupted { break }
    }
    let text: String
    switch format {
    case .table: text = EvalReport.table(reports, exitCode: exitCode)
    case .json: text = EvalReport.json(reports, exitCode: exitCode)
    case .junit: text = EvalReport.junit(reports)
    case .markdown: text = EvalReport.markdown(reports)
    }
    if let output {
      try FileWriter.writeAtomically(text, to: output)
    } else {
      var stream = OutputStream.standardOutput
      stream.write(text)
    }
    if exitCode != 0 { throw ExitStatus(exitCode) }
  }
}

struct EvalsListCommand: ManageCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "Lists the suites and the latest runs.")
  static let group = "evals"

  @Option(help: "At most this many runs.")
  var limit = 20

  @OptionGroup(title: "Global Options")
  var global: GlobalOptions

  init() {}

  func run(context: CommandContext) async throws {
    let project = try EvalsProject(context)
    // Each suite is loaded: one whose file is broken is named with its error, not listed as runnable.
    var good: [String] = []
    var broken: [String] = []
    for file in project.suiteFiles {
      do {
        _ = try project.load(file)
        good.append("\(file.name) (\(file.app))")
      } catch let error as any ManageError {
        broken.append("\(file.name) (\(file.app)): \(error.message)")
      }
    }
    context.console.print(good.isEmpty ? "No suites." : "Suites: " + good.joined(separator: ", "))
    for line in broken { context.console.printError("broken suite " + line, style: .error) }
    let rows = try project.connection.query(
      "SELECT id, suite, status, passed, passed + failed, pass_rate, errors, started_at FROM evals_evalrun ORDER BY id DESC LIMIT \(max(limit, 1))")
    if !rows.isEmpty {
      context.console.print("")
      let header = ["run", "suite", "status", "passed", "pass rate", "errors", "started (UTC)"]
      let cells = rows.map { row in
        [String(row[0].int ?? 0), row[1].string ?? "", row[2].string ?? "", "\(row[3].int ?? 0)/\(row[4].int ?? 0)",
         EvalReport.percent(row[5].double), String(row[6].int ?? 0), String((row[7].string ?? "").prefix(19))]
      }
      context.console.print(TextTable.render(header, cells))
    }
    // Like `check`, a broken file is a failure a script can see.
    if !broken.isEmpty { throw ExitStatus(1) }
  }
}

struct EvalsShowCommand: ManageCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Shows a run: totals and every case.")
  static let group = "evals"

  @Argument(help: "The run's id (or latest).", completion: .evalRunIDs)
  var run: String

  @Option(help: "Report format: table, json, junit or markdown.")
  var format: EvalsFormat = .table

  @OptionGroup(title: "Global Options")
  var global: GlobalOptions

  init() {}

  func run(context: CommandContext) async throws {
    let project = try EvalsProject(context)
    let id = run == "latest" ? try project.connection.scalar("SELECT max(id) FROM evals_evalrun")?.int.map(Int64.init) : Int64(run)
    guard let id, let summary = try RunSummary.load(id, project.connection) else {
      throw EvalsError("There is no run \(run).", hint: "`manage evals list` shows the runs.", exitCode: 1)
    }
    let report = SuiteReport(run: summary, gate: summary.threshold ?? 1, gatePassed: summary.status == "passed")
    switch format {
    case .table:
      var text = EvalReport.table([report], exitCode: 0)
      text += summary.cases.map { "  \($0.passed ? "pass " : ($0.error.isEmpty ? "fail " : "error")) \($0.caseID)\($0.repeatIndex > 0 ? " #\($0.repeatIndex)" : "")" }.joined(separator: "\n") + "\n"
      context.console.print(text, terminator: "")
    case .json: context.console.print(EvalReport.json([report], exitCode: 0), terminator: "")
    case .junit: context.console.print(EvalReport.junit([report]), terminator: "")
    case .markdown: context.console.print(EvalReport.markdown([report]), terminator: "")
    }
  }
}

struct EvalsCompareCommand: ManageCommand {
  static let configuration = CommandConfiguration(commandName: "compare", abstract: "Compares run B with run A: per case fixed, regressed, unchanged; per scorer, the mean score's change.")
  static let group = "evals"

  @Argument(help: "The baseline run.", completion: .evalRunIDs)
  var a: Int64

  @Argument(help: "The run to compare with it.", completion: .evalRunIDs)
  var b: Int64

  @OptionGroup(title: "Global Options")
  var global: GlobalOptions

  init() {}

  func run(context: CommandContext) async throws {
    let project = try EvalsProject(context)
    guard let first = try RunSummary.load(a, project.connection) else { throw EvalsError("There is no run \(a).", exitCode: 1) }
    guard let second = try RunSummary.load(b, project.connection) else { throw EvalsError("There is no run \(b).", exitCode: 1) }
    let comparison = Comparison(baseline: first, run: second)
    var text = "run \(a) → run \(b) (\(first.suite)): \(EvalReport.percent(first.passRate)) → \(EvalReport.percent(second.passRate))\n"
    text += "  \(comparison.fixed.count) fixed, \(comparison.regressed.count) regressed, \(comparison.unchanged) unchanged"
    text += comparison.added + comparison.removed > 0 ? ", \(comparison.added) new, \(comparison.removed) gone\n" : "\n"
    if !comparison.fixed.isEmpty { text += "  fixed: " + comparison.fixed.joined(separator: ", ") + "\n" }
    if !comparison.regressed.isEmpty { text += "  regressed: " + comparison.regressed.joined(separator: ", ") + "\n" }
    for (name, before, after) in comparison.scorerMeans {
      let delta = (before != nil && after != nil) ? String(format: " (%+.3f)", after! - before!) : ""
      text += "  \(name): " + (before.map { String(format: "%.3f", $0) } ?? "—") + " → " + (after.map { String(format: "%.3f", $0) } ?? "—") + delta + "\n"
    }
    context.console.print(text, terminator: "")
  }
}

/// The commands this module adds to the dispatcher.
public enum EvalCommands {
  public static let all: [any ManageCommand.Type] = [EvalsCommand.self]
}
