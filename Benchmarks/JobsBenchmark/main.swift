// Issue 6's figures, ours and the references in one run:
//
//     swift run -c release manage-jobs-benchmark [jobs]
//
// - enqueue through the Swift API one by one (a transaction each) and in a batch, against raw
//   prepared INSERTs of the same rows into the same WAL file (our ceiling);
// - a worker draining no-op Swift tasks;
// - a worker draining command tasks (`true`), against spawning `true` in a loop.
import CSpawn
import Foundation
import ManageCore
import ManageJobs
import ManageMigrations

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20_000 : 20_000

func project() throws -> (String, Connection) {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("manage-jobs-bench-\(UUID().uuidString)").path
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  try "installed_apps: [jobs]\n".write(toFile: path + "/manage.yaml", atomically: true, encoding: .utf8)
  let registry = try AppRegistry(settings: SettingsLoader.load(environment: [:], currentDirectory: path))
  let schema = try registry.loadSchema()
  let connection = try Connection(path: path + "/db.sqlite3")
  let editor = SchemaEditor(sink: .execute(connection))
  for model in schema.models { try editor.createModel(model, state: ProjectState(schema: schema)) }
  return (path, connection)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
  let start = Date()
  try body()
  return Date().timeIntervalSince(start)
}

func rate(_ n: Int, _ time: Double) -> String { String(format: "%8.0f/s", Double(n) / time) }

let noop = TaskDefinition(name: "noop", body: .closure({ _ in .null }))
let payload = ModelValue.dict(OrderedDictionary([("document_id", .int(7))]))

// Enqueue one by one, and the raw ceiling.
do {
  let (_, connection) = try project()
  let queue = JobQueue(connection: connection)
  let ours = try seconds { for _ in 0..<count { try queue.enqueue(.init(task: noop, payload: payload)) } }
  let statement = try connection.prepare(
    "INSERT INTO jobs_job (task, queue, payload, state, priority, attempts, max_retries, run_at, last_error, created_at, updated_at) VALUES (?, 'default', ?, 'ready', 0, 0, 3, ?, '', ?, ?)")
  let raw = try seconds {
    for _ in 0..<count {
      let now = SQLValue.text(CivilDateTime.now().iso)
      try connection.execute("BEGIN IMMEDIATE")
      try statement.bind([.text("noop"), .text(payload.jsonText), now, now, now])
      try statement.step()
      try connection.execute("COMMIT")
    }
  }
  print("enqueue one by one (\(count) jobs): ours \(rate(count, ours)), raw INSERT per transaction \(rate(count, raw)), ours/raw \(String(format: "%.2f", raw / ours)) (target 10,000/s)")
}

// Enqueue in a batch, and the raw ceiling.
do {
  let (_, connection) = try project()
  let queue = JobQueue(connection: connection)
  let batchSize = count * 10
  let requests = Array(repeating: JobQueue.Request(task: noop, payload: payload), count: batchSize)
  let ours = try seconds { try queue.enqueue(batch: requests) }
  let statement = try connection.prepare(
    "INSERT INTO jobs_job (task, queue, payload, state, priority, attempts, max_retries, run_at, last_error, created_at, updated_at) VALUES (?, 'default', ?, 'ready', 0, 0, 3, ?, '', ?, ?)")
  let raw = try seconds {
    try connection.transaction {
      let now = SQLValue.text(CivilDateTime.now().iso)
      for _ in 0..<batchSize {
        try statement.bind([.text("noop"), .text(payload.jsonText), now, now, now])
        try statement.step()
      }
    }
  }
  print("enqueue in a batch (\(batchSize) jobs): ours \(rate(batchSize, ours)), raw INSERTs in one transaction \(rate(batchSize, raw)), ours/raw \(String(format: "%.2f", raw / ours)) (target 100,000/s)")
}

// A worker draining no-op Swift tasks.
do {
  let (_, connection) = try project()
  let queue = JobQueue(connection: connection)
  try queue.enqueue(batch: Array(repeating: JobQueue.Request(task: noop, payload: payload), count: count))
  var registry = TaskRegistry()
  try registry.register(noop)
  var options = Worker.Options()
  options.burst = true
  options.concurrency = 64
  let worker = Worker(queue: queue, tasks: registry, options: options)
  var summary = Worker.Summary()
  let time = try seconds { summary = try worker.run() }
  print("worker, no-op Swift tasks (\(summary.succeeded) jobs, concurrency 64): \(rate(summary.succeeded, time)) (target 5,000/s)")
}

// A worker draining command tasks, against spawning `true` in a loop.
do {
  let spawns = max(count / 10, 200)
  let (path, connection) = try project()
  let queue = JobQueue(connection: connection)
  let command = TaskDefinition(name: "true", body: .command(["/bin/true"], workingDirectory: path))
  try queue.enqueue(batch: Array(repeating: JobQueue.Request(task: command), count: spawns))
  var registry = TaskRegistry()
  try registry.register(command)
  var options = Worker.Options()
  options.burst = true
  options.concurrency = 8
  let worker = Worker(queue: queue, tasks: registry, options: options)
  var summary = Worker.Summary()
  let ours = try seconds { summary = try worker.run() }
  let loop = seconds {
    for _ in 0..<spawns {
      var pid: pid_t = 0
      let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
      posix_spawn(&pid, "/bin/true", nil, nil, argv, environ)
      var status: Int32 = 0
      waitpid(pid, &status, 0)
      free(argv[0])
    }
  }
  print("worker, command tasks (\(summary.succeeded) runs of /bin/true, concurrency 8): \(rate(summary.succeeded, ours)); spawning /bin/true in a loop \(rate(spawns, loop))")
}
