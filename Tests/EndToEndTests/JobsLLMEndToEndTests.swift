import Foundation
import ManageCore
import Testing

/// `llm:` tasks against a real loopback provider (OpenAI and Anthropic formats): the answer
/// parsed and checked, the write committed with the job's success, the shared limits.
@Suite("jobs: llm tasks", .serialized)
struct JobsLLMEndToEndTests {
  static let models = """
    models:
      Document:
        fields:
          body: {type: text}
      Extraction:
        fields:
          document: {type: foreign_key, to: Document, on_delete: cascade, related_name: extractions}
          revenue: {type: float, null: true}
          label: {type: char, max_length: 10, choices: [low, high], null: true, blank: true}
          job_id: {type: big_integer, null: true}
    """

  static let schema = "{type: object, required: [revenue], properties: {revenue: {type: number}, label: {type: string}}}"

  /// A project whose `extract` task asks `provider` (settings of manage.yaml's providers:).
  func project(provider: String, task: String = "", write: String? = nil, documents: Int = 1) throws -> TemporaryDirectory {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", "installed_apps: [jobs, work]\nproviders:\n  model: \(provider)\n")
    try project.write("work/models.yaml", Self.models)
    let defaultWrite = """
      model: work.Extraction
      update_or_create: {document: "{{document.id}}"}
      defaults: {revenue: "{{output.revenue}}", label: "{{output.label}}", job_id: "{{job.id}}"}
      """
    let writeLines = (write ?? defaultWrite).split(separator: "\n").map { "      " + $0.trimmingCharacters(in: .whitespaces) }
    let lines = [
      "tasks:", "  extract:", "    llm: {provider: model}", "    input: {model: work.Document, pk: \"{{payload.document_id}}\"}",
      "    system: Answer with JSON.", "    prompt: \"Revenue in: {{document.body}}\"", "    output_schema: \(Self.schema)", "    write:",
    ] + writeLines + ["    max_retries: 2", "    retry_delay: 10ms", "    backoff: fixed"] + (task.isEmpty ? [] : ["    " + task])
    try project.write("work/tasks.yaml", lines.joined(separator: "\n") + "\n")
    try project.write("work/migrations/.gitkeep", "")
    let made = try Manage.run(["makemigrations", "-v", "0"], in: project.path)
    #expect(made.status == 0, "\(made.stderr)")
    let migrated = try Manage.run(["migrate", "-v", "0"], in: project.path)
    #expect(migrated.status == 0, "\(migrated.stderr)")
    let connection = try Connection(path: project.path + "/db.sqlite3")
    for index in 1...max(documents, 1) {
      try connection.run("INSERT INTO work_document (body) VALUES (?)", [.text("document \(index)")])
    }
    return project
  }

  func enqueue(_ count: Int, in project: TemporaryDirectory) throws {
    let lines = (1...count).map { "{\"document_id\": \($0)}" }.joined(separator: "\n")
    let result = try Manage.run(["enqueue", "extract", "--jsonl", "-"], in: project.path, stdin: lines)
    #expect(result.status == 0, "\(result.stderr)")
  }

  func database(_ project: TemporaryDirectory) throws -> Connection { try Connection(path: project.path + "/db.sqlite3") }

  /// Runs workers in bursts until no job is pending (retries wait their delay).
  func drain(_ project: TemporaryDirectory, arguments: [String] = []) throws {
    for _ in 0..<40 {
      let worker = try Manage.run(["worker", "--burst"] + arguments, in: project.path)
      #expect(worker.status == 0, "\(worker.stderr)")
      let pending = try database(project).scalar("SELECT count(*) FROM jobs_job WHERE state NOT IN ('succeeded', 'dead', 'cancelled')")?.int ?? 0
      if pending == 0 { return }
      usleep(50_000)
    }
    Issue.record("jobs still pending after 40 bursts")
  }

  func details(_ id: Int, _ project: TemporaryDirectory) throws -> [String: Any] {
    let text = try database(project).scalar("SELECT details FROM jobs_job WHERE id = ?", [.integer(Int64(id))])?.string ?? "{}"
    return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
  }

  @Test func aValidAnswerWritesOneRowAndAnInvalidOneIsAnotherAttempt() throws {
    // OpenAI's format: a first answer that is not JSON, then one in a fenced block.
    let openai = try ProviderStub(
      replies: [.init(content: "I think revenue was about 5")],
      default: .init(content: "Here you go:\n```json\n{\"revenue\": 5.5, \"label\": \"high\"}\n```"))
    let project = try project(provider: "{type: http, format: openai, base_url: \"\(openai.url)\", model: gpt-test}")
    try enqueue(1, in: project)
    try drain(project)
    let connection = try database(project)
    #expect(try connection.scalar("SELECT state || ' ' || attempts FROM jobs_job WHERE id = 1")?.string == "succeeded 2")
    #expect(try connection.scalar("SELECT count(*) FROM work_extraction")?.int == 1)
    #expect(try connection.scalar("SELECT revenue || ' ' || label || ' ' || job_id FROM work_extraction WHERE document_id = 1")?.string == "5.5 high 1")
    let details = try self.details(1, project)
    let attempts = details["attempts"] as? [[String: Any]] ?? []
    #expect(attempts.count == 2)
    #expect((attempts.first?["error"] as? String)?.hasPrefix("the answer is not JSON (nor has a ```json block): I think revenue") == true, "\(attempts)")
    #expect(details["prompt"] as? String == "Revenue in: document 1")
    #expect(details["tokens_in"] as? Int == 11 && details["tokens_out"] as? Int == 7, "\(details)")
    #expect(details["latency_ms"] is Double)
    #expect((details["wrote"] as? [String: Any])?["model"] as? String == "work.Extraction")
    // The request carried the system prompt and the rendered prompt in OpenAI's shape.
    let body = openai.requests.last?.body ?? ""
    #expect(body.contains(#""role": "system", "content": "Answer with JSON.""#) && body.contains("Revenue in: document 1"), "\(body)")
    #expect(openai.requests.allSatisfy { $0.path == "/v1/chat/completions" })

    // Anthropic's format, the same task: one attempt, its usage kept.
    let anthropic = try ProviderStub(default: .init(content: "{\"revenue\": 2, \"label\": \"low\"}"))
    let second = try self.project(provider: "{type: http, format: anthropic, base_url: \"\(anthropic.url)\", model: claude-test}")
    try enqueue(1, in: second)
    try drain(second)
    #expect(try database(second).scalar("SELECT state || ' ' || attempts FROM jobs_job WHERE id = 1")?.string == "succeeded 1")
    #expect(try database(second).scalar("SELECT revenue FROM work_extraction")?.double == 2)
    #expect(try self.details(1, second)["tokens_in"] as? Int == 13)
    #expect(anthropic.requests.first?.path == "/v1/messages")
    #expect(anthropic.requests.first?.body.contains(#""system": "Answer with JSON.""#) == true)
  }

  @Test func aSchemaViolationOrAWriteTheModelRefusesIsKeptOnTheJobAndWritesNothing() throws {
    let stub = try ProviderStub(
      replies: [.init(content: "{\"revenue\": \"lots\"}"), .init(content: "{\"revenue\": 3, \"label\": \"enormous\"}")],
      default: .init(content: "{\"revenue\": \"still text\"}"))
    let project = try project(provider: "{type: http, format: anthropic, base_url: \"\(stub.url)\", model: m}")
    try enqueue(1, in: project)
    try drain(project)
    let connection = try database(project)
    #expect(try connection.scalar("SELECT state || ' ' || attempts FROM jobs_job WHERE id = 1")?.string == "dead 3")
    #expect(try connection.scalar("SELECT count(*) FROM work_extraction")?.int == 0)
    let errors = (try self.details(1, project)["attempts"] as? [[String: Any]] ?? []).map { $0["error"] as? String ?? "" }
    #expect(errors.count == 3)
    #expect(errors[0] == "the answer does not match output_schema: $.revenue is a string, not number", "\(errors)")
    // Valid JSON that the model's field rules refuse: the write is rolled back, Django's message kept.
    #expect(errors[1].hasPrefix("the write failed:") && errors[1].contains("Value 'enormous' is not a valid choice."), "\(errors)")
    #expect(try connection.scalar("SELECT last_error FROM jobs_job WHERE id = 1")?.string == errors[2])
  }

  @Test func aWorkerKilledAtRandomNeverWritesTwiceNorLeavesAWriteWithoutItsJob() throws {
    // create: every success adds a row, so a second write of one job would show.
    let stub = try ProviderStub(default: .init(content: "{\"revenue\": 1}", delay: 0.02))
    let project = try project(
      provider: "{type: http, format: openai, base_url: \"\(stub.url)\", model: m}",
      write: "model: work.Extraction\ncreate: {document: \"{{document.id}}\", revenue: \"{{output.revenue}}\", job_id: \"{{job.id}}\"}",
      documents: 12)
    try enqueue(12, in: project)
    for round in 0..<20 {
      let pid = try Manage.start(["worker", "--concurrency", "3", "--lease", "1s"], in: project.path, output: project.path + "/worker\(round)")
      usleep(UInt32.random(in: 20_000...250_000))
      kill(pid, SIGKILL)
      _ = Manage.wait(pid)
      // At every moment: a row exists only with its job succeeded, and never two for one job.
      let connection = try database(project)
      #expect(try connection.scalar("SELECT count(*) FROM work_extraction e JOIN jobs_job j ON j.id = e.job_id WHERE j.state != 'succeeded'")?.int == 0)
      #expect(try connection.scalar("SELECT count(*) FROM (SELECT job_id FROM work_extraction GROUP BY job_id HAVING count(*) > 1)")?.int == 0)
    }
    usleep(1_100_000)  // the killed workers' leases run out
    try drain(project)
    let connection = try database(project)
    #expect(try connection.scalar("SELECT count(*) FROM jobs_job WHERE state = 'succeeded'")?.int == 12)
    for document in 1...12 {
      #expect(try connection.scalar("SELECT count(*) FROM work_extraction WHERE document_id = ?", [.integer(Int64(document))])?.int == 1, "document \(document)")
    }
    // The provider may be asked more than once for a job (a kill after its answer): never more rows.
    #expect(stub.requests.count >= 12)
  }

  /// Another writer holds the database when the answer comes, briefly and then past the busy
  /// timeout (5 s): the worker waits, saying so, and commits the write with the job's success
  /// once the lock is free — one row each, nothing lost, no restart needed.
  @Test func aLockedDatabaseAtTheCommitIsWaitedFor() throws {
    let stub = try ProviderStub(default: .init(content: "{\"revenue\": 4}", delay: 1))
    let project = try project(provider: "{type: http, format: openai, base_url: \"\(stub.url)\", model: m}", documents: 2)
    let holder = try database(project)
    func holdWhileRunning(_ seconds: Double) throws {
      let deadline = Date().addingTimeInterval(10)
      while try holder.scalar("SELECT count(*) FROM jobs_job WHERE state = 'running'")?.int != 1 && Date() < deadline { usleep(20_000) }
      try holder.execute("BEGIN IMMEDIATE")
      usleep(UInt32(seconds * 1_000_000))
      try holder.execute("ROLLBACK")
    }
    for (document, seconds) in [(1, 2.0), (2, 7.0)] {
      #expect(try Manage.run(["enqueue", "extract", "document_id=\(document)"], in: project.path).status == 0)
      let worker = try Manage.start(["worker", "--burst"], in: project.path, output: project.path + "/worker\(document)")
      try holdWhileRunning(seconds)
      let status = Manage.wait(worker)
      let output = ((try? project.read("worker\(document).out")) ?? "") + ((try? project.read("worker\(document).err")) ?? "")
      #expect(status == 0, "\(output)")
      #expect(try holder.scalar("SELECT state || ' ' || attempts FROM jobs_job WHERE id = ?", [.integer(Int64(document))])?.string == "succeeded 1", "\(output)")
      #expect(try holder.scalar("SELECT count(*) FROM work_extraction WHERE document_id = ?", [.integer(Int64(document))])?.int == 1)
      if seconds > 5 {
        #expect(output.contains("waiting: the database is locked by another process"), "\(output)")
      }
    }
    #expect(stub.requests.count == 2, "each job asked the provider once")
  }

  @Test func twoWorkersSharingRateTenPerSecondNeverExceedIt() throws {
    let stub = try ProviderStub(default: .init(content: "{\"revenue\": 1}"))
    let project = try project(provider: "{type: http, format: openai, base_url: \"\(stub.url)\", model: m, rate: 10/s}", documents: 30)
    try enqueue(30, in: project)
    let first = try Manage.start(["worker", "--burst", "--concurrency", "4"], in: project.path, output: project.path + "/w1")
    let second = try Manage.start(["worker", "--burst", "--concurrency", "4"], in: project.path, output: project.path + "/w2")
    #expect(Manage.wait(first) == 0)
    #expect(Manage.wait(second) == 0)
    try drain(project)
    let starts = stub.requests.map(\.start).sorted()
    #expect(starts.count == 30)
    // Any ten calls on from one are a second apart (less a little for the loopback's jitter).
    for index in starts.indices.dropFirst(10) {
      #expect(starts[index] - starts[index - 10] >= 0.95, "calls \(index - 10) and \(index) were \(starts[index] - starts[index - 10]) s apart")
    }
    // Thirty calls at ten a second take about two seconds after the first ten: limited, not serial.
    #expect(starts.last! - starts.first! < 4)
  }

  @Test func concurrencyTwoNeverHasMoreThanTwoRequestsOpenAcrossWorkers() throws {
    let stub = try ProviderStub(default: .init(content: "{\"revenue\": 1}", delay: 0.2))
    let project = try project(provider: "{type: http, format: anthropic, base_url: \"\(stub.url)\", model: m, concurrency: 2}", documents: 10)
    try enqueue(10, in: project)
    let first = try Manage.start(["worker", "--burst", "--concurrency", "4"], in: project.path, output: project.path + "/w1")
    let second = try Manage.start(["worker", "--burst", "--concurrency", "4"], in: project.path, output: project.path + "/w2")
    #expect(Manage.wait(first) == 0)
    #expect(Manage.wait(second) == 0)
    try drain(project)
    let requests = stub.requests
    #expect(requests.count == 10)
    #expect(requests.map(\.open).max() == 2, "requests open at once: \(requests.map(\.open))")
    // Counted from the log too: at no start were two others still open.
    for request in requests {
      let overlapping = requests.filter { $0.start < request.start && $0.end > request.start }.count
      #expect(overlapping <= 1)
    }
    #expect(try database(project).scalar("SELECT count(*) FROM jobs_slot")?.int == 0, "every slot was given back")
  }

  @Test func a429WithRetryAfterPausesTheProviderForEveryWorker() throws {
    let stub = try ProviderStub(
      replies: [.init(status: 429, content: "", headers: ["retry-after": "1"])], default: .init(content: "{\"revenue\": 1}"))
    let project = try project(provider: "{type: http, format: openai, base_url: \"\(stub.url)\", model: m}", documents: 2)
    let enqueued = try Manage.run(["enqueue", "extract", "document_id=1"], in: project.path)
    #expect(enqueued.status == 0, "\(enqueued.stderr)")
    let first = try Manage.start(["worker", "--burst"], in: project.path, output: project.path + "/w1")
    for _ in 0..<100 where stub.requests.isEmpty { usleep(20_000) }
    let refused = try #require(stub.requests.first)
    #expect(refused.status == 429)
    // A second worker, with a job of its own, starts after the 429: it waits out the pause too.
    #expect(try Manage.run(["enqueue", "extract", "document_id=2"], in: project.path).status == 0)
    let second = try Manage.run(["worker", "--burst"], in: project.path)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(Manage.wait(first) == 0)
    let later = stub.requests.dropFirst()
    #expect(later.count == 2)
    for request in later {
      #expect(request.start - refused.end >= 0.9, "a call went \(request.start - refused.end) s after the 429's retry-after: 1")
    }
    #expect(try database(project).scalar("SELECT count(*) FROM jobs_job WHERE state = 'succeeded'")?.int == 2)
  }

  @Test func mistakesInAnLLMTaskNameTheirPlace() throws {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", "installed_apps: [jobs, work]\nproviders:\n  model: {type: echo}\n")
    try project.write("work/models.yaml", Self.models)
    try project.write("work/migrations/.gitkeep", "")
    #expect(try Manage.run(["makemigrations", "-v", "0"], in: project.path).status == 0)
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    let cases: [(String, String)] = [
      ("llm: {provider: modle}\n    prompt: x", "work/tasks.yaml:3:21: unknown provider 'modle'. Did you mean 'model'?"),
      ("llm: {provider: model}\n    prompt: \"{{documnt.body}}\"\n    input: {model: work.Document, pk: \"{{payload.id}}\"}",
       "work/tasks.yaml:4:13: {{documnt.body}}: there is no 'documnt' here. Did you mean 'document'?"),
      ("llm: {provider: model}\n    prompt: x\n    input: {model: work.Documnt, pk: \"{{payload.id}}\"}", "work/tasks.yaml:5:20: task 'extract': there is no model work.Documnt"),
      ("llm: {provider: model}\n    prompt: x\n    write: {model: work.Extraction, create: {revenu: 1}}", "task 'extract': work.Extraction has no field 'revenu'"),
      ("llm: {provider: model}\n    command: [x]\n    prompt: x", "work/tasks.yaml:4:5: task 'extract' has both `llm:` and `command:`"),
      ("llm: {provider: model}\n    prompt: x\n    protocol: jsonl", "work/tasks.yaml:5:5: 'protocol' is not an option of a llm task"),
      ("llm: {provider: model}\n    prompt: \"{{payload.x\"", "work/tasks.yaml:4:13: the template has '{{' without a closing '}}'"),
    ]
    for (settings, message) in cases {
      try project.write("work/tasks.yaml", "tasks:\n  extract:\n    \(settings)\n")
      let result = try Manage.run(["enqueue", "extract"], in: project.path)
      #expect(result.status != 0)
      #expect(result.stderr.contains(message), "\(settings)\n\(result.stderr)")
    }
    // A key=value number the payload could not keep as typed is refused, as --payload's is.
    try project.write("work/tasks.yaml", "tasks:\n  extract:\n    llm: {provider: model}\n    prompt: x\n")
    for number in ["9223372036854775808", "-9223372036854775809", "1e400"] {
      let result = try Manage.run(["enqueue", "extract", "id=\(number)"], in: project.path)
      #expect(result.status == 2 && result.stderr.contains("id=\(number): the number \(number) is past what a payload keeps exactly"), "\(result.stderr)")
    }
    #expect(try Manage.run(["enqueue", "extract", "id=9223372036854775807", "-v", "0"], in: project.path).stdout == "1\n")
  }
}

/// `manage evals run` against a manage.yaml provider honours its shared limits too.
@Suite("evals: shared provider limits", .serialized)
struct EvalsSharedLimitsEndToEndTests {
  @Test func aSuiteOnANamedProviderKeepsToItsConcurrency() throws {
    let stub = try ProviderStub(default: .init(content: "{\"ok\": true}", delay: 0.15))
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", "installed_apps: [jobs, evals, work]\nproviders:\n  model: {type: http, format: openai, base_url: \"\(stub.url)\", model: m, concurrency: 1}\n")
    try project.write("work/evals/limited.yaml", "provider: model\nprompt: \"{{q}}\"\ncases: [\(( 1...6).map { "{id: c\($0), vars: {q: q\($0)}}" }.joined(separator: ", "))]\nscorers: [{type: is_json}]\n")
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    let run = try Manage.run(["evals", "run", "limited", "-j", "4"], in: project.path)
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    #expect(run.stdout.contains("6/6 passed"))
    #expect(stub.requests.count == 6)
    #expect(stub.requests.map(\.open).max() == 1, "requests open at once: \(stub.requests.map(\.open))")
  }
}
