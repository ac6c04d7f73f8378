import Foundation
import ManageCore
import Testing

/// Completion knows the project (issue 13, §5): task and suite names, run and job ids, queue
/// names and each app's migrations, in real bash, zsh and fish (the last two skipped where
/// they are not installed; .ci/run installs them).
@Suite("Completion of the project's values", .serialized)
struct CompletionEndToEndTests {
  /// The demo, migrated, with one job and one eval run to complete.
  func project() throws -> TemporaryDirectory {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    _ = try Manage.run(["makemigrations", "-v", "0"], in: project.path)
    _ = try Manage.run(["migrate", "-v", "0"], in: project.path)
    _ = try Manage.run(["enqueue", "extract_guidance", "document_id=1", "--queue", "slow", "-v", "0"], in: project.path)
    let connection = try Connection(path: project.path + "/db.sqlite3")
    try connection.run(
      "INSERT INTO evals_evalrun (suite, provider, status, total, passed, failed, threshold, errors, repeat, git_commit, started_at) VALUES ('guidance', 'echo', 'done', 0, 0, 0, 0.9, 0, 1, '', '2026-12-01 00:00:00')")
    return project
  }

  var environment: [String: String] {
    Manage.baseEnvironment().merging(["PATH": (Manage.binary as NSString).deletingLastPathComponent + ":/usr/bin:/bin"]) { $1 }
  }

  @Test func theBinaryAnswersEachKind() throws {
    let project = try project()
    func values(_ words: [String]) throws -> [String] {
      try Manage.run(["---complete"] + words, in: project.path).stdout.split(separator: "\n").map(String.init)
    }
    #expect(try values(["tasks"]).contains("extract_guidance"))
    #expect(try values(["tasks"]).contains("evals.run"), "built-in tasks too")
    #expect(try values(["queues"]).contains("slow") && (try values(["queues"])).contains("default"))
    #expect(try values(["jobs"]) == ["1"])
    #expect(try values(["suites"]) == ["guidance"])
    #expect(try values(["runs"]) == ["latest", "1"])
    #expect(try values(["migrate-targets", "migrate", "blog"]) == ["zero", "0001_initial"])
    #expect(try values(["migrations", "-v", "2", "sqlmigrate", "documents"]) == ["0001_initial"])
    #expect(try values(["migrations", "sqlmigrate", "nosuchapp"]).isEmpty)
    // loaddata: the apps' fixtures by name, then fixture files here; dumpdata: apps, then models.
    try project.write("blog/fixtures/tags.json", "[]")
    try project.write("seed.yaml", "[]")
    #expect(try values(["fixtures"]) == ["tags", "seed.yaml"])
    let labels = try values(["apps-and-models"])
    #expect(labels.prefix(8) == ["auth", "contenttypes", "sessions", "admin", "jobs", "evals", "documents", "blog"] && labels.dropFirst(8).contains("blog.Post"), "\(labels)")
    // Outside a project, nothing, and no error.
    let outside = try TemporaryDirectory()
    let bare = try Manage.run(["---complete", "tasks"], in: outside.path)
    #expect(bare.status == 0 && bare.stderr.isEmpty)
  }

  @Test func bashCompletesTheProjectsValues() throws {
    let project = try project()
    try project.write("blog/fixtures/tags.json", "[]")
    let script = """
      source '\(Manage.repository)/completions/manage.bash'
      complete_line() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _manage; echo "${COMPREPLY[*]}"; }
      complete_line manage enqueue ext
      complete_line manage enqueue extract_guidance --queue sl
      complete_line manage migrate blog ''
      complete_line manage sqlmigrate documents 0
      complete_line manage jobs show ''
      complete_line manage evals run gui
      complete_line manage evals show ''
      complete_line manage worker --queue ''
      complete_line manage loaddata ta
      complete_line manage dumpdata blog.P
      """
    let result = try Manage.spawn(["bash", "-c", script], in: project.path, environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.count >= 8, "\(result.stdout)")
    guard lines.count >= 8 else { return }
    #expect(lines[0] == "extract_guidance extract_guidance_script")
    #expect(lines[1] == "slow")
    #expect(lines[2] == "zero 0001_initial")
    #expect(lines[3] == "0001_initial")
    #expect(lines[4] == "1")
    #expect(lines[5] == "guidance")
    #expect(lines[6] == "latest 1")
    #expect(lines[7].split(separator: " ").contains("slow"))
    #expect(lines.count >= 10 && lines[8] == "tags" && lines[9] == "blog.Post", "\(lines)")
  }

  @Test func fishCompletesTheProjectsValues() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/fish") else { return }
    let project = try project()
    func complete(_ line: String) throws -> [String] {
      let script = "source '\(Manage.repository)/completions/manage.fish'; complete -C '\(line)'"
      let result = try Manage.spawn(["fish", "--no-config", "-c", script], in: project.path, environment: environment)
      #expect(result.status == 0, "\(result.stderr)")
      return result.stdout.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
    }
    #expect(try complete("manage enqueue ").contains("extract_guidance"))
    #expect(try complete("manage enqueue x --queue ").contains("slow"))
    #expect(try complete("manage migrate blog ") == ["0001_initial", "zero"] || (try complete("manage migrate blog ")).sorted() == ["0001_initial", "zero"])
    #expect(try complete("manage jobs show ") == ["1"])
    #expect(try complete("manage jobs ").contains("show"), "subcommands first")
    #expect(try complete("manage evals run ").contains("guidance"))
    #expect(try complete("manage evals show ").sorted() == ["1", "latest"])
  }

  @Test func zshCompletesTheProjectsValues() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh"), FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { return }
    let project = try project()
    // A real interactive zsh in tmux: compinit with the generated _manage, then Tab.
    try project.write("zdot/.zshrc", """
      fpath=('\(Manage.repository)/completions' $fpath)
      autoload -U compinit && compinit -u -d '\(project.path)/zdot/.zcompdump'
      PATH='\((Manage.binary as NSString).deletingLastPathComponent)':$PATH
      PROMPT='%% '
      """)
    let session = "manage-zsh-\(getpid())"
    func tmux(_ arguments: [String]) throws -> String {
      try Manage.spawn(["tmux"] + arguments, in: project.path, environment: environment).stdout
    }
    _ = try tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "40", "env ZDOTDIR=\(project.path)/zdot zsh -i"])
    defer { _ = try? tmux(["kill-session", "-t", session]) }
    func screen(after keys: String) throws -> String {
      _ = try tmux(["send-keys", "-t", session, "C-u"])
      _ = try tmux(["send-keys", "-t", session, "-l", keys])
      _ = try tmux(["send-keys", "-t", session, "Tab"])
      var text = ""
      for _ in 0..<40 {
        usleep(100_000)
        text = try tmux(["capture-pane", "-p", "-t", session])
        if text.contains(keys.trimmingCharacters(in: .whitespaces)) && text.split(separator: "\n").count > 1 { break }
      }
      usleep(300_000)
      return try tmux(["capture-pane", "-p", "-t", session])
    }
    usleep(800_000)
    #expect(try screen(after: "manage sqlmigrate documents ").contains("manage sqlmigrate documents 0001_initial"))
    let migrate = try screen(after: "manage migrate blog ")
    #expect(migrate.contains("zero") && migrate.contains("0001_initial"), "\(migrate)")
    #expect(try screen(after: "manage enqueue ext").contains("manage enqueue extract_guidance"))
    #expect(try screen(after: "manage jobs show ").contains("manage jobs show 1"))
    let show = try screen(after: "manage evals show ")
    #expect(show.contains("latest"), "\(show)")
  }
}
