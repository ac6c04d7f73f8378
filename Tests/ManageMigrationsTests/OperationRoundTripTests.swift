import Foundation
import Testing
import ManageCore
@testable import ManageMigrations

/// Every kind of change, applied to a database holding a row, then undone and redone: the
/// schema after it equals a fresh migrate of the new models, undoing restores the old schema,
/// and the row survives every step that does not delete it.
@Suite("Operations forwards and backwards on a real database")
struct OperationRoundTripTests {
  static let base = """
    models:
      Author:
        fields:
          name: {type: char, max_length: 100}
      Post:
        fields:
          title: {type: char, max_length: 200}
          body: {type: text, blank: true, default: ""}
          author: {type: foreign_key, to: Author, on_delete: cascade}
          tags: {type: many_to_many, to: Tag, blank: true}
          score: {type: integer, null: true}
      Tag:
        fields:
          name: {type: char, max_length: 20, unique: true}
    """

  struct Change: Sendable, CustomStringConvertible {
    var description: String
    var edit: @Sendable (String) -> String
    var answers: [String]? = nil
    var keepsRows = true
  }

  static let changes: [Change] = [
    Change(description: "AddField nullable") { $0 + "\n      extra: {type: integer, null: true}" },
    Change(description: "AddField with default") { $0 + "\n      flag: {type: boolean, default: true}" },
    Change(description: "AddField NOT NULL with one-off default", edit: { $0 + "\n      rank: integer" }, answers: ["1", "3"]),
    Change(description: "AddField unique") { $0 + "\n      code: {type: char, max_length: 10, null: true, unique: true}" },
    Change(description: "AddField foreign key") { $0 + "\n      editor: {type: foreign_key, to: Author, on_delete: set_null, null: true, related_name: edited}" },
    Change(description: "AddField many-to-many") { $0 + "\n      related: {type: many_to_many, to: Post, blank: true}" },
    Change(description: "RemoveField") { $0.replacingOccurrences(of: "      score: {type: integer, null: true}\n", with: "") },
    Change(description: "RemoveField many-to-many") { $0.replacingOccurrences(of: "      tags: {type: many_to_many, to: Tag, blank: true}\n", with: "") },
    Change(description: "AlterField max_length") { $0.replacingOccurrences(of: "max_length: 200", with: "max_length: 300") },
    Change(description: "AlterField null to not null", edit: { $0.replacingOccurrences(of: "score: {type: integer, null: true}", with: "score: integer") }, answers: ["1", "0"]),
    Change(description: "AlterField db_index") { $0.replacingOccurrences(of: "score: {type: integer, null: true}", with: "score: {type: integer, null: true, db_index: true}") },
    Change(description: "RenameField", edit: { $0.replacingOccurrences(of: "      title:", with: "      headline:") }, answers: ["y"]),
    Change(description: "RenameField foreign key", edit: { $0.replacingOccurrences(of: "      author: {", with: "      writer: {") }, answers: ["y"]),
    Change(description: "RenameModel", edit: { $0.replacingOccurrences(of: "  Tag:", with: "  Label:").replacingOccurrences(of: "to: Tag", with: "to: Label") }, answers: ["y"]),
    Change(description: "RenameModel pointed at by a foreign key", edit: { $0.replacingOccurrences(of: "  Author:", with: "  Writer:").replacingOccurrences(of: "to: Author", with: "to: Writer") }, answers: ["y"]),
    Change(description: "DeleteModel", edit: { $0.replacingOccurrences(of: "      tags: {type: many_to_many, to: Tag, blank: true}\n", with: "").replacingOccurrences(of: "  Tag:\n    fields:\n      name: {type: char, max_length: 20, unique: true}", with: "") }),
    Change(description: "CreateModel") { $0 + "\n  Comment:\n    fields:\n      post: {type: foreign_key, to: Post, on_delete: cascade}\n      text: text" },
    Change(description: "AlterModelTable") { $0.replacingOccurrences(of: "  Post:\n", with: "  Post:\n    db_table: posts\n") },
    Change(description: "AddIndex") { $0.replacingOccurrences(of: "  Post:\n", with: "  Post:\n    indexes: [{fields: [title, score], name: post_title_score}]\n") },
    Change(description: "AddConstraint check") { $0.replacingOccurrences(of: "  Post:\n", with: "  Post:\n    constraints: [{name: score_positive, check: \"score IS NULL OR score >= 0\"}]\n") },
    Change(description: "AddConstraint unique") { $0.replacingOccurrences(of: "  Post:\n", with: "  Post:\n    constraints: [{name: one_title_per_author, fields: [author, title]}]\n") },
    Change(description: "AlterUniqueTogether") { $0.replacingOccurrences(of: "  Post:\n", with: "  Post:\n    unique_together: [[author, title]]\n") },
    Change(description: "AlterModelOptions") { $0.replacingOccurrences(of: "  Post:\n", with: "  Post:\n    ordering: [-title]\n") },
  ]

  @Test(arguments: changes, Harness.backends)
  func changeAppliesUndoesAndRedoes(_ change: Change, _ backend: DatabaseBackend) throws {
    let harness = try Harness(apps: ["blog": Self.base], backend: backend)
    try harness.makemigrations()
    try harness.migrate()
    let connection = try harness.connection()
    try connection.execute("""
      INSERT INTO blog_author (name) VALUES ('Ann');
      INSERT INTO blog_tag (name) VALUES ('swift');
      INSERT INTO blog_post (title, body, author_id, score) VALUES ('Hello', 'text', 1, 5);
      INSERT INTO blog_post_tags (post_id, tag_id) VALUES (1, 1);
      """)
    let before = try harness.snapshot()

    let newModels = change.edit(Self.base)
    try harness.setModels("blog", newModels)
    let changes = try harness.makemigrations(answers: change.answers ?? [])
    #expect(changes["blog"]?.count == 1, "one migration for \(change)")
    try harness.migrate()
    let after = try harness.snapshot()

    let fresh = try Harness(apps: ["blog": newModels], backend: backend)
    try fresh.makemigrations()
    try fresh.migrate()
    #expect(after == (try fresh.snapshot()), "\(change): migrated schema differs from a fresh one")
    #expect(try connection.foreignKeyViolations().isEmpty)
    let table = try connection.tableNames().first { $0 == "blog_post" || $0 == "posts" } ?? "blog_post"
    if change.keepsRows { #expect(try connection.scalar("SELECT count(*) FROM \(Identifier.quoted(table))")?.int == 1) }

    try harness.migrate(app: "blog", to: "0001")
    #expect(try harness.snapshot() == before, "\(change): undoing did not restore the schema")
    #expect(try connection.scalar("SELECT count(*) FROM blog_post")?.int == 1)
    try harness.migrate()
    #expect(try harness.snapshot() == after, "\(change): redoing differs")
  }

  @Test func undoingARemovedNotNullFieldOverRowsFailsAndKeepsTheDatabase() throws {
    let harness = try Harness(apps: ["blog": Self.base])
    try harness.makemigrations()
    try harness.migrate()
    try harness.connection().execute("INSERT INTO blog_author (name) VALUES ('Ann'); INSERT INTO blog_post (title, body, author_id) VALUES ('Hi', '', 1);")
    try harness.setModels("blog", Self.base.replacingOccurrences(of: "      author: {type: foreign_key, to: Author, on_delete: cascade}\n", with: ""))
    try harness.makemigrations()
    try harness.migrate()
    let removed = try harness.snapshot()
    let error = #expect(throws: MigrationError.self) { try harness.migrate(app: "blog", to: "0001") }
    #expect(error?.message.contains("NOT NULL constraint failed") == true)
    #expect(try harness.snapshot() == removed, "the failed rollback changed nothing")
    #expect(try MigrationRecorder(connection: harness.connection()).applied().keys.contains(MigrationKey("blog", "0002_remove_post_author")))
  }

  @Test func migrateZeroLeavesNoTablesOfTheApp() throws {
    let harness = try Harness(apps: ["blog": Self.base])
    try harness.makemigrations()
    try harness.migrate()
    try harness.migrate(app: "blog", to: .some(nil))
    #expect(try harness.connection().tableNames().filter { $0.hasPrefix("blog_") }.isEmpty)
    #expect(try harness.connection().tableExists("auth_user"), "other apps stay")
  }
}

@Suite("RunSQL and RenameIndex forwards and backwards")
struct HandWrittenOperationTests {
  @Test func runSQLAppliesAndUndoes() throws {
    let harness = try Harness(apps: ["shop": "models:\n  Item:\n    fields:\n      name: text\n"], builtins: [])
    try harness.makemigrations()
    try harness.write("shop/migrations/0002_seed.json", """
      {"dependencies": [["shop", "0001_initial"]], "operations": [
        {"op": "RunSQL", "sql": "INSERT INTO shop_item (name) VALUES ('a'); INSERT INTO shop_item (name) VALUES ('b')", "reverse_sql": "DELETE FROM shop_item WHERE name IN ('a', 'b')"}
      ]}
      """)
    try harness.migrate()
    #expect(try harness.connection().scalar("SELECT count(*) FROM shop_item")?.int == 2)
    try harness.migrate(app: "shop", to: "0001")
    #expect(try harness.connection().scalar("SELECT count(*) FROM shop_item")?.int == 0)
  }

  @Test func irreversibleRunSQLRefusesToUndo() throws {
    let harness = try Harness(apps: ["shop": "models:\n  Item:\n    fields:\n      name: text\n"], builtins: [])
    try harness.makemigrations()
    try harness.write("shop/migrations/0002_seed.json", """
      {"dependencies": [["shop", "0001_initial"]], "operations": [{"op": "RunSQL", "sql": "SELECT 1"}]}
      """)
    try harness.migrate()
    let error = #expect(throws: MigrationError.self) { try harness.migrate(app: "shop", to: "0001") }
    #expect(error?.message.contains("not reversible") == true)
  }

  @Test func renamedIndexIsDetectedAndApplied() throws {
    let before = "models:\n  Item:\n    fields:\n      name: {type: char, max_length: 10}\n    indexes: [{fields: [name], name: item_name_a}]\n"
    let harness = try Harness(apps: ["shop": before], builtins: [])
    try harness.makemigrations()
    try harness.migrate()
    let original = try harness.snapshot()
    try harness.setModels("shop", before.replacingOccurrences(of: "item_name_a", with: "item_name_b"))
    let changes = try harness.makemigrations()
    #expect(changes["shop"]?.first?.operations == [.renameIndex(model: "Item", oldName: "item_name_a", newName: "item_name_b")])
    try harness.migrate()
    #expect(try harness.connection().indexes(of: "shop_item").map(\.name).contains("item_name_b"))
    try harness.migrate(app: "shop", to: "0001")
    #expect(try harness.snapshot() == original)
  }
}
