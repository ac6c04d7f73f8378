import Foundation

/// A temporary directory for one test, removed afterwards.
final class TestDirectory {
  let path: String

  init() throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("manage-core-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func write(_ relativePath: String, _ contents: String) throws {
    let full = path + "/" + relativePath
    try FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try contents.write(toFile: full, atomically: true, encoding: .utf8)
  }

  func mkdir(_ relativePath: String) throws {
    try FileManager.default.createDirectory(atPath: path + "/" + relativePath, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}
