import Foundation
import ManageCore
import Testing
@testable import ManageProject

@Suite("startapp's edit of installed_apps")
struct InstalledAppsEditorTests {
  func edit(_ yaml: String) throws -> (changed: Bool, text: String) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("manage-\(UUID().uuidString).yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let changed = try InstalledAppsEditor.add("shop", label: "shop", to: path)
    return (changed, try String(contentsOfFile: path, encoding: .utf8))
  }

  @Test func flowListKeepsItsComment() throws {
    let result = try edit("installed_apps: [auth, blog]   # apps\ntime_zone: UTC\n")
    #expect(result.changed)
    #expect(result.text == "installed_apps: [auth, blog, shop]   # apps\ntime_zone: UTC\n")
  }

  @Test func emptyFlowList() throws {
    #expect(try edit("installed_apps: []\n").text == "installed_apps: [shop]\n")
  }

  @Test func blockListGetsALineWithTheSameIndent() throws {
    let result = try edit("installed_apps:\n    - auth\n    # later\n    - blog\ndebug: true\n")
    #expect(result.text == "installed_apps:\n    - auth\n    # later\n    - blog\n    - shop\ndebug: true\n")
  }

  @Test func unusualLayoutsAreLeftAlone() throws {
    let original = "installed_apps: [\n  auth,\n  blog]\n"
    let result = try edit(original)
    #expect(!result.changed)
    #expect(result.text == original)
  }
}

@Suite("Man pages and completion scripts from the command definitions", .serialized)
struct GeneratorTests {
  init() { _ = Dispatcher(commands: ProjectCommands.all) }

  @Test func definitionsCarryOptionsAndDynamicCompletion() throws {
    let root = try CommandDefinition.root()
    #expect(root.visibleSubcommands.map(\.commandName) == ["check", "completion", "manpages", "startapp", "startproject"])
    let check = try #require(root.visibleSubcommands.first { $0.commandName == "check" })
    let labels = try #require(check.visibleArguments.first { $0.isPositional })
    guard case .dynamic("apps") = labels.completion else {
      Issue.record("app labels should complete from the project, got \(labels.completion)")
      return
    }
    #expect(check.visibleArguments.contains { $0.spellings == ["--settings"] && $0.sectionTitle == "Global Options" })
  }

  @Test func everyScriptMentionsEveryCommand() throws {
    for shell in Shell.allCases {
      let script = try CompletionScripts.script(for: shell)
      for command in ProjectCommands.all {
        #expect(script.contains(command._commandName), "\(shell) script lacks \(command._commandName)")
      }
      #expect(script.contains("---complete"), "\(shell) script must ask the binary for dynamic values")
    }
  }

  @Test func manPagesEscapeRoff() throws {
    #expect(ManPageWriter.escape(".starts with a dot\nand a \\ backslash-dash") == "\\&.starts with a dot\nand a \\e backslash\\-dash")
    let pages = ManPageWriter.pages(for: try CommandDefinition.root())
    #expect(pages.map(\.file).first == "manage.1")
    #expect(pages.contains { $0.file == "manage-startapp.1" })
    #expect(pages.allSatisfy { $0.text.contains(".TH ") && $0.text.contains(ManPageWriter.releaseDate) })
  }

  @Test func secretKeysAreLongAndVaried() {
    let first = SecretKey.generate()
    let second = SecretKey.generate()
    #expect(first.count == 50)
    #expect(Set(first).count >= 5)
    #expect(first != second)
  }
}
