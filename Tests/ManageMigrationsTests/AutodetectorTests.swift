import Foundation
import Testing
import ManageCore
@testable import ManageMigrations

/// The autodetector, case by case, against what Django generates.
@Suite("Autodetector")
struct AutodetectorTests {
  static let post = """
    models:
      Post:
        fields:
          title: {type: char, max_length: 200}
          body: text
    """

  /// The operations (as makemigrations prints them) and file names of the next makemigrations.
  func next(_ harness: Harness, _ yaml: String, app: String = "blog", answers: [String]? = nil) throws -> (names: [String], ops: [String]) {
    try harness.setModels(app, yaml)
    let changes = try harness.makemigrations(answers: answers)
    let migrations = changes.values.flatMap { $0 }.sorted { $0.key < $1.key }
    return (migrations.map { "\($0.app).\($0.name)" }, migrations.flatMap { $0.operations.map(\.formattedDescription) })
  }

  @Test func initialMigrationCreatesModelsInDependencyOrder() throws {
    let harness = try Harness(apps: ["blog": """
      models:
        Post:
          fields:
            author: {type: foreign_key, to: Author, on_delete: cascade}
        Author:
          fields:
            name: text
      """])
    let changes = try harness.makemigrations()
    let migration = try #require(changes["blog"]?.first)
    #expect(migration.name == "0001_initial")
    #expect(migration.initial)
    #expect(migration.operations.map(\.formattedDescription) == ["+ Create model Author", "+ Create model Post"])
    #expect(migration.dependencies.isEmpty)
  }

  @Test func addRemoveAndAlterFieldNameTheirMigrations() throws {
    let harness = try Harness(apps: ["blog": Self.post])
    try harness.makemigrations()
    var result = try next(harness, Self.post + "\n      status: {type: char, max_length: 10, default: draft}")
    #expect(result.names == ["blog.0002_post_status"])
    #expect(result.ops == ["+ Add field status to post"])
    result = try next(harness, Self.post.replacingOccurrences(of: "200", with: "300") + "\n      status: {type: char, max_length: 10, default: draft}")
    #expect(result.ops == ["~ Alter field title on post"])
    #expect(result.names == ["blog.0003_alter_post_title"])
    result = try next(harness, Self.post.replacingOccurrences(of: "200", with: "300"))
    #expect(result.ops == ["- Remove field status from post"])
    #expect(result.names == ["blog.0004_remove_post_status"])
    #expect(try next(harness, Self.post.replacingOccurrences(of: "200", with: "300")).ops.isEmpty, "no changes")
  }

  @Test func renamedFieldIsAskedAbout() throws {
    let harness = try Harness(apps: ["blog": Self.post])
    try harness.makemigrations()
    let renamed = Self.post.replacingOccurrences(of: "body: text", with: "content: text")
    let yes = try next(harness, renamed, answers: ["y"])
    #expect(yes.ops == ["~ Rename field body on post to content"])
    #expect(yes.names == ["blog.0002_rename_body_post_content"])
    // Answering no (or running without input) removes one field and adds the other.
    let harness2 = try Harness(apps: ["blog": Self.post])
    try harness2.makemigrations()
    let no = try next(harness2, renamed, answers: ["n", "1", "\"\""])
    #expect(Set(no.ops) == ["- Remove field body from post", "+ Add field content to post"])
  }

  @Test func renamedModelIsAskedAbout() throws {
    let harness = try Harness(apps: ["blog": Self.post.replacingOccurrences(of: "Post:", with: "Entry:")])
    try harness.makemigrations()
    let result = try next(harness, Self.post, answers: ["y"])
    #expect(result.ops == ["~ Rename model Entry to Post"])
    #expect(result.names == ["blog.0002_rename_entry_post"])
    let noAnswers = try Harness(apps: ["blog": Self.post.replacingOccurrences(of: "Post:", with: "Entry:")])
    try noAnswers.makemigrations()
    let declined = try next(noAnswers, Self.post)
    #expect(Set(declined.ops) == ["+ Create model Post", "- Delete model Entry"])
  }

  @Test func notNullWithoutDefaultStopsWithExitThreeUnlessGivenOne() throws {
    let harness = try Harness(apps: ["blog": Self.post])
    try harness.makemigrations()
    let added = Self.post + "\n      rating: integer"
    try harness.setModels("blog", added)
    let error = #expect(throws: MakeMigrationsStopped.self) { try harness.makemigrations() }
    #expect(error?.exitCode == 3)
    #expect(error?.message.contains("It is impossible to add a non-nullable field 'rating' to post") == true)
    #expect(harness.migrationFiles("blog").count == 1, "nothing is written")
    let changes = try harness.makemigrations(answers: ["1", "7"])
    guard case .addField(_, let field, let preserve) = changes["blog"]?.first?.operations.first else {
      Issue.record("expected AddField")
      return
    }
    #expect(field.default == .int(7))
    #expect(!preserve, "a one-off default is not kept")
  }

  @Test func nullToNotNullAsksForAValueForExistingRows() throws {
    let nullable = Self.post + "\n      score: {type: integer, null: true}"
    let harness = try Harness(apps: ["blog": nullable])
    try harness.makemigrations()
    try harness.setModels("blog", Self.post + "\n      score: integer")
    let changes = try harness.makemigrations(answers: ["1", "0"])
    guard case .alterField(_, let field, false) = changes["blog"]?.first?.operations.first else {
      Issue.record("expected AlterField with a one-off default")
      return
    }
    #expect(field.default == .int(0) && !field.null)
  }

  @Test func relationsIndexesConstraintsAndOptions() throws {
    let harness = try Harness(apps: ["blog": Self.post + "\n  Tag:\n    fields:\n      name: {type: char, max_length: 20}"])
    try harness.makemigrations()
    let richer = """
      models:
        Post:
          fields:
            title: {type: char, max_length: 200}
            body: text
            tags: {type: many_to_many, to: Tag}
            author: {type: foreign_key, to: auth.User, on_delete: cascade, null: true}
          db_table: blog_posts
          ordering: [-title]
          indexes: [{fields: [title], name: post_title_idx}]
          unique_together: [[title, author]]
          constraints: [{name: title_set, check: "title != ''"}]
        Tag:
          fields:
            name: {type: char, max_length: 20}
      """
    let result = try next(harness, richer)
    #expect(result.ops == [
      "+ Add field tags to post", "+ Add field author to post", "~ Rename table for post to blog_posts",
      "~ Change Meta options on post", "~ Alter unique_together for post (1 constraint(s))",
      "+ Create index post_title_idx on field(s) title of model post", "+ Create constraint title_set on model post",
    ])
    try harness.migrate()
    #expect(try harness.connection().tableExists("blog_posts"))
    #expect(result.names == ["blog.0002_post_tags_post_author_alter_post_table_and_more"])
    let back = try next(harness, Self.post + "\n  Tag:\n    fields:\n      name: {type: char, max_length: 20}")
    #expect(Set(back.ops) == [
      "- Remove field tags from post", "- Remove field author from post", "~ Rename table for post to (default)",
      "~ Change Meta options on post", "~ Alter unique_together for post (0 constraint(s))",
      "- Remove constraint title_set from model post", "- Remove index post_title_idx from post",
    ])
    try harness.migrate()
    #expect(try harness.connection().tableExists("blog_post"))
    #expect(try !harness.connection().tableExists("blog_posts"))
  }

  @Test func crossAppRelationsDependOnTheOtherAppsMigration() throws {
    let harness = try Harness(apps: [
      "shop": "models:\n  Product:\n    fields:\n      name: text\n",
      "blog": "models:\n  Review:\n    fields:\n      product: {type: foreign_key, to: shop.Product, on_delete: cascade}\n      user: {type: foreign_key, to: auth.User, on_delete: cascade}\n",
    ])
    let changes = try harness.makemigrations()
    let review = try #require(changes["blog"]?.first)
    #expect(review.dependencies.contains(MigrationKey("shop", "0001_initial")))
    #expect(review.dependencies.contains(MigrationKey("auth", "0001_squashed_0012_alter_user_first_name_max_length")))
    try harness.migrate()
    #expect(try harness.connection().tableExists("blog_review"))
  }

  @Test func appsPointingAtEachOtherGetASecondMigration() throws {
    let harness = try Harness(apps: [
      "a": "models:\n  One:\n    fields:\n      two: {type: foreign_key, to: b.Two, on_delete: cascade, null: true}\n",
      "b": "models:\n  Two:\n    fields:\n      one: {type: foreign_key, to: a.One, on_delete: cascade, null: true}\n",
    ])
    let changes = try harness.makemigrations()
    #expect((changes["a"]?.count ?? 0) + (changes["b"]?.count ?? 0) == 3)
    try harness.migrate()
    #expect(try harness.connection().foreignKeys(of: "b_two").count == 1)
    #expect(try harness.connection().foreignKeys(of: "a_one").count == 1)
  }

  @Test func manyOperationsNameTheMigrationAndMore() throws {
    let harness = try Harness(apps: ["blog": Self.post])
    try harness.makemigrations()
    let result = try next(harness, Self.post + "\n      first_long_field_name: {type: integer, null: true}\n      second_long_field_name: {type: integer, null: true}\n      third_long_field_name: {type: integer, null: true}")
    #expect(result.names == ["blog.0002_post_first_long_field_name_and_more"])
  }

  @Test func choicesAndDefaultChangesAlterTheField() throws {
    let base = Self.post + "\n      status: {type: char, max_length: 10, choices: [a, b], default: a}"
    let harness = try Harness(apps: ["blog": base])
    try harness.makemigrations()
    #expect(try next(harness, base.replacingOccurrences(of: "[a, b]", with: "[a, b, c]")).ops == ["~ Alter field status on post"])
    #expect(try next(harness, base.replacingOccurrences(of: "[a, b]", with: "[a, b, c]").replacingOccurrences(of: "default: a", with: "default: b")).ops == ["~ Alter field status on post"])
  }
}
