import Foundation

/// Writes files so that a crash or Ctrl-C never leaves one half-written: a temporary file in
/// the same folder, then `rename(2)`, which replaces the target in one step.
public enum FileWriter {
  public static func writeAtomically(_ contents: String, to path: String, permissions: Int = 0o644) throws {
    let temporary = Path.directory(of: path) + "/.\(Path.lastComponent(path)).tmp-\(getpid())"
    guard FileManager.default.createFile(
      atPath: temporary, contents: Data(contents.utf8), attributes: [.posixPermissions: permissions])
    else {
      throw CommandFailure("cannot write \(path)", hint: "Check that the folder exists and that you may write to it.")
    }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw CommandFailure("cannot write \(path): \(reason)")
    }
  }
}
