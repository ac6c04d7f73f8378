import Foundation
import ManageCore

/// Serialises `manage migrate` runs on one database: an exclusive `flock(2)` on
/// `<database>.migrate-lock`. A second migrate waits (saying so) and, past the timeout, fails
/// with the holder's pid. The kernel drops the lock when its holder exits, however it exits,
/// so a killed migrate never leaves a stale lock. Django has no such lock.
///
/// On PostgreSQL the lock is `pg_advisory_lock` on the migrating session, which the server
/// releases when the session ends however it ends; a waiting migrate names the holder's
/// backend pid from `pg_locks`.
public final class MigrateLock {
  private let descriptor: Int32
  public let path: String
  private var session: Connection?

  /// The advisory lock's two keys: "mang" and 1 (pg_locks shows them as classid/objid).
  static let advisoryKeys = (Int32(0x6D61_6E67), Int32(1))

  /// Takes the PostgreSQL advisory lock on `connection` (the one migrate then uses).
  public init(postgres connection: Connection, timeout: Double, waiting: (_ holder: String) -> Void) throws {
    descriptor = -1
    path = ""
    let (classID, objectID) = Self.advisoryKeys
    let deadline = Date().addingTimeInterval(timeout)
    var announced = false
    while try connection.scalar("SELECT pg_try_advisory_lock(\(classID), \(objectID))") != .integer(1) {
      let holder = try connection.scalar("""
        SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = \(classID) AND objid = \(objectID) AND objsubid = 2
        AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1
        """)?.int.map(String.init) ?? "?"
      if !announced {
        waiting(holder)
        announced = true
      }
      if Date() >= deadline {
        throw MigrationError(
          "another manage migrate (server pid \(holder)) is still running on this database; gave up after \(Int(timeout)) s",
          hint: "Wait for it to finish, or raise --lock-timeout. `SELECT pg_terminate_backend(\(holder))` ends a migrate that hangs.")
      }
      usleep(100_000)
    }
    session = connection
  }

  /// Takes the lock, waiting up to `timeout` seconds; `waiting` is called once if it must wait.
  public init(database: String, timeout: Double, waiting: (_ holder: String) -> Void) throws {
    path = database + ".migrate-lock"
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw MigrationError("cannot create the migrate lock \(path): \(String(cString: strerror(errno)))",
                           hint: "Check that you may write to the database's folder.")
    }
    let deadline = Date().addingTimeInterval(timeout)
    var announced = false
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      // The first line is the holder's pid; a lock taken a moment ago may not have it yet.
      let firstLine = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").first.map(String.init) ?? ""
      let holder = firstLine.trimmingCharacters(in: .whitespaces).isEmpty ? "?" : firstLine.trimmingCharacters(in: .whitespaces)
      if !announced {
        waiting(holder)
        announced = true
      }
      if Date() >= deadline {
        close(descriptor)
        throw MigrationError(
          "another manage migrate (pid \(holder)) is still running on this database; gave up after \(Int(timeout)) s",
          hint: "Wait for it to finish, or raise --lock-timeout.")
      }
      usleep(50_000)
    }
    // Written over the old pid, then cut to length, so a waiting migrate never reads it empty.
    let pid = "\(getpid())\n"
    let length = pid.utf8.count
    _ = pid.withCString { pwrite(descriptor, $0, length, 0) }
    ftruncate(descriptor, off_t(length))
  }

  deinit {
    if let session {
      let (classID, objectID) = Self.advisoryKeys
      _ = try? session.scalar("SELECT pg_advisory_unlock(\(classID), \(objectID))")
      return
    }
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
