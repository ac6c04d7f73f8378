import ArgumentParser
import Foundation
import ManageCore

/// `manage shell`: Django's ORM over the project's models, in a readline REPL, or once with
/// `-c`, or line by line from a pipe.
public struct ShellCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "shell",
    abstract: "Runs an interactive ORM shell over the project's models. Any standard input is executed as code.",
    discussion: """
      The shell speaks the part of Python that Django's ORM calls need: Model.objects chains, \
      keyword arguments, Q and F, Count, Sum, Avg, Min and Max, the database functions (Lower, \
      Concat, Coalesce, Cast, Extract*, Trunc*, …), Case and When, Subquery, Exists and \
      OuterRef, Window with RowNumber, Rank, Lag and Lead, JSON key lookups, union, dates, \
      only and defer, date(), datetime(), timedelta(), now(), literals, subscripts and slices, names, attribute access on rows and assignment \
      (p.title = "x"; p.save()). Every model is in scope by name, and as app.Model. Nothing \
      but queries can run: there is no import, no file or process access. Results print as \
      aligned tables (20 rows at a time in the REPL), or as JSON or CSV with --format. In the \
      REPL, Tab completes names, methods and field lookups; .sql shows the SQL the last input \
      ran; .schema MODEL, .models and .help describe the project; history is kept in \
      ~/.manage_history (MANAGE_HISTFILE overrides). With -c or piped input, the first error \
      stops the run with exit status 1.
      """)
  public static let group = "core"

  @Option(name: .shortAndLong, help: "Instead of opening an interactive shell, run a command and exit.")
  var command: String?

  @Option(help: "How results are printed: table, json or csv.")
  var format: ShellFormat = .table

  @Flag(help: "Disable automatic imports of models.")
  var noImports = false

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let settings = try context.settings()
    let schema = try context.schema()
    // Queries need models that make sense: like Django's shell failing to import a broken
    // models.py, but with every mistake listed.
    let problems = schema.diagnostics.filter { $0.isSerious() }
    if !problems.isEmpty {
      context.console.printError(problems.map(\.rendered).joined(separator: "\n"))
      throw CommandFailure(
        "The models have \(problems.count) error\(problems.count == 1 ? "" : "s"); the shell needs them fixed.",
        hint: "`manage check` lists them too.")
    }
    if settings.databaseFileIsMissing {
      throw CommandFailure(
        "The database \(settings.databaseDisplay) does not exist yet.", hint: "Run `manage migrate` to create it.")
    }
    let connection = try context.openDatabase()
    let interpreter = Interpreter(schema: schema, connection: connection, importModels: !noImports)
    let output = BufferedOutput.standardOutput()
    let writeError: (String) -> Void = { text in
      output.flush()
      var stream = OutputStream.standardError
      stream.write(text)
    }
    if let command {
      let session = ShellSession(interpreter: interpreter, format: format, interactive: false, sourceName: "<string>", output: output, writeError: writeError)
      if !session.run(command) { throw ExitStatus(1) }
      return
    }
    if isatty(0) == 1 {
      try interactive(context: context, interpreter: interpreter, output: output, writeError: writeError)
    } else {
      try piped(interpreter: interpreter, output: output, writeError: writeError)
    }
  }

  /// Standard input from a pipe or file: statement by statement, stopping at the first error.
  private func piped(interpreter: Interpreter, output: BufferedOutput, writeError: @escaping (String) -> Void) throws {
    let session = ShellSession(interpreter: interpreter, format: format, interactive: false, sourceName: "<stdin>", output: output, writeError: writeError)
    while let line = readLine(strippingNewline: true) {
      switch session.feed(line) {
      case .done(succeeded: false): throw ExitStatus(1)
      case .quit: return
      default: continue
      }
    }
    if session.isContinuing {
      guard session.feed(")") == .needsMore else { throw ExitStatus(1) }
      writeError("SyntaxError: unexpected EOF while parsing\n")
      throw ExitStatus(1)
    }
  }

  private func interactive(context: CommandContext, interpreter: Interpreter, output: BufferedOutput, writeError: @escaping (String) -> Void) throws {
    let session = ShellSession(interpreter: interpreter, format: format, interactive: true, sourceName: "<console>", output: output, writeError: writeError)
    let home = context.environment["HOME"] ?? NSHomeDirectory()
    let historyPath = context.environment["MANAGE_HISTFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.manage_history"
    let completer = Completer(interpreter: interpreter)
    let editor = LineEditor(historyPath: historyPath, database: interpreter.connection.interruptHandle, cancel: interpreter.connection.cancelHandle) { line, start in
      completer.complete(line, start: start)
    }
    defer { editor.close() }
    let settings = try context.settings()
    var banner = "manage shell on \(settings.databaseDisplay) (\(interpreter.connection.serverDescription))\n"
    let count = interpreter.importedModels.count
    banner += "\(count) model\(count == 1 ? "" : "s") imported automatically"
    if context.verbosity >= 2 {
      banner += ":\n"
      let byApp = Dictionary(grouping: interpreter.importedModels, by: \.app)
      for app in byApp.keys.sorted() {
        banner += "  from \(app).models import \(byApp[app]!.map(\.name).joined(separator: ", "))\n"
      }
    } else {
      banner += " (use -v 2 for details).\n"
    }
    if !interpreter.ambiguousModelNames.isEmpty {
      banner += "Shared by two apps, so only as app.Model: \(interpreter.ambiguousModelNames.joined(separator: ", ")).\n"
    }
    banner += "Type .help for help; Tab completes; Ctrl-D exits.\n"
    output.write(banner)
    output.flush()
    // A statement typed over several lines is one history entry, so Up brings it back whole.
    var statement: [String] = []
    while true {
      switch editor.read(prompt: session.isContinuing ? "... " : ">>> ") {
      case .endOfFile: return
      case .interrupted:
        session.cancel()
        statement = []
      case .line(let line):
        statement.append(line)
        let outcome = session.feed(line)
        if outcome != .needsMore {
          editor.remember(statement.joined(separator: " "))
          statement = []
        }
        if outcome == .quit { return }
      }
    }
  }
}
