import Foundation
import Testing
@testable import ManageCore

/// Loads models.yaml text for app `blog` (plus the built-in auth and contenttypes).
func loadSchema(_ yaml: String, apps: String = "[auth, contenttypes, blog]") throws -> ProjectSchema {
  let directory = try TestDirectory()
  try directory.write("manage.yaml", "installed_apps: \(apps)\n")
  try directory.write("blog/models.yaml", yaml)
  let settings = try SettingsLoader.load(environment: [:], currentDirectory: directory.path)
  return try AppRegistry(settings: settings).loadSchema()
}

extension ProjectSchema {
  /// `id@line:col` for each diagnostic, for compact assertions.
  var found: [String] {
    diagnostics.map { "\($0.id)@\($0.location.map { "\($0.line):\($0.column)" } ?? "-")" }
  }
}

@Suite("models.yaml loading")
struct SchemaLoadingTests {
  @Test func fieldsKeepTheirOrderShorthandAndImplicitId() throws {
    let schema = try loadSchema("""
      models:
        Post:
          fields:
            title: {type: char, max_length: 200}
            body: text
            published: {type: boolean, default: false}
      """)
    #expect(schema.diagnostics.isEmpty, "\(schema.diagnostics.map(\.rendered))")
    let post = try #require(schema.model("blog.Post"))
    #expect(post.fields.map(\.name) == ["id", "title", "body", "published"])
    #expect(post.fields[0].type == .bigAuto && post.fields[0].primaryKey)
    #expect(post.fields[2].type == .text)
    #expect(post.fields[3].default == .bool(false))
    #expect(post.dbTable == "blog_post")
  }

  @Test func explicitPrimaryKeyReplacesTheImplicitId() throws {
    let schema = try loadSchema("""
      models:
        Code:
          fields:
            code: {type: char, max_length: 10, primary_key: true}
      """)
    #expect(schema.model("blog.code")?.fields.map(\.name) == ["code"])
  }

  @Test func relationsResolveAcrossAppsAndToSelf() throws {
    let schema = try loadSchema("""
      models:
        Post:
          fields:
            author: {type: foreign_key, to: auth.User, on_delete: cascade}
            tags: {type: many_to_many, to: Tag}
            parent: {type: foreign_key, to: self, on_delete: set_null, null: true}
        Tag:
          fields:
            name: {type: slug}
      """)
    #expect(schema.diagnostics.isEmpty, "\(schema.diagnostics.map(\.rendered))")
    let post = try #require(schema.model("blog.Post"))
    #expect(post.field("author")?.relatedModel == "auth.User")
    #expect(post.field("author")?.column == "author_id")
    #expect(post.field("tags")?.relatedModel == "blog.Tag")
    #expect(post.field("tags")?.column == nil)
    #expect(post.field("parent")?.relatedModel == "blog.Post")
    #expect(schema.model("blog.Tag")?.field("name")?.effectiveMaxLength == 50, "SlugField's default max_length")
  }

  @Test func builtinAppsLoadCleanlyWithDjangoTables() throws {
    let directory = try TestDirectory()
    let settings = try SettingsLoader.load(environment: [:], currentDirectory: directory.path)
    let schema = try AppRegistry(settings: settings).loadSchema()
    #expect(schema.diagnostics.isEmpty, "\(schema.diagnostics.map(\.rendered))")
    let user = try #require(schema.model("auth.User"))
    #expect(user.dbTable == "auth_user")
    #expect(user.fields.map(\.name) == [
      "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
      "is_active", "date_joined", "groups", "user_permissions",
    ])
    #expect(user.field("username")?.maxLength == 150 && user.field("username")?.unique == true)
    #expect(schema.model("contenttypes.ContentType")?.dbTable == "django_content_type")
    #expect(schema.model("sessions.Session")?.primaryKey?.name == "session_key")
    #expect(schema.model("jobs.Job") != nil && schema.model("evals.EvalRun") != nil)
  }

  @Test(arguments: [
    ("title: {type: chr}", "schema.E001@4:21"),
    ("title: {type: char}", "fields.E120@4:7"),
    ("title: {type: char, max_length: 0}", "fields.E121@4:39"),
    ("price: {type: decimal, max_digits: 5}", "fields.E130@4:7"),
    ("price: {type: decimal, max_digits: 2, decimal_places: 3}", "fields.E134@4:42"),
    ("owner: {type: foreign_key, on_delete: cascade}", "schema.E006@4:7"),
    ("owner: {type: foreign_key, to: auth.User}", "schema.E007@4:7"),
    ("owner: {type: foreign_key, to: auth.Usr, on_delete: cascade}", "fields.E300@4:7"),
    ("owner: {type: foreign_key, to: auth.User, on_delete: explode}", "schema.E011@4:60"),
    ("owner: {type: foreign_key, to: auth.User, on_delete: set_null}", "fields.E320@4:60"),
    ("count: {type: integer, default: lots}", "schema.E008@4:39"),
    ("flag: {type: boolean, default: 1}", "schema.E008@4:38"),
    ("day: {type: date, default: \"31/01/2026\"}", "schema.E008@4:34"),
    ("state: {type: char, max_length: 5, choices: [a, b], default: c}", "schema.E009@4:68"),
    ("state: {type: char, max_length: 2, choices: [long, b]}", "fields.E009@4:39"),
    ("my-field: text", "schema.E004@4:7"),
    ("name_: text", "fields.E001@4:7"),
    ("a__b: text", "fields.E002@4:7"),
    ("pk: text", "fields.E003@4:7"),
    ("title: {type: text, nul: true}", "schema.E002@4:27"),
    ("title: {type: text, null: yes}", "schema.E003@4:33"),
    ("when: {type: datetime, auto_now: true, default: \"2026-01-01\"}", "fields.E160@4:7"),
    ("tags: {type: many_to_many, to: auth.Group, null: true}", "fields.W340@4:56"),
    ("id: integer", "models.E004@4:7"),
  ])
  func eachMistakeIsReportedWithItsPosition(field: String, expected: String) throws {
    let schema = try loadSchema("""
      models:
        Thing:
          fields:
            \(field)
      """)
    #expect(schema.found.contains(expected), "\(schema.diagnostics.map(\.rendered))")
    #expect(schema.diagnostics.allSatisfy { $0.hint != nil }, "every mistake says how to fix it")
  }

  @Test func crossModelClashesAreFound() throws {
    let schema = try loadSchema("""
      models:
        Post:
          fields:
            writer: {type: foreign_key, to: auth.User, on_delete: cascade}
            editor: {type: foreign_key, to: auth.User, on_delete: cascade}
            code: {type: integer, db_column: writer_id}
          ordering: [-writer__username, missing]
          indexes: [{fields: [nothing]}]
          unique_together: [[writer, ghost]]
        Copy:
          db_table: blog_post
          fields:
            title: text
      """)
    #expect(schema.found.contains("fields.E304@5:7"), "two relations give auth.User the same post_set accessor")
    #expect(schema.found.contains("models.E007@6:7"), "writer_id is used twice")
    #expect(schema.found.contains("models.E015@7:15"), "'missing' is not a field; writer__username is")
    #expect(schema.found.filter { $0.hasPrefix("models.E015") }.count == 1)
    #expect(schema.found.contains("models.E012@8:15"))
    #expect(schema.found.contains("models.E012@9:22"))
    #expect(schema.found.contains("models.E028@2:3"))
  }

  @Test func malformedYAMLThrowsWithPosition() throws {
    let error = #expect(throws: YAMLSyntaxError.self) {
      try loadSchema("models:\n  Post:\n    fields: {title: text\n")
    }
    #expect(error?.location?.line == 4)
    #expect(error?.message.contains("invalid YAML") == true)
  }

  @Test func yesAndNoStayStrings() throws {
    let schema = try loadSchema("""
      models:
        Answer:
          fields:
            value: {type: char, max_length: 3, choices: [yes, no], default: yes}
      """)
    #expect(schema.diagnostics.isEmpty, "\(schema.diagnostics.map(\.rendered))")
    #expect(schema.model("blog.Answer")?.field("value")?.default == .string("yes"))
  }

  @Test func equalityIgnoresWhereThingsAreWritten() throws {
    let first = try loadSchema("models:\n  Tag:\n    fields:\n      name: text\n")
    let second = try loadSchema("# moved\n\nmodels:\n  Tag:\n    fields:\n\n      name: text\n")
    #expect(first.model("blog.Tag") == second.model("blog.Tag"))
  }
}

@Suite("App registry")
struct AppRegistryTests {
  @Test func projectAppsExposeTheirParts() throws {
    let directory = try TestDirectory()
    try directory.write("manage.yaml", "installed_apps: [auth, contenttypes, blog]\n")
    try directory.write("blog/models.yaml", "models:\n")
    try directory.write("blog/tasks.yaml", "tasks: {}\n")
    try directory.write("blog/evals/b.yaml", "x: 1\n")
    try directory.write("blog/evals/a.yaml", "x: 1\n")
    try directory.write("blog/commands/hello", "#!/bin/sh\n")
    chmod(directory.path + "/blog/commands/hello", 0o755)
    try directory.write("blog/commands/notes.txt", "not executable\n")
    let registry = try AppRegistry(settings: SettingsLoader.load(environment: [:], currentDirectory: directory.path))
    let blog = try #require(registry.app("blog"))
    #expect(blog.modelsFile == directory.path + "/blog/models.yaml")
    #expect(blog.migrationsDirectory == directory.path + "/blog/migrations")
    #expect(blog.tasksFile == directory.path + "/blog/tasks.yaml")
    #expect(blog.evalSuiteFiles.map { ($0 as NSString).lastPathComponent } == ["a.yaml", "b.yaml"])
    #expect(blog.commands.map(\.name) == ["hello"])
    #expect(registry.app("auth")?.isBuiltin == true)
  }

  @Test func authWithoutContentTypesIsReported() throws {
    let schema = try loadSchema("models:\n", apps: "[auth, blog]")
    #expect(schema.found.contains("apps.E001@1:18"))
  }
}
