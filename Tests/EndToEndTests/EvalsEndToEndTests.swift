import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import ManageCore

/// `manage evals` as CI runs it: exit codes, machine-readable reports, baselines, the cache,
/// and an interrupted run.
@Suite("evals", .serialized)
struct EvalsEndToEndTests {
  /// The demo project, migrated.
  func demo() throws -> TemporaryDirectory {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    #expect(try Manage.run(["makemigrations", "-v", "0"], in: project.path).status == 0)
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    return project
  }

  @Test func theDemoSuitePassesItsGateAndReportsAsJSONAndJUnit() throws {
    let project = try demo()
    let result = try Manage.run(["evals", "run", "guidance", "--format", "json"], in: project.path)
    #expect(result.status == 0, "\(result.stderr)")
    guard case .dict(let report)? = try? ModelValue(json: result.stdout), case .list(let runs)? = report["runs"], case .dict(let run)? = runs.first else {
      Issue.record("not JSON: \(result.stdout.prefix(300))")
      return
    }
    #expect(report["exit_code"] == .int(0))
    #expect(run["passed"] == .int(28) && run["failed"] == .int(2) && run["errors"] == .int(0))
    #expect(run["gate_passed"] == .bool(true))
    let junit = try Manage.run(["evals", "show", "latest", "--format", "junit"], in: project.path)
    let document = try XMLDocument(xmlString: junit.stdout)
    let suite = try #require(try document.nodes(forXPath: "/testsuites/testsuite").first as? XMLElement)
    #expect(suite.attribute(forName: "tests")?.stringValue == "30")
    #expect(suite.attribute(forName: "failures")?.stringValue == "2")
    #expect(try document.nodes(forXPath: "//testcase[failure]").count == 2)
    #expect(try document.nodes(forXPath: "//testcase[@name='wonka']/failure").count == 1)
    // The same answers come from the cache the second time, and the report says so.
    let cached = try Manage.run(["evals", "run", "guidance", "--baseline", "latest"], in: project.path)
    #expect(cached.status == 0, "\(cached.stdout)\(cached.stderr)")
    #expect(cached.stdout.contains("against run 1 (93.3%): 0 fixed, 0 regressed, 30 unchanged"))
    #expect(cached.stdout.contains("30 of 30 answer(s) from the cache"), "\(cached.stdout)")
    // Issue 13: editing what the provider answers from (here the recording) invalidates its
    // cached answers; the emptied recording has no answer for any case, more than
    // --max-errors: exit 3.
    let original = try project.read("documents/evals/recorded.jsonl")
    try project.write("documents/evals/recorded.jsonl", "")
    let edited = try Manage.run(["evals", "run", "guidance"], in: project.path)
    #expect(edited.status == 3, "stale answers must not pass the gate: \(edited.stdout)")
    #expect(edited.stdout.contains("0/0 passed (n/a), 30 error(s)"))
    // Put back, the recording's cached answers are good again.
    try project.write("documents/evals/recorded.jsonl", original)
    #expect(try Manage.run(["evals", "run", "guidance"], in: project.path).status == 0)
    // --no-cache asks it even then.
    let fresh = try Manage.run(["evals", "run", "guidance", "--no-cache"], in: project.path)
    #expect(fresh.status == 0 && !fresh.stdout.contains("from the cache"))
  }

  @Test func theGateAndRegressionsFailTheRun() throws {
    let project = try demo()
    #expect(try Manage.run(["evals", "run", "guidance", "-v", "0"], in: project.path).status == 0)
    let strict = try Manage.run(["evals", "run", "guidance", "--fail-under", "0.95"], in: project.path)
    #expect(strict.status == 1)
    #expect(strict.stdout.contains("gate 95.0%: FAILED"))
    // A worse model: one case that passed now fails.
    let recording = try project.read("documents/evals/recorded.jsonl")
    try project.write("documents/evals/recorded.jsonl", recording.replacingOccurrences(of: #"{\"revenue_low\": 78.1"#, with: #"{\"revenue_low\": 1.0"#))
    let regressed = try Manage.run(["evals", "run", "guidance", "--no-cache", "--baseline", "1", "--fail-on-regression", "--format", "markdown"], in: project.path)
    #expect(regressed.status == 1)
    #expect(regressed.stdout.contains("| guidance | 27/30 | 90.0% | ✅ 90.0% | 0 | 0 fixed, 1 regressed |"))
    #expect(regressed.stdout.contains("**guidance: regressed** — `acme`"))
    let compared = try Manage.run(["evals", "compare", "1", "3"], in: project.path)
    #expect(compared.stdout.contains("0 fixed, 1 regressed, 29 unchanged"))
    #expect(compared.stdout.contains("regressed: acme"))
  }

  @Test func aSuiteOverTheTaskScoresAsTheSameProviderAndPromptWrittenOut() throws {
    let project = try demo()
    // The task's provider, prompt and schema copied into a suite of their own.
    try project.write("documents/evals/copy.yaml", """
      provider: recorded
      prompt: "{{content}}"
      cases: guidance.jsonl
      scorers:
        - {type: json_schema, schema: {type: object, required: [revenue_low, revenue_high, unit, confidence]}}
        - type: is_json
        - {type: json_fields, fields: {revenue_low: {relative: 0.01}, revenue_high: {relative: 0.01}, unit: {}}, weight: 3}
      threshold: 0.9
      """)
    let task = try Manage.run(["evals", "run", "guidance", "--format", "json"], in: project.path)
    let copy = try Manage.run(["evals", "run", "copy", "--format", "json"], in: project.path)
    #expect(task.status == 0 && copy.status == 0, "\(task.stderr)\(copy.stderr)")
    func rate(_ text: String) -> ModelValue? {
      guard case .dict(let report)? = try? ModelValue(json: text), case .list(let runs)? = report["runs"], case .dict(let run)? = runs.first else { return nil }
      return run["pass_rate"]
    }
    #expect(rate(task.stdout) != nil && rate(task.stdout) == rate(copy.stdout), "\(task.stdout.prefix(300))\n\(copy.stdout.prefix(300))")
    // Changing the task's prompt changes what the suite asks: the suite tests the production prompt.
    let tasks = try project.read("documents/tasks.yaml")
    try project.write("documents/tasks.yaml", tasks.replacingOccurrences(of: #"prompt: "{{document.content}}""#, with: #"prompt: "Text: {{document.content}}""#))
    let changed = try Manage.run(["evals", "run", "guidance"], in: project.path)
    #expect(changed.status == 3, "\(changed.stdout)")
    #expect(changed.stdout.contains("30 error(s)"), "no recorded answer for the new prompt: \(changed.stdout)")
    // A suite naming what is not an llm task, or both a task and a prompt, says so.
    try project.write("documents/evals/bad.yaml", "task: documents.extract_guidance_script\ncases: [{id: a}]\n")
    #expect(try Manage.run(["evals", "run", "bad"], in: project.path).stderr.contains("task 'documents.extract_guidance_script' is not an llm task"))
    try project.write("documents/evals/bad.yaml", "task: documents.extract_guidanse\ncases: [{id: a}]\n")
    #expect(try Manage.run(["evals", "run", "bad"], in: project.path).stderr.contains("there is no task 'documents.extract_guidanse'. Did you mean 'documents.extract_guidance'?"))
    try project.write("documents/evals/bad.yaml", "task: documents.extract_guidance\nprompt: x\ncases: [{id: a}]\n")
    #expect(try Manage.run(["evals", "run", "bad"], in: project.path).stderr.contains("documents/evals/bad.yaml:2:1: a suite with `task:` uses the task's prompt"))
  }

  @Test func captureTurnsSucceededJobsIntoCasesASuiteOverTheTaskPasses() throws {
    let project = try demo()
    #expect(try Manage.run(["shell", "-c", """
      Document.objects.create(title='Acme', checksum='a', content='Acme Q1 earnings call. For the full year we expect revenue of $78.1 to $88.4 billion, driven by cloud.')
      Document.objects.create(title='Globex', checksum='g', content='Management reiterated guidance: revenue between 41.2 and 46.6 billion for fiscal 2027.')
      """], in: project.path).status == 0)
    #expect(try Manage.run(["enqueue", "extract_guidance", "--jsonl", "-"], in: project.path, stdin: "{\"document_id\": 1}\n{\"document_id\": 2}\n").status == 0)
    // One slot, so job 2 finishes last and is the one `--limit 1` keeps (newest finished first).
    #expect(try Manage.run(["worker", "--burst", "--concurrency", "1"], in: project.path).status == 0)
    let captured = try Manage.run(["evals", "capture", "documents.extract_guidance", "--since", "1h", "--limit", "1", "-o", "documents/evals/captured.jsonl"], in: project.path)
    #expect(captured.status == 0, "\(captured.stderr)")
    #expect(captured.stderr.contains("Captured 1 case(s) from succeeded extract_guidance jobs of the last 1h into documents/evals/captured.jsonl."))
    let lines = try project.read("documents/evals/captured.jsonl").split(separator: "\n")
    #expect(lines == [#"{"id": "job-2", "vars": {"content": "Management reiterated guidance: revenue between 41.2 and 46.6 billion for fiscal 2027."}, "expected": {"revenue_low": 41.2, "revenue_high": 46.6, "unit": "billion", "confidence": 0.9}, "tags": ["captured"]}"#])
    try project.write("documents/evals/captured.yaml", "task: documents.extract_guidance\ncases: captured.jsonl\nscorers: [{type: json_fields, fields: {revenue_low: {}, revenue_high: {}, unit: {}}}]\n")
    let run = try Manage.run(["evals", "run", "captured"], in: project.path)
    #expect(run.status == 0 && run.stdout.contains("1/1 passed"), "\(run.stdout)\(run.stderr)")
    // Only llm tasks have answers to capture.
    let script = try Manage.run(["evals", "capture", "extract_guidance_script"], in: project.path)
    #expect(script.status == 2 && script.stderr.contains("is not an llm task"))
  }

  @Test func aWorkerRunsASuiteAsTheEvalsRunTask() throws {
    let project = try demo()
    #expect(try Manage.run(["enqueue", "evals.run", "--payload", "{\"suite\": \"guidance\", \"filter\": \"a*\"}", "-v", "0"], in: project.path).stdout == "1\n")
    let worker = try Manage.run(["worker", "--burst", "--queue", "evals"], in: project.path)
    #expect(worker.stderr.contains("job 1 evals.run attempt 1/1: succeeded"), "\(worker.stderr)")
    let shown = try Manage.run(["jobs", "show", "1", "--format", "json"], in: project.path)
    guard case .dict(let job)? = try? ModelValue(json: shown.stdout), case .dict(let result)? = job["result"], case .list(let runs)? = result["runs"],
      case .dict(let run)? = runs.first
    else {
      Issue.record("no report in the job's result: \(shown.stdout.prefix(300))")
      return
    }
    #expect(run["suite"] == .text("guidance"))
    #expect(run["total"] == .int(2), "the filter a* keeps acme and aperture")
    #expect(result["exit_code"] == .int(0))
  }

  @Test func suiteErrorsAreExitTwoWithTheirPlace() throws {
    let project = try demo()
    try project.write("documents/evals/broken.yaml", "provider: echo\nprompt: '{{x}}'\ncases: [{id: a}]\nscorers: [{type: contain}]\n")
    let result = try Manage.run(["evals", "run", "broken"], in: project.path)
    #expect(result.status == 2)
    #expect(result.stderr.contains("error: documents/evals/broken.yaml:4:11: unknown scorer type 'contain'"))
    let unknown = try Manage.run(["evals", "run", "guidnce"], in: project.path)
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("Unknown suite 'guidnce'. Did you mean 'guidance'?"))
    // evals list names the broken suite with its error instead of listing it as runnable.
    let listed = try Manage.run(["evals", "list"], in: project.path)
    #expect(listed.status == 1)
    #expect(listed.stdout.contains("Suites: guidance (documents)") && !listed.stdout.contains("broken (documents)"), "\(listed.stdout)")
    #expect(listed.stderr.contains("broken suite broken (documents): documents/evals/broken.yaml:4:11: unknown scorer type 'contain'"), "\(listed.stderr)")
  }

  @Test func progressShowsOnATerminalOnly() throws {
    let project = try demo()
    // On a pseudo-terminal: cases done, the pass rate so far, an ETA.
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/pty_session.py").path
    let steps = String(decoding: try JSONSerialization.data(withJSONObject: [["gate 90.0%: PASSED", ""]]), as: UTF8.self)
    let result = try Manage.spawn(["python3", script, project.path, steps, Manage.binary, "evals", "run", "guidance", "--no-cache"], in: project.path, environment: Manage.baseEnvironment())
    let session = try JSONDecoder().decode(ShellEndToEndTests.Session.self, from: Data(result.stdout.utf8))
    #expect(session.steps_ok, "\(session.output)")
    #expect(session.output.contains("guidance: 30/30 done, 93.3% passing, ETA 0s"))
    // Piped: silence, only the report.
    let piped = try Manage.run(["evals", "run", "guidance"], in: project.path)
    #expect(!piped.stderr.contains("done,"))
  }

  @Test func anInterruptedRunKeepsWhatItFinished() throws {
    let project = try demo()
    try project.write("documents/evals/slow.yaml", """
      provider: {type: command, command: [/bin/sh, -c, 'sleep 0.3; cat']}
      prompt: "{{content}}"
      cases: guidance.jsonl
      scorers: [is_json]
      """)
    let pid = try Manage.start(["evals", "run", "slow", "-j", "2"], in: project.path, output: project.path + "/slow")
    usleep(1_500_000)
    kill(pid, SIGINT)
    #expect(Manage.wait(pid) == 130)
    let report = try project.read("slow.out")
    #expect(report.contains("interrupted:"))
    // A partial run never reads as a passed gate.
    #expect(!report.contains("PASSED") && report.contains("NOT RUN (interrupted)"), "\(report)")
    let connection = try Connection(path: project.path + "/db.sqlite3")
    let kept = try connection.scalar("SELECT count(*) FROM evals_evalresult")?.int ?? 0
    #expect(kept > 0 && kept < 30, "some results kept, not all run")
    #expect(try connection.scalar("SELECT status FROM evals_evalrun") == .text("interrupted"))
    #expect(report.contains("\(kept) finished result(s) kept, \(30 - kept) case(s) not run"))
  }
}
