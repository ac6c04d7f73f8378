import Foundation
import Testing
import ManageCore
@testable import ManageMigrations

/// The ORM over tables made by migrate: every lookup, relation walk, aggregate and on_delete
/// mode, each compared with the rows a hand-written SQL query returns.
@Suite("QuerySet")
struct QuerySetTests {
  static let models = """
    models:
      Author:
        fields:
          username: {type: char, max_length: 50, unique: true}
          joined: {type: date, null: true}
      Tag:
        fields:
          name: {type: char, max_length: 20, unique: true}
      Post:
        fields:
          title: {type: char, max_length: 200}
          status: {type: char, max_length: 10, default: draft}
          score: {type: integer, null: true}
          rating: {type: decimal, max_digits: 5, decimal_places: 2, null: true}
          published: {type: boolean, default: false}
          created: {type: datetime, null: true}
          meta: {type: json, default: {}}
          uid: {type: uuid, null: true}
          author: {type: foreign_key, to: Author, on_delete: cascade, related_name: posts}
          editor: {type: foreign_key, to: Author, on_delete: set_null, null: true, related_name: edited}
          tags: {type: many_to_many, to: Tag, related_name: posts}
        ordering: [-score]
      Comment:
        fields:
          post: {type: foreign_key, to: Post, on_delete: cascade, related_name: comments}
          body: {type: text}
    """

  /// A migrated database with three authors, four posts, tags and comments.
  struct Fixture {
    let harness: Harness
    let connection: Connection
    let schema: ProjectSchema
    /// On PostgreSQL, the same rows in SQLite, where the hand-written SQL runs (the rows a
    /// Django user expects do not depend on the backend; where Django's differ, a test says so).
    var reference: Connection?
    var backend: DatabaseBackend { connection.backend }

    func query(_ name: String) throws -> QuerySet {
      QuerySet(model: try #require(schema.model("blog.\(name)")), schema: schema)
    }

    /// The ids a query returns, in order.
    func ids(_ query: QuerySet) throws -> [Int64] {
      try query.valuesList(["id"], flat: true).results(connection).map { $0.integer! }
    }

    /// The ids hand-written SQL returns.
    func sqlIDs(_ sql: String) throws -> [Int64] {
      try connection.query(sql).map { Int64($0[0].int!) }
    }

    /// The ids hand-written SQLite SQL returns over the fixture's rows before any write.
    func referenceIDs(_ sql: String) throws -> [Int64] {
      try (reference ?? connection).query(sql).map { Int64($0[0].int!) }
    }
  }

  static func fixture(backend: DatabaseBackend = .sqlite, _ models: String = models) throws -> Fixture {
    let harness = try Harness(apps: ["blog": models], builtins: [], backend: backend)
    try harness.makemigrations()
    try harness.migrate()
    let connection = try harness.connection()
    if models == Self.models {
      try connection.execute("""
        INSERT INTO blog_author (username, joined) VALUES ('bob', '2025-03-01'), ('ann', '2026-01-15'), ('cy', NULL);
        INSERT INTO blog_tag (name) VALUES ('swift'), ('django'), ('sql');
        INSERT INTO blog_post (title, status, score, rating, published, created, meta, uid, author_id, editor_id) VALUES
          ('Hello 100% world', 'published', 5, 4.50, TRUE, '2026-01-31 10:00:00', '{"lang": "en"}', 'a1b2c3d4e5f60718293a4b5c6d7e8f90', 1, 2),
          ('Second', 'draft', 9, 3.25, FALSE, '2026-02-14 23:30:00', '{}', NULL, 1, NULL),
          ('Third_post', 'draft', NULL, NULL, FALSE, '2025-12-31 08:00:00', '{}', NULL, 2, 1),
          ('fourth', 'published', 1, 1.00, TRUE, NULL, '{}', NULL, 2, NULL);
        INSERT INTO blog_post_tags (post_id, tag_id) VALUES (1, 1), (1, 2), (2, 1), (3, 3);
        INSERT INTO blog_comment (post_id, body) VALUES (1, 'first!'), (1, 'nice'), (2, 'hmm');
        """)
    }
    var schema = try harness.registry().loadSchema()
    schema.dialect = SQLDialect(backend)
    let reference = backend == .sqlite ? nil : try fixture(models).connection
    return Fixture(harness: harness, connection: connection, schema: schema, reference: reference)
  }

  @Test(arguments: Harness.backends)
  func everyLookupMatchesHandWrittenSQL(_ backend: DatabaseBackend) throws {
    let f = try Self.fixture(backend: backend)
    let posts = try f.query("Post").orderBy(["id"])
    let cases: [(String, ModelValue, String)] = [
      ("status", .text("draft"), "status = 'draft'"),
      ("status__exact", .text("draft"), "status = 'draft'"),
      ("title__iexact", .text("SECOND"), "lower(title) = 'second'"),
      ("title__contains", .text("100%"), "instr(title, '100%') > 0"),
      // Django on SQLite: contains is LIKE, so it ignores ASCII case (issue 14).
      ("title__contains", .text("hello"), "lower(title) LIKE '%hello%'"),
      ("title__endswith", .text("WORLD"), "lower(title) LIKE '%world'"),
      ("title__icontains", .text("HELLO"), "lower(title) LIKE '%hello%'"),
      ("title__startswith", .text("Th"), "substr(title, 1, 2) = 'Th'"),
      ("title__istartswith", .text("third_"), "lower(substr(title, 1, 6)) = 'third_'"),
      ("title__endswith", .text("ond"), "substr(title, -3) = 'ond'"),
      ("title__iendswith", .text("WORLD"), "lower(substr(title, -5)) = 'world'"),
      ("score__gt", .int(5), "score > 5"),
      ("score__gte", .int(5), "score >= 5"),
      ("score__lt", .int(5), "score < 5"),
      ("score__lte", .int(5), "score <= 5"),
      ("score__in", .list([.int(5), .int(9)]), "score IN (5, 9)"),
      ("score__in", .list([]), "0"),
      ("score__range", .tuple([.int(2), .int(9)]), "score BETWEEN 2 AND 9"),
      ("score__isnull", .bool(true), "score IS NULL"),
      ("score__isnull", .bool(false), "score IS NOT NULL"),
      ("score", .null, "score IS NULL"),
      ("title__regex", .text("^[A-Z].*d$"), "title IN ('Hello 100% world', 'Second')"),
      ("title__iregex", .text("^t"), "lower(title) LIKE 't%'"),
      ("created__year", .int(2026), "strftime('%Y', created) = '2026'"),
      ("created__month", .int(2), "strftime('%m', created) = '02'"),
      ("created__day", .int(31), "strftime('%d', created) = '31'"),
      ("created__year__gte", .int(2026), "CAST(strftime('%Y', created) AS INTEGER) >= 2026"),
      ("created__date", .date(try CivilDate(year: 2026, month: 2, day: 14)), "date(created) = '2026-02-14'"),
      ("created__gte", .datetime(CivilDateTime(iso: "2026-01-31 10:00:00")!), "created >= '2026-01-31 10:00:00'"),
      ("created__lt", .date(try CivilDate(year: 2026, month: 1, day: 1)), "created < '2026-01-01 00:00:00'"),
      ("rating__gte", .decimal("3.25"), "rating >= 3.25"),
      ("published", .bool(true), "published = 1"),
      ("uid", .text("A1B2C3D4-E5F6-0718-293A-4B5C6D7E8F90"), "uid = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'"),
      ("author", .int(1), "author_id = 1"),
      ("author_id", .int(2), "author_id = 2"),
      ("author__username", .text("ann"), "author_id = 2"),
      ("author__joined__year", .int(2025), "author_id = 1"),
      ("editor__isnull", .bool(true), "editor_id IS NULL"),
      ("editor__username__startswith", .text("a"), "editor_id = 2"),
      ("tags__name", .text("sql"), "id IN (SELECT post_id FROM blog_post_tags JOIN blog_tag ON blog_tag.id = tag_id WHERE name = 'sql')"),
      ("tags", .int(2), "id IN (SELECT post_id FROM blog_post_tags WHERE tag_id = 2)"),
      ("comments__body__icontains", .text("HMM"), "id IN (SELECT post_id FROM blog_comment WHERE body LIKE '%hmm%')"),
      ("comments__isnull", .bool(true), "id NOT IN (SELECT post_id FROM blog_comment)"),
      ("pk__in", .list([.int(1), .int(3)]), "id IN (1, 3)"),
    ]
    for (path, value, sql) in cases {
      let ours = try Set(f.ids(posts.filter(path, value)))
      // Django on PostgreSQL: contains/startswith/endswith are case-sensitive (LIKE, not ILIKE).
      let caseSensitive = f.backend == .postgresql && ["title__contains", "title__endswith"].contains(path) && sql.hasPrefix("lower(")
      let reference = caseSensitive ? "instr(title, '\(value.plain)') > 0 AND title GLOB '*\(value.plain)*'" : sql
      let theirs = try Set(f.referenceIDs("SELECT id FROM blog_post WHERE \(reference)"))
      #expect(ours == theirs, "\(f.backend): filter(\(path)=\(value.repr)) vs WHERE \(reference)")
      #expect(!theirs.isEmpty || sql == "0" || path == "title__contains" || caseSensitive, "the case \(path) should select something")
      // exclude() is the complement (NULLs included, as Django does it).
      let excluded = try Set(f.ids(posts.exclude(path, value)))
      #expect(excluded == Set([1, 2, 3, 4]).subtracting(theirs), "exclude(\(path)=\(value.repr))")
    }
  }

  @Test(arguments: Harness.backends)
  func reverseAndManyToManyRelationsFromTheOtherSide(_ backend: DatabaseBackend) throws {
    let f = try Self.fixture(backend: backend)
    let authors = try f.query("Author").orderBy(["id"])
    #expect(try f.ids(authors.filter("posts__title__icontains", .text("second"))) == [1])
    #expect(try f.ids(authors.filter("posts__isnull", .bool(true))) == [3])
    #expect(try f.ids(authors.filter("edited__title", .text("Hello 100% world"))) == [2])
    #expect(try f.ids(authors.filter("posts__tags__name", .text("sql"))) == [2])
    // Django's rule for multi-valued relations: conditions in one filter() call must hold for
    // the same post; conditions in chained calls may hold for different posts.
    let sameCall: Q = .condition("posts__status", .value(.text("draft"))) & .condition("posts__title", .value(.text("Hello 100% world")))
    #expect(try f.ids(authors.filter(sameCall)) == [])
    #expect(try f.ids(authors.filter("posts__status", .text("draft")).filter("posts__title", .text("Hello 100% world")).distinct()) == [1])
    // A filter before annotate() limits what the annotation counts, as in Django.
    let drafts = try authors.filter("posts__status", .text("draft")).annotate([("n", .aggregate(Aggregate(.count, .field("posts"))))])
    #expect(try drafts.valuesList(["username", "n"]).results(f.connection).map(\.repr) == ["('bob', 1)", "('ann', 1)"])
    let tags = try f.query("Tag").orderBy(["id"])
    #expect(try f.ids(tags.filter("posts__author__username", .text("bob")).distinct()) == [1, 2])
    // exclude() over a multi-valued relation drops every post with a matching tag.
    #expect(try f.ids(f.query("Post").orderBy(["id"]).exclude("tags__name", .text("swift"))) == [3, 4])
  }

  @Test(arguments: Harness.backends)
  func qObjectsAndFExpressions(_ backend: DatabaseBackend) throws {
    let f = try Self.fixture(backend: backend)
    let posts = try f.query("Post").orderBy(["id"])
    let either: Q = .condition("status", .value(.text("published"))) | .condition("score__gt", .value(.int(8)))
    #expect(try f.ids(posts.filter(either)) == f.sqlIDs("SELECT id FROM blog_post WHERE status = 'published' OR score > 8 ORDER BY id"))
    #expect(try f.ids(posts.filter(~either)) == [3])
    let both: Q = .condition("status", .value(.text("draft"))) & ~.condition("author__username", .value(.text("ann")))
    #expect(try f.ids(posts.filter(both)) == [2])
    // F: posts whose score exceeds their author's id times four.
    let expression = QueryExpression.binary(.multiply, .field("author__id"), .value(.int(4)))
    #expect(try f.ids(posts.filter(.condition("score__gt", .expression(expression)))) == f.sqlIDs("SELECT id FROM blog_post WHERE score > author_id * 4 ORDER BY id"))
    // update with F: every score goes up by one, NULL stays NULL.
    #expect(try posts.update([("score", .expression(.binary(.add, .field("score"), .value(.int(1)))))], f.connection) == 4)
    #expect(try f.connection.query("SELECT score FROM blog_post ORDER BY id").map(\.values[0]) == [6, 10, .null, 2])
  }

  @Test(arguments: Harness.backends)
  func valuesValuesListOrderingSlicingAndGet(_ backend: DatabaseBackend) throws {
    let f = try Self.fixture(backend: backend)
    let posts = try f.query("Post")
    // The model's ordering, -score: NULL sorts last in DESC on SQLite, first on PostgreSQL.
    #expect(try f.ids(posts) == (backend == .sqlite ? [2, 1, 4, 3] : [3, 2, 1, 4]))
    #expect(try f.ids(posts.orderBy(["author__username", "title"])) == [3, 4, 1, 2])
    #expect(try f.ids(posts.orderBy(["id"]).slice(1, 3)) == [2, 3])
    #expect(try f.ids(posts.orderBy(["id"]).slice(1, nil).slice(1, 2)) == [3])
    let rows = try posts.orderBy(["id"]).values(["title", "author__username", "created__year"]).slice(0, 1).results(f.connection)
    #expect(rows.first?.repr == "{'title': 'Hello 100% world', 'author__username': 'bob', 'created__year': 2026}")
    let all = try posts.orderBy(["id"]).values([]).slice(0, 1).results(f.connection)
    guard case .dict(let row)? = all.first else { Issue.record("no row"); return }
    #expect(row.keys == ["id", "title", "status", "score", "rating", "published", "created", "meta", "uid", "author_id", "editor_id"])
    #expect(row["rating"] == .decimal("4.50"))
    #expect(row["published"] == .bool(true))
    #expect(row["created"]?.repr == "datetime.datetime(2026, 1, 31, 10, 0, tzinfo=datetime.timezone.utc)")
    #expect(row["meta"]?.repr == "{'lang': 'en'}")
    #expect(row["uid"]?.repr == "UUID('a1b2c3d4-e5f6-0718-293a-4b5c6d7e8f90')")
    #expect(try posts.valuesList(["status"], flat: true).distinct().orderBy(["status"]).results(f.connection) == [.text("draft"), .text("published")])
    guard case .instance(let found) = try posts.filter("pk", .int(2)).get(f.connection) else { Issue.record("no instance"); return }
    #expect(found.values["title"] == .text("Second"))
    let missing = #expect(throws: QueryError.self) { try posts.filter("pk", .int(99)).get(f.connection) }
    #expect(missing?.kind == "Post.DoesNotExist")
    #expect(missing?.message == "Post matching query does not exist.")
    let many = #expect(throws: QueryError.self) { try posts.filter("status", .text("draft")).get(f.connection) }
    #expect(many?.message == "get() returned more than one Post -- it returned 2!")
    guard case .instance(let last) = try posts.last(f.connection) else { Issue.record("no last"); return }
    #expect(last.pk == (backend == .sqlite ? .int(3) : .int(4)))
    #expect(try posts.count(f.connection) == 4)
    #expect(try posts.slice(1, 3).count(f.connection) == 2)
    #expect(try posts.filter("status", .text("none")).exists(f.connection) == false)
    #expect(try posts.none().count(f.connection) == 0)
  }

  @Test(arguments: Harness.backends)
  func aggregatesAndAnnotationsGroupAsDjangoDoes(_ backend: DatabaseBackend) throws {
    let f = try Self.fixture(backend: backend)
    let posts = try f.query("Post")
    let totals = try posts.aggregate(
      [("score__sum", Aggregate(.sum, .field("score"))), ("n", Aggregate(.count, .field("*"))),
       ("avg", Aggregate(.avg, .field("score"))), ("low", Aggregate(.min, .field("rating"))),
       ("high", Aggregate(.max, .field("created")))], f.connection)
    #expect(totals["score__sum"] == .int(15))
    #expect(totals["n"] == .int(4))
    #expect(totals["avg"] == .double(5))
    // Django on SQLite reads a Min of a decimal column as a float, not quantized: Decimal('1');
    // psycopg reads PostgreSQL's numeric with its scale: Decimal('1.00').
    #expect(totals["low"] == (backend == .sqlite ? .decimal("1") : .decimal("1.00")))
    #expect(totals["high"]?.repr == "datetime.datetime(2026, 2, 14, 23, 30, tzinfo=datetime.timezone.utc)")
    #expect(try posts.filter("score__gt", .int(100)).aggregate([("n", Aggregate(.count, .field("id")))], f.connection)["n"] == .int(0))
    // annotate per object, filter on the annotation (HAVING), order by it.
    let authors = try f.query("Author").annotate([("n", .aggregate(Aggregate(.count, .field("posts"))))])
    let counts = try authors.orderBy(["-n", "username"]).valuesList(["username", "n"]).results(f.connection)
    #expect(counts.map(\.repr) == ["('ann', 2)", "('bob', 2)", "('cy', 0)"])
    let expected = try f.connection.query(
      "SELECT a.username, COUNT(p.id) FROM blog_author a LEFT JOIN blog_post p ON p.author_id = a.id GROUP BY a.id HAVING COUNT(p.id) > 0 ORDER BY a.username")
    let having = try authors.filter("n__gt", .int(0)).orderBy(["username"]).valuesList(["username", "n"]).results(f.connection)
    #expect(having.map(\.repr) == expected.map { "('\($0[0].string!)', \($0[1].int!))" })
    // aggregate() over an annotation reads the grouped rows as a subquery.
    let average = try authors.aggregate([("avg", Aggregate(.avg, .field("n"))), ("most", Aggregate(.max, .field("n")))], f.connection)
    #expect(average["avg"] == .double(4.0 / 3.0))
    #expect(average["most"] == .int(2))
    // values().annotate(): one row per status.
    let perStatus = try posts.values(["status"]).annotate([("total", .aggregate(Aggregate(.sum, .field("score"))))]).orderBy(["status"]).results(f.connection)
    #expect(perStatus.map(\.repr) == ["{'status': 'draft', 'total': 9}", "{'status': 'published', 'total': 6}"])
    // Count with distinct and a filter.
    let tagged = try f.query("Author").annotate([("tags", .aggregate(Aggregate(.count, .field("posts__tags"), distinct: true, filter: .condition("posts__status", .value(.text("published"))))))])
    #expect(try tagged.orderBy(["id"]).valuesList(["tags"], flat: true).results(f.connection) == [.int(2), .int(0), .int(0)])
    // select_related attaches the author without another query.
    let withAuthors = try posts.selectRelated(["author"]).orderBy(["id"]).instances(f.connection)
    #expect(withAuthors.map { $0.related["author"]?.values["username"] } == [.text("bob"), .text("bob"), .text("ann"), .text("ann")])
  }

  @Test(arguments: Harness.backends)
  func writesConvertValuesAndApplyDefaults(_ backend: DatabaseBackend) throws {
    let f = try Self.fixture(backend: backend)
    let posts = try f.query("Post")
    let created = try posts.create([("title", .text("New")), ("author", .int(3)), ("rating", .double(2.5))], f.connection)
    #expect(created.pk == .int(5))
    #expect(created.values["status"] == .text("draft"), "the declared default")
    #expect(created.values["rating"] == .decimal("2.50"))
    let stored = backend == .sqlite
      ? "SELECT rating || '|' || published || '|' || meta FROM blog_post WHERE id = 5"
      : "SELECT rating::text || '|' || published::int || '|' || meta::text FROM blog_post WHERE id = 5"
    #expect(try f.connection.scalar(stored) == .text(backend == .sqlite ? "2.5|0|{}" : "2.50|0|{}"))
    let unknown = #expect(throws: QueryError.self) { try posts.create([("titel", .text("x"))], f.connection) }
    #expect(unknown?.message == "Post() got unexpected keyword arguments: 'titel'")
    let badDate = #expect(throws: QueryError.self) { try posts.create([("title", .text("x")), ("author", .int(1)), ("created", .text("yesterday"))], f.connection) }
    #expect(badDate?.kind == "ValidationError")
    #expect(try posts.count(f.connection) == 5, "nothing half-written")
    // get_or_create / update_or_create
    let (again, made) = try posts.getOrCreate([("title", .text("New"))], f.connection)
    #expect(again.pk == .int(5) && made == false)
    let (fresh, madeFresh) = try posts.getOrCreate([("title", .text("Newer"))], defaults: [("author", .int(1)), ("score", .int(3))], f.connection)
    #expect(madeFresh && fresh.values["score"] == .int(3))
    let (updated, madeUpdated) = try posts.updateOrCreate([("title", .text("Newer"))], defaults: [("score", .int(7))], f.connection)
    #expect(!madeUpdated && updated.pk == fresh.pk)
    #expect(try f.connection.scalar("SELECT score FROM blog_post WHERE title = 'Newer'") == .integer(7))
    // save() of a changed instance, bulk_create
    updated.values["title"] = .text("Renamed")
    try updated.save(f.connection, schema: f.schema)
    #expect(try f.connection.scalar("SELECT count(*) FROM blog_post WHERE title = 'Renamed'") == .integer(1))
    let batch = try (0..<50).map { try ModelInstance(model: posts.model, assigning: [("title", .text("bulk \($0)")), ("author", .int(2))]) }
    try posts.bulkCreate(batch, f.connection)
    #expect(batch.last?.pk == .int(56))
    #expect(try posts.filter("title__startswith", .text("bulk ")).count(f.connection) == 50)
  }

  @Test(arguments: Harness.backends)
  func deleteCascadesAndSetsNullAsOnDeleteSays(_ backend: DatabaseBackend) throws {
    let f = try Self.fixture(backend: backend)
    // Deleting bob (author 1) cascades to posts 1, 2, their comments and tag links, and sets
    // post 3's editor to NULL.
    let result = try f.query("Author").filter("username", .text("bob")).delete(f.connection)
    #expect(result.total == 9)
    #expect(result.perModel.map { "\($0.0)=\($0.1)" }.sorted() == ["blog.Author=1", "blog.Comment=3", "blog.Post=2", "blog.Post_tags=3"])
    #expect(try f.sqlIDs("SELECT id FROM blog_post ORDER BY id") == [3, 4])
    #expect(try f.connection.scalar("SELECT editor_id FROM blog_post WHERE id = 3") == .null)
    #expect(try f.connection.scalar("SELECT count(*) FROM blog_post_tags") == .integer(1))
    if backend == .sqlite { try f.connection.execute("PRAGMA foreign_key_check") }
  }

  @Test(arguments: Harness.backends, ["protect", "restrict", "set_default", "do_nothing"])
  func deleteHonoursTheOtherOnDeleteModes(_ backend: DatabaseBackend, mode: String) throws {
    let f = try Self.fixture(backend: backend, """
      models:
        Parent:
          fields:
            name: {type: char, max_length: 10}
        Owner:
          fields:
            name: {type: char, max_length: 10}
            parent: {type: foreign_key, to: Parent, on_delete: cascade, null: true}
        Thing:
          fields:
            owner: {type: foreign_key, to: Owner, on_delete: \(mode), default: 1}
            parent: {type: foreign_key, to: Parent, on_delete: cascade, null: true}
      """)
    try f.connection.execute("""
      INSERT INTO blog_parent (name) VALUES ('p');
      INSERT INTO blog_owner (name) VALUES ('keep'), ('gone');
      INSERT INTO blog_thing (owner_id) VALUES (2);
      """)
    let owners = try f.query("Owner").filter("name", .text("gone"))
    switch mode {
    case "protect":
      let error = #expect(throws: QueryError.self) { try owners.delete(f.connection) }
      #expect(error?.kind == "ProtectedError")
      #expect(error?.message.contains("referenced through protected foreign keys: 'Thing.owner'") == true)
      #expect(try f.connection.scalar("SELECT count(*) FROM blog_owner") == .integer(2), "nothing deleted")
    case "restrict":
      let error = #expect(throws: QueryError.self) { try owners.delete(f.connection) }
      #expect(error?.kind == "RestrictedError")
      #expect(try f.connection.scalar("SELECT count(*) FROM blog_owner") == .integer(2), "nothing deleted")
      // Allowed when the restricted row is deleted anyway through a cascade (Django's
      // Artist/Album/Song example): the parent takes both the owner and the thing.
      try f.connection.execute("UPDATE blog_owner SET parent_id = 1 WHERE id = 2; UPDATE blog_thing SET parent_id = 1")
      let result = try f.query("Parent").delete(f.connection)
      #expect(result.total == 3)
      #expect(try f.connection.scalar("SELECT count(*) FROM blog_thing") == .integer(0))
    case "set_default":
      let result = try owners.delete(f.connection)
      #expect(result.total == 1)
      #expect(try f.connection.scalar("SELECT owner_id FROM blog_thing") == .integer(1))
    default:
      // do_nothing leaves the dangling row, and the deferred foreign key check refuses the
      // commit: nothing is deleted.
      // (SQLite: "FOREIGN KEY constraint failed"; PostgreSQL: SQLSTATE 23503 at COMMIT.)
      let error = #expect(throws: (any Error).self) { try f.connection.transaction { try owners.delete(f.connection) } }
      #expect(error is SQLiteError || (error as? PostgresError)?.sqlState == "23503", "\(String(describing: error))")
      #expect(try f.connection.scalar("SELECT count(*) FROM blog_owner") == .integer(2))
    }
  }

  @Test(arguments: Harness.backends)
  func valuesAreAlwaysBoundAndNamesComeFromTheSchema(_ backend: DatabaseBackend) throws {
    let f = try Self.fixture(backend: backend)
    let posts = try f.query("Post")
    let (sql, arguments) = try posts.filter("title", .text("x'); DROP TABLE blog_post; --")).sql()
    #expect(!sql.contains("DROP"))
    #expect(arguments == [.text("x'); DROP TABLE blog_post; --")])
    let error = #expect(throws: QueryError.self) { try posts.filter("titel", .text("x")) .sql() }
    #expect(error?.message == "Cannot resolve keyword 'titel' into field. Choices are: author, author_id, comments, created, editor, editor_id, id, meta, published, rating, score, status, tags, title, uid".replacingOccurrences(of: "author_id, ", with: "").replacingOccurrences(of: "editor_id, ", with: ""))
    let lookup = #expect(throws: QueryError.self) { try posts.filter("title__icontain", .text("x")).sql() }
    #expect(lookup?.message == "Unsupported lookup 'icontain' for CharField or join on the field not permitted, perhaps you meant icontains?")
  }
}
