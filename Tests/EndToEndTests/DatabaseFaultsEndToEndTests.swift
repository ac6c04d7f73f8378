import Foundation
import ManageCore
import Testing

/// Databases in awkward states (issue 13, §4): two migrates racing on a brand-new file, a file
/// the user may only read, a path that is a folder. Each works or says clearly why not.
@Suite("Database faults", .serialized)
struct DatabaseFaultsEndToEndTests {
  @Test func twoMigratesOnABrandNewDatabaseBothSucceed() throws {
    for round in 0..<4 {
      let project = try TemporaryDirectory.copyOfFixture("demo")
      _ = try Manage.run(["makemigrations", "-v", "0"], in: project.path)
      let first = try Manage.start(["migrate", "-v", "0"], in: project.path, output: project.path + "/a")
      let second = try Manage.start(["migrate", "-v", "0"], in: project.path, output: project.path + "/b")
      let codes = [Manage.wait(first), Manage.wait(second)]
      let errors = ((try? project.read("a.err")) ?? "") + ((try? project.read("b.err")) ?? "")
      #expect(codes == [0, 0], "round \(round): \(errors)")
      #expect(!errors.contains("SQLITE_BUSY") && !errors.contains("pid )"), "round \(round): \(errors)")
    }
  }

  @Test func aReadOnlyDatabaseCanStillBeRead() throws {
    // Root may write any file, so the reader is another user (skipped where there is none).
    guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else { return }
    let project = try TemporaryDirectory.copyOfFixture("demo")
    _ = try Manage.run(["makemigrations", "-v", "0"], in: project.path)
    _ = try Manage.run(["migrate", "-v", "0"], in: project.path)
    chmod(project.path, 0o755)
    chmod(project.path + "/db.sqlite3", 0o444)
    func asNobody(_ arguments: [String]) throws -> ProcessResult {
      try Manage.run(["-u", "nobody", "--", Manage.binary] + arguments, in: project.path, executable: "/usr/sbin/runuser")
    }
    let listed = try asNobody(["showmigrations", "auth"])
    #expect(listed.status == 0 && listed.stdout.contains("[X] 0001_squashed_0012_alter_user_first_name_max_length"), "\(listed.stdout)\(listed.stderr)")
    let counted = try asNobody(["shell", "-c", "Document.objects.count()"])
    #expect(counted.status == 0 && counted.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(counted.stderr)")
    let write = try asNobody(["shell", "-c", "Document.objects.create(title='x', checksum='c')"])
    #expect(write.status == 1 && write.stderr.contains("OperationalError: attempt to write a readonly database"), "\(write.stderr)")
  }

  @Test func aDatabasePathThatIsAFolderSaysSo() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try FileManager.default.createDirectory(atPath: project.path + "/db.sqlite3", withIntermediateDirectories: true)
    let result = try Manage.run(["migrate"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("the database path is a directory, not a file"), "\(result.stderr)")
    #expect(result.stderr.contains("hint: Point `database:` in manage.yaml"), "\(result.stderr)")
  }
}
