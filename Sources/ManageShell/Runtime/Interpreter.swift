import ManageCore

/// Runs shell statements against a project's models and database. Names in scope are the
/// models (by name, and by `app.Model`), the ORM helpers (Q, F, Count, …), date helpers and
/// a few harmless builtins; nothing reaches the file system, processes or Python modules.
public final class Interpreter {
  let schema: ProjectSchema
  let connection: Connection
  var globals: [String: ShellValue] = [:]
  /// The SQL statements the last input ran, for `.sql`.
  public private(set) var lastStatements: [String] = []
  private var currentStatements: [String] = []
  /// Models bound by their bare name, and those left out because two apps share the name.
  public private(set) var importedModels: [ModelSchema] = []
  public private(set) var ambiguousModelNames: [String] = []
  /// Where print() writes; standard output when nil.
  var printer: ((String) -> Void)?

  public init(schema: ProjectSchema, connection: Connection, importModels: Bool = true) {
    self.schema = schema
    self.connection = connection
    var byName: [String: [ModelSchema]] = [:]
    for model in schema.models { byName[model.name, default: []].append(model) }
    for (name, models) in byName where importModels {
      if models.count == 1 {
        globals[name] = .model(models[0])
        importedModels.append(models[0])
      } else {
        ambiguousModelNames.append(name)
      }
    }
    importedModels.sort { $0.label < $1.label }
    ambiguousModelNames.sort()
    for app in Set(schema.models.map(\.app)) where globals[app] == nil { globals[app] = .namespace(app) }
    for name in Builtins.functions { globals[name] = .function(name) }
    for name in ["timezone", "models", "functions"] { globals[name] = .namespace(name) }
    connection.traceStatements { [unowned self] sql in self.currentStatements.append(sql) }
  }

  deinit { connection.traceStatements(nil) }

  /// The names in scope, for completion.
  public var names: [String] { globals.keys.sorted() }

  /// Parses and runs `source`, handing the value of each expression statement to `each` as
  /// it is computed (Python's REPL prints them), so output keeps pace with the statements.
  func run(_ source: String, each: (ShellValue) throws -> Void) throws {
    try DeepStack.run { try runStatements(source, each: each) }
  }

  private func runStatements(_ source: String, each: (ShellValue) throws -> Void) throws {
    let statements = try Parser.parse(source)
    currentStatements = []
    defer { lastStatements = currentStatements }
    for statement in statements {
      switch statement {
      case .expression(let node):
        try each(try evaluate(node))
      case .assign(let targets, let node):
        let value = try evaluate(node)
        for target in targets { try assign(target, value) }
      }
    }
  }

  /// Runs `source` and returns the values of its expression statements.
  func run(_ source: String) throws -> [ShellValue] {
    var results: [ShellValue] = []
    try run(source) { results.append($0) }
    return results
  }

  // MARK: - Assignment

  private func assign(_ target: Target, _ value: ShellValue) throws {
    switch target {
    case .name(let name, _):
      // Python lets a name shadow a model or builtin; so does the shell.
      globals[name] = value
    case .attribute(let base, let name, _):
      let receiver = try evaluate(base)
      guard case .instance(let object) = receiver else {
        throw PythonError("AttributeError", "'\(receiver.typeName)' object attribute '\(name)' is read-only")
      }
      try setAttribute(object, name, value)
    case .item(let base, let key, _):
      let container = try evaluate(base)
      let keyValue = try evaluate(key)
      guard case .dict(var dictionary) = container, base.isName else {
        throw PythonError("TypeError", "'\(container.typeName)' object does not support item assignment")
      }
      dictionary[try Builtins.hashable(keyValue)] = value
      try assign(.name(base.nameText!, base.position), .dict(dictionary))
    case .unpack(let targets, _):
      let items = try Builtins.iterate(value, self)
      guard items.count == targets.count else {
        if items.count > targets.count {
          throw PythonError("ValueError", "too many values to unpack (expected \(targets.count))")
        }
        throw PythonError("ValueError", "not enough values to unpack (expected \(targets.count), got \(items.count))")
      }
      for (target, item) in zip(targets, items) { try assign(target, item) }
    }
  }

  func setAttribute(_ object: ModelInstance, _ name: String, _ value: ShellValue) throws {
    try orm {
      switch value {
      case .instance(let related):
        try object.set(name, instance: related)
      default:
        guard object.field(named: name) != nil || object.model.field(name)?.type == .manyToMany else {
          let names = object.model.fields.map(\.name)
          throw PythonError(
            "AttributeError",
            "'\(object.model.name)' object has no field '\(name)'" + (Suggestion.closest(to: name, in: names).map { ". Did you mean: '\($0)'?" } ?? ""))
        }
        try object.set(name, try Builtins.data(value, "a field value"))
      }
    }
  }

  // MARK: - Expressions

  func evaluate(_ node: Node) throws -> ShellValue {
    switch node {
    case .name(let name, _):
      if let value = globals[name] { return value }
      if ambiguousModelNames.contains(name) {
        let labels = schema.models.filter { $0.name == name }.map(\.label).joined(separator: "' or '")
        throw PythonError("NameError", "name '\(name)' is not defined: two apps have a model of that name. Did you mean: '\(labels)'?")
      }
      let suggestion = Suggestion.closest(to: name, in: globals.keys)
      throw PythonError("NameError", "name '\(name)' is not defined" + (suggestion.map { ". Did you mean: '\($0)'?" } ?? ""))
    case .literal(let value, _):
      return .data(value)
    case .bigLiteral(let value, _):
      return .bigInt(value)
    case .list(let items, _):
      return .list(try items.map(evaluate))
    case .tuple(let items, _):
      return .tuple(try items.map(evaluate))
    case .dict(let pairs, _):
      guard pairs.count <= ShellLimits.maximumItems else { throw ShellLimits.memoryError("a dict of \(pairs.count) items") }
      var dictionary = ShellDictionary()
      for (key, value) in pairs { dictionary[try Builtins.hashable(try evaluate(key))] = try evaluate(value) }
      return .dict(dictionary)
    case .attribute(let base, let name, _):
      return try attribute(try evaluate(base), name)
    case .call(let callee, let arguments, _):
      let function = try evaluate(callee)
      var positional: [ShellValue] = []
      var keywords: [(String, ShellValue)] = []
      for argument in arguments {
        switch argument {
        case .positional(let node): positional.append(try evaluate(node))
        case .keyword(let name, let node):
          if keywords.contains(where: { $0.0 == name }) {
            throw PythonError("SyntaxError", "keyword argument repeated: \(name)")
          }
          keywords.append((name, try evaluate(node)))
        case .unpacked(let node): positional += try Builtins.iterate(try evaluate(node), self)
        case .unpackedKeywords(let node):
          guard case .dict(let dictionary) = try evaluate(node) else {
            throw PythonError("TypeError", "argument after ** must be a mapping")
          }
          for (key, value) in zip(dictionary.keys, dictionary.values) {
            guard case .text(let name) = key else { throw PythonError("TypeError", "keywords must be strings") }
            keywords.append((name, value))
          }
        }
      }
      return try call(function, Arguments(positional: positional, keywords: keywords))
    case .item(let base, let subscriptNode, _):
      let container = try evaluate(base)
      switch subscriptNode {
      case .index(let indexNode):
        return try Builtins.item(container, try evaluate(indexNode), self)
      case .slice(let start, let stop, let step):
        return try Builtins.slice(
          container, try start.map(evaluate), try stop.map(evaluate), try step.map(evaluate), self)
      }
    case .unary(let op, let operand, _):
      return try Operators.unary(op, try evaluate(operand), self)
    case .binary(let op, let left, let right, _):
      return try Operators.binary(op, try evaluate(left), try evaluate(right), self)
    case .compare(let first, let rest, _):
      var left = try evaluate(first)
      for (op, node) in rest {
        let right = try evaluate(node)
        guard try Operators.compare(op, left, right, self) else { return .data(.bool(false)) }
        left = right
      }
      return .data(.bool(true))
    case .boolean(let op, let left, let right, _):
      let value = try evaluate(left)
      let truth = try Builtins.truth(value, self)
      if op == "and" { return truth ? try evaluate(right) : value }
      return truth ? value : try evaluate(right)
    }
  }

  /// Runs an ORM operation, turning its errors into Python's.
  func orm<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as QueryError {
      throw PythonError(error.kind, error.message)
    } catch let error as SQLiteError where error.isInterrupt {
      // SQLITE_INTERRUPT: Ctrl-C stopped the query.
      throw PythonError("KeyboardInterrupt", "")
    } catch let error as PostgresError where error.sqlState == "57014" && error.reason.contains("user request") {
      // A cancel request (Ctrl-C) stopped the query.
      throw PythonError("KeyboardInterrupt", "")
    } catch let error as any DatabaseFailure {
      throw PythonError(error.pythonExceptionName, error.reason)
    }
  }
}

extension Node {
  var isName: Bool { nameText != nil }
  var nameText: String? {
    if case .name(let name, _) = self { return name }
    return nil
  }
}

/// The arguments of one call.
struct Arguments {
  var positional: [ShellValue]
  var keywords: [(String, ShellValue)]

  func keyword(_ name: String) -> ShellValue? { keywords.first { $0.0 == name }?.1 }

  /// Throws Python's TypeError for keywords the function does not take.
  func allow(_ names: Set<String>, in function: String) throws {
    for (name, _) in keywords where !names.contains(name) {
      throw PythonError("TypeError", "\(function)() got an unexpected keyword argument '\(name)'")
    }
  }

  func noKeywords(_ function: String) throws { try allow([], in: function) }

  func count(_ range: ClosedRange<Int>, _ function: String) throws {
    guard range.contains(positional.count) else {
      let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
      throw PythonError("TypeError", "\(function)() takes \(expected) positional argument\(range.upperBound == 1 ? "" : "s") but \(positional.count) \(positional.count == 1 ? "was" : "were") given")
    }
  }
}
