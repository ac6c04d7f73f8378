import ManageCore

extension Interpreter {
  /// Python's repr of a shell value (what the REPL prints for anything but a query).
  func repr(_ value: ShellValue) throws -> String {
    switch value {
    case .data(let data): return data.repr
    case .bigInt(let number): return try number.decimalText()
    case .list(let items): return "[" + (try items.map(repr)).joined(separator: ", ") + "]"
    case .tuple(let items): return items.count == 1 ? "(\(try repr(items[0])),)" : "(" + (try items.map(repr)).joined(separator: ", ") + ")"
    case .dict(let dictionary):
      return "{" + (try zip(dictionary.keys, dictionary.values).map { "\($0.repr): \(try repr($1))" }).joined(separator: ", ") + "}"
    case .instance(let object): return object.repr
    case .model(let model): return "<class '\(model.app).models.\(model.name)'>"
    case .manager(let model): return "<django.db.models.manager.Manager: \(model.name).objects>"
    case .queryset(let query): return "<QuerySet of \(query.model.name)>"
    case .related(let related): return "<RelatedManager: \(related.model.name) rows of \(related.owner.displayName)>"
    case .q(let q): return q.repr
    case .expression(let expression): return expression.repr
    case .aggregate(let aggregate): return aggregate.repr
    case .namedRow(let names, let values):
      return "Row(" + zip(names, values).map { "\($0)=\($1.repr)" }.joined(separator: ", ") + ")"
    case .when(let when): return "<When: WHEN \(when.condition.repr) THEN \(when.result.repr)>"
    case .field(let field): return "<django.db.models.fields.\(field.type.djangoName)>"
    case .function(let name): return "<built-in function \(name)>"
    case .method(let receiver, let name): return "<bound method \(name) of \(receiver.typeName)>"
    case .namespace(let name): return "<module '\(name)'>"
    case .exceptionClass(let name): return "<class '\(name)'>"
    }
  }

  /// Python's str: text without quotes, a row as Django's `Post object (1)`.
  func str(_ value: ShellValue) throws -> String {
    switch value {
    case .data(let data): return data.str
    case .instance(let object): return object.displayName
    default: return try repr(value)
    }
  }

  /// Text written by print(): to the session's output when one is attached.
  func printed(_ text: String) {
    if let printer { printer(text) } else { var output = OutputStream.standardOutput; output.write(text) }
  }
}
