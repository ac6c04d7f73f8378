import CReadline
import Foundation
import ManageCore

// readline calls back through C function pointers, which cannot capture context: the one
// line editor in the process keeps its state here. Only the main thread touches it.
nonisolated(unsafe) private var completionProvider: ((String, Int) -> [String])?
nonisolated(unsafe) private var completionMatches: [String] = []
nonisolated(unsafe) private var completionIndex = 0
nonisolated(unsafe) private var deliveredLine: String?
nonisolated(unsafe) private var lineDelivered = false
nonisolated(unsafe) private var interrupted: sig_atomic_t = 0

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

  init(historyPath: String, completer: @escaping (String, Int) -> [String]) {
    self.historyPath = historyPath
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
      FileManager.default.createFile(atPath: historyPath, contents: nil, attributes: [.posixPermissions: 0o600])
    }
    read_history(historyPath)
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in interrupted = 1 }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
  }

  /// Shows `prompt` and returns the line typed, Ctrl-C, or Ctrl-D.
  func read(prompt: String) -> Input {
    lineDelivered = false
    deliveredLine = nil
    interrupted = 0
    rl_callback_handler_install(prompt) { line in
      deliveredLine = line.map { String(cString: $0) }
      if let line { free(line) }
      lineDelivered = true
      rl_callback_handler_remove()
    }
    while !lineDelivered {
      var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, -1)
      if interrupted != 0 {
        interrupted = 0
        manage_rl_cancel_line()
        var output = OutputStream.standardOutput
        output.write("\nKeyboardInterrupt\n")
        return .interrupted
      }
      if ready < 0 { continue }
      rl_callback_read_char()
    }
    guard let line = deliveredLine else {
      var output = OutputStream.standardOutput
      output.write("\n")
      return .endOfFile
    }
    return .line(line)
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
  }
}
