import ManageCore

/// Tab completion for the shell, worked out from the text before the cursor without running
/// anything: names in scope, attributes and methods after a dot (inferring what
/// `Post.objects.filter(…).` is from the chain), and field paths with lookups inside
/// `filter(`, `exclude(`, `get(` and friends (`author__username__icontains=`).
struct Completer {
  let interpreter: Interpreter

  /// Characters that end a word; the completed word is what follows the last of them.
  static let wordBreaks = " \t\n\"'`@$><=;|&{(,[.+-*/~!%:"

  /// What a chain of names evaluates to, as far as completion cares.
  enum Kind {
    case model(ModelSchema)
    case manager(ModelSchema)
    case queryset(ModelSchema)
    case related(ModelSchema)
    case instance(ModelSchema)
    case namespace(String)
    case unknown
  }

  static let keywordMethods: Set<String> = ["filter", "exclude", "get", "get_or_create", "update_or_create", "create", "update"]
  static let fieldNameMethods: Set<String> = ["order_by", "values", "values_list", "select_related", "latest", "earliest"]
  static let querySetReturning: Set<String> = [
    "all", "filter", "exclude", "order_by", "reverse", "distinct", "values", "values_list", "annotate", "select_related",
    "prefetch_related", "none", "iterator",
  ]
  static let instanceReturning: Set<String> = ["get", "first", "last", "create", "latest", "earliest"]

  /// Candidates for the word that starts at `start` in `line` (the text up to the cursor).
  func complete(_ line: String, start: Int) -> [String] {
    let characters = Array(line)
    let wordStart = min(max(start, 0), characters.count)
    let word = String(characters[wordStart...])
    let before = characters[..<wordStart]
    var candidates: [String]
    if before.last == "." {
      candidates = attributes(of: kind(of: before.dropLast()))
    } else if let call = openCall(before) {
      // `order_by("-sc`: the minus is a word break, so the word is `sc` after `"-`.
      let quoteEnd = before.last == "-" ? before.dropLast() : before
      let inString = quoteEnd.last == "\"" || quoteEnd.last == "'"
      candidates = callArguments(call, word: word, inString: inString)
    } else {
      candidates = interpreter.names.map { name in
        if case .function = interpreter.globals[name] { return name + "(" }
        return name
      } + ["True", "False", "None"]
      if before.isEmpty || before.allSatisfy({ $0 == " " }) { candidates += ShellSession.dotCommands.map { $0 } }
    }
    return Array(Set(candidates.filter { $0.hasPrefix(word) })).sorted()
  }

  // MARK: - Chains

  /// The start of the chain that ends at the end of `text` (`Post.objects.filter(x=1)`).
  private func chainStart(_ text: ArraySlice<Character>) -> Int {
    var index = text.endIndex
    var depth = 0
    while index > text.startIndex {
      let character = text[index - 1]
      if character == ")" || character == "]" {
        depth += 1
      } else if character == "(" || character == "[" {
        if depth == 0 { break }
        depth -= 1
      } else if depth == 0 && !(character.isLetter || character.isNumber || character == "_" || character == ".") {
        break
      }
      index -= 1
    }
    return index
  }

  /// The segments of a chain: names, each with the brackets that follow it.
  private func segments(_ text: ArraySlice<Character>) -> [(name: String, suffixes: [Character])] {
    var result: [(String, [Character])] = []
    var name = ""
    var suffixes: [Character] = []
    var depth = 0
    for character in text {
      if depth > 0 {
        if character == "(" || character == "[" { depth += 1 }
        if character == ")" || character == "]" { depth -= 1 }
        continue
      }
      switch character {
      case "(", "[":
        depth = 1
        // `[a:b]` and `[i]` differ; look ahead is not worth it: a slice keeps a queryset.
        suffixes.append(character)
      case ".":
        result.append((name, suffixes))
        name = ""
        suffixes = []
      default:
        name.append(character)
      }
    }
    result.append((name, suffixes))
    return result
  }

  func kind(of text: ArraySlice<Character>) -> Kind {
    let start = chainStart(text)
    let parts = segments(text[start...])
    guard let first = parts.first, !first.name.isEmpty else { return .unknown }
    var current: Kind
    switch interpreter.globals[first.name] {
    case .model(let model)?: current = .model(model)
    case .manager(let model)?: current = .manager(model)
    case .queryset(let query)?: current = .queryset(query.model)
    case .related(let related)?: current = .related(related.model)
    case .instance(let object)?: current = .instance(object.model)
    case .namespace(let name)?: current = .namespace(name)
    default: return .unknown
    }
    current = apply(first.suffixes, to: current, method: nil)
    for part in parts.dropFirst() {
      current = step(current, part.name)
      current = apply(part.suffixes, to: current, method: part.name)
    }
    return current
  }

  private func step(_ kind: Kind, _ name: String) -> Kind {
    switch kind {
    case .model(let model): return name == "objects" ? .manager(model) : .unknown
    case .namespace(let app):
      return interpreter.schema.models(in: app).first { $0.name == name }.map(Kind.model) ?? .unknown
    case .manager(let model), .queryset(let model), .related(let model):
      return Interpreter.querySetMethods.contains(name) ? .queryset(model) : .unknown  // the method itself; the call decides
    case .instance(let model):
      if let field = model.field(name), let target = field.relatedModel.flatMap(interpreter.schema.model) {
        return field.type == .manyToMany ? .related(target) : .instance(target)
      }
      if let reverse = interpreter.schema.reverseRelations(of: model).first(where: { $0.accessor == name }) {
        return reverse.relation.field.type == .oneToOne ? .instance(reverse.relation.holder) : .related(reverse.relation.holder)
      }
      return .unknown
    case .unknown: return .unknown
    }
  }

  private func apply(_ suffixes: [Character], to kind: Kind, method: String?) -> Kind {
    var current = kind
    for suffix in suffixes {
      switch (current, suffix) {
      case (.model(let model), "("): current = .instance(model)
      case (.queryset(let model), "("):
        if let method, Self.instanceReturning.contains(method) { current = .instance(model) } else if let method, Self.querySetReturning.contains(method) {
          current = .queryset(model)
        } else {
          current = .unknown
        }
      case (.queryset(let model), "["), (.related(let model), "["): current = .queryset(model)
      default: current = .unknown
      }
    }
    return current
  }

  private func attributes(of kind: Kind) -> [String] {
    switch kind {
    case .model: return ["objects", "DoesNotExist", "MultipleObjectsReturned"]
    case .manager, .queryset: return Interpreter.querySetMethods.map { $0 + "(" } + ["query"]
    case .related: return (Interpreter.querySetMethods + Interpreter.relatedMethods).map { $0 + "(" }
    case .instance(let model):
      return interpreter.instanceAttributeNames(model).map { Interpreter.instanceMethods.contains($0) ? $0 + "(" : $0 }
    case .namespace(let name):
      switch name {
      case "timezone": return ["now("]
      case "models": return (["Q", "F", "Value", "Count", "Sum", "Avg", "Min", "Max"] + ExpressionBuiltins.names.sorted()).map { $0 + "(" }
      case "functions": return ExpressionBuiltins.functionNames.map { $0 + "(" }
      default: return interpreter.schema.models(in: name).map(\.name)
      }
    case .unknown: return []
    }
  }

  // MARK: - Arguments

  /// The innermost call still open before the cursor: its callee text and its method name.
  private func openCall(_ text: ArraySlice<Character>) -> (callee: ArraySlice<Character>, method: String)? {
    var depth = 0
    var quote: Character?
    var openings: [Int] = []
    for index in text.indices {
      let character = text[index]
      if let open = quote {
        if character == open { quote = nil }
        continue
      }
      switch character {
      case "\"", "'": quote = character
      case "(", "[", "{":
        openings.append(index)
        depth += 1
      case ")", "]", "}":
        if !openings.isEmpty { openings.removeLast() }
        depth -= 1
      default: break
      }
    }
    guard let open = openings.last, text[open] == "(" else { return nil }
    let callee = text[text.startIndex..<open]
    let start = chainStart(callee)
    let method = String(callee[start...].split(separator: ".").last ?? [])
    return (callee, method)
  }

  private func callArguments(_ call: (callee: ArraySlice<Character>, method: String), word: String, inString: Bool) -> [String] {
    let receiver: Kind
    let start = chainStart(call.callee)
    let chain = call.callee[start...]
    if let dot = chain.lastIndex(of: ".") {
      receiver = kind(of: chain[chain.startIndex..<dot])
    } else {
      receiver = kind(of: chain)
    }
    let model: ModelSchema
    switch receiver {
    case .manager(let found), .queryset(let found), .related(let found): model = found
    case .model(let found) where !chain.contains("."): model = found
    default: return []
    }
    if inString {
      guard Self.fieldNameMethods.contains(call.method) else { return [] }
      return fieldPaths(model, word: word, keyword: false)
    }
    guard Self.keywordMethods.contains(call.method) || call.method == model.name else { return [] }
    return fieldPaths(model, word: word, keyword: true)
  }

  /// `author__us` → `author__username=`; after a plain field, its lookups.
  private func fieldPaths(_ model: ModelSchema, word: String, keyword: Bool) -> [String] {
    let schema = interpreter.schema
    var parts = word.components(separatedBy: "__")
    parts.removeLast()
    var current = model
    var lastField: FieldSchema?
    for part in parts {
      if let relation = schema.relation(named: part, from: current) {
        current = relation.to
        lastField = nil
      } else if let field = current.field(part) {
        lastField = field
      } else {
        return []
      }
    }
    let prefix = parts.isEmpty ? "" : parts.joined(separator: "__") + "__"
    let descending = ""
    if let field = lastField {
      guard keyword else { return [] }
      let transforms = Transform.allCases.filter { $0.applies(to: field.type) }.map { prefix + $0.rawValue + "__" }
      return Lookup.allCases.map { prefix + $0.rawValue + "=" } + transforms
    }
    var names: [String] = []
    for field in current.fields {
      if field.type.isRelation {
        names.append(descending + prefix + field.name + "__")
        if keyword { names.append(prefix + field.name + "=") }
      } else {
        names.append(descending + prefix + field.name + (keyword ? "=" : ""))
      }
    }
    for reverse in schema.reverseRelations(of: current) { names.append(prefix + reverse.queryName + "__") }
    if keyword && parts.isEmpty { names += ["pk="] }
    return names
  }
}
