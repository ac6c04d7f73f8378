import Foundation
import Glibc

/// Watches files and folders with inotify (no polling): each change calls `onChange` with the
/// path that changed. Folders are watched rather than files, so an editor that saves by writing
/// a new file and renaming it over the old one is still seen. The events of one save that
/// arrive together are reported once.
public final class FileWatcher: @unchecked Sendable {
  private let descriptor: Int32
  private var folders: [Int32: String] = [:]
  private var wanted: [String: Set<String>] = [:]
  private var wholeFolders: Set<String> = []

  /// `paths` are files, or folders when they end in `/` (any file in them counts).
  public init?(paths: [String]) {
    descriptor = inotify_init1(Int32(IN_CLOEXEC))
    guard descriptor >= 0 else { return nil }
    let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE)
    for path in paths {
      let isFolder = path.hasSuffix("/")
      let folder = isFolder ? String(path.dropLast()) : (path as NSString).deletingLastPathComponent
      guard FileManager.default.fileExists(atPath: folder) else { continue }
      if isFolder { wholeFolders.insert(folder) } else { wanted[folder, default: []].insert((path as NSString).lastPathComponent) }
      if !folders.values.contains(folder) {
        let watch = inotify_add_watch(descriptor, folder, mask)
        if watch >= 0 { folders[watch] = folder }
      }
    }
  }

  deinit { close(descriptor) }

  /// Reads events on a thread of its own until the process ends; the thread keeps the watcher.
  public func start(onChange: @escaping @Sendable (String) -> Void) {
    Thread { [self] in
      var buffer = [UInt8](repeating: 0, count: 64 * 1024)
      while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count <= 0 { if errno == EINTR { continue } else { return } }
        var offset = 0
        var changed: [String] = []
        while offset + MemoryLayout<inotify_event>.size <= count {
          let (watch, nameLength) = buffer.withUnsafeBytes { raw -> (Int32, Int) in
            let event = raw.load(fromByteOffset: offset, as: inotify_event.self)
            return (event.wd, Int(event.len))
          }
          let nameStart = offset + MemoryLayout<inotify_event>.size
          let nameBytes = buffer[nameStart..<min(nameStart + nameLength, count)].prefix { $0 != 0 }
          let name = String(decoding: nameBytes, as: UTF8.self)
          offset = nameStart + nameLength
          guard let folder = folders[watch] else { continue }
          let isWanted = wanted[folder]?.contains(name) == true
          let isTemporary = name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp")
          if isWanted || (wholeFolders.contains(folder) && !isTemporary) { changed.append(folder + "/" + name) }
        }
        // One save can be several events in one read; each path is reported once per read.
        var reported = Set<String>()
        for path in changed where reported.insert(path).inserted { onChange(path) }
      }
    }.start()
  }
}
