import Testing

@Suite("plugins: app commands and manage-NAME on PATH")
struct PluginEndToEndTests {
  @Test func appCommandRunsWithProjectEnvironmentAndArguments() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let result = try Manage.run(["summarize", "--pages", "3"], in: project.path + "/blog")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("summarize: project \(project.path)\n"))
    #expect(result.stdout.contains("summarize: database sqlite:///\(project.path)/db.sqlite3\n"))
    #expect(result.stdout.contains("summarize: arguments --pages 3\n"))
  }

  @Test func pluginExitCodeIsPassedThrough() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let result = try Manage.run(["summarize", "--fail"], in: project.path)
    #expect(result.status == 3)
  }

  @Test func pluginOnPathRunsAndIsListedInHelp() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let bin = try TemporaryDirectory()
    try bin.write("manage-hello", """
      #!/bin/sh
      echo "hello $1 settings=$MANAGE_SETTINGS"
      exit 5
      """, executable: true)
    let path = bin.path + ":" + (Manage.baseEnvironment()["PATH"] ?? "")
    let result = try Manage.run(["hello", "world"], in: project.path, environment: ["PATH": path])
    #expect(result.status == 5)
    #expect(result.stdout == "hello world settings=\(project.path)/manage.yaml\n")

    let help = try Manage.run(["help"], in: project.path, environment: ["PATH": path])
    #expect(help.stdout.contains("[plugins on PATH]\n    hello"))
    #expect(help.stdout.contains("[documents]\n    summarize"))
    let names = try Manage.run(["help", "--commands"], in: project.path, environment: ["PATH": path])
    #expect(names.stdout.split(separator: "\n").contains("hello"))
    #expect(names.stdout.split(separator: "\n").contains("summarize"))
  }

  @Test func appCommandsShadowedByBuiltinsAreFlagged() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try project.write("blog/commands/check", "#!/bin/sh\necho shadowed\n", executable: true)
    let result = try Manage.run(["check"], in: project.path)
    #expect(result.status == 0)
    #expect(result.stderr.contains("(commands.W001) App command 'check' is shadowed by the built-in command of that name."))
  }

  @Test func unknownCommandNearAPluginSuggestsIt() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let result = try Manage.run(["sumarize"], in: project.path)
    #expect(result.status == 2)
    #expect(result.stderr.contains("Unknown command: 'sumarize'. Did you mean summarize?"))
  }

  @Test func helpListingSurvivesBrokenSettings() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try project.write("manage.yaml", "installed_apps: [nope]\n")
    let result = try Manage.run(["help"], in: project.path)
    #expect(result.status == 0)
    #expect(result.stdout.contains("check"))
    #expect(result.stdout.contains("Note that only manage's own commands are listed"))
  }
}
