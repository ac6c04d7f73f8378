import Foundation

/// Writes files so that a crash or Ctrl-C never leaves one half-written: a temporary file in
/// the same folder, then `rename(2)`, which replaces the target in one step.
public enum FileWriter {
  public static func writeAtomically(_ contents: String, to path: String, permissions: Int = 0o644) throws {
    let temporary = temporaryPath(for: path)
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

  /// The temporary file beside `path` that becomes it.
  static func temporaryPath(for path: String) -> String {
    Path.directory(of: path) + "/.\(Path.lastComponent(path)).tmp-\(getpid())"
  }

  /// A file written in pieces (a dump larger than memory), whole or not at all: the pieces go
  /// to the temporary file, which `commit()` renames over the path; dropped uncommitted (an
  /// error, Ctrl-C unwinding), the temporary file is removed.
  public final class Stream {
    public let path: String
    private let temporary: String
    private let handle: FileHandle
    private var committed = false

    public init(path: String) throws {
      self.path = path
      temporary = FileWriter.temporaryPath(for: path)
      guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
        throw CommandFailure("cannot write \(path) (\(Path.isDirectory(Path.directory(of: path)) ? "permission denied" : "no such folder"))")
      }
      self.handle = handle
    }

    public func write(_ text: String) { handle.write(Data(text.utf8)) }

    public func commit() throws {
      try handle.close()
      guard rename(temporary, path) == 0 else { throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
      committed = true
    }

    deinit {
      if !committed {
        try? handle.close()
        unlink(temporary)
      }
    }
  }
}
