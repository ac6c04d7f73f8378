import Foundation
import ManageCore
import ManageMigrations
import TestDatabases
@testable import ManageShell

/// A project on disk with a blog app, its tables created by the schema editor, a few rows,
/// and an interpreter and session over it whose output is captured.
final class ShellFixture {
  static let models = """
    models:
      Author:
        fields:
          name: {type: char, max_length: 50, unique: true}
      Tag:
        fields:
          name: {type: char, max_length: 20}
      Post:
        fields:
          title: {type: char, max_length: 200}
          status: {type: char, max_length: 10, choices: [draft, published], default: draft}
          score: {type: integer, null: true}
          created: {type: date, null: true}
          author: {type: foreign_key, to: Author, on_delete: cascade, related_name: posts}
          tags: {type: many_to_many, to: Tag, blank: true, related_name: posts}
        ordering: [id]
    """

  let path: String
  let connection: Connection
  let schema: ProjectSchema
  let interpreter: Interpreter
  var output = ""
  var errors = ""

  /// On PostgreSQL, the scratch database of the test cluster (dropped with the fixture).
  private var scratch: ScratchPostgresDatabase?

  init(format: ShellFormat = .table, interactive: Bool = false, backend: DatabaseBackend = .sqlite) throws {
    (path, schema, connection, scratch) = try FixtureDatabase.project(app: "blog", models: Self.models, backend: backend, prefix: "manage-shell")
    try connection.execute("""
      INSERT INTO blog_author (name) VALUES ('bob'), ('ann');
      INSERT INTO blog_tag (name) VALUES ('swift'), ('sql');
      INSERT INTO blog_post (title, status, score, created, author_id) VALUES
        ('Hello', 'published', 5, '2026-01-31', 1), ('Draft one', 'draft', NULL, '2026-02-01', 1), ('Ann''s', 'draft', 7, NULL, 2);
      INSERT INTO blog_post_tags (post_id, tag_id) VALUES (1, 1), (1, 2), (3, 2);
      """)
    interpreter = Interpreter(schema: schema, connection: connection)
    self.format = format
    self.interactive = interactive
  }

  private let format: ShellFormat
  private let interactive: Bool

  lazy var session: ShellSession = {
    let buffer = BufferedOutput { [unowned self] in self.output += $0 }
    return ShellSession(
      interpreter: interpreter, format: format, interactive: interactive, sourceName: "<string>", output: buffer,
      writeError: { [unowned self] in self.errors += $0 })
  }()

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Runs `source` and returns what it printed (errors go to `errors`).
  @discardableResult
  func run(_ source: String) -> String {
    output = ""
    errors = ""
    _ = session.run(source)
    return output
  }

  /// The repr of one expression's value.
  func value(_ source: String) throws -> String {
    try interpreter.run(source).map { try interpreter.repr($0) }.joined(separator: "\n")
  }

  /// The error line running `source` prints.
  func error(_ source: String) -> String {
    run(source)
    return errors.trimmingCharacters(in: .newlines)
  }
}
