import Testing

@Suite("manage dispatcher, run as a subprocess")
struct DispatcherEndToEndTests {
  @Test func helpListsCommandsGroupedByModule() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run(["help"], in: directory.path)
    #expect(result.status == 0)
    #expect(result.stdout.contains("Type 'manage help <subcommand>' for help on a specific subcommand."))
    #expect(result.stdout.contains("[core]\n    check"))
    #expect(result.stdout.contains("startproject"))
  }

  @Test func noArgumentsPrintsTheListing() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run([], in: directory.path)
    #expect(result.status == 0)
    #expect(result.stdout.contains("Available subcommands:"))
  }

  @Test func versionPrintsTheVersion() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run(["--version"], in: directory.path)
    #expect(result.status == 0)
    #expect(result.stdout == "0.1.0\n")
  }

  @Test func unknownCommandSuggestsTheClosestAndExitsTwo() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run(["chek"], in: directory.path)
    #expect(result.status == 2)
    #expect(result.stderr.contains("Unknown command: 'chek'. Did you mean check?"))
    #expect(result.stderr.contains("Type 'manage help' for usage."))
    #expect(result.stdout.isEmpty)
  }

  @Test func unknownCommandWithNothingCloseHasNoSuggestion() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run(["xyzzy"], in: directory.path)
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("Unknown command: 'xyzzy'.\n"))
  }

  @Test func helpForACommandAndDashDashHelpAgree() throws {
    let directory = try TemporaryDirectory()
    let viaHelp = try Manage.run(["help", "check"], in: directory.path)
    let viaFlag = try Manage.run(["check", "--help"], in: directory.path)
    #expect(viaHelp.status == 0)
    #expect(viaFlag.status == 0)
    #expect(viaHelp.stdout.contains("USAGE: manage check"))
    #expect(viaHelp.stdout.contains("--fail-level"))
    #expect(viaHelp.stdout.contains("--settings <file>"))
    #expect(viaHelp.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      == viaFlag.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  @Test func badOptionIsAUsageErrorWithExitTwo() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run(["check", "--bogus"], in: directory.path)
    #expect(result.status == 2)
    #expect(result.stderr.contains("Unknown option '--bogus'"))
    let verbosity = try Manage.run(["check", "-v", "7"], in: directory.path)
    #expect(verbosity.status == 2)
    #expect(verbosity.stderr.contains("Verbosity must be 0, 1, 2 or 3"))
  }

  @Test func globalOptionWithoutItsValueIsAUsageError() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run(["--settings"], in: directory.path)
    #expect(result.status == 2)
    #expect(result.stderr.contains("error: Missing value for '--settings'."))
  }

  @Test func tracebackShowsTheWholeError() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run(["check", "--traceback", "--settings", "gone.yaml"], in: directory.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("traceback:\n"))
    #expect(result.stderr.contains("- problem: "))
  }

  @Test func noColorUnlessForced() throws {
    let project = try TemporaryDirectory.copyOfFixture("invalid")
    let plain = try Manage.run(["check"], in: project.path)
    #expect(!plain.stderr.contains("\u{1B}["), "not a terminal: no colour")
    let forced = try Manage.run(["check", "--force-color"], in: project.path)
    #expect(forced.stderr.contains("\u{1B}[31;1mSystemCheckError"))
    let vetoed = try Manage.run(["check", "--force-color", "--no-color"], in: project.path)
    #expect(vetoed.status == 2, "the two options can't be used together")
  }

  @Test func globalOptionsMayComeBeforeTheCommand() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let elsewhere = try TemporaryDirectory()
    let result = try Manage.run(["--settings", project.path + "/manage.yaml", "-v", "0", "check"], in: elsewhere.path)
    #expect(result.status == 0)
    #expect(result.stdout.contains("System check identified no issues (0 silenced)."))
  }

  @Test func worksInAnEmptyFolderOnEmbeddedDefaults() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run(["check"], in: directory.path)
    #expect(result.status == 0)
    #expect(result.stdout == "System check identified no issues (0 silenced).\n")
    #expect(!directory.exists("db.sqlite3"), "check must not create the database")
  }
}
