import CSQLite
import Foundation

/// The SQLite side of `Connection`: opening a file this process may not write, switching to
/// WAL, the library's process-wide settings, the progress handler's deadline and SQLite's
/// errors. (The PostgreSQL side lives in Database/PostgreSQL.)
extension Connection {
  /// The URI that opens a database this process may not write. A WAL database needs its -shm
  /// file even to be read; when the folder cannot hold one and no -wal holds unmerged pages,
  /// the file is read as immutable (SQLite's rule for read-only media), which is what it is to
  /// this process.
  static func readOnlyURI(_ path: String) -> String {
    let folder = (path as NSString).deletingLastPathComponent
    let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int ?? 0
    let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
    if access(folder.isEmpty ? "." : folder, W_OK) != 0 && wal == 0 { return "file:\(encoded)?immutable=1" }
    return "file:\(encoded)?mode=ro"
  }

  /// `PRAGMA journal_mode = WAL`, once per database file. Changing the journal mode needs an
  /// exclusive lock and SQLite does not always wait on the busy handler for it, so two
  /// processes opening a brand-new database at once (two migrates) could see SQLITE_BUSY: the
  /// mode is read first (already WAL: nothing to do) and the switch retried within the busy
  /// timeout.
  func switchToWAL() throws {
    if (try? scalar("PRAGMA journal_mode"))?.string?.lowercased() == "wal" { return }
    let deadline = Date().addingTimeInterval(Double(busyTimeout) / 1000)
    while true {
      do {
        try execute("PRAGMA journal_mode = WAL")
        return
      } catch let error as SQLiteError where error.isBusy && Date() < deadline {
        usleep(10_000)
      }
    }
  }

  /// Process-wide SQLite settings, applied once before the first connection opens: no memory
  /// statistics, which otherwise take a global mutex on every allocation (a few percent of a
  /// large migrate).
  static let configureLibrary: Void = {
    _ = manage_sqlite3_disable_memstatus()
  }()

  /// A moment on the monotonic clock, for `withTimeLimit`'s C callback.
  final class Deadline {
    let nanoseconds: UInt64
    init(_ nanoseconds: UInt64) { self.nanoseconds = nanoseconds }
  }

  /// The error SQLite reports for `code` on this connection.
  func error(code: Int32, sql: String?) -> SQLiteError {
    let extended = sqlite3_extended_errcode(handle)
    return SQLiteError(
      code: extended != 0 ? extended : code, reason: String(cString: sqlite3_errmsg(handle)), sql: sql,
      database: displayName)
  }
}
