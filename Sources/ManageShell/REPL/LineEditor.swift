import CPostgreSQL
import CReadline
import CSQLite
import Foundation
import ManageCore

// readline calls back through C function pointers, which cannot capture context: the one
// line editor in the process keeps its state here. Only the main thread touches it.
nonisolated(unsafe) private var completionProvider: ((String, Int) -> [String])?
nonisolated(unsafe) private var completionMatches: [String] = []
nonisolated(unsafe) private var completionIndex = 0
nonisolated(unsafe) private var deliveredLine: String?
nonisolated(unsafe) private var lineDelivered = false
/// The self-pipe a SIGINT writes to: the signal may land on any thread (the command runs on
/// Swift's concurrency pool), so a flag alone would not wake the poll that waits for a key.
nonisolated(unsafe) private var interruptPipe: [Int32] = [-1, -1]
/// The database a Ctrl-C interrupts: sqlite3_interrupt only sets a flag, which is safe from a
/// signal handler (the sqlite3 CLI calls it from its own), and does nothing when no statement
/// runs.
nonisolated(unsafe) private var interruptedDatabase: OpaquePointer?
/// On PostgreSQL, the session's cancel object: PQcancel is safe in a signal handler too.
nonisolated(unsafe) private var interruptedSession: OpaquePointer?

/// Reads lines on the system readline: editing, history kept in a file across sessions, Tab
/// completion, and Ctrl-C that cancels the line being typed (readline's callback interface
/// and our own SIGINT handler, as Python's REPL does it).
final class LineEditor {
  private let historyPath: String
  private let historyLimit: Int32 = 1000

  enum Input {
    case line(String)
    case interrupted
    case endOfFile
  }

  init(historyPath: String, database: OpaquePointer? = nil, cancel: OpaquePointer? = nil, completer: @escaping (String, Int) -> [String]) {
    self.historyPath = historyPath
    interruptedDatabase = database
    interruptedSession = cancel
    completionProvider = completer
    manage_rl_configure(strdup("manage"), strdup(Completer.wordBreaks)) { text, start, end in
      manage_rl_completion_begins()
      let buffer = String(cString: manage_rl_line_buffer())
      // start and end are byte offsets; the completer works in characters.
      let bytes = Array(buffer.utf8)
      let prefix = String(decoding: bytes[0..<min(Int(end), bytes.count)], as: UTF8.self)
      let wordStart = String(decoding: bytes[0..<min(Int(start), bytes.count)], as: UTF8.self).count
      completionMatches = completionProvider?(prefix, wordStart) ?? []
      guard !completionMatches.isEmpty else { return nil }
      return rl_completion_matches(text) { _, state in
        if state == 0 { completionIndex = 0 }
        guard completionIndex < completionMatches.count else { return nil }
        completionIndex += 1
        return strdup(completionMatches[completionIndex - 1])
      }
    }
    using_history()
    if !FileManager.default.fileExists(atPath: historyPath) {
      // History can hold data from queries: only the user reads it.
      _ = FileManager.default.createFile(atPath: historyPath, contents: nil, attributes: [.posixPermissions: 0o600])
    }
    read_history(historyPath)
    pipe(&interruptPipe)
    for descriptor in interruptPipe { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
      var byte: UInt8 = 1
      _ = write(interruptPipe[1], &byte, 1)
      if let database = interruptedDatabase { sqlite3_interrupt(database) }
      if let session = interruptedSession {
        var buffer = (Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0))
        withUnsafeMutableBytes(of: &buffer) { raw in
          _ = PQcancel(session, raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count))
        }
      }
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
  }

  /// Shows `prompt` and returns the line typed, Ctrl-C, or Ctrl-D.
  func read(prompt: String) -> Input {
    lineDelivered = false
    deliveredLine = nil
    drainInterrupts()
    rl_callback_handler_install(prompt) { line in
      deliveredLine = line.map { String(cString: $0) }
      if let line { free(line) }
      lineDelivered = true
      rl_callback_handler_remove()
    }
    while !lineDelivered {
      var descriptors = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: interruptPipe[0], events: Int16(POLLIN), revents: 0)]
      let ready = poll(&descriptors, 2, -1)
      if ready > 0 && descriptors[1].revents != 0 {
        drainInterrupts()
        manage_rl_cancel_line()
        var output = OutputStream.standardOutput
        output.write("\nKeyboardInterrupt\n")
        return .interrupted
      }
      if ready <= 0 || descriptors[0].revents == 0 { continue }
      rl_callback_read_char()
    }
    guard let line = deliveredLine else {
      var output = OutputStream.standardOutput
      output.write("\n")
      return .endOfFile
    }
    return .line(line)
  }

  /// Forgets Ctrl-C presses made while a query ran (the next prompt starts clean).
  private func drainInterrupts() {
    var byte: UInt8 = 0
    while Glibc.read(interruptPipe[0], &byte, 1) > 0 {}
  }

  /// Adds a line to the history and to the history file at once, so a killed shell keeps it.
  func remember(_ line: String) {
    guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
    add_history(line)
    append_history(1, historyPath)
  }

  /// Trims the history file to its last 1,000 lines.
  func close() {
    history_truncate_file(historyPath, historyLimit)
    signal(SIGINT, SIG_DFL)
    interruptedDatabase = nil
    interruptedSession = nil
    for descriptor in interruptPipe { Glibc.close(descriptor) }
  }
}
