import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a finished `manage` process left behind.
struct ProcessResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs the built `manage` binary as a real subprocess (posix_spawn, not Foundation's
/// Process, which can hang on Linux), in a given directory, with output captured to files so
/// a chatty command can never fill a pipe and deadlock.
enum Manage {
  /// The binary `swift build` put beside this test bundle.
  static let binary: String = {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = executable.deletingLastPathComponent()
    // The xctest bundle may be a directory (…/manifestPackageTests.xctest/…); walk up to the
    // folder that holds the `manage` product.
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("manage").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    let fallback = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(".build/debug/manage").path
    return fallback
  }()

  /// The repository root, for Fixtures/, man/ and completions/.
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  /// The environment tests run with: the caller's PATH and HOME, nothing project-specific.
  static func baseEnvironment() -> [String: String] {
    let inherited = ProcessInfo.processInfo.environment
    var environment: [String: String] = ["PATH": inherited["PATH"] ?? "/usr/bin:/bin", "HOME": inherited["HOME"] ?? "/tmp"]
    environment["LANG"] = "C.UTF-8"
    return environment
  }

  /// Runs `manage ARGUMENTS` in `directory`.
  @discardableResult
  static func run(
    _ arguments: [String], in directory: String, environment extra: [String: String] = [:], stdin: String? = nil,
    executable: String = Manage.binary
  ) throws -> ProcessResult {
    try spawn([executable] + arguments, in: directory, environment: baseEnvironment().merging(extra) { $1 }, stdin: stdin)
  }

  /// Starts `manage ARGUMENTS` in `directory` without waiting; output goes to files in it.
  static func start(_ arguments: [String], in directory: String, output: String, environment extra: [String: String] = [:]) throws -> pid_t {
    try launch([binary] + arguments, in: directory, environment: baseEnvironment().merging(extra) { $1 },
               stdin: "/dev/null", stdout: output + ".out", stderr: output + ".err")
  }

  /// Starts any program without waiting (a stand-in server); output goes to files in `directory`.
  static func startProgram(_ argv: [String], in directory: String, output: String) throws -> pid_t {
    try launch(argv, in: directory, environment: baseEnvironment(), stdin: "/dev/null", stdout: output + ".out", stderr: output + ".err")
  }

  /// Waits for `pid`; its exit code, or 128 + signal.
  static func wait(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  }

  /// Starts `argv` in `directory` with its standard streams on the given files.
  private static func launch(
    _ argv: [String], in directory: String, environment: [String: String], stdin: String, stdout: String, stderr: String
  ) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    // posix_spawn has no portable "run in this directory", so a shell changes into it first.
    let argv = ["/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", directory] + argv
    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      cArguments.forEach { free($0) }
      cEnvironment.forEach { free($0) }
    }
    var pid: pid_t = 0
    let spawned = cArguments.withUnsafeBufferPointer { args in
      cEnvironment.withUnsafeBufferPointer { env in
        posix_spawnp(&pid, argv[0], &actions, nil, UnsafeMutablePointer(mutating: args.baseAddress!),
                     UnsafeMutablePointer(mutating: env.baseAddress!))
      }
    }
    guard spawned == 0 else {
      throw NSError(domain: "spawn", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot run \(argv[5])"])
    }
    return pid
  }

  /// Runs any program with arguments, in `directory`.
  static func spawn(_ argv: [String], in directory: String, environment: [String: String], stdin: String? = nil) throws -> ProcessResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("manage-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outPath = scratch.appendingPathComponent("out").path
    let errPath = scratch.appendingPathComponent("err").path
    let inPath = scratch.appendingPathComponent("in").path
    _ = FileManager.default.createFile(atPath: inPath, contents: Data((stdin ?? "").utf8))
    let pid = try launch(argv, in: directory, environment: environment, stdin: inPath, stdout: outPath, stderr: errPath)
    let exitCode = wait(pid)
    return ProcessResult(
      status: exitCode,
      stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
  }
}

/// A temporary directory that removes itself, with helpers to lay out a project.
final class TemporaryDirectory {
  let path: String

  init() throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("manage-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// A copy of `Fixtures/NAME` in a fresh temporary directory.
  static func copyOfFixture(_ name: String) throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory()
    let source = Manage.repository + "/Fixtures/" + name
    for item in try FileManager.default.contentsOfDirectory(atPath: source) {
      try FileManager.default.copyItem(atPath: source + "/" + item, toPath: directory.path + "/" + item)
    }
    return directory
  }

  func write(_ relativePath: String, _ contents: String, executable: Bool = false) throws {
    let full = path + "/" + relativePath
    try FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try contents.write(toFile: full, atomically: true, encoding: .utf8)
    if executable { chmod(full, 0o755) }
  }

  func read(_ relativePath: String) throws -> String {
    try String(contentsOfFile: path + "/" + relativePath, encoding: .utf8)
  }

  func exists(_ relativePath: String) -> Bool {
    FileManager.default.fileExists(atPath: path + "/" + relativePath)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}
