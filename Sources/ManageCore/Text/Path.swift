import Foundation

/// Path arithmetic on plain strings, the way the user sees paths.
public enum Path {
  /// `base/relative`, normalised; `relative` is returned as is when absolute.
  public static func join(_ base: String, _ relative: String) -> String {
    if relative.hasPrefix("/") { return normalized(relative) }
    return normalized(base.hasSuffix("/") ? base + relative : base + "/" + relative)
  }

  /// Removes `.` and `..` components and doubled slashes.
  public static func normalized(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
      parts.append(part)
    }
    let joined = parts.joined(separator: "/")
    return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
  }

  /// The absolute form of `path`, relative ones resolved against the current directory.
  public static func absolute(_ path: String) -> String {
    join(FileManager.default.currentDirectoryPath, path)
  }

  /// The directory part of `path`.
  public static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// The last component of `path`.
  public static func lastComponent(_ path: String) -> String {
    String(path.split(separator: "/").last ?? Substring(path))
  }

  /// `path` relative to `base` when it lies inside it, otherwise unchanged: the short form
  /// messages should show.
  public static func display(_ path: String, relativeTo base: String) -> String {
    let prefix = base.hasSuffix("/") ? base : base + "/"
    if path.hasPrefix(prefix) { return String(path.dropFirst(prefix.count)) }
    return path
  }

  public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  public static func isDirectory(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
  }

  public static func isExecutableFile(_ path: String) -> Bool {
    !isDirectory(path) && FileManager.default.isExecutableFile(atPath: path)
  }
}
