import Foundation
import ManageCore
import ManageJobs

/// The built-in `evals.run` task: `manage enqueue evals.run --payload '{"suite": "guidance"}'`
/// runs a suite on a worker. The job runs this same manage binary (`evals run --payload-stdin`),
/// so a suite's providers run in their own process as they do from the command line; the JSON
/// report becomes the job's result. A failed gate is an outcome, not an error: not retried.
public enum EvalTasks {
  public static var all: [TaskDefinition] {
    var task = TaskDefinition(
      name: "evals.run", body: .command([executablePath, "evals", "run", "--payload-stdin", "--format", "json", "-v", "0"], workingDirectory: FileManager.default.currentDirectoryPath))
    task.queue = "evals"
    task.maxRetries = 0
    return [task]
  }

  /// This binary's absolute path (/proc/self/exe on Linux).
  static var executablePath: String {
    if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
    return Bundle.main.executablePath ?? CommandLine.arguments[0]
  }
}
