import Foundation
import ManageCore
import TestDatabases
import ManageMigrations
@testable import ManageShell

/// A copy of Fixtures/library with its tables made by the schema editor (as `manage migrate`
/// makes them) and an interpreter over it. Rows come from `seed`: Django's own writes
/// (Fixtures/library/django/differential.py) or the handwritten SQL of a test.
final class LibraryFixture {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let djangoScript = repository.appendingPathComponent("Fixtures/library/django/differential.py").path

  let path: String
  let database: String
  let connection: Connection
  let schema: ProjectSchema
  let interpreter: Interpreter
  /// On PostgreSQL: the database made for this fixture (dropped with it).
  private var scratch: ScratchPostgresDatabase?

  /// The backends the differential tests run on: SQLite, and PostgreSQL with a test cluster.
  static var backends: [DatabaseBackend] { TestCluster.backends }

  init(backend: DatabaseBackend = .sqlite) throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("manage-library-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path + "/library", withIntermediateDirectories: true)
    let source = Self.repository.appendingPathComponent("Fixtures/library").path
    try FileManager.default.copyItem(atPath: source + "/manage.yaml", toPath: path + "/manage.yaml")
    try FileManager.default.copyItem(atPath: source + "/library/models.yaml", toPath: path + "/library/models.yaml")
    let registry = try AppRegistry(settings: SettingsLoader.load(environment: [:], currentDirectory: path))
    var loaded = try registry.loadSchema()
    loaded.dialect = SQLDialect(backend)
    schema = loaded
    (connection, scratch) = try FixtureDatabase.open(backend, prefix: "manage_library", folder: path)
    database = scratch.map { "postgres:" + $0.conninfo } ?? path + "/db.sqlite3"
    try FixtureDatabase.createTables(for: schema, on: connection)
    interpreter = Interpreter(schema: schema, connection: connection)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// The Python with Django 6.1 the differential tests compare with (MANAGE_TEST_DJANGO_PYTHON).
  static var djangoPython: String? { ProcessInfo.processInfo.environment["MANAGE_TEST_DJANGO_PYTHON"] }

  /// Runs Fixtures/library/django/differential.py with `arguments`, `input` on its stdin.
  func django(_ python: String, _ arguments: [String], input: String = "") throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [Self.djangoScript, database] + arguments
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Write and read at once: a long answer would fill the pipe and stall both sides.
    let writer = Thread {
      stdin.fileHandleForWriting.write(Data(input.utf8))
      try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let errorData = LockedData()
    let errorReader = Thread { errorData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
    errorReader.start()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errorData.isSet { usleep(1000) }
    guard process.terminationStatus == 0 else {
      throw DjangoFailure(message: String(decoding: errorData.value, as: UTF8.self))
    }
    return String(decoding: output, as: UTF8.self)
  }

  struct DjangoFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { "Django's side failed: \(message)" }
  }

  /// manage's answer to one expression, in the canonical form differential.py prints.
  func answer(_ expression: String) -> ModelValue {
    do {
      guard let value = try interpreter.run(expression).last else { return .null }
      return try canonical(value)
    } catch let error as PythonError {
      return .dict(OrderedDictionary([("error", .text(String(error.kind.split(separator: ".").last ?? "")))]))
    } catch {
      return .dict(OrderedDictionary([("error", .text("\(type(of: error))"))]))
    }
  }

  private func canonical(_ value: ShellValue) throws -> ModelValue {
    switch value {
    case .data(let data): return Self.canonical(data)
    case .list(let items), .tuple(let items): return .list(try items.map(canonical))
    case .dict(let dictionary):
      return .dict(OrderedDictionary(try zip(dictionary.keys, dictionary.values).map { (Self.keyText($0), try canonical($1)) }))
    case .instance(let object): return .list([.text("obj"), object.pk])
    case .namedRow(_, let values): return .list(values.map(Self.canonical))
    case .queryset, .manager, .related: return .list(try interpreter.rows(of: try interpreter.querySet(value)).map(canonical))
    default: return .dict(OrderedDictionary([("repr", .text(try interpreter.repr(value)))]))
    }
  }

  private static func keyText(_ key: ModelValue) -> String {
    if case .text(let text) = key { return text }
    return key.plain
  }

  static func canonical(_ data: ModelValue) -> ModelValue {
    switch data {
    case .double(let number): return .double(Double(String(format: "%.10g", number)) ?? number)
    case .decimal(let text): return .dict(OrderedDictionary([("decimal", .text(normalizedDecimal(text)))]))
    case .date(let date): return .dict(OrderedDictionary([("date", .text(date.iso))]))
    case .datetime(let moment):
      var time = moment.time.iso
      if time.hasSuffix(".000000") { time.removeLast(7) }
      return .dict(OrderedDictionary([("datetime", .text(moment.date.iso + " " + time))]))
    case .time(let time): return .dict(OrderedDictionary([("time", .text(time.iso))]))
    case .duration(let micro): return .dict(OrderedDictionary([("duration", .int(micro))]))
    case .list(let items), .tuple(let items): return .list(items.map(canonical))
    case .dict(let entries): return .dict(OrderedDictionary(entries.pairs.map { ($0.0, canonical($0.1)) }))
    default: return data
    }
  }

  /// Python's `format(Decimal(text).normalize(), "f")`.
  static func normalizedDecimal(_ text: String) -> String {
    var result = text
    if result.contains(".") {
      while result.hasSuffix("0") { result.removeLast() }
      if result.hasSuffix(".") { result.removeLast() }
    }
    if result == "-0" { result = "0" }
    return result
  }

  /// A canonical value as sorted-key JSON text, for comparing and for messages; `unordered`
  /// sorts a top-level list (a query without a total order may return its rows in any order).
  static func text(_ value: ModelValue, unordered: Bool = false) -> String {
    var value = sortedKeys(value)
    if unordered, case .list(let items) = value { value = .list(items.sorted { $0.jsonText < $1.jsonText }) }
    return value.jsonText
  }

  private static func sortedKeys(_ value: ModelValue) -> ModelValue {
    switch value {
    case .list(let items): .list(items.map(sortedKeys))
    // A decimal computed from floats (an Avg) may differ in its 15th digit with the order
    // SQLite summed the rows in; ten significant digits compare what both mean.
    case .dict(let entries) where entries.count == 1 && entries["decimal"] != nil:
      if case .text(let text)? = entries["decimal"], text.count > 12, let number = Double(text) {
        .dict(OrderedDictionary([("decimal", .text(String(format: "%.10g", number)))]))
      } else {
        value
      }
    case .dict(let entries): .dict(OrderedDictionary(entries.pairs.sorted { $0.0 < $1.0 }.map { ($0.0, sortedKeys($0.1)) }))
    default: value
    }
  }
}

/// Bytes handed from a reader thread.
final class LockedData: @unchecked Sendable {
  private let lock = NSLock()
  private var data: Data?
  func set(_ value: Data) { lock.withLock { data = value } }
  var isSet: Bool { lock.withLock { data != nil } }
  var value: Data { lock.withLock { data ?? Data() } }
}
