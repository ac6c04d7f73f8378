import Foundation
import Testing
import ManageCore

/// The queue as operators run it: worker processes killed with -9 and restarted, several
/// workers on one database, and bad input at the command line.
@Suite("jobs: crash safety and concurrency", .serialized)
struct JobsEndToEndTests {
  /// A project with the jobs app and a `record` task that appends the job's id to runs.txt.
  func project(jobs count: Int) throws -> TemporaryDirectory {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", "installed_apps: [jobs, work]\n")
    try project.write("work/tasks.yaml", """
      tasks:
        record:
          command: [/bin/sh, -c, 'echo "$MANAGE_JOB_ID" >> runs.txt']
          max_retries: 10
          retry_delay: 100ms
        missing_program:
          command: [/no/such/program]
          max_retries: 0
      """)
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    guard count > 0 else { return project }
    let connection = try Connection(path: project.path + "/db.sqlite3")
    try connection.execute("""
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))
      INSERT INTO jobs_job (task, queue, payload, state, priority, attempts, max_retries, run_at, last_error, created_at, updated_at)
      SELECT 'record', 'default', '{}', 'ready', 0, 0, 10, '2026-01-01 00:00:00', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n
      """)
    return project
  }

  /// Runs per job id, from the side file.
  func runs(_ project: TemporaryDirectory) throws -> [Int: Int] {
    var counts: [Int: Int] = [:]
    for line in try project.read("runs.txt").split(separator: "\n") { counts[Int(line)!, default: 0] += 1 }
    return counts
  }

  func waitUntilFinished(_ connection: Connection, total: Int, seconds: Double) throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if try connection.scalar("SELECT count(*) FROM jobs_job WHERE state IN ('succeeded', 'dead')")?.int == total { return true }
      usleep(100_000)
    }
    return false
  }

  @Test func killedWorkersLoseNoJobAndRerunOnlyWhatWasInFlight() throws {
    let total = 5000
    let project = try project(jobs: total)
    let connection = try Connection(path: project.path + "/db.sqlite3")
    // A lease short enough that the killed worker's jobs come back within seconds, long
    // enough that a busy 2-core machine never starves a live worker's heartbeat past it.
    let arguments = ["worker", "--concurrency", "4", "--lease", "3s", "-v", "0"]
    var victim = try Manage.start(arguments, in: project.path, output: project.path + "/victim")
    let steady = try Manage.start(arguments, in: project.path, output: project.path + "/steady")
    var inFlight = Set<Int>()
    func running(_ pid: pid_t) throws -> Set<Int> {
      Set(try connection.query("SELECT id FROM jobs_job WHERE state = 'running' AND lease_owner LIKE ?", [.text("%:\(pid):%")]).compactMap { $0[0].int })
    }
    for round in 0..<4 {
      usleep(useconds_t(400_000 + round * 150_000))
      inFlight.formUnion(try running(victim))
      kill(victim, SIGKILL)
      _ = Manage.wait(victim)
      // What the dead worker held is exactly what was in flight when it died.
      inFlight.formUnion(try running(victim))
      victim = try Manage.start(arguments, in: project.path, output: project.path + "/victim\(round)")
    }
    let finished = try waitUntilFinished(connection, total: total, seconds: 180)
    for pid in [victim, steady] { kill(pid, SIGTERM) }
    #expect(Manage.wait(victim) == 0)
    #expect(Manage.wait(steady) == 0)
    #expect(finished, "every job finished")
    #expect(try connection.scalar("SELECT count(*) FROM jobs_job WHERE state = 'succeeded'")?.int == total, "none lost, none dead")
    #expect(try connection.scalar("SELECT count(*) FROM jobs_job WHERE state = 'running'")?.int == 0, "none stays running")
    let counts = try runs(project)
    #expect(counts.count == total, "every job ran")
    let repeated = Set(counts.filter { $0.value > 1 }.keys)
    #expect(repeated.isSubset(of: inFlight), "jobs run twice: \(repeated.subtracting(inFlight).sorted().prefix(10)) were not in flight at a kill")
    print("kill -9 x4: \(inFlight.count) jobs in flight at the kills, \(repeated.count) ran twice")
  }

  @Test func fourWorkersNeverRunTheSameJob() throws {
    let total = 1000
    let project = try project(jobs: total)
    let connection = try Connection(path: project.path + "/db.sqlite3")
    let workers = try (0..<4).map { try Manage.start(["worker", "--concurrency", "3", "--burst", "-v", "0"], in: project.path, output: project.path + "/worker\($0)") }
    for pid in workers { #expect(Manage.wait(pid) == 0) }
    #expect(try waitUntilFinished(connection, total: total, seconds: 5))
    let counts = try runs(project)
    #expect(counts.count == total)
    #expect(counts.values.allSatisfy { $0 == 1 }, "each job ran exactly once")
  }

  /// The essay's shape: a Python script that reads and writes the database itself.
  @Test func theDemoScriptTaskExtractsGuidanceAndRetriesARateLimit() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    #expect(try Manage.run(["makemigrations", "-v", "0"], in: project.path).status == 0)
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    #expect(try Manage.run(["shell", "-c", """
      Document.objects.create(title='Q3 call', checksum='a1', content='We expect revenue of $4.1 to $4.4 billion.')
      Document.objects.create(title='Flaky', checksum='b2', content='FLAKY. Guidance: revenue of 120 - 135 million.')
      """], in: project.path).status == 0)
    #expect(try Manage.run(["enqueue", "extract_guidance_script", "document_id=1"], in: project.path).stdout == "Enqueued job 1 (extract_guidance_script on queue default).\n")
    #expect(try Manage.run(["enqueue", "extract_guidance_script", "document_id=2", "-v", "0"], in: project.path).stdout == "2\n")
    #expect(try Manage.run(["enqueue", "extract_guidance_script", "document_id=1"], in: project.path).stdout.contains("Job 1 (extract_guidance_script) is already queued"), "the task is unique")
    // Three claims: both documents, then the flaky one's retry a few seconds later.
    let worker = try Manage.run(["worker", "--max-jobs", "3"], in: project.path)
    #expect(worker.status == 0)
    #expect(worker.stderr.contains("job 2 extract_guidance_script attempt 1/4: failed, retry in"))
    #expect(worker.stderr.contains("HTTP 429 from the model provider"))
    #expect(worker.stderr.contains("job 2 extract_guidance_script attempt 2/4: succeeded"))
    let rows = try Manage.run(["shell", "--format", "csv", "-c", "Extraction.objects.order_by('document_id').values_list('document__title', 'output', 'job_id')"], in: project.path)
    #expect(rows.stdout == "document__title,output,job_id\r\nQ3 call,\"{\"\"revenue_low\"\": 4.1, \"\"revenue_high\"\": 4.4, \"\"unit\"\": \"\"billion\"\"}\",1\r\nFlaky,\"{\"\"revenue_low\"\": 120.0, \"\"revenue_high\"\": 135.0, \"\"unit\"\": \"\"million\"\"}\",2\r\n")
  }

  /// The same feature as an llm task against the demo's recorded provider: the write and the
  /// job's success in one transaction, the prompt and answer kept on the job.
  @Test func theDemoLLMTaskWritesTheExtractionWithItsJob() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    #expect(try Manage.run(["makemigrations", "-v", "0"], in: project.path).status == 0)
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    #expect(try Manage.run(["shell", "-c", """
      Document.objects.create(title='Acme', checksum='a1', content='Acme Q1 earnings call. For the full year we expect revenue of $78.1 to $88.4 billion, driven by cloud.')
      Document.objects.create(title='Unknown', checksum='b2', content='Nothing recorded for this one.')
      """], in: project.path).status == 0)
    #expect(try Manage.run(["enqueue", "extract_guidance", "--jsonl", "-"], in: project.path, stdin: "{\"document_id\": 1}\n{\"document_id\": 2}\n{\"document_id\": 3}\n").status == 0)
    let worker = try Manage.run(["worker", "--burst"], in: project.path)
    #expect(worker.stderr.contains("job 1 extract_guidance attempt 1/4: succeeded, wrote"), "\(worker.stderr)")
    #expect(worker.stderr.contains("job 2 extract_guidance attempt 1/4: failed, retry in"), "\(worker.stderr)")
    #expect(worker.stderr.contains("no recorded answer for the prompt 'Nothing recorded for this one.'"))
    // A document that does not exist is not retried: asking again will not make it.
    #expect(worker.stderr.contains("job 3 extract_guidance attempt 1/4: failed, dead: documents.Document with pk 3 does not exist"), "\(worker.stderr)")
    let rows = try Manage.run(["shell", "--format", "csv", "-c", "Extraction.objects.values_list('document__title', 'kind', 'confidence', 'job_id')"], in: project.path)
    #expect(rows.stdout == "document__title,kind,confidence,job_id\r\nAcme,guidance,0.9,1\r\n", "\(rows.stdout)")
    let shown = try Manage.run(["jobs", "show", "1", "--format", "json"], in: project.path)
    guard case .dict(let job)? = try? ModelValue(json: shown.stdout), case .dict(let details)? = job["details"] else {
      Issue.record("no details: \(shown.stdout.prefix(300))")
      return
    }
    #expect(details["system"] == .text("Extract the revenue guidance as JSON with revenue_low, revenue_high, unit and confidence."))
    #expect(details["prompt"]?.str.hasPrefix("Acme Q1 earnings call.") == true)
    #expect(details["wrote"] == .dict(OrderedDictionary([("model", .text("documents.Extraction")), ("pk", .int(1)), ("created", .bool(true))])))
  }

  @Test func aStoppedWorkerGivesBackWhatItCouldNotFinish() throws {
    let project = try project(jobs: 0)
    try project.write("work/tasks.yaml", "tasks:\n  nap:\n    command: [/bin/sh, -c, 'echo $$ > nap.pid; exec sleep 60']\n")
    #expect(try Manage.run(["enqueue", "nap", "-v", "0"], in: project.path).stdout == "1\n")
    let worker = try Manage.start(["worker", "--grace", "1s"], in: project.path, output: project.path + "/worker")
    let connection = try Connection(path: project.path + "/db.sqlite3")
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline, !project.exists("nap.pid") { usleep(50_000) }
    #expect(try connection.scalar("SELECT state FROM jobs_job WHERE id = 1") == .text("running"))
    let stopped = Date()
    kill(worker, SIGTERM)
    #expect(Manage.wait(worker) == 0)
    #expect(Date().timeIntervalSince(stopped) < 5, "the grace period, not the 60 s nap")
    let row = try #require(try connection.query("SELECT state, attempts, lease_owner FROM jobs_job WHERE id = 1").first)
    #expect(row[0] == .text("ready") && row[1] == .integer(0) && row[2] == .null, "given back unrun")
    let napper = try project.read("nap.pid").trimmingCharacters(in: .whitespacesAndNewlines)
    // Gone, or a zombie waiting for init to reap it: either way no longer running.
    func alive() -> Bool {
      guard let stat = try? String(contentsOfFile: "/proc/\(napper)/stat", encoding: .utf8) else { return false }
      return !stat.contains(") Z ")
    }
    let killDeadline = Date().addingTimeInterval(3)
    while alive() && Date() < killDeadline { usleep(50_000) }
    #expect(!alive(), "its process was killed with it")
    #expect(try project.read("worker.err").contains("released 1 job(s) still running after the grace period: 1"))
  }

  /// Issue 13: durations and numbers past any range are exit 2 naming the option (or check's
  /// error with the file's place), never a trap.
  @Test func hugeDurationsAndNumbersAreRefusedWithTheirName() throws {
    let project = try project(jobs: 0)
    let delay = try Manage.run(["enqueue", "record", "--delay", "99999999999999999s"], in: project.path)
    #expect(delay.status == 2 && delay.stderr.contains("--delay must be a duration such as"), "\(delay.stderr)")
    let purge = try Manage.run(["jobs", "purge", "--older-than", "99999999999999999d"], in: project.path)
    #expect(purge.status == 2 && purge.stderr.contains("--older-than must be a duration"), "\(purge.stderr)")
    let priority = try Manage.run(["enqueue", "record", "--priority", "9223372036854775807"], in: project.path)
    #expect(priority.status == 2 && priority.stderr.contains("--priority must be a whole number from -1000000 to 1000000"), "\(priority.stderr)")
    let past = try Manage.run(["enqueue", "record", "--priority", "99999999999999999999"], in: project.path)
    #expect(past.status != 0 && !past.stderr.isEmpty && past.status < 128, "a clear refusal, not a signal: \(past.status)")
    try project.write("work/tasks.yaml", "tasks:\n  record:\n    command: [true]\n    retry_delay: 99999999999999999999s\n")
    let check = try Manage.run(["check"], in: project.path)
    #expect(check.status == 1 && check.stderr.contains("work/tasks.yaml:4:18") && check.stderr.contains("'retry_delay' must be a duration"), "\(check.stderr)")
  }

  /// Issue 13: a second SIGTERM stops at once, and the killed run is counted once, as released.
  @Test func aSecondSIGTERMCountsTheReleasedJobOnce() throws {
    let project = try project(jobs: 0)
    try project.write("work/tasks.yaml", "tasks:\n  nap:\n    command: [/bin/sh, -c, 'echo $$ > nap.pid; exec sleep 60']\n")
    #expect(try Manage.run(["enqueue", "nap", "-v", "0"], in: project.path).stdout == "1\n")
    let worker = try Manage.start(["worker", "--grace", "30s"], in: project.path, output: project.path + "/worker")
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline, !project.exists("nap.pid") { usleep(50_000) }
    kill(worker, SIGTERM)
    usleep(300_000)
    kill(worker, SIGTERM)
    #expect(Manage.wait(worker) == 0)
    let log = try project.read("worker.err")
    #expect(log.contains("worker done: 0 succeeded, 0 to retry, 0 dead, 1 released"), "\(log)")
  }

  @Test func enqueueJSONLinesAddsEveryPayloadOrNone() throws {
    let project = try project(jobs: 0)
    let lines = (1...25_000).map { "{\"n\": \($0)}" }.joined(separator: "\n") + "\n\n"
    try project.write("payloads.jsonl", lines)
    let added = try Manage.run(["enqueue", "record", "--jsonl", "payloads.jsonl"], in: project.path)
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stdout == (1...25_000).map(String.init).joined(separator: "\n") + "\n", "one id a line, in file order, across three batches")
    let connection = try Connection(path: project.path + "/db.sqlite3")
    #expect(try connection.scalar("SELECT payload FROM jobs_job WHERE id = 25000")?.string == #"{"n": 25000}"#)
    // From standard input, as JSON.
    let piped = try Manage.run(["enqueue", "record", "--jsonl", "-", "--format", "json", "--priority", "5"], in: project.path, stdin: "{\"a\": 1}\r\n{\"a\": 2}\n")
    #expect(piped.stdout == #"[{"id": 25001, "status": "queued", "task": "record"}, {"id": 25002, "status": "queued", "task": "record"}]"# + "\n", "\(piped.stderr)")
    #expect(try connection.scalar("SELECT count(*) FROM jobs_job WHERE priority = 5")?.int == 2)
    // A bad line anywhere is an error at its line and column, and nothing is added.
    try project.write("bad.jsonl", "{\"a\": 1}\n\n{\"a\": tru}\n")
    let bad = try Manage.run(["enqueue", "record", "--jsonl", "bad.jsonl"], in: project.path)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("error: bad.jsonl:3:10: not valid JSON"), "\(bad.stderr)")
    let array = try Manage.run(["enqueue", "record", "--jsonl", "-"], in: project.path, stdin: "{}\n[1, 2]\n")
    #expect(array.stderr.contains("error: <stdin>:2:1: each line must be a JSON object such as {\"document_id\": 7}, not an array"), "\(array.stderr)")
    #expect(try connection.scalar("SELECT count(*) FROM jobs_job")?.int == 25_002, "nothing added by the bad files")
    // Numbers a payload cannot keep as written are refused, not stored rounded or as null.
    let huge = try Manage.run(["enqueue", "record", "--jsonl", "-"], in: project.path, stdin: "{\"n\": 9223372036854775807, \"f\": 1e300}\n{\"n\": 18446744073709551616}\n")
    #expect(huge.status == 2 && huge.stderr.contains("error: <stdin>:2:7: the number 18446744073709551616 is past what a payload keeps exactly"), "\(huge.stderr)")
    let infinite = try Manage.run(["enqueue", "record", "--payload", "{\"x\": [1e400]}"], in: project.path)
    #expect(infinite.status == 2 && infinite.stderr.contains("--payload is not valid JSON: Number 1e400 is not representable"), "\(infinite.stderr)")
    let big = try Manage.run(["enqueue", "record", "--payload", "{\"x\": -9223372036854775809}"], in: project.path)
    #expect(big.status == 2 && big.stderr.contains("--payload: the number -9223372036854775809 is past what a payload keeps exactly"), "\(big.stderr)")
    let both = try Manage.run(["enqueue", "record", "--jsonl", "bad.jsonl", "n=1"], in: project.path)
    #expect(both.status == 2 && both.stderr.contains("Give --jsonl, or --payload or key=value fields, not both."))
    let missing = try Manage.run(["enqueue", "record", "--jsonl", "nope.jsonl"], in: project.path)
    #expect(missing.status == 2 && missing.stderr.contains("--jsonl: cannot read 'nope.jsonl'"))
  }

  @Test func enqueueAndWorkerReportBadInputAndKeepGoing() throws {
    let project = try project(jobs: 0)
    let unknown = try Manage.run(["enqueue", "recrod"], in: project.path)
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("error: Unknown task 'recrod'. Did you mean 'record'?"))
    let badJSON = try Manage.run(["enqueue", "record", "--payload", "{\"document_id\": 7"], in: project.path)
    #expect(badJSON.status == 2)
    #expect(badJSON.stderr.contains("--payload is not valid JSON"))
    let first = try Manage.run(["enqueue", "missing_program", "-v", "0"], in: project.path)
    let second = try Manage.run(["enqueue", "record", "document_id=7", "--format", "json"], in: project.path)
    #expect(first.stdout == "1\n")
    #expect(second.stdout == "{\"id\": 2, \"status\": \"queued\", \"task\": \"record\"}\n")
    let worker = try Manage.run(["worker", "--burst"], in: project.path)
    #expect(worker.status == 0)
    #expect(worker.stderr.contains("job \(first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) missing_program attempt 1/1: failed, dead: could not start /no/such/program: No such file or directory"))
    #expect(worker.stderr.contains("job 2 record attempt 1/11: succeeded"))
    let shown = try Manage.run(["jobs", "show", "1", "--format", "json"], in: project.path)
    #expect(shown.stdout.contains("\"state\": \"dead\""))
    let listed = try Manage.run(["jobs", "list", "--state", "dead"], in: project.path)
    #expect(listed.stdout.contains("missing_program"))
    #expect(try Manage.run(["jobs", "retry", "1"], in: project.path).stdout == "Job 1 is ready to run again.\n")
    #expect(try Manage.run(["jobs", "cancel", "1", "--format", "json"], in: project.path).stdout == "{\"id\": 1, \"state\": \"cancelled\"}\n")
    let purge = try Manage.run(["jobs", "purge", "--older-than", "0s"], in: project.path)
    #expect(purge.stdout == "Deleted 2 finished job(s) older than 0s.\n")
    let badTasks = try TemporaryDirectory()
    try badTasks.write("manage.yaml", "installed_apps: [jobs, work]\n")
    try badTasks.write("work/tasks.yaml", "tasks:\n  sync:\n    command: [true]\n")
    #expect(try Manage.run(["migrate", "-v", "0"], in: badTasks.path).status == 0)
    try badTasks.write("work/tasks.yaml", "tasks:\n  sync:\n    comand: [true]\n")
    let malformed = try Manage.run(["enqueue", "sync"], in: badTasks.path)
    #expect(malformed.status == 1)
    #expect(malformed.stderr.contains("error: work/tasks.yaml:3:5: unknown task option 'comand'"))
    #expect(malformed.stderr.contains("Did you mean 'command'?"))
    // `manage check` reports it too, and a program that is not there.
    let checked = try Manage.run(["check"], in: badTasks.path)
    #expect(checked.status == 1)
    #expect(checked.stderr.contains("work/tasks.yaml:3:5: tasks: (jobs.E001) unknown task option 'comand'"))
    try badTasks.write("work/tasks.yaml", "tasks:\n  sync:\n    command: [no-such-program-here]\n")
    let warned = try Manage.run(["check"], in: badTasks.path)
    #expect(warned.status == 0)
    #expect(warned.stderr.contains("work/tasks.yaml:2:3: work.sync: (jobs.W001) Task 'sync' runs 'no-such-program-here', which is not on PATH."))
  }
}

/// `schedule:` and `every:`: any number of workers, each tick enqueued once.
@Suite("jobs: schedules", .serialized)
struct JobsScheduleEndToEndTests {
  @Test func threeWorkersEnqueueEachTickOfEveryTwoSecondsOnce() throws {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", "installed_apps: [jobs, work]\ntime_zone: Europe/Paris\n")
    try project.write("work/tasks.yaml", """
      tasks:
        tick:
          command: [/bin/true]
          every: 2s
        nightly:
          command: [/bin/true]
          schedule: "30 2 * * *"
      """)
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    let started = Date()
    let workers = try (0..<3).map { try Manage.start(["worker"], in: project.path, output: project.path + "/w\($0)") }
    usleep(10_000_000)
    for worker in workers { kill(worker, SIGTERM) }
    for worker in workers { #expect(Manage.wait(worker) == 0) }
    let elapsed = Date().timeIntervalSince(started)
    let connection = try Connection(path: project.path + "/db.sqlite3")
    let ticks = try connection.query("SELECT unique_key, count(*) FROM jobs_job WHERE task = 'tick' GROUP BY unique_key")
    #expect(ticks.allSatisfy { $0[1].int == 1 }, "a tick was enqueued twice: \(ticks.map { $0[0].string ?? "" })")
    // One tick per two seconds the workers ran (the first at start), whichever worker saw it.
    #expect(ticks.count >= 4 && Double(ticks.count) <= elapsed / 2 + 2, "\(ticks.count) ticks in \(elapsed) s")
    #expect(try connection.scalar("SELECT count(*) FROM jobs_job WHERE task = 'tick' AND state = 'succeeded'")?.int ?? 0 >= ticks.count - 1)
    // The nightly run missed while no worker ran is enqueued once, not once per worker.
    #expect(try connection.scalar("SELECT count(*) FROM jobs_job WHERE task = 'nightly'")?.int == 1)
    let listed = try Manage.run(["jobs", "schedule"], in: project.path)
    #expect(listed.status == 0)
    #expect(listed.stdout.contains("next run (Europe/Paris)"), "\(listed.stdout)")
    #expect(listed.stdout.contains("nightly  30 2 * * * (Europe/Paris)"), "\(listed.stdout)")
    #expect(listed.stdout.contains(" 02:30:00"), "\(listed.stdout)")
    // A restart after downtime: still one nightly job, the tick of last night.
    #expect(try Manage.run(["worker", "--burst"], in: project.path).status == 0)
    #expect(try connection.scalar("SELECT count(*) FROM jobs_job WHERE task = 'nightly'")?.int == 1)
  }

  @Test func aBadScheduleIsAnErrorAtItsPlace() throws {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", "installed_apps: [jobs, work]\n")
    try project.write("work/tasks.yaml", "tasks:\n  t:\n    command: [/bin/true]\n    schedule: \"*/15 * * *\"\n")
    let result = try Manage.run(["check"], in: project.path)
    #expect(result.status != 0)
    #expect((result.stdout + result.stderr).contains("work/tasks.yaml:4:15: tasks: (jobs.E001) schedule '*/15 * * *': a cron schedule has 5 fields"), "\(result.stdout)\(result.stderr)")
  }
}
