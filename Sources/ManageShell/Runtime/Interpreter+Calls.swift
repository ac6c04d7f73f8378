import ManageCore

extension Interpreter {
  /// Calls a function, method, or model (which makes an unsaved instance).
  func call(_ function: ShellValue, _ arguments: Arguments) throws -> ShellValue {
    switch function {
    case .function(let name):
      return try Builtins.call(name, arguments, self)
    case .model(let model):
      try arguments.count(0...0, model.name)
      let object = try orm { try ModelInstance(model: model, assigning: []) }
      for (name, value) in arguments.keywords {
        do { try setAttribute(object, name, value) } catch let error as PythonError where error.kind == "AttributeError" {
          throw PythonError("TypeError", "\(model.name)() got unexpected keyword arguments: '\(name)'")
        }
      }
      return .instance(object)
    case .method(let receiver, let name):
      switch receiver {
      case .manager, .queryset: return try querySetMethod(try querySet(receiver), name, arguments)
      case .related(let related): return try relatedMethod(related, name, arguments)
      case .instance(let object): return try instanceMethod(object, name, arguments)
      case .data(let data): return try dataMethod(data, name, arguments)
      case .dict(let dictionary): return try dictMethod(dictionary, name, arguments)
      case .expression, .aggregate:
        // F("pages").desc(): an ordering for order_by() and Window(order_by=...).
        try arguments.allow(["nulls_first", "nulls_last"], in: name)
        if arguments.keywords.contains(where: { $0.0.hasPrefix("nulls") }) {
          throw PythonError("NotSupportedError", "nulls_first and nulls_last are not supported by manage yet.")
        }
        return .expression(.ordered(try ExpressionBuiltins.expression(receiver, name), descending: name == "desc"))
      case .list(let items):
        switch name {
        case "count": return .data(.int(Int64(try items.filter { try Operators.equal($0, arguments.positional.first ?? .none) }.count)))
        case "index":
          guard let index = try items.firstIndex(where: { try Operators.equal($0, arguments.positional.first ?? .none) }) else {
            throw PythonError("ValueError", "value is not in list")
          }
          return .data(.int(Int64(index)))
        default: throw PythonError("TypeError", "lists are values in manage shell: use a + [item] instead of append()")
        }
      default: throw PythonError("TypeError", "'\(receiver.typeName)' object is not callable")
      }
    case .exceptionClass(let name):
      throw PythonError("TypeError", "\(name) cannot be raised in manage shell")
    default:
      throw PythonError("TypeError", "'\(function.typeName)' object is not callable")
    }
  }

  func querySet(_ value: ShellValue) throws -> QuerySet {
    switch value {
    case .manager(let model): return QuerySet(model: model, schema: schema)
    case .queryset(let query): return query
    case .related(let related): return related.query
    default: throw PythonError("TypeError", "expected a QuerySet, got \(value.typeName)")
    }
  }

  /// A filter's right-hand side from a shell value.
  func operand(_ value: ShellValue) throws -> Operand {
    switch value {
    case .expression(let expression): return .expression(expression)
    case .aggregate: throw PythonError("FieldError", "Aggregate functions are not allowed in this query: annotate() it and filter on the name.")
    case .queryset(let query): return .subquery(query)
    case .related(let related): return .subquery(related.query)
    default: return .value(try Builtins.data(value, "a filter value"))
    }
  }

  /// The rows of a query as shell values: instances, dicts or tuples.
  func rows(of query: QuerySet) throws -> [ShellValue] {
    try orm {
      let names = query.namedRows ? try query.columnKeys() : []
      return try query.fetchAll(connection).map { row in
        switch row {
        case .instance(let object): return .instance(object)
        case .value(.tuple(let values)) where query.namedRows: return .namedRow(names, values)
        case .value(let value): return .data(value)
        }
      }
    }
  }

  private func row(_ value: ModelValueOrInstance?) -> ShellValue {
    switch value {
    case .instance(let object)?: .instance(object)
    case .value(let data)?: .data(data)
    case nil: .none
    }
  }

  /// `filter(Q(...), a=1)`: positional Q objects and keyword conditions, ANDed.
  private func condition(_ arguments: Arguments, _ method: String) throws -> Q? {
    var parts: [Q] = []
    for value in arguments.positional {
      switch value {
      case .q(let q): parts.append(q)
      // Django 3.0+: a boolean expression (Exists, a comparison wrapped) filters directly.
      case .expression(let expression): parts.append(.expression(expression))
      default: throw PythonError("TypeError", "\(method)() takes Q objects and keyword arguments, not \(value.typeName)")
      }
    }
    // Django's Q sorts its keyword arguments: the order joins are made in follows the names.
    for (path, value) in arguments.keywords.sorted(by: { $0.0 < $1.0 }) { parts.append(.condition(path, try operand(value))) }
    if parts.isEmpty { return nil }
    return parts.count == 1 ? parts[0] : .and(parts)
  }

  /// order_by()'s items: `"-pages"`, `F("pages").desc()`, `F("pages")`.
  private func orderings(_ arguments: Arguments) throws -> [String] {
    try arguments.noKeywords("order_by")
    return try arguments.positional.map { value in
      switch value {
      case .data(.text(let text)): return text
      case .expression(.field(let path)): return path
      case .expression(.ordered(.field(let path), let descending)): return descending ? "-" + path : path
      default:
        throw PythonError("TypeError", "order_by() takes field names and F() orderings here; annotate() an expression and order by its name")
      }
    }
  }

  private func strings(_ arguments: Arguments, _ method: String) throws -> [String] {
    try arguments.positional.map {
      guard case .data(.text(let text)) = $0 else {
        throw PythonError("TypeError", "\(method)() takes field names as strings, not \($0.typeName)")
      }
      return text
    }
  }

  /// Keyword values as data for create()/update(); rows become their keys.
  private func fieldValues(_ pairs: [(String, ShellValue)]) throws -> [(String, ModelValue)] {
    try pairs.map { ($0.0, try Builtins.data($0.1, "a field value")) }
  }

  /// Aggregates from positional (default alias) and keyword arguments.
  private func aggregates(_ arguments: Arguments, _ method: String) throws -> [(String, QueryExpression)] {
    var result: [(String, QueryExpression)] = []
    for value in arguments.positional {
      guard case .aggregate(let aggregate) = value else {
        throw PythonError("TypeError", "\(method)() takes aggregates such as Count('posts'), not \(value.typeName)")
      }
      guard let alias = aggregate.defaultAlias else { throw PythonError("TypeError", "Complex aggregates require an alias") }
      result.append((alias, .aggregate(aggregate)))
    }
    for (name, value) in arguments.keywords {
      switch value {
      case .aggregate(let aggregate): result.append((name, .aggregate(aggregate)))
      case .expression(let expression): result.append((name, expression))
      case .data(let data): result.append((name, .value(data)))
      default: throw PythonError("TypeError", "QuerySet.\(method)() received non-expression(s): \(value.typeName).")
      }
    }
    return result
  }

  func querySetMethod(_ query: QuerySet, _ name: String, _ arguments: Arguments) throws -> ShellValue {
    try orm {
      switch name {
      case "all", "iterator", "prefetch_related":
        return .queryset(query)
      case "filter", "exclude":
        guard let q = try condition(arguments, name) else { return .queryset(query) }
        return .queryset(name == "filter" ? try query.filter(q) : try query.exclude(q))
      case "get":
        var found = query
        if let q = try condition(arguments, name) { found = try found.filter(q) }
        return row(try found.get(connection))
      case "first", "last":
        try arguments.count(0...0, name)
        return row(name == "first" ? try query.first(connection) : try query.last(connection))
      case "latest", "earliest":
        var fields = try strings(arguments, name)
        if fields.isEmpty { throw PythonError("ValueError", "\(name)() requires either fields as positional arguments or 'get_latest_by' in the model's Meta.") }
        if name == "latest" { fields = fields.map { $0.hasPrefix("-") ? String($0.dropFirst()) : "-" + $0 } }
        return row(try query.orderBy(fields).slice(0, 1).get(connection))
      case "count":
        try arguments.count(0...0, name)
        return .data(.int(Int64(try query.count(connection))))
      case "exists":
        return .data(.bool(try query.exists(connection)))
      case "order_by":
        return .queryset(try query.orderBy(try orderings(arguments)))
      case "reverse":
        return .queryset(query.reversed())
      case "distinct":
        if !arguments.positional.isEmpty {
          throw PythonError("NotSupportedError", "DISTINCT ON fields is not supported by this database backend")
        }
        return .queryset(query.distinct())
      case "none":
        return .queryset(query.none())
      case "values":
        // values(lower=Lower("title")): Django annotates the expression, then selects it.
        var fields = try strings(arguments, name)
        var source = query
        if !arguments.keywords.isEmpty {
          source = try query.annotate(try aggregates(Arguments(positional: [], keywords: arguments.keywords), name))
          fields += arguments.keywords.map(\.0)
        }
        return .queryset(try source.values(fields))
      case "values_list":
        try arguments.allow(["flat", "named"], in: name)
        let flat = try arguments.keyword("flat").map { try Builtins.truth($0, self) } ?? false
        let named = try arguments.keyword("named").map { try Builtins.truth($0, self) } ?? false
        return .queryset(try query.valuesList(try strings(arguments, name), flat: flat, named: named))
      case "only", "defer":
        try arguments.noKeywords(name)
        // defer(None) clears the deferred set.
        if name == "defer", arguments.positional.count == 1, case .data(.null) = arguments.positional[0] {
          return .queryset(try query.loading(only: nil, defer: []))
        }
        let names = try strings(arguments, name)
        return .queryset(try name == "only" ? query.loading(only: names, defer: nil) : query.loading(only: nil, defer: names))
      case "dates", "datetimes":
        try arguments.count(2...3, name)
        try arguments.allow(["order", "tzinfo"], in: name)
        let texts = try strings(Arguments(positional: arguments.positional, keywords: []), name)
        let order = try arguments.keyword("order").map { value -> String in
          guard case .data(.text(let text)) = value else { throw PythonError("ValueError", "'order' must be either 'ASC' or 'DESC'.") }
          return text
        } ?? (texts.count > 2 ? texts[2] : "ASC")
        return .queryset(try query.dates(texts[0], texts[1], order: order, datetimes: name == "datetimes"))
      case "union", "intersection", "difference":
        try arguments.allow(name == "union" ? ["all"] : [], in: name)
        let others = try arguments.positional.map { try querySet($0) }
        let all = try arguments.keyword("all").map { try Builtins.truth($0, self) } ?? false
        let kind = name == "union" ? "UNION" : name == "intersection" ? "INTERSECT" : "EXCEPT"
        return .queryset(try query.combined(kind, with: others, all: all))
      case "select_related":
        return .queryset(try query.selectRelated(try strings(arguments, name)))
      case "annotate":
        return .queryset(try query.annotate(try aggregates(arguments, name)))
      case "aggregate":
        let pairs = try aggregates(arguments, name).map { pair -> (String, Aggregate) in
          guard case .aggregate(let aggregate) = pair.1 else { throw PythonError("TypeError", "\(pair.0) is not an aggregate expression") }
          return (pair.0, aggregate)
        }
        return .data(.dict(try query.aggregate(pairs, connection)))
      case "create":
        try arguments.count(0...0, name)
        guard case .instance(let object) = try call(.model(query.model), arguments) else { return .none }
        try object.save(connection, schema: schema, forceInsert: true)
        return .instance(object)
      case "get_or_create", "update_or_create":
        try arguments.count(0...0, name)
        var lookups: [(String, ShellValue)] = []
        var defaults: [(String, ShellValue)] = []
        var createDefaults: [(String, ShellValue)]?
        for (key, value) in arguments.keywords {
          if key == "defaults" || key == "create_defaults" {
            guard case .dict(let dictionary) = value else { throw PythonError("TypeError", "\(key) must be a dict") }
            let pairs = try zip(dictionary.keys, dictionary.values).map { pair -> (String, ShellValue) in
              guard case .text(let field) = pair.0 else { throw PythonError("TypeError", "\(key) keys must be field names") }
              return (field, pair.1)
            }
            if key == "defaults" { defaults = pairs } else { createDefaults = pairs }
          } else {
            lookups.append((key, value))
          }
        }
        let result = name == "get_or_create"
          ? try query.getOrCreate(try fieldValues(lookups), defaults: try fieldValues(defaults), connection)
          : try query.updateOrCreate(
            try fieldValues(lookups), defaults: try fieldValues(defaults), createDefaults: try createDefaults.map(fieldValues), connection)
        return .tuple([.instance(result.0), .data(.bool(result.1))])
      case "bulk_create":
        try arguments.count(1...1, name)
        try arguments.allow(["batch_size", "ignore_conflicts"], in: name)
        let objects = try Builtins.iterate(arguments.positional[0], self).map { value -> ModelInstance in
          guard case .instance(let object) = value else { throw PythonError("TypeError", "bulk_create() takes \(query.model.name) objects, not \(value.typeName)") }
          return object
        }
        try query.bulkCreate(objects, connection)
        return .list(objects.map { .instance($0) })
      case "update":
        try arguments.count(0...0, name)
        let pairs = try arguments.keywords.map { ($0.0, try operand($0.1)) }
        return .data(.int(Int64(try query.update(pairs, connection))))
      case "delete":
        try arguments.count(0...0, name)
        let result = try query.delete(connection)
        return .tuple([.data(.int(Int64(result.total))), .data(.dict(OrderedDictionary(result.perModel.map { ($0.0, .int(Int64($0.1))) })))])
      case "in_bulk":
        var filtered = query
        if let keys = arguments.positional.first { filtered = try query.filter(.condition("pk__in", try operand(keys))) }
        var dictionary = ShellDictionary()
        for object in try filtered.instances(connection) { dictionary[object.pk] = .instance(object) }
        return .dict(dictionary)
      case "explain":
        let (sql, values) = try query.sql()
        let plan = try connection.query("EXPLAIN QUERY PLAN " + sql, values)
        return .data(.text(plan.map { "\($0["detail"].string ?? "")" }.joined(separator: "\n")))
      default:
        throw attributeError("'QuerySet' object", name, Self.querySetMethods)
      }
    }
  }

  private func relatedMethod(_ related: RelatedSet, _ name: String, _ arguments: Arguments) throws -> ShellValue {
    let isManyToMany = related.relation.field.type == .manyToMany
    switch name {
    case "add", "remove", "set", "clear":
      guard isManyToMany else {
        if name == "add" || name == "remove" || name == "clear" {
          throw PythonError(
            "AttributeError",
            "'RelatedManager' object has no attribute '\(name)' here: set \(related.relation.field.name) on the \(related.model.name) and save() it")
        }
        throw PythonError("AttributeError", "'RelatedManager' object has no attribute '\(name)'")
      }
      let values = name == "set" ? try Builtins.iterate(arguments.positional.first ?? .list([]), self) : arguments.positional
      let keys = try values.map { value -> SQLValue in
        if case .instance(let object) = value, object.model.labelLower != related.model.labelLower {
          throw PythonError("TypeError", "'\(related.model.name)' instance expected, got \(object.displayName)")
        }
        return try orm { try Builtins.data(value, "a related object").plainSQL() }
      }
      let links = ManyToManyLinks(relation: related.relation, owner: try orm { try related.owner.pk.plainSQL() })
      try orm {
        switch name {
        case "add": try links.add(keys, connection)
        case "remove": try links.remove(keys, connection)
        case "set": try links.set(keys, connection)
        default: try links.clear(connection)
        }
      }
      return .none
    case "create":
      let object = try orm { try ModelInstance(model: related.model, assigning: []) }
      for (key, value) in arguments.keywords { try setAttribute(object, key, value) }
      if !isManyToMany { try orm { try object.set(related.relation.field.name, instance: related.owner) } }
      try orm { try object.save(connection, schema: schema, forceInsert: true) }
      if isManyToMany {
        let links = ManyToManyLinks(relation: related.relation, owner: try orm { try related.owner.pk.plainSQL() })
        try orm { try links.add([try object.pk.plainSQL()], connection) }
      }
      return .instance(object)
    default:
      return try querySetMethod(related.query, name, arguments)
    }
  }

  private func instanceMethod(_ object: ModelInstance, _ name: String, _ arguments: Arguments) throws -> ShellValue {
    try orm {
      switch name {
      case "save":
        try arguments.allow(["update_fields", "force_insert"], in: "save")
        let fields = try arguments.keyword("update_fields").map { value in
          try Builtins.iterate(value, self).map { item -> String in
            guard case .data(.text(let text)) = item else { throw PythonError("TypeError", "update_fields takes field names") }
            return text
          }
        }
        let force = try arguments.keyword("force_insert").map { try Builtins.truth($0, self) } ?? false
        try object.save(connection, schema: schema, forceInsert: force, updateFields: fields)
        return .none
      case "delete":
        let result = try object.delete(connection, schema: schema)
        return .tuple([.data(.int(Int64(result.total))), .data(.dict(OrderedDictionary(result.perModel.map { ($0.0, .int(Int64($0.1))) })))])
      default:
        try object.refresh(connection, schema: schema)
        return .none
      }
    }
  }

  private func dictMethod(_ dictionary: ShellDictionary, _ name: String, _ arguments: Arguments) throws -> ShellValue {
    switch name {
    case "keys": return .list(dictionary.keys.map { .data($0) })
    case "values": return .list(dictionary.values)
    case "items": return .list(zip(dictionary.keys, dictionary.values).map { .tuple([.data($0), $1]) })
    default:
      try arguments.count(1...2, "get")
      return dictionary[try Builtins.hashable(arguments.positional[0])] ?? (arguments.positional.count > 1 ? arguments.positional[1] : .none)
    }
  }

  private func dataMethod(_ data: ModelValue, _ name: String, _ arguments: Arguments) throws -> ShellValue {
    let args = arguments.positional
    func text(_ index: Int) throws -> String {
      guard index < args.count, case .data(.text(let value)) = args[index] else {
        throw PythonError("TypeError", "\(name)() argument must be str")
      }
      return value
    }
    switch (data, name) {
    case (.text(let value), "upper"): return .data(.text(value.uppercased()))
    case (.text(let value), "lower"): return .data(.text(value.lowercased()))
    case (.text(let value), "title"): return .data(.text(value.capitalized))
    case (.text(let value), "strip"): return .data(.text(value.trimmingCharacters(in: .whitespacesAndNewlines)))
    case (.text(let value), "startswith"): return .data(.bool(value.hasPrefix(try text(0))))
    case (.text(let value), "endswith"): return .data(.bool(value.hasSuffix(try text(0))))
    case (.text(let value), "count"): return .data(.int(Int64(value.components(separatedBy: try text(0)).count - 1)))
    case (.text(let value), "replace"): return .data(.text(value.replacingOccurrences(of: try text(0), with: try text(1))))
    case (.text(let value), "split"):
      let parts = args.isEmpty ? value.split(whereSeparator: \.isWhitespace).map(String.init) : value.components(separatedBy: try text(0))
      return .list(parts.map { .data(.text($0)) })
    case (.text(let value), "join"):
      return .data(.text(try Builtins.iterate(args.first ?? .list([]), self).map { try str($0) }.joined(separator: value)))
    case (.date(let date), "isoformat"): return .data(.text(date.iso))
    case (.date(let date), "weekday"): return .data(.int(Int64((date.daysSinceEpoch + 3) % 7 + ((date.daysSinceEpoch + 3) % 7 < 0 ? 7 : 0))))
    case (.datetime(let moment), "date"): return .data(.date(moment.date))
    case (.datetime(let moment), "time"): return .data(.time(moment.time))
    case (.datetime(let moment), "isoformat"): return .data(.text("\(moment.date.iso)T\(moment.time.iso)+00:00"))
    case (.datetime(let moment), "weekday"): return try dataMethod(.date(moment.date), "weekday", arguments)
    case (.duration(let micro), "total_seconds"): return .data(.double(Double(micro) / 1_000_000))
    case (.dict(let dictionary), _):
      var converted = ShellDictionary()
      for (key, value) in dictionary.pairs { converted[.text(key)] = .data(value) }
      return try dictMethod(converted, name, arguments)
    default: throw PythonError("AttributeError", "'\(data.typeName)' object has no attribute '\(name)'")
    }
  }
}

import Foundation
