import Foundation
import ManageCore

/// Reading answers at the terminal: lines, and passwords without echo (termios). Ctrl-C
/// restores the terminal, prints Django's `Operation cancelled.` and exits 1.
public enum Prompt {
  /// Whether stdin is a terminal (the only place a password may be asked for).
  public static var isInteractive: Bool { isatty(0) == 1 }

  /// Asks `question` and reads a line; nil at end of input.
  public static func line(_ question: String) -> String? {
    installInterruptHandler()
    writeOut(question)
    return Swift.readLine(strippingNewline: true)
  }

  /// Asks for a secret with echo off, the terminal restored however the read ends.
  public static func secret(_ question: String) -> String? {
    installInterruptHandler()
    var original = termios()
    let isTerminal = tcgetattr(0, &original) == 0
    if isTerminal {
      SavedTerminal.store(original)
      var silent = original
      silent.c_lflag &= ~tcflag_t(ECHO)
      // TCSANOW, not TCSAFLUSH: typed-ahead input must survive (a fast typist, a test).
      tcsetattr(0, TCSANOW, &silent)
    }
    // The prompt comes only once echo is off, so nothing typed after it can show.
    writeOut(question)
    defer {
      if isTerminal {
        tcsetattr(0, TCSANOW, &original)
        SavedTerminal.clear()
        writeOut("\n")
      }
    }
    return Swift.readLine(strippingNewline: true)
  }

  static func writeOut(_ text: String) {
    var stream = OutputStream.standardOutput
    stream.write(text)
  }

  private static let installed: Void = {
    signal(SIGINT) { _ in
      SavedTerminal.restore()
      let message = "\nOperation cancelled.\n"
      _ = message.withCString { write(2, $0, strlen($0)) }
      _exit(1)
    }
  }()

  static func installInterruptHandler() { _ = installed }
}

/// The terminal settings to put back if Ctrl-C arrives while echo is off. A signal handler
/// cannot capture context, so they live in a global the handler reads.
enum SavedTerminal {
  nonisolated(unsafe) static var settings = termios()
  nonisolated(unsafe) static var saved = false

  static func store(_ value: termios) {
    settings = value
    saved = true
  }

  static func clear() { saved = false }

  static func restore() {
    if saved { tcsetattr(0, TCSANOW, &settings) }
  }
}
