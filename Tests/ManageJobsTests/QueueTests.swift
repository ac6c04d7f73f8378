import Foundation
import Testing
import ManageCore
@testable import ManageJobs

@Suite("Job queue and worker")
struct QueueTests {
  @Test func retriesBackOffExponentiallyThenTheJobIsDead() async throws {
    let f = try QueueFixture()
    let always = QueueFixture.task("always_fails", maxRetries: 2, retryDelay: 10) { _ in throw TaskFailure(description: "upstream said 503") }
    let (id, _) = try f.queue.enqueue(.init(task: always))
    // Attempt 1 fails: retry after 10s * 2^0 plus jitter (0.5 of 10s here).
    #expect(try await f.work([always], random: 0.5) == Worker.Summary(succeeded: 0, retried: 1, dead: 0, released: 0))
    var job = try #require(try f.queue.job(id))
    #expect(job.state == .retrying)
    #expect(job.attempts == 1)
    #expect(job.lastError == "upstream said 503")
    #expect(job.runAt.microsecondsSinceEpoch - f.now.microsecondsSinceEpoch == 15_000_000)
    // Not yet due: nothing runs.
    #expect(try await f.work([always]).claimed == 0)
    f.advance(15)
    #expect(try await f.work([always], random: 0).retried == 1)
    job = try #require(try f.queue.job(id))
    #expect(job.runAt.microsecondsSinceEpoch - f.now.microsecondsSinceEpoch == 20_000_000, "10s * 2^1")
    f.advance(20)
    #expect(try await f.work([always]).dead == 1, "max_retries 2: three attempts in all")
    job = try #require(try f.queue.job(id))
    #expect(job.state == .dead && job.attempts == 3 && job.finishedAt != nil)
    // The operator retries it: ready again with its attempts reset.
    try f.queue.retry(id)
    #expect(try f.state(id) == .ready)
    #expect(try f.queue.retryDead() == 0)
  }

  @Test func fixedBackoffWaitsTheSameEachTime() async throws {
    var task = TaskDefinition(name: "t", body: .closure({ _ in .null }))
    task.retryDelay = 30
    task.backoff = .fixed
    #expect(task.retryDelay(afterAttempt: 1, random: 0.9) == 30)
    #expect(task.retryDelay(afterAttempt: 4, random: 0.9) == 30)
    task.backoff = .exponential
    #expect(task.retryDelay(afterAttempt: 4, random: 0) == 240)
    #expect(task.retryDelay(afterAttempt: 4, random: 0.5) == 255)
  }

  @Test func successStoresTheResult() async throws {
    let f = try QueueFixture()
    let double = QueueFixture.task("double") { payload in
      guard case .dict(let fields) = payload, let number = fields["n"]?.integer else { throw TaskFailure(description: "no n") }
      return .dict(OrderedDictionary([("doubled", .int(number * 2))]))
    }
    let (id, _) = try f.queue.enqueue(.init(task: double, payload: .dict(OrderedDictionary([("n", .int(21))]))))
    #expect(try await f.work([double]).succeeded == 1)
    let job = try #require(try f.queue.job(id))
    #expect(job.state == .succeeded)
    #expect(job.result.jsonText == "{\"doubled\": 42}")
    #expect(job.leaseOwner == nil)
  }

  @Test func priorityThenRunAtDecideTheOrder() async throws {
    let f = try QueueFixture()
    let order = OrderLog()
    let task = QueueFixture.task("record") { payload in
      order.append(payload.jsonText)
      return .null
    }
    try f.queue.enqueue(.init(task: task, payload: .text("low-old"), priority: 0))
    f.advance(1)
    try f.queue.enqueue(.init(task: task, payload: .text("high"), priority: 10))
    f.advance(1)
    try f.queue.enqueue(.init(task: task, payload: .text("low-new"), priority: 0))
    try f.queue.enqueue(.init(task: task, payload: .text("later"), priority: 99, runAt: CivilDateTime(microsecondsSinceEpoch: f.now.microsecondsSinceEpoch + 60_000_000)))
    var options = Worker.Options()
    options.concurrency = 1
    #expect(try await f.work([task], options: options).succeeded == 3, "the delayed job waits")
    #expect(order.items == ["\"high\"", "\"low-old\"", "\"low-new\""])
    f.advance(61)
    #expect(try await f.work([task], options: options).succeeded == 1)
    #expect(order.items.last == "\"later\"")
  }

  @Test func uniqueKeysReturnTheUnfinishedJob() async throws {
    let f = try QueueFixture()
    let task = QueueFixture.task("sync") { _ in .null }
    let first = try f.queue.enqueue(.init(task: task, uniqueKey: "doc-7"))
    let second = try f.queue.enqueue(.init(task: task, uniqueKey: "doc-7"))
    #expect(second.id == first.id && second.existing && !first.existing)
    #expect(try await f.work([task]).succeeded == 1)
    let third = try f.queue.enqueue(.init(task: task, uniqueKey: "doc-7"))
    #expect(third.id != first.id && !third.existing, "a finished job does not block a new one")
    // A task declared unique dedupes on its payload.
    var unique = task
    unique.name = "unique_sync"
    unique.unique = true
    let a = try f.queue.enqueue(.init(task: unique, payload: .dict(OrderedDictionary([("id", .int(1))]))))
    let b = try f.queue.enqueue(.init(task: unique, payload: .dict(OrderedDictionary([("id", .int(1))]))))
    let c = try f.queue.enqueue(.init(task: unique, payload: .dict(OrderedDictionary([("id", .int(2))]))))
    #expect(a.id == b.id && c.id != a.id)
  }

  @Test func cancelledJobsDoNotRun() async throws {
    let f = try QueueFixture()
    let ran = OrderLog()
    let task = QueueFixture.task("noted") { payload in
      ran.append(payload.jsonText)
      return .null
    }
    let (keep, _) = try f.queue.enqueue(.init(task: task, payload: .int(1)))
    let (drop, _) = try f.queue.enqueue(.init(task: task, payload: .int(2)))
    try f.queue.cancel(drop)
    #expect(throws: JobsError.self) { try f.queue.cancel(drop) }
    #expect(try await f.work([task]).succeeded == 1)
    #expect(ran.items == ["1"])
    #expect(try f.state(keep) == .succeeded && f.state(drop) == .cancelled)
    #expect(try f.queue.purge(olderThan: 3600) == 0)
    f.advance(7200)
    #expect(try f.queue.purge(olderThan: 3600) == 2)
  }

  @Test func anExpiredLeaseIsClaimedAgainAndCounted() async throws {
    let f = try QueueFixture()
    let task = QueueFixture.task("t") { _ in .null }
    let (id, _) = try f.queue.enqueue(.init(task: task))
    let taken = try f.queue.claim(owner: "dead-worker", limit: 10, lease: 30)
    #expect(taken.map(\.id) == [id])
    #expect(try f.queue.claim(owner: "other", limit: 10, lease: 30).isEmpty, "leased: nobody else takes it")
    f.advance(31)
    let again = try f.queue.claim(owner: "other", limit: 10, lease: 30)
    #expect(again.map(\.id) == [id])
    #expect(again.first?.attempts == 2)
    // The dead worker's late report is ignored: the job is the other worker's now.
    try f.queue.record([(id, .succeeded(.text("late")))], owner: "dead-worker")
    #expect(try f.state(id) == .running)
    try f.queue.record([(id, .succeeded(.text("on time")))], owner: "other")
    #expect(try f.queue.job(id)?.result == .text("on time"))
  }

  @Test func commandTasksGetThePayloadAndTimeOut() async throws {
    let f = try QueueFixture()
    var echo = TaskDefinition(name: "echo", body: .command(["/bin/sh", "-c", "cat; echo \"$MANAGE_JOB_ATTEMPT\" >&2"], workingDirectory: f.path))
    echo.maxRetries = 0
    var slow = TaskDefinition(name: "slow", body: .command(["/bin/sleep", "10"], workingDirectory: f.path))
    slow.timeout = 0.3
    slow.maxRetries = 0
    var missing = TaskDefinition(name: "missing", body: .command(["/no/such/program"], workingDirectory: f.path))
    missing.maxRetries = 0
    let (echoed, _) = try f.queue.enqueue(.init(task: echo, payload: .dict(OrderedDictionary([("document_id", .int(7))]))))
    let (timed, _) = try f.queue.enqueue(.init(task: slow))
    let (absent, _) = try f.queue.enqueue(.init(task: missing))
    let summary = try await f.work([echo, slow, missing])
    #expect(f.lastRunSeconds < 5, "the sleep was killed at its timeout")
    #expect(summary.succeeded == 1 && summary.dead == 2)
    #expect(try f.queue.job(echoed)?.result.jsonText == "{\"document_id\": 7}")
    #expect(try f.queue.job(timed)?.lastError.hasPrefix("timed out after 300ms and was killed") == true)
    #expect(try f.queue.job(absent)?.lastError == "could not start /no/such/program: No such file or directory")
  }

  @Test func tasksFilesAreCheckedWithPositions() async throws {
    let f = try QueueFixture()
    try FileManager.default.createDirectory(atPath: f.path + "/shop", withIntermediateDirectories: true)
    try "installed_apps: [jobs, shop]\n".write(toFile: f.path + "/manage.yaml", atomically: true, encoding: .utf8)
    func load(_ yaml: String) throws -> TaskRegistry {
      try yaml.write(toFile: f.path + "/shop/tasks.yaml", atomically: true, encoding: .utf8)
      return try TaskRegistry(registry: AppRegistry(settings: SettingsLoader.load(environment: [:], currentDirectory: f.path)))
    }
    #expect(try load("tasks:\n  sync:\n    command: [true]\n    timeout: 5m\n").tasks["sync"]?.timeout == 300)
    let unknown = #expect(throws: JobsError.self) { try load("tasks:\n  sync:\n    command: [true]\n    max_retry: 2\n") }
    #expect(unknown?.message == "shop/tasks.yaml:4:5: unknown task option 'max_retry'")
    #expect(unknown?.hint?.hasPrefix("Did you mean 'max_retries'?") == true)
    let noCommand = #expect(throws: JobsError.self) { try load("tasks:\n  sync:\n    queue: q\n") }
    #expect(noCommand?.message == "shop/tasks.yaml:2:3: task 'sync' has no command")
    let badDelay = #expect(throws: JobsError.self) { try load("tasks:\n  sync:\n    command: [true]\n    retry_delay: soon\n") }
    #expect(badDelay?.message == "shop/tasks.yaml:4:18: 'retry_delay' must be a duration such as 500ms, 30s, 5m, 2h or 7d, at most 36525d, not 'soon'")
    // Issue 13: a delay past any Int64 of microseconds is refused here, not at the job's first failure.
    let hugeDelay = #expect(throws: JobsError.self) { try load("tasks:\n  sync:\n    command: [true]\n    retry_delay: 99999999999999999999s\n") }
    #expect(hugeDelay?.message.hasPrefix("shop/tasks.yaml:4:18: 'retry_delay' must be a duration") == true)
    let hugeRetries = #expect(throws: JobsError.self) { try load("tasks:\n  sync:\n    command: [true]\n    max_retries: 9223372036854775807\n") }
    #expect(hugeRetries?.message == "shop/tasks.yaml:4:18: 'max_retries' must be a whole number from 0 to 1000")
    let hugePriority = #expect(throws: JobsError.self) { try load("tasks:\n  sync:\n    command: [true]\n    priority: -9223372036854775808\n") }
    #expect(hugePriority?.message == "shop/tasks.yaml:4:15: 'priority' must be a whole number from -1000000 to 1000000")
    // The longest delay there is still backs off without overflow.
    var longest = try load("tasks:\n  sync:\n    command: [true]\n    retry_delay: 36525d\n").tasks["sync"]!
    longest.backoff = .exponential
    #expect(longest.retryDelay(afterAttempt: 1_000, random: 0.99) == DurationText.maximumSeconds)
    #expect(throws: (any Error).self) { try load("tasks:\n  sync: [\n") }
    let unknownTask = #expect(throws: JobsError.self) { try load("tasks:\n  sync:\n    command: [true]\n").task("synk") }
    #expect(unknownTask?.message == "Unknown task 'synk'. Did you mean 'sync'?")
  }
}

/// A thread-safe list the tasks append to.
final class OrderLog: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [String] = []
  func append(_ item: String) { lock.withLock { storage.append(item) } }
  var items: [String] { lock.withLock { storage } }
}
