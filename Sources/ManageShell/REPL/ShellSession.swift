import ManageCore

/// Runs shell input: statements (several lines when brackets are open), and the dot commands
/// `.sql`, `.schema Model`, `.models`, `.help`. Prints results with a ResultPrinter and errors
/// as Python prints them.
public final class ShellSession {
  let interpreter: Interpreter
  let printer: ResultPrinter
  let output: BufferedOutput
  private let writeError: (String) -> Void
  private var pending: [String] = []
  /// `<console>`, `<string>` or `<stdin>`, as Python names the source in a SyntaxError.
  let sourceName: String

  init(interpreter: Interpreter, format: ShellFormat, interactive: Bool, sourceName: String, output: BufferedOutput, writeError: @escaping (String) -> Void) {
    self.interpreter = interpreter
    self.output = output
    self.writeError = writeError
    self.sourceName = sourceName
    printer = ResultPrinter(interpreter: interpreter, format: format, rowLimit: interactive ? 20 : nil, output: output)
    interpreter.printer = { output.write($0) }
  }

  /// What feeding a line did.
  public enum Outcome: Equatable {
    /// A statement ran (or failed: `succeeded` false), or the line was empty.
    case done(succeeded: Bool)
    /// Brackets or a string are open: show `... ` and feed the next line.
    case needsMore
    /// `.quit`.
    case quit
  }

  /// Whether a statement is waiting for more lines.
  public var isContinuing: Bool { !pending.isEmpty }

  /// Drops a half-typed statement (Ctrl-C).
  public func cancel() { pending = [] }

  /// Feeds one line of input.
  public func feed(_ line: String) -> Outcome {
    if pending.isEmpty {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { return .done(succeeded: true) }
      if trimmed.hasPrefix(".") && !trimmed.hasPrefix("..") { return dotCommand(trimmed) }
    }
    pending.append(line)
    let source = pending.joined(separator: "\n")
    // A blank line ends an open statement in Python's REPL only for blocks; brackets wait.
    if Lexer.isIncomplete(source) { return .needsMore }
    pending = []
    return .done(succeeded: run(source))
  }

  /// Runs a whole text (`shell -c`); false when it raised.
  public func run(_ source: String) -> Bool {
    defer { output.flush() }
    do {
      try interpreter.run(source) { try printer.print($0) }
      return true
    } catch let error as ShellSyntaxError {
      output.flush()
      writeError(error.report(source: source, file: sourceName) + "\n")
    } catch let error as PythonError {
      output.flush()
      writeError(error.line + "\n")
      if error.message.hasPrefix("no such table") {
        writeError("  (the table is missing: run `manage makemigrations` and `manage migrate`)\n")
      } else if error.message.hasPrefix("database is locked") {
        writeError("  (another process holds the write lock; the shell waited 5 seconds. Nothing was written.)\n")
      }
    } catch let error as QueryError {
      output.flush()
      writeError("\(error.kind): \(error.message)\n")
    } catch let error as any DatabaseFailure {
      output.flush()
      writeError("\(error.pythonExceptionName): \(error.reason)\n")
    } catch {
      output.flush()
      writeError("Error: \(error)\n")
    }
    return false
  }

  // MARK: - Dot commands

  static let dotCommands = [".help", ".models", ".schema", ".sql", ".quit"]

  private func dotCommand(_ line: String) -> Outcome {
    let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    defer { output.flush() }
    switch parts[0] {
    case ".help":
      output.write(Self.help)
    case ".quit", ".exit":
      return .quit
    case ".sql":
      if interpreter.lastStatements.isEmpty {
        output.write("-- the last input ran no SQL\n")
      } else {
        output.write(interpreter.lastStatements.map { $0 + ";" }.joined(separator: "\n") + "\n")
      }
    case ".models":
      let rows = interpreter.schema.models.map { model in
        [model.label, interpreter.importedModels.contains(where: { $0.labelLower == model.labelLower }) ? model.name : model.label, model.dbTable, String(model.fields.count)]
      }
      output.write(ResultPrinter.table(["model", "name in shell", "table", "fields"], rows) + "(\(rows.count) models)\n")
    case ".schema":
      guard parts.count == 2 else {
        writeError("usage: .schema MODEL (for example .schema \(interpreter.importedModels.first?.name ?? "Post"))\n")
        return .done(succeeded: false)
      }
      let name = parts[1]
      let model = interpreter.schema.model(name) ?? interpreter.importedModels.first { $0.name.lowercased() == name.lowercased() }
      guard let model else {
        let names = interpreter.importedModels.map(\.name) + interpreter.schema.models.map(\.label)
        writeError("NameError: no model named '\(name)'" + (Suggestion.closest(to: name, in: names).map { ". Did you mean: '\($0)'?" } ?? "") + "\n")
        return .done(succeeded: false)
      }
      output.write(schemaText(model))
    default:
      writeError("unknown command \(parts[0]); try .help\n")
      return .done(succeeded: false)
    }
    return .done(succeeded: true)
  }

  private func schemaText(_ model: ModelSchema) -> String {
    var rows: [[String]] = []
    for field in model.fields {
      var notes: [String] = []
      if field.primaryKey { notes.append("primary key") }
      if field.unique { notes.append("unique") }
      if field.null { notes.append("null") }
      if let target = field.relatedModel { notes.append("→ \(target)" + (field.onDelete.map { " on_delete=\($0.rawValue)" } ?? "")) }
      if let value = field.default { notes.append("default=\(value)") }
      if let choices = field.choices { notes.append("choices=" + choices.map { $0.value.description }.joined(separator: "|")) }
      rows.append([field.name, field.type.djangoName + (field.effectiveMaxLength.map { "(\($0))" } ?? ""), field.column ?? "(through table)", notes.joined(separator: ", ")])
    }
    for (name, _, relation) in interpreter.schema.reverseRelations(of: model) {
      rows.append([name, "reverse \(relation.field.type.djangoName)", "", "← \(relation.holder.label).\(relation.field.name)"])
    }
    let header = "\(model.label)  (table \(model.dbTable)" + (model.ordering.isEmpty ? "" : ", ordering \(model.ordering.joined(separator: ", "))") + ")\n"
    return header + ResultPrinter.table(["field", "type", "column", "notes"], rows)
  }

  static let help = """
    Write Django ORM code; models are in scope by name.
      Post.objects.filter(status="draft").order_by("-created_at")[:10]
      Post.objects.values("status").annotate(n=Count("id"))
      p = Post.objects.get(pk=1); p.title = "New"; p.save()
      Post.objects.filter(Q(status="draft") | Q(title__icontains="swift")).count()
    Helpers: Q F Value Count Sum Avg Min Max date datetime time timedelta now today Decimal UUID
    Commands:
      .models         every model, its name in the shell and its table
      .schema MODEL   a model's fields, columns and relations
      .sql            the SQL the last input ran
      .help           this text
      .quit           leave (or Ctrl-D)
    Tab completes names, methods after a dot, and field lookups inside filter(…).

    """
}
