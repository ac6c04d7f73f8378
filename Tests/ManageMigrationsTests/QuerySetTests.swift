import Testing
import ManageCore
@testable import ManageMigrations

/// The query layer's foundation, over tables made by migrate (issue 5 builds on it).
@Suite("QuerySet")
struct QuerySetTests {
  static let models = """
    models:
      Author:
        fields:
          username: {type: char, max_length: 50, unique: true}
      Post:
        fields:
          title: {type: char, max_length: 200}
          status: {type: char, max_length: 10, default: draft}
          score: {type: integer, null: true}
          author: {type: foreign_key, to: Author, on_delete: cascade}
        ordering: [-score]
    """

  func database() throws -> (Harness, Connection, ProjectSchema) {
    let harness = try Harness(apps: ["blog": Self.models], builtins: [])
    try harness.makemigrations()
    try harness.migrate()
    let connection = try harness.connection()
    try connection.execute("""
      INSERT INTO blog_author (username) VALUES ('bob'), ('ann');
      INSERT INTO blog_post (title, status, score, author_id) VALUES
        ('Hello 100% world', 'published', 5, 1), ('Second', 'draft', 9, 1), ('Third_post', 'draft', NULL, 2);
      """)
    return (harness, connection, try harness.registry().loadSchema())
  }

  @Test func lookupsAcrossAForeignKey() throws {
    let (harness, connection, schema) = try database()
    _ = harness
    let posts = QuerySet(model: try #require(schema.model("blog.Post")), schema: schema)
    #expect(try posts.count(connection) == 3)
    #expect(try posts.filter("status", .one("draft")).count(connection) == 2)
    #expect(try posts.filter("author__username", .one("bob")).count(connection) == 2)
    #expect(try posts.exclude("author__username", .one("bob")).count(connection) == 1)
    #expect(try posts.filter("title__icontains", .one("HELLO")).count(connection) == 1)
    #expect(try posts.filter("title__contains", .one("100%")).count(connection) == 1, "wildcards are literal")
    #expect(try posts.filter("title__contains", .one("hello")).count(connection) == 0, "contains is case-sensitive")
    #expect(try posts.filter("title__istartswith", .one("third_")).count(connection) == 1)
    #expect(try posts.filter("score__gte", .one(5)).count(connection) == 2)
    #expect(try posts.filter("score__isnull", .one(1)).count(connection) == 1)
    #expect(try posts.filter("score__in", .many([5, 9])).count(connection) == 2)
    #expect(try posts.filter("score__in", .many([])).count(connection) == 0)
    #expect(try posts.filter("score__range", .many([6, 10])).count(connection) == 1)
  }

  @Test func orderingSlicingAndFirst() throws {
    let (harness, connection, schema) = try database()
    _ = harness
    let posts = QuerySet(model: try #require(schema.model("blog.Post")), schema: schema)
    #expect(try posts.first(connection)?["title"] == .text("Second"), "the model's ordering: -score")
    #expect(try posts.orderBy(["title"]).rows(connection).map { $0["title"] } == [.text("Hello 100% world"), .text("Second"), .text("Third_post")])
    #expect(try posts.orderBy(["author__username", "title"]).slice(1, 3).rows(connection).map { $0["title"] } == [.text("Hello 100% world"), .text("Second")])
    #expect(try posts.filter("status", .one("missing")).exists(connection) == false)
  }

  @Test func unknownFieldsAreFieldErrors() throws {
    let (harness, _, schema) = try database()
    _ = harness
    let posts = QuerySet(model: try #require(schema.model("blog.Post")), schema: schema)
    let error = #expect(throws: QueryError.self) { try posts.filter("titel", .one("x")).sql() }
    #expect(error?.message == "Cannot resolve keyword 'titel' into field. Choices are: author, id, score, status, title")
    #expect(throws: QueryError.self) { try posts.filter("title__username", .one("x")).sql() }
  }

  @Test func valuesAreAlwaysBound() throws {
    let (harness, _, schema) = try database()
    _ = harness
    let posts = QuerySet(model: try #require(schema.model("blog.Post")), schema: schema)
    let (sql, arguments) = try posts.filter("title", .one("x'); DROP TABLE blog_post; --")).sql()
    #expect(!sql.contains("DROP"))
    #expect(arguments == [.text("x'); DROP TABLE blog_post; --")])
  }
}
