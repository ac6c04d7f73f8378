import CSpawn
import Foundation
import ManageCore

/// A long-lived task process for `protocol: jsonl`: the worker writes one JSON line per job
/// (`{"id": …, "attempt": …, "task": …, "payload": {…}}`) to its stdin and reads one JSON line
/// back from its stdout (`{"result": …}` or `{"error": "…"}`); what it writes to stderr while a
/// job runs is kept with that job's outcome. A process that dies, hangs past the job's timeout
/// or answers something other than a JSON line is killed and replaced for the next job.
///
/// Started by `manage_spawn_tied` from the worker's main loop, so the kernel kills it if the
/// worker is killed (-9 included); it also sees EOF on stdin when the worker exits.
final class JSONLinesProcess: @unchecked Sendable {
  let pid: pid_t
  private let input: Int32
  private let output: Int32
  private let errors: Int32
  private var pending: [UInt8] = []
  /// Whether it may take another job: false after it died, hung or broke the protocol.
  private(set) var healthy = true

  /// How one exchange ended.
  enum Answer {
    /// A line on stdout (without its newline), and what the process wrote to stderr meanwhile.
    case line(String, stderr: String)
    /// The process ended before answering: its exit status (negative: the signal).
    case exited(Int32, stderr: String)
    /// No answer within the timeout; the process was killed.
    case timedOut(stderr: String)
  }

  init(_ argv: [String], workingDirectory: String, environment: [String: String]) throws {
    var stdinPipe: [Int32] = [-1, -1]
    var stdoutPipe: [Int32] = [-1, -1]
    var stderrPipe: [Int32] = [-1, -1]
    guard manage_pipe_cloexec(&stdinPipe) == 0, manage_pipe_cloexec(&stdoutPipe) == 0, manage_pipe_cloexec(&stderrPipe) == 0 else {
      throw JobsError("could not create pipes: \(String(cString: strerror(errno)))")
    }
    let arguments = argv.map { strdup($0) } + [nil]
    let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in arguments { free(pointer) }
      for pointer in variables { free(pointer) }
    }
    let started = manage_spawn_tied(arguments, variables, workingDirectory, stdinPipe[0], stdoutPipe[1], stderrPipe[1])
    let reason = errno
    close(stdinPipe[0])
    close(stdoutPipe[1])
    close(stderrPipe[1])
    guard started > 0 else {
      close(stdinPipe[1])
      close(stdoutPipe[0])
      close(stderrPipe[0])
      throw JobsError("could not start \(argv[0]): \(String(cString: strerror(reason)))")
    }
    pid = started
    input = stdinPipe[1]
    output = stdoutPipe[0]
    errors = stderrPipe[0]
    signal(SIGPIPE, SIG_IGN)
  }

  deinit {
    stop()
    close(output)
    close(errors)
  }

  /// Sends `request` (one line of JSON) and waits for the answer line, at most `timeout` seconds.
  func exchange(_ request: String, timeout: Double?) -> Answer {
    var stderr: [UInt8] = []
    let bytes = Array((request + "\n").utf8)
    var written = 0
    while written < bytes.count {
      let count = bytes[written...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
      if count <= 0 {
        if errno == EINTR { continue }
        return died(stderr: &stderr)
      }
      written += count
    }
    let deadline = timeout.map { Date().addingTimeInterval($0) }
    var buffer = [UInt8](repeating: 0, count: 65536)
    var outputOpen = true
    while true {
      if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeSubrange(...newline)
        drain(errors, into: &stderr, buffer: &buffer)
        return .line(line, stderr: String(decoding: stderr, as: UTF8.self))
      }
      guard outputOpen else { return died(stderr: &stderr) }
      var wait: Int32 = -1
      if let deadline {
        let remaining = deadline.timeIntervalSinceNow
        if remaining <= 0 {
          stop()
          drain(errors, into: &stderr, buffer: &buffer)
          return .timedOut(stderr: String(decoding: stderr, as: UTF8.self))
        }
        wait = Int32(min(remaining * 1000, 1000)) + 1
      }
      var descriptors = [pollfd(fd: output, events: Int16(POLLIN), revents: 0), pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
      if poll(&descriptors, 2, wait) <= 0 { continue }
      if descriptors[1].revents != 0 { drain(errors, into: &stderr, buffer: &buffer, once: true) }
      if descriptors[0].revents != 0 {
        let count = read(output, &buffer, buffer.count)
        if count > 0 {
          pending += buffer[0..<count]
          // A process that writes megabytes without a newline is not speaking the protocol.
          if pending.count > 16_000_000 {
            stop()
            return .line(String(decoding: pending.prefix(2000), as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
          }
        } else if count == 0 || errno != EINTR {
          outputOpen = false
        }
      }
    }
  }

  /// Marks the process unusable after a protocol error, killing it.
  func discard() { stop() }

  /// Closes its stdin (a well-behaved loop ends on EOF), then kills its process group and reaps
  /// it; its exit status (negative: the signal), nil when it was stopped already.
  @discardableResult
  func stop() -> Int32? {
    guard healthy else { return nil }
    healthy = false
    close(input)
    kill(-pid, SIGKILL)
    kill(pid, SIGKILL)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return CommandRunner.exitStatus(status)
  }

  /// The process is gone: its status, and whatever it left on stderr.
  private func died(stderr: inout [UInt8]) -> Answer {
    var buffer = [UInt8](repeating: 0, count: 65536)
    drain(errors, into: &stderr, buffer: &buffer)
    return .exited(stop() ?? -SIGKILL, stderr: String(decoding: stderr, as: UTF8.self))
  }

  /// Reads what is waiting on `descriptor` without blocking (one read when `once`), keeping the
  /// last 64 KiB.
  private func drain(_ descriptor: Int32, into kept: inout [UInt8], buffer: inout [UInt8], once: Bool = false) {
    repeat {
      var probe = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
      guard poll(&probe, 1, 0) > 0, probe[0].revents & Int16(POLLIN) != 0 else { return }
      let count = read(descriptor, &buffer, buffer.count)
      guard count > 0 else { return }
      kept += buffer[0..<count]
      if kept.count > 65536 { kept.removeFirst(kept.count - 65536) }
    } while !once
  }
}
