import Testing
@testable import ManageCore

@Suite("Did you mean …?")
struct SuggestionTests {
  @Test(arguments: [
    ("migrat", "migrate"), ("chek", "check"), ("blgo", "blog"), ("startap", "startapp"), ("nul", "null"),
  ])
  func closeTyposAreSuggested(typo: String, expected: String) {
    #expect(Suggestion.closest(to: typo, in: ["migrate", "makemigrations", "check", "blog", "startapp", "startproject", "null"]) == expected)
  }

  @Test func unrelatedWordsAreNot() {
    #expect(Suggestion.closest(to: "xyzzy", in: ["migrate", "check"]) == nil)
    #expect(Suggestion.closest(to: "mi", in: ["migrate", "makemigrations"]) == nil)
  }
}

@Suite("Check report rendering")
struct CheckReportTests {
  let console = Console(color: false)

  @Test func noIssuesIsDjangosOneLiner() {
    let report = CheckReport(visible: [], silencedCount: 2)
    #expect(report.rendered(console: console, failLevel: .error) == "System check identified no issues (2 silenced).")
  }

  @Test func issuesAreGroupedByLevelWithHints() {
    let report = CheckReport(visible: [
      CheckMessage(.warning, "x.W001", "Careful.", object: "blog"),
      CheckMessage(.error, "x.E001", "Broken.", hint: "Fix it.", object: "blog.Post",
                   at: SourceLocation(file: "blog/models.yaml", line: 3, column: 5)),
    ], silencedCount: 0)
    #expect(report.rendered(console: console, failLevel: .error) == """
      SystemCheckError: System check identified some issues:

      ERRORS:
      blog/models.yaml:3:5: blog.Post: (x.E001) Broken.
      \tHINT: Fix it.

      WARNINGS:
      blog: (x.W001) Careful.

      System check identified 2 issues (0 silenced).
      """)
    #expect(report.isSerious(failLevel: .error))
    #expect(!CheckReport(visible: [report.visible[0]], silencedCount: 0).isSerious(failLevel: .error))
  }
}
