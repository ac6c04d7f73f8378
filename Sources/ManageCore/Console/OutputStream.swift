#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One of the process's two output streams, written with `write(2)` so output is never lost in a
/// stdio buffer when the process exits or `exec`s a plugin.
public struct OutputStream: Sendable, TextOutputStream {
  public let fileDescriptor: Int32

  public static let standardOutput = OutputStream(fileDescriptor: 1)
  public static let standardError = OutputStream(fileDescriptor: 2)

  public init(fileDescriptor: Int32) { self.fileDescriptor = fileDescriptor }

  /// Whether the stream is a terminal.
  public var isTerminal: Bool { isatty(fileDescriptor) == 1 }

  public mutating func write(_ string: String) {
    var bytes = Array(string.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes { buffer in
        #if canImport(Glibc)
        Glibc.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
        #else
        Darwin.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
        #endif
      }
      if written < 0 {
        if errno == EINTR { continue }
        return  // a closed pipe (`manage help | head`) is not worth a crash
      }
      offset += written
    }
    bytes.removeAll()
  }
}
