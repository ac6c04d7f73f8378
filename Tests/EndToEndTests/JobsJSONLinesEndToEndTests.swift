import Foundation
import ManageCore
import Testing

/// `protocol: jsonl` command tasks: one long-lived process per worker slot, a JSON line per
/// job each way; crashes, hangs and garbage are failed attempts and fresh processes, and a
/// worker killed with -9 leaves no task process behind.
@Suite("jobs: long-lived jsonl task processes", .serialized)
struct JobsJSONLinesEndToEndTests {
  func project(timeout: String = "2s") throws -> TemporaryDirectory {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", "installed_apps: [jobs, work]\n")
    try project.write("work/jsonl_task.py", try String(contentsOfFile: Manage.repository + "/Tests/EndToEndTests/Support/jsonl_task.py", encoding: .utf8))
    try project.write("work/tasks.yaml", """
      tasks:
        echo:
          command: [python3, -S, work/jsonl_task.py, \(project.path.split(separator: "/").last!)]
          protocol: jsonl
          timeout: \(timeout)
          max_retries: 1
          retry_delay: 50ms
      """)
    #expect(try Manage.run(["migrate", "-v", "0"], in: project.path).status == 0)
    return project
  }

  func enqueue(_ payloads: [String], in project: TemporaryDirectory) throws {
    let result = try Manage.run(["enqueue", "echo", "--jsonl", "-"], in: project.path, stdin: payloads.joined(separator: "\n"))
    #expect(result.status == 0, "\(result.stderr)")
  }

  /// The task processes of this project still alive (their argv names the project's folder;
  /// pyenv's shim, a shell that execs python, is not one yet).
  func taskProcesses(_ project: TemporaryDirectory) -> [String] {
    let marker = String(project.path.split(separator: "/").last!)
    let listing = (try? Manage.spawn(["ps", "-eo", "pid,args"], in: "/", environment: Manage.baseEnvironment()).stdout) ?? ""
    return listing.split(separator: "\n").map(String.init).filter { $0.contains("jsonl_task.py") && $0.contains(marker) && !$0.contains("pyenv-exec") }
  }

  @Test func jobsShareProcessesAndFaultsAreAttemptsWithAFreshProcess() throws {
    let project = try project()
    try enqueue((1...20).map { "{\"n\": \($0)}" } + [#"{"mode": "crash"}"#, #"{"mode": "garbage"}"#, #"{"mode": "fail"}"#, #"{"mode": "hang"}"#], in: project)
    let worker = try Manage.run(["worker", "--burst", "--concurrency", "2"], in: project.path)
    #expect(worker.status == 0, "\(worker.stderr)")
    let connection = try Connection(path: project.path + "/db.sqlite3")
    // Twenty jobs over two slots: a couple of processes, not twenty.
    let pids = try connection.query("SELECT DISTINCT json_extract(result, '$.pid') FROM jobs_job WHERE id <= 20").count
    #expect(pids >= 1 && pids <= 3, "\(pids) processes ran the twenty jobs")
    #expect(try connection.scalar("SELECT count(*) FROM jobs_job WHERE id <= 20 AND state = 'succeeded' AND json_extract(result, '$.n') = id")?.int == 20)
    // The crash on attempt 1 is a failed attempt; attempt 2 runs in a new process and succeeds.
    #expect(try connection.scalar("SELECT state FROM jobs_job WHERE id = 21")?.string == "succeeded")
    #expect(worker.stderr.contains("job 21 echo attempt 1/2: failed, retry in"), "\(worker.stderr)")
    #expect(worker.stderr.contains("the task process exited with status 3 before answering"), "\(worker.stderr)")
    // Garbage: the line is kept on the job; a raised error is the job's error, stderr kept too.
    let garbage = try connection.scalar("SELECT last_error FROM jobs_job WHERE id = 22")?.string ?? ""
    #expect(garbage.contains("not {\"result\": …} or {\"error\": …}: not json at all"), "\(garbage)")
    #expect(try connection.scalar("SELECT last_error FROM jobs_job WHERE id = 23")?.string?.hasPrefix("ValueError: bad payload: about to fail") == true)
    // The hang is killed at its timeout.
    let hang = try connection.scalar("SELECT last_error FROM jobs_job WHERE id = 24")?.string ?? ""
    #expect(hang.hasPrefix("timed out after 2s and was killed"), "\(hang)")
    #expect(taskProcesses(project).isEmpty, "the worker stopped its processes: \(taskProcesses(project))")
  }

  @Test func aWorkerKilledWithMinus9LeavesNoTaskProcessAndItsJobsAreReclaimed() throws {
    let project = try project(timeout: "30s")
    try enqueue([#"{"mode": "sleep"}"#, #"{"mode": "sleep"}"#, #"{"n": 1}"#], in: project)
    let pid = try Manage.start(["worker", "--concurrency", "2", "--lease", "1s"], in: project.path, output: project.path + "/worker")
    var seen = 0
    for _ in 0..<100 where seen < 2 {
      usleep(100_000)
      seen = taskProcesses(project).count
    }
    #expect(seen == 2, "two task processes ran: \(taskProcesses(project).joined(separator: "\n"))")
    kill(pid, SIGKILL)
    _ = Manage.wait(pid)
    var left = taskProcesses(project)
    for _ in 0..<30 where !left.isEmpty {
      usleep(100_000)
      left = taskProcesses(project)
    }
    #expect(left.isEmpty, "no orphans: \(left)")
    // The leases expire and a new worker runs the jobs (the sleeps now answer at once).
    try project.write("work/jsonl_task.py", try project.read("work/jsonl_task.py").replacingOccurrences(of: "time.sleep(600)", with: "pass"))
    usleep(1_200_000)
    let again = try Manage.run(["worker", "--burst"], in: project.path)
    #expect(again.status == 0, "\(again.stderr)")
    let connection = try Connection(path: project.path + "/db.sqlite3")
    #expect(try connection.scalar("SELECT count(*) FROM jobs_job WHERE state = 'succeeded'")?.int == 3, "\(again.stderr)")
  }

  @Test func aBadProtocolIsAnErrorAtItsLine() throws {
    let project = try project()
    try project.write("work/tasks.yaml", "tasks:\n  echo:\n    command: [python3]\n    protocol: jsnl\n")
    let result = try Manage.run(["enqueue", "echo"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("work/tasks.yaml:4:15: unknown protocol 'jsnl'"), "\(result.stderr)")
    #expect(result.stderr.contains("Did you mean 'jsonl'?"), "\(result.stderr)")
  }
}
