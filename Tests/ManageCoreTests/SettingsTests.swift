import Testing
@testable import ManageCore

@Suite("Settings: discovery, .env, interpolation, overrides")
struct SettingsTests {
  @Test func foundInTheNearestParent() throws {
    let directory = try TestDirectory()
    try directory.write("manage.yaml", "installed_apps: [auth, contenttypes]\n")
    try directory.mkdir("a/b/c")
    let settings = try SettingsLoader.load(environment: [:], currentDirectory: directory.path + "/a/b/c")
    #expect(settings.file == directory.path + "/manage.yaml")
    #expect(settings.projectDirectory == directory.path)
    #expect(settings.installedApps.map(\.label) == ["auth", "contenttypes"])
    #expect(settings.database.path == directory.path + "/db.sqlite3", "relative to manage.yaml, not the cwd")
  }

  @Test func embeddedDefaultsWithoutAFile() throws {
    let directory = try TestDirectory()
    let settings = try SettingsLoader.load(environment: [:], currentDirectory: directory.path)
    #expect(settings.file == nil)
    #expect(settings.installedApps.map(\.label) == Settings.builtinAppLabels)
    #expect(settings.database.path == directory.path + "/db.sqlite3")
    #expect(settings.timeZone == "UTC")
  }

  @Test func explicitFileWinsOverEnvironmentAndDiscovery() throws {
    let directory = try TestDirectory()
    try directory.write("manage.yaml", "time_zone: UTC\n")
    try directory.write("other/settings.yaml", "time_zone: Europe/Paris\n")
    let fromFlag = try SettingsLoader.load(
      explicit: "other/settings.yaml", environment: ["MANAGE_SETTINGS": "manage.yaml"], currentDirectory: directory.path)
    #expect(fromFlag.timeZone == "Europe/Paris")
    let fromEnvironment = try SettingsLoader.load(
      environment: ["MANAGE_SETTINGS": "other/settings.yaml"], currentDirectory: directory.path)
    #expect(fromEnvironment.timeZone == "Europe/Paris")
    #expect(fromEnvironment.projectDirectory == directory.path + "/other")
  }

  @Test func missingExplicitFileIsAnError() throws {
    let directory = try TestDirectory()
    let error = #expect(throws: SettingsError.self) {
      try SettingsLoader.load(explicit: "nope.yaml", environment: [:], currentDirectory: directory.path)
    }
    #expect(error?.message == "settings file 'nope.yaml' (from --settings) does not exist")
  }

  @Test func interpolationReadsDotEnvBeneathTheEnvironment() throws {
    let directory = try TestDirectory()
    try directory.write(".env", "# secrets\nexport SECRET=\"from dotenv\"\nZONE=Asia/Tokyo\nDEBUG_FLAG=false\n")
    try directory.write("manage.yaml", """
      secret_key: ${SECRET}
      time_zone: ${ZONE:-UTC}
      debug: ${DEBUG_FLAG:-true}
      database: sqlite:///${DB_NAME:-data}.sqlite3
      """)
    let settings = try SettingsLoader.load(environment: ["ZONE": "America/Lima"], currentDirectory: directory.path)
    #expect(settings.secretKey == "from dotenv")
    #expect(settings.timeZone == "America/Lima", "the process environment wins over .env")
    #expect(settings.debug == false, "an interpolated plain scalar is typed again")
    #expect(settings.database.path == directory.path + "/data.sqlite3")
    #expect(settings.environment["SECRET"] == "from dotenv")
    #expect(settings.unsetVariables.isEmpty)
  }

  @Test func unsetVariableExpandsEmptyAndIsRemembered() throws {
    let directory = try TestDirectory()
    try directory.write("manage.yaml", "secret_key: ${NOT_SET_ANYWHERE}\n")
    let settings = try SettingsLoader.load(environment: [:], currentDirectory: directory.path)
    #expect(settings.secretKey == "")
    #expect(settings.unsetVariables.map(\.name) == ["NOT_SET_ANYWHERE"])
    #expect(settings.unsetVariables.first?.location.line == 1)
    #expect(settings.unsetVariables.first?.location.column == 13)
  }

  @Test func databaseURLOverridesInOrder() throws {
    let directory = try TestDirectory()
    try directory.write("manage.yaml", "database: sqlite:///file.sqlite3\n")
    let plain = try SettingsLoader.load(environment: [:], currentDirectory: directory.path)
    #expect(plain.database.path == directory.path + "/file.sqlite3")
    let database = try SettingsLoader.load(environment: ["DATABASE_URL": "sqlite:////tmp/x.sqlite3"], currentDirectory: directory.path)
    #expect(database.database.path == "/tmp/x.sqlite3")
    let both = try SettingsLoader.load(
      environment: ["DATABASE_URL": "sqlite:////tmp/x.sqlite3", "MANAGE_DATABASE_URL": "sqlite:///y.sqlite3"],
      currentDirectory: directory.path)
    #expect(both.database.path == directory.path + "/y.sqlite3")
    #expect(both.database.source == .environment("MANAGE_DATABASE_URL"))
  }

  @Test func otherDatabasesAreRefusedWithAHint() throws {
    let directory = try TestDirectory()
    try directory.write("manage.yaml", "database: mysql://localhost/app\n")
    let error = #expect(throws: SettingsError.self) {
      try SettingsLoader.load(environment: [:], currentDirectory: directory.path)
    }
    #expect(error?.message.hasSuffix("manage.yaml:1:11: unsupported database URL 'mysql://localhost/app': manage works with SQLite and PostgreSQL, not 'mysql'") == true, "\(error?.message ?? "")")
    #expect(error?.hint?.contains("postgres://user@host:5432/name") == true)
  }

  @Test func wrongTypesPointAtTheValue() throws {
    let directory = try TestDirectory()
    try directory.write("manage.yaml", "installed_apps: auth\n")
    let error = #expect(throws: SettingsError.self) {
      try SettingsLoader.load(environment: [:], currentDirectory: directory.path)
    }
    #expect(error?.message.hasSuffix("manage.yaml:1:17: 'installed_apps' must be a list like [auth, contenttypes, sessions, blog], found a string") == true)
  }

  @Test func appEntriesTakePathsAndLabels() throws {
    let directory = try TestDirectory()
    try directory.write("manage.yaml", "installed_apps: [auth, apps/blog, {path: apps/shop, label: store}]\n")
    let settings = try SettingsLoader.load(environment: [:], currentDirectory: directory.path)
    #expect(settings.installedApps.map(\.label) == ["auth", "blog", "store"])
    #expect(settings.installedApps.map(\.path) == [nil, "apps/blog", "apps/shop"])
  }
}

@Suite("The .env format")
struct DotEnvTests {
  @Test func quotesEscapesCommentsAndExport() throws {
    let pairs = try DotEnv.parse("""
      A=plain value # comment
      export B='single $NOT #kept'
      C="line\\nnext \\"quoted\\""
      # a comment

      D=
      """, displayPath: ".env")
    #expect(pairs.map(\.key) == ["A", "B", "C", "D"])
    #expect(pairs.map(\.value) == ["plain value", "single $NOT #kept", "line\nnext \"quoted\"", ""])
  }

  @Test func malformedLineNamesItsPosition() {
    let error = #expect(throws: SettingsError.self) { try DotEnv.parse("A=1\nthis is wrong\n", displayPath: ".env") }
    #expect(error?.message == ".env:2:1: expected KEY=value, found 'this is wrong'")
  }
}

@Suite("${VAR} interpolation")
struct InterpolationTests {
  let location = SourceLocation(file: "manage.yaml", line: 1, column: 1)

  @Test func defaultsAndDollarEscapes() throws {
    var unset: [Interpolation.UnsetVariable] = []
    let text = try Interpolation.expand(
      "${A}-${B:-fallback}-${EMPTY:-used}-$$-${C}", environment: ["A": "a", "EMPTY": ""], location: location, unset: &unset)
    #expect(text == "a-fallback-used-$-")
    #expect(unset.map(\.name) == ["C"])
  }

  @Test func malformedReferenceIsAnError() {
    var unset: [Interpolation.UnsetVariable] = []
    #expect(throws: SettingsError.self) {
      try Interpolation.expand("${OPEN", environment: [:], location: location, unset: &unset)
    }
    #expect(throws: SettingsError.self) {
      try Interpolation.expand("${bad name}", environment: [:], location: location, unset: &unset)
    }
  }
}
