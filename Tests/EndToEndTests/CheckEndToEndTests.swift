import Foundation
import Testing

@Suite("manage check, run as a subprocess")
struct CheckEndToEndTests {
  @Test func demoProjectHasNoIssues() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let result = try Manage.run(["check"], in: project.path)
    #expect(result.status == 0)
    #expect(result.stdout == "System check identified no issues (0 silenced).\n")
    #expect(result.stderr.isEmpty)
  }

  @Test func checkFindsTheProjectFromASubdirectory() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let result = try Manage.run(["check", "blog"], in: project.path + "/blog/migrations")
    #expect(result.status == 0)
  }

  @Test func invalidProjectReportsEveryMistakeWithItsPosition() throws {
    let project = try TemporaryDirectory.copyOfFixture("invalid")
    let result = try Manage.run(["check"], in: project.path)
    #expect(result.status == 1)
    let expected = [
      "SystemCheckError: System check identified some issues:",
      "shop/models.yaml:4:20: shop.Product.name: (schema.E001) Unknown field type 'chr'.",
      "\tHINT: Did you mean 'char'?",
      "shop/models.yaml:5:7: shop.Product.sku: (fields.E120) CharFields must define a 'max_length' attribute.",
      "shop/models.yaml:6:7: shop.Product.price: (fields.E130) DecimalFields must define a 'decimal_places' attribute.",
      "shop/models.yaml:7:7: shop.Product.category: (fields.E300) Field defines a relation with model 'Categry', which is either not installed, or is abstract.",
      "\tHINT: Did you mean 'Category'?",
      "shop/models.yaml:7:7: shop.Product.category: (schema.E007) ForeignKey 'category' needs 'on_delete'.",
      "shop/models.yaml:8:77: shop.Product.status: (schema.E009) Default 'archived' is not one of the choices: 'draft', 'live'.",
      "shop/models.yaml:9:39: shop.Product.stock: (schema.E008) Default 'many' does not fit the integer field: expected an integer.",
      "shop/models.yaml:11:7: shop.Product.bad-name: (schema.E004) 'bad-name' is not a valid field name.",
      "shop/models.yaml:12:60: shop.Product.owner: (fields.E320) Field specifies on_delete=SET_NULL, but cannot be null.",
      "shop/models.yaml:13:32: shop.Product.visible: (schema.E002) Unknown field option 'nul'.",
      "shop/models.yaml:17:15: shop.Category: (models.E015) 'ordering' refers to the nonexistent field, related field, or lookup 'name'.",
      "manage.yaml:4:13: settings: (settings.W001) ${SHOP_SECRET} is not set, so it expands to an empty string.",
      "manage.yaml:5:1: settings: (settings.W002) Unknown setting 'instaled_apps'.",
      "System check identified 13 issues (0 silenced).",
    ]
    for line in expected {
      #expect(result.stderr.contains(line), "missing: \(line)\n--- stderr:\n\(result.stderr)")
    }
  }

  @Test func failLevelAndSilencingDecideTheExitCode() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try project.write("manage.yaml", """
      installed_apps: [auth, contenttypes, blog]
      secret_key: ${MISSING_SECRET}
      """)
    let warnings = try Manage.run(["check"], in: project.path)
    #expect(warnings.status == 0, "warnings alone do not fail at the default level")
    #expect(warnings.stderr.contains("WARNINGS:"))
    let strict = try Manage.run(["check", "--fail-level", "WARNING"], in: project.path)
    #expect(strict.status == 1)
    #expect(strict.stderr.hasPrefix("SystemCheckError: "))

    try project.write("manage.yaml", """
      installed_apps: [auth, contenttypes, blog]
      secret_key: ${MISSING_SECRET}
      silenced_system_checks: [settings.W001]
      """)
    let silenced = try Manage.run(["check", "--fail-level", "WARNING"], in: project.path)
    #expect(silenced.status == 0)
    #expect(silenced.stdout == "System check identified no issues (1 silenced).\n")
  }

  @Test func jsonFormatListsIssuesWithPositions() throws {
    let project = try TemporaryDirectory.copyOfFixture("invalid")
    let result = try Manage.run(["check", "--format", "json", "shop"], in: project.path)
    #expect(result.status == 1)
    let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let issues = try #require(document?["issues"] as? [[String: Any]])
    #expect(issues.count == 11, "the two settings warnings are not about the shop app")
    let first = try #require(issues.first)
    #expect(first["id"] as? String == "schema.E001")
    #expect(first["file"] as? String == "shop/models.yaml")
    #expect(first["line"] as? Int == 4)
    #expect(first["column"] as? Int == 20)
  }

  @Test func malformedYAMLIsAnErrorWithFileLineAndColumn() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try project.write("blog/models.yaml", """
      models:
        Post:
          fields:
            title: {type: char, max_length: 200
            body: text
      """)
    let result = try Manage.run(["check"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: blog/models.yaml:5:"), "\(result.stderr)")
    #expect(result.stderr.contains("invalid YAML"))
    #expect(result.stderr.contains("hint: "))
  }

  @Test func malformedSettingsIsAnErrorWithPosition() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try project.write("manage.yaml", "installed_apps: [auth, contenttypes\ndatabase: x: y\n")
    let result = try Manage.run(["check"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: manage.yaml:"))
  }

  @Test func duplicateFieldIsReportedAtTheSecondDeclaration() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try project.write("blog/models.yaml", """
      models:
        Tag:
          fields:
            name: {type: char, max_length: 50}
            name: text
      """)
    let result = try Manage.run(["check"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: blog/models.yaml:5:7: duplicate key 'name' (first written at line 4, column 7)"))
  }

  @Test func missingSettingsFileNamedBySettingsIsAnError() throws {
    let directory = try TemporaryDirectory()
    let result = try Manage.run(["check", "--settings", "nowhere/manage.yaml"], in: directory.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: settings file 'nowhere/manage.yaml' (from --settings) does not exist"))
    let viaEnvironment = try Manage.run(["check"], in: directory.path, environment: ["MANAGE_SETTINGS": "gone.yaml"])
    #expect(viaEnvironment.status == 1)
    #expect(viaEnvironment.stderr.contains("(from MANAGE_SETTINGS) does not exist"))
  }

  @Test func missingAppFolderAndDuplicateLabelsAreErrors() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try project.write("manage.yaml", "installed_apps: [auth, contenttypes, blgo]\n")
    let missing = try Manage.run(["check"], in: project.path)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("error: manage.yaml:1:38: No app folder 'blgo' for installed app 'blgo'"))
    #expect(missing.stderr.contains("hint: "))

    try project.write("manage.yaml", "installed_apps: [auth, contenttypes, blog, blog]\n")
    let duplicate = try Manage.run(["check"], in: project.path)
    #expect(duplicate.status == 1)
    #expect(duplicate.stderr.contains("Application labels aren't unique, duplicates: blog"))
  }

  @Test func unknownAppLabelArgumentIsAnError() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let result = try Manage.run(["check", "blgo"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: No installed app with label 'blgo'."))
    #expect(result.stderr.contains("hint: Did you mean 'blog'?"))
  }

  @Test func deployChecksWarnAboutAWeakSecretAndDebug() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    let result = try Manage.run(["check", "--deploy"], in: project.path)
    #expect(result.status == 0)
    #expect(result.stderr.contains("(security.W009)"))
    #expect(result.stderr.contains("(security.W018)"))
    let production = try Manage.run(
      ["check", "--deploy", "--fail-level", "WARNING"], in: project.path,
      environment: ["DEBUG": "false", "MANAGE_SECRET_KEY": "x7Qp-2vLr_9sKd!mW4tZ(eB6nH)yJ8cF=gA1uR+oT5iV0lN3qM"])
    #expect(production.status == 0, "\(production.stderr)")
  }

  @Test func databaseChecksReportALockedOrBrokenFile() throws {
    let project = try TemporaryDirectory.copyOfFixture("demo")
    try project.write("db.sqlite3", "this is not a database, just text that is long enough to have a header")
    let result = try Manage.run(["check", "--database"], in: project.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("(database.E"), "\(result.stderr)")
  }
}
