import Foundation
import Testing

@Suite("startproject and startapp")
struct StartCommandsEndToEndTests {
  @Test func newProjectWithAnAppPassesCheck() throws {
    let directory = try TemporaryDirectory()
    let created = try Manage.run(["startproject", "mysite"], in: directory.path)
    #expect(created.status == 0, "\(created.stderr)")
    #expect(created.stdout.contains("Created project 'mysite'"))
    let project = directory.path + "/mysite"
    let settings = try String(contentsOfFile: project + "/manage.yaml", encoding: .utf8)
    #expect(settings.contains("installed_apps: [auth, contenttypes, sessions, admin, jobs, evals]"))
    let dotEnv = try String(contentsOfFile: project + "/.env", encoding: .utf8)
    #expect(dotEnv.contains("MANAGE_SECRET_KEY='"))
    let attributes = try FileManager.default.attributesOfItem(atPath: project + "/.env")
    #expect((attributes[.posixPermissions] as? Int) == 0o600, ".env holds a secret: owner only")

    let app = try Manage.run(["startapp", "blog"], in: project)
    #expect(app.status == 0, "\(app.stderr)")
    #expect(app.stdout.contains("Added 'blog' to installed_apps in manage.yaml."))
    #expect(FileManager.default.fileExists(atPath: project + "/blog/models.yaml"))
    #expect(FileManager.default.fileExists(atPath: project + "/blog/migrations"))
    let updated = try String(contentsOfFile: project + "/manage.yaml", encoding: .utf8)
    #expect(updated.contains("installed_apps: [auth, contenttypes, sessions, admin, jobs, evals, blog]"))

    try """
      models:
        Post:
          fields:
            title: {type: char, max_length: 200}
            author: {type: foreign_key, to: auth.User, on_delete: cascade}
      """.write(toFile: project + "/blog/models.yaml", atomically: true, encoding: .utf8)
    let check = try Manage.run(["check", "--deploy", "--fail-level", "WARNING"], in: project, environment: ["DEBUG": "false"])
    #expect(check.status == 0, "the generated secret key passes the deploy check: \(check.stderr)")
  }

  @Test func startappAppendsToABlockStyleList() throws {
    let project = try TemporaryDirectory()
    try project.write("manage.yaml", "# mine\ninstalled_apps:\n  - auth\n  - contenttypes  # needed by auth\n\ntime_zone: UTC\n")
    let result = try Manage.run(["startapp", "shop"], in: project.path)
    #expect(result.status == 0)
    #expect(try project.read("manage.yaml") == "# mine\ninstalled_apps:\n  - auth\n  - contenttypes  # needed by auth\n  - shop\n\ntime_zone: UTC\n")
  }

  @Test func invalidAndClashingNamesAreRefused() throws {
    let directory = try TemporaryDirectory()
    let bad = try Manage.run(["startproject", "my-site"], in: directory.path)
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("error: 'my-site' is not a valid project name. Please make sure the name is a valid identifier."))
    #expect(!directory.exists("my-site"))

    let builtin = try Manage.run(["startapp", "auth"], in: directory.path)
    #expect(builtin.status == 1)
    #expect(builtin.stderr.contains("conflicts with the name of a built-in app"))

    try FileManager.default.createDirectory(atPath: directory.path + "/taken", withIntermediateDirectories: true)
    let exists = try Manage.run(["startproject", "taken"], in: directory.path)
    #expect(exists.status == 1)
    #expect(exists.stderr.contains("already exists"))

    let missing = try Manage.run(["startproject", "site", "nowhere"], in: directory.path)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("does not exist, please create it first."))
  }

  @Test func startprojectIntoAnExistingDirectoryKeepsItsFiles() throws {
    let directory = try TemporaryDirectory()
    try directory.write("README.md", "mine\n")
    let result = try Manage.run(["startproject", "site", "."], in: directory.path)
    #expect(result.status == 0)
    #expect(try directory.read("README.md") == "mine\n")
    #expect(directory.exists("manage.yaml"))
    let again = try Manage.run(["startproject", "site", "."], in: directory.path)
    #expect(again.status == 1, "an existing manage.yaml is never overwritten")
  }
}
