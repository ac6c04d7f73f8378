import Foundation
import Testing

/// The committed man pages and completion scripts must be exactly what the binary generates
/// from its command definitions. Run with MANAGE_RECORD=1 to rewrite them after changing a
/// command.
@Suite("man/ and completions/ match the commands", .serialized)
struct GeneratedFilesTests {
  static let recording = ProcessInfo.processInfo.environment["MANAGE_RECORD"] == "1"

  @Test(arguments: [("bash", "manage.bash"), ("zsh", "_manage"), ("fish", "manage.fish")])
  func completionScriptMatchesCommittedFile(shell: String, file: String) throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run(["completion", shell], in: directory.path)
    #expect(result.status == 0)
    let committedPath = Manage.repository + "/completions/" + file
    if Self.recording { try result.stdout.write(toFile: committedPath, atomically: true, encoding: .utf8) }
    let committed = try String(contentsOfFile: committedPath, encoding: .utf8)
    #expect(result.stdout == committed, "completions/\(file) is stale: run `MANAGE_RECORD=1 swift test --filter GeneratedFilesTests`")
  }

  @Test func manPagesMatchCommittedFiles() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run(["manpages", "--output-dir", "pages"], in: directory.path)
    #expect(result.status == 0)
    let generated = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/pages").sorted()
    if Self.recording {
      for name in try FileManager.default.contentsOfDirectory(atPath: Manage.repository + "/man") {
        try FileManager.default.removeItem(atPath: Manage.repository + "/man/" + name)
      }
      for name in generated {
        try FileManager.default.copyItem(atPath: directory.path + "/pages/" + name, toPath: Manage.repository + "/man/" + name)
      }
    }
    let committed = try FileManager.default.contentsOfDirectory(atPath: Manage.repository + "/man").sorted()
    #expect(generated == committed, "man/ lists other pages than the commands: regenerate with MANAGE_RECORD=1")
    #expect(generated.contains("manage.1"))
    #expect(generated.contains("manage-check.1"))
    for name in generated where committed.contains(name) {
      let fresh = try directory.read("pages/" + name)
      let kept = try String(contentsOfFile: Manage.repository + "/man/" + name, encoding: .utf8)
      #expect(fresh == kept, "man/\(name) is stale: run `MANAGE_RECORD=1 swift test --filter GeneratedFilesTests`")
    }
  }

  @Test func manPageRendersWithMan() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.spawn(
      ["man", "-l", Manage.repository + "/man/manage.1"], in: directory.path,
      environment: Manage.baseEnvironment().merging(["MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "80"]) { $1 })
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("SYNOPSIS"))
    #expect(result.stdout.contains("manage-check(1)"))
    #expect(!result.stderr.contains("warning"), "\(result.stderr)")
  }

  @Test func bashCompletesCommandNamesAndAppLabels() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let binDirectory = (Manage.binary as NSString).deletingLastPathComponent
    let script = """
      source '\(Manage.repository)/completions/manage.bash'
      complete_line() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _manage; echo "${COMPREPLY[*]}"; }
      complete_line manage che
      complete_line manage st
      complete_line manage check ''
      complete_line manage check --fail-level W
      complete_line manage su
      complete_line manage mi
      complete_line manage jobs l
      complete_line manage jobs list --state d
      """
    let result = try Manage.spawn(
      ["bash", "-c", script], in: project.path,
      environment: Manage.baseEnvironment().merging(["PATH": binDirectory + ":/usr/bin:/bin"]) { $1 })
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0] == "check")
    #expect(lines[1] == "startapp startproject", "built-in names")
    #expect(lines[2] == "auth contenttypes sessions admin jobs evals documents blog")
    #expect(lines[3] == "WARNING")
    #expect(lines[4] == "summarize", "app commands complete too")
    #expect(lines[5] == "migrate", "mi completes to migrate")
    #expect(lines[6] == "list", "subcommands complete")
    #expect(lines[7] == "dead", "and their options' values")
  }
}
