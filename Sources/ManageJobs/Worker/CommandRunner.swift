import CSpawn
import Foundation
import ManageCore

/// Runs a task's command for one job: the payload as JSON on stdin, stdout and stderr read
/// together (so neither pipe fills and blocks the child), the whole process group killed past
/// the timeout. The child gets its own process group, so a Ctrl-C at the worker's terminal
/// reaches the worker (which lets runs finish) and not the runs themselves.
public enum CommandRunner {
  /// How a run ended: its exit status (negative: killed by that signal), output and whether it
  /// was killed at its timeout.
  public struct Result: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var timedOut: Bool
  }

  /// A waitpid status as a run's status: the exit code, or minus the signal that ended it.
  static func exitStatus(_ status: Int32) -> Int32 {
    (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -(status & 0x7F)
  }

  /// Runs `argv` in `workingDirectory` with `input` on stdin; kills it past `timeout` seconds.
  public static func run(
    _ argv: [String], workingDirectory: String, input: String, environment: [String: String], timeout: Double?,
    started: (pid_t) -> Void = { _ in }
  ) throws -> Result {
    var stdinPipe: [Int32] = [-1, -1]
    var stdoutPipe: [Int32] = [-1, -1]
    var stderrPipe: [Int32] = [-1, -1]
    guard manage_pipe_cloexec(&stdinPipe) == 0, manage_pipe_cloexec(&stdoutPipe) == 0, manage_pipe_cloexec(&stderrPipe) == 0 else {
      throw JobsError("could not create pipes: \(String(cString: strerror(errno)))")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
    for descriptor in stdinPipe + stdoutPipe + stderrPipe { posix_spawn_file_actions_addclose(&actions, descriptor) }
    manage_spawn_addchdir(&actions, workingDirectory)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    posix_spawnattr_setpgroup(&attributes, 0)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGTERM)
    sigaddset(&defaults, SIGPIPE)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var emptyMask = sigset_t()
    sigemptyset(&emptyMask)
    posix_spawnattr_setsigmask(&attributes, &emptyMask)

    let arguments = argv.map { strdup($0) } + [nil]
    let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in arguments { free(pointer) }
      for pointer in variables { free(pointer) }
    }
    var pid: pid_t = 0
    let code = posix_spawnp(&pid, argv[0], &actions, &attributes, arguments, variables)
    close(stdinPipe[0])
    close(stdoutPipe[1])
    close(stderrPipe[1])
    guard code == 0 else {
      close(stdinPipe[1])
      close(stdoutPipe[0])
      close(stderrPipe[0])
      throw JobsError("could not start \(argv[0]): \(String(cString: strerror(code)))")
    }
    started(pid)
    // The payload first; a child that does not read it just gets EPIPE-free closure.
    signal(SIGPIPE, SIG_IGN)
    let bytes = Array(input.utf8)
    var written = 0
    while written < bytes.count {
      let count = bytes[written...].withUnsafeBytes { write(stdinPipe[1], $0.baseAddress, $0.count) }
      if count <= 0 { break }
      written += count
    }
    close(stdinPipe[1])

    var output: [UInt8] = []
    var errors: [UInt8] = []
    var open: [Int32] = [stdoutPipe[0], stderrPipe[0]]
    let deadline = timeout.map { Date().addingTimeInterval($0) }
    var timedOut = false
    var buffer = [UInt8](repeating: 0, count: 65536)
    while !open.isEmpty {
      var descriptors = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      var wait: Int32 = -1
      if let deadline {
        let remaining = deadline.timeIntervalSinceNow
        if remaining <= 0 {
          timedOut = true
          // The group takes any grandchildren; the child itself, in case the group is gone.
          kill(-pid, SIGKILL)
          kill(pid, SIGKILL)
          break
        }
        wait = Int32(min(remaining * 1000, 1000)) + 1
      }
      let ready = poll(&descriptors, nfds_t(descriptors.count), wait)
      if ready <= 0 { continue }
      for descriptor in descriptors where descriptor.revents != 0 {
        let count = read(descriptor.fd, &buffer, buffer.count)
        if count > 0 {
          if descriptor.fd == stdoutPipe[0] { output += buffer[0..<count] } else { errors += buffer[0..<count] }
          // Keep memory flat for chatty tasks: only the tail of stderr is kept.
          if errors.count > 1_000_000 { errors.removeFirst(errors.count - 65536) }
        } else {
          close(descriptor.fd)
          open.removeAll { $0 == descriptor.fd }
        }
      }
    }
    for descriptor in open { close(descriptor) }
    var status: Int32 = 0
    // A timed-out child's grandchildren go with it, before the pid can be reused.
    if timedOut { kill(-pid, SIGKILL) }
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return Result(
      status: exitStatus(status), stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: errors, as: UTF8.self),
      timedOut: timedOut)
  }
}
