import Foundation
import ManageCore

/// Fixtures into the database, as Django's loaddata does it (one transaction for everything,
/// an object with a pk updates that row or inserts it, auto_now times kept, references to rows
/// later in the fixtures allowed) but validated: each object goes through `RecordValidator`, the
/// layer the admin, the API and tasks write through, so a fixture cannot store what the model
/// forbids. Django's raw save skips validation and stops at the first database error; here every
/// object is checked, each mistake is reported at its file:line:col, and nothing is written
/// unless all are valid. Model events (`on:`) fire for each row, in the same transaction.
struct FixtureLoader {
  let schema: ProjectSchema
  let connection: Connection
  /// Skip fields and models the project does not have (`--ignorenonexistent`).
  var ignoreNonexistent = false
  /// Apps (`blog`) and models (`blog.post`, lower case) not to load (`--exclude`).
  var excludedApps: Set<String> = []
  var excludedModels: Set<String> = []

  /// A fixture, read: its name for messages and its objects.
  struct Source {
    var displayPath: String
    var objects: [FixtureObject]
  }

  struct Outcome: Equatable {
    /// Objects written, and objects the fixtures hold (excluded and unknown ones included).
    var installed = 0
    var read = 0
    var fixtures = 0
  }

  /// One object that could not be loaded, at its place.
  struct Problem: CustomStringConvertible {
    var location: SourceLocation
    /// The object's name for messages, and its place (several problems may share it).
    var object: String
    var objectLocation: SourceLocation
    var text: String
    var description: String { "\(location): \(object): \(text)" }
  }

  /// Every object that did not validate or save; nothing was written.
  struct Failure: ManageError {
    var problems: [Problem]
    var message: String {
      let shown = problems.prefix(50).map(\.description)
      let more = problems.count > 50 ? ["… and \(problems.count - 50) more"] : []
      let objects = Set(problems.map(\.objectLocation)).count
      return (shown + more + ["Problem installing fixture(s): \(objects) object(s) could not be loaded, so none were."]).joined(separator: "\n")
    }
    var hint: String? { "Fix the objects above (or load with --ignorenonexistent to skip unknown fields and models); the database is unchanged." }
  }

  /// An object resolved to its model, with its primary key converted once: as a value for the
  /// model, and as stored (what the key sets hold).
  private struct Planned {
    var object: FixtureObject
    var model: ModelSchema
    var pk: ModelValue?
    var key: SQLValue?
    var name: String
  }

  func load(_ sources: [Source]) throws -> Outcome {
    // Every fixture file read counts, an empty one too (Django's fixture_count).
    var outcome = Outcome(fixtures: sources.count)
    var problems: [Problem] = []
    var planned: [Planned] = []
    var rowsToCome: [String: Set<SQLValue>] = [:]
    for source in sources {
      for object in source.objects {
        outcome.read += 1
        guard let model = schema.model(object.model) else {
          if ignoreNonexistent { continue }
          let suggestion = Suggestion.closest(to: object.model.lowercased(), in: schema.models.map(\.labelLower)).map { " Did you mean '\($0)'?" } ?? ""
          problems.append(Problem(location: object.modelLocation, object: object.model, objectLocation: object.location, text: "Invalid model identifier: '\(object.model)'.\(suggestion)"))
          continue
        }
        if excludedApps.contains(model.app) || excludedModels.contains(model.labelLower) { continue }
        var item = Planned(object: object, model: model, name: model.labelLower)
        if let node = object.pk {
          let keyField = model.primaryKey ?? FieldSchema(name: "id", type: .auto)
          let given = ModelValue(node: node)
          item.name = "\(model.labelLower)(pk=\(node.scalarText))"
          do {
            let key = try keySQL(given, keyField)
            item.pk = ModelValue(key, field: keyField)
            item.key = key
            rowsToCome[model.labelLower, default: []].insert(key)
          } catch let error as QueryError {
            problems.append(Problem(location: node.location, object: item.name, objectLocation: object.location, text: "pk: \(RecordValidator.plainMessage(error.message))"))
            continue
          }
        }
        planned.append(item)
      }
    }
    // The objects that resolved are still checked, so one run lists every mistake.
    try connection.transaction(.immediate) {
      // Which given keys are already rows, asked once per model in chunks rather than once per
      // object; a row this load inserts joins the set, so a key given twice updates.
      var stored = try storedKeys(planned)
      for item in planned {
        // A savepoint per object: a database error (PostgreSQL then refuses every later
        // statement of the transaction) costs that object only, and the others are still checked.
        do {
          try connection.savepoint("manage_loaddata") {
            let found = try save(item, rowsToCome: rowsToCome, stored: &stored)
            if !found.isEmpty { throw Failure(problems: found) }
          }
          outcome.installed += 1
        } catch let failure as Failure {
          problems += failure.problems
        } catch let error as ManageError {
          problems.append(Problem(location: item.object.location, object: item.name, objectLocation: item.object.location, text: "Could not load \(item.name): \(error.message)"))
        }
      }
      // Anything wrong rolls the whole load back, as Django's one atomic block.
      if !problems.isEmpty {
        let order = Dictionary(sources.enumerated().map { ($1.displayPath, $0) }) { first, _ in first }
        throw Failure(problems: problems.sorted { ((order[$0.location.file] ?? 0), $0.location.line, $0.location.column) < ((order[$1.location.file] ?? 0), $1.location.line, $1.location.column) })
      }
    }
    return outcome
  }

  /// A primary key as stored: an integer key must be a whole number in range, as AutoField's
  /// to_python and the backend's range.
  private func keySQL(_ value: ModelValue, _ field: FieldSchema) throws -> SQLValue {
    // AutoField.to_python's message, not the ORM's lookup one; a number past 64 bits arrives
    // as a float and is refused here too, never truncated.
    if field.type.isInteger {
      switch value {
      case .int: break
      case .text(let text) where Int64(text) != nil: break
      default: throw QueryError("“\(value.str)” value must be an integer.")
      }
    }
    let key = try value.sqlValue(for: field)
    if let problem = FieldValidation.problem(field, stored: key) { throw QueryError(problem) }
    return key
  }

  /// The keys among the planned objects' that the tables hold now, by model (lower-case label),
  /// each as `keySQL` writes it so the two compare.
  private func storedKeys(_ planned: [Planned]) throws -> [String: Set<SQLValue>] {
    var wanted: [String: (model: ModelSchema, keys: [SQLValue])] = [:]
    for item in planned {
      guard let key = item.key else { continue }
      wanted[item.model.labelLower, default: (item.model, [])].keys.append(key)
    }
    var stored: [String: Set<SQLValue>] = [:]
    for (label, entry) in wanted {
      guard let keyField = entry.model.primaryKey, let column = keyField.column else { continue }
      var found = Set<SQLValue>()
      var start = 0
      while start < entry.keys.count {
        let chunk = Array(entry.keys[start..<min(start + 500, entry.keys.count)])
        start += chunk.count
        let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
        let rows = try connection.query("SELECT \(Identifier.quoted(column)) FROM \(Identifier.quoted(entry.model.dbTable)) WHERE \(Identifier.quoted(column)) IN (\(marks))", chunk)
        for row in rows { if let key = try? ModelValue(row[0], field: keyField).sqlValue(for: keyField) { found.insert(key) } }
      }
      stored[label] = found
    }
    return stored
  }

  /// Validates one object and writes it; the problems found, empty when it was written.
  private func save(_ item: Planned, rowsToCome: [String: Set<SQLValue>], stored: inout [String: Set<SQLValue>]) throws -> [Problem] {
    let model = item.model
    var validator = RecordValidator(model: model, schema: schema)
    validator.rowsToCome = rowsToCome
    var problems: [Problem] = []
    var input: [String: ModelValue] = [:]
    var links: [String: [ModelValue]] = [:]
    var places: [String: SourceLocation] = [:]
    for entry in item.object.fields {
      let field = model.field(entry.key) ?? model.fields.first { $0.type.isConcreteRelation && $0.name + "_id" == entry.key }
      guard let field, !(field.primaryKey && field.type.isAutoIncrement) else {
        if ignoreNonexistent { continue }
        let suggestion = Suggestion.closest(to: entry.key, in: model.fields.map(\.name)).map { " Did you mean '\($0)'?" } ?? ""
        problems.append(Problem(location: entry.keyLocation, object: item.name, objectLocation: item.object.location, text: "\(model.name) has no field named '\(entry.key)'.\(suggestion)"))
        continue
      }
      places[field.name] = entry.value.location
      if field.type == .manyToMany {
        guard let keys = entry.value.items else {
          problems.append(Problem(location: entry.value.location, object: item.name, objectLocation: item.object.location, text: "\(field.name): a many-to-many field takes a list of keys, not \(entry.value.kindDescription)."))
          continue
        }
        links[field.name] = keys.map(ModelValue.init(node:))
      } else if field.isConcrete {
        input[field.name] = ModelValue(node: entry.value)
      }
    }
    guard problems.isEmpty else { return problems }
    let key = item.key
    var existing: ModelInstance?
    if let pk = item.pk, let key, stored[model.labelLower]?.contains(key) == true,
      case .instance(let row)? = try QuerySet(model: model, schema: schema).filter("pk", pk).first(connection)
    {
      existing = row
    }
    if let pk = item.pk, let keyField = model.primaryKey, !keyField.type.isAutoIncrement { input[keyField.name] = pk }
    // A time Django would have set on save: kept from the row, or now for a new one.
    let now = CivilDateTime.now()
    for field in model.fields where (field.autoNow || field.autoNowAdd) && input[field.name] == nil {
      input[field.name] = existing?.values[field.name] ?? (field.type == .date ? .date(now.date) : .datetime(now))
    }
    func located(_ errors: RecordValidator.Errors) -> [Problem] {
      errors.sorted { $0.key < $1.key }.flatMap { name, messages in
        messages.map { Problem(location: places[name] ?? item.object.location, object: item.name, objectLocation: item.object.location, text: name == "__all__" ? $0 : "\(name): \($0)") }
      }
    }
    var cleaned: [(String, ModelValue)] = []
    switch try validator.clean(input, source: .fixture, existing: existing, connection) {
    case .success(let values): cleaned = values
    case .failure(let failure): problems += located(failure.errors)
    }
    var cleanedLinks: [(FieldSchema, [SQLValue])] = []
    switch try validator.cleanManyToMany(links, fields: model.fields, connection) {
    case .success(let values): cleanedLinks = values
    case .failure(let failure): problems += located(failure.errors)
    }
    guard problems.isEmpty else { return problems }
    var pairs = cleaned
    if let pk = item.pk, let keyField = model.primaryKey, keyField.type.isAutoIncrement { pairs.append((keyField.name, pk)) }
    let instance = try ModelInstance(model: model, assigning: pairs)
    // A new row is an INSERT alone (save() would try an UPDATE first).
    try instance.save(connection, schema: schema, forceInsert: existing == nil, raw: true)
    if let key { stored[model.labelLower, default: []].insert(key) }
    try validator.saveManyToMany(cleanedLinks, for: instance, connection)
    return []
  }
}
