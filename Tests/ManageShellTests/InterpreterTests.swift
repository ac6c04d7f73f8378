import Testing
import ManageCore
import TestDatabases
@testable import ManageShell

@Suite("Shell language: running ORM code")
struct InterpreterTests {
  @Test(arguments: TestCluster.backends)
  func queriesReadAndWriteLikeDjango(_ backend: DatabaseBackend) throws {
    let shell = try ShellFixture(backend: backend)
    #expect(try shell.value("Post.objects.count()") == "3")
    #expect(try shell.value("Post.objects.filter(status='draft').count()") == "2")
    #expect(try shell.value("Post.objects.filter(author__name='bob').values_list('title', flat=True)[0]") == "'Hello'")
    #expect(try shell.value("list(Post.objects.filter(tags__name='sql').values_list('id', flat=True))") == "[1, 3]")
    #expect(try shell.value("Post.objects.filter(Q(score__gt=6) | Q(status='published')).count()") == "2")
    #expect(try shell.value("Post.objects.exclude(score=None).aggregate(Sum('score'), top=Max('score'))") == "{'score__sum': 12, 'top': 7}")
    #expect(try shell.value("list(Author.objects.annotate(n=Count('posts')).order_by('-n', 'name').values_list('name', 'n'))") == "[('bob', 2), ('ann', 1)]")
    #expect(try shell.value("Post.objects.filter(created__gte=date(2026, 2, 1)).get().title") == "'Draft one'")
    #expect(try shell.value("Post.objects.filter(created__year=2026, created__month=1).first().pk") == "1")
    #expect(try shell.value("p = Post.objects.get(pk=1); p.author.name") == "'bob'")
    #expect(try shell.value("p.created + timedelta(days=1)") == "datetime.date(2026, 2, 1)")
    #expect(try shell.value("p.tags.count()") == "2")
    #expect(try shell.value("Author.objects.get(name='bob').posts.filter(status='draft').count()") == "1")
    // Writes: save, update with F, create with a related row, m2m add, delete with cascade.
    _ = try shell.value("p.title = 'Renamed'; p.save()")
    #expect(try shell.connection.scalar("SELECT title FROM blog_post WHERE id = 1") == .text("Renamed"))
    #expect(try shell.value("Post.objects.filter(score__isnull=False).update(score=F('score') * 10)") == "2")
    #expect(try shell.connection.query("SELECT score FROM blog_post ORDER BY id").map(\.values[0]) == [50, .null, 70])
    #expect(try shell.value("n = Post.objects.create(title='New', author=Author.objects.get(name='ann')); n.pk, n.status") == "(4, 'draft')")
    _ = try shell.value("n.tags.add(Tag.objects.get(name='swift'), 2); n.tags.remove(2)")
    #expect(try shell.value("Tag.objects.get(name='swift').posts.count()") == "2")
    #expect(try shell.value("t, made = Tag.objects.get_or_create(name='new'); made") == "True")
    // Posts 3 and 4 go with ann, and their tag links: Django's (total, per model) tuple.
    #expect(try shell.value("Author.objects.filter(name='ann').delete()") == "(5, {'blog.Author': 1, 'blog.Post': 2, 'blog.Post_tags': 2})")
    #expect(try shell.connection.scalar("SELECT count(*) FROM blog_post") == .integer(2))
  }

  @Test(arguments: TestCluster.backends)
  func errorsReadLikePython(_ backend: DatabaseBackend) throws {
    let shell = try ShellFixture(backend: backend)
    #expect(shell.error("Pst.objects.count()") == "NameError: name 'Pst' is not defined. Did you mean: 'Post'?")
    #expect(shell.error("Post.objects.filter(titel='x').count()") == "FieldError: Cannot resolve keyword 'titel' into field. Choices are: author, created, id, score, status, tags, title")
    #expect(shell.error("Post.objects.get(pk=42)") == "Post.DoesNotExist: Post matching query does not exist.")
    #expect(shell.error("Post.objects.get(status='draft')") == "Post.MultipleObjectsReturned: get() returned more than one Post -- it returned 2!")
    #expect(shell.error("Post.objects.fliter(x=1)") == "AttributeError: 'Manager' object has no attribute 'fliter'. Did you mean: 'filter'?")
    #expect(shell.error("Post.objects.get(pk=1).titel") == "AttributeError: 'Post' object has no attribute 'titel'. Did you mean: 'title'?")
    #expect(shell.error("date(2026, 2, 30)") == "ValueError: day is out of range for month")
    #expect(shell.error("Post.objects.create(title='x')") == (backend == .sqlite
      ? "IntegrityError: NOT NULL constraint failed: blog_post.author_id"
      : "IntegrityError: null value in column \"author_id\" of relation \"blog_post\" violates not-null constraint"))
    #expect(shell.error("Post.objects.create(titel='x')") == "TypeError: Post() got unexpected keyword arguments: 'titel'")
    #expect(shell.error("1 / 0") == "ZeroDivisionError: division by zero")
    #expect(shell.error("Post.objects.filter(title=)").hasSuffix("SyntaxError: expected an argument value after 'title='"))
    #expect(shell.error("open('/etc/passwd')") == "NameError: name 'open' is not defined. Did you mean: 'len'?" || shell.errors.hasPrefix("NameError: name 'open' is not defined"))
    #expect(shell.error("__import__('os')").hasPrefix("NameError: name '__import__' is not defined"))
    #expect(shell.error("import os").hasSuffix("SyntaxError: 'import' is not available in manage shell: it runs queries, not Python code"))
    #expect(shell.error("Post.objects.filter(title=\"x'); DROP TABLE blog_post; --\").count()") == "")
    #expect(try shell.connection.scalar("SELECT count(*) FROM blog_post") == .integer(3), "the value was bound, not run")
  }

  @Test func resultsPrintAsTablesJSONAndCSV() throws {
    let table = try ShellFixture()
    #expect(table.run("Post.objects.values('id', 'title', 'score')") == """
       id | title     | score
      ----+-----------+-------
        1 | Hello     |     5
        2 | Draft one |
        3 | Ann's     |     7
      (3 rows)

      """)
    #expect(table.run("Post.objects.get(pk=3)") == "<Post: id=3, title=\"Ann's\", status='draft', score=7, created=None, author_id=2>\n")
    #expect(table.run("x = 1") == "", "assignments print nothing")
    let json = try ShellFixture(format: .json)
    #expect(json.run("Post.objects.filter(pk__lte=2).values('id', 'created')") == """
      [
        {"id": 1, "created": "2026-01-31"},
        {"id": 2, "created": "2026-02-01"}
      ]

      """)
    #expect(json.run("Post.objects.count()") == "3\n")
    let csv = try ShellFixture(format: .csv)
    #expect(csv.run("Post.objects.values_list('title', 'score')") == "title,score\r\nHello,5\r\nDraft one,\r\nAnn's,7\r\n")
    let interactive = try ShellFixture(interactive: true)
    _ = try interactive.value("Tag.objects.bulk_create([Tag(name='a'), Tag(name='b')])")
    try interactive.connection.execute("INSERT INTO blog_tag (name) SELECT 'many' FROM blog_tag, blog_tag AS b, blog_tag AS c LIMIT 28")
    let shown = interactive.run("Tag.objects.all()")
    #expect(shown.hasSuffix("(20 of 32 rows; slice the query, e.g. [20:40], to see more)\n"))
  }

  @Test func dotCommandsShowSQLSchemaAndModels() throws {
    let shell = try ShellFixture()
    _ = shell.session.feed("Post.objects.filter(status='draft').count()")
    shell.output = ""
    _ = shell.session.feed(".sql")
    #expect(shell.output.contains("SELECT COUNT(*) FROM \"blog_post\" WHERE (\"blog_post\".\"status\" = 'draft');"))
    shell.output = ""
    _ = shell.session.feed(".schema Post")
    #expect(shell.output.contains("blog.Post  (table blog_post, ordering id)"))
    #expect(shell.output.contains("author  | ForeignKey      | author_id"))
    shell.output = ""
    _ = shell.session.feed(".models")
    #expect(shell.output.contains("blog.Author | Author"))
    #expect(shell.session.feed(".schema Pots") == .done(succeeded: false))
    #expect(shell.errors.contains("Did you mean: 'Post'?"))
    #expect(shell.session.feed("Post.objects.filter(") == .needsMore)
    #expect(shell.session.feed("  status='draft'") == .needsMore)
    #expect(shell.session.feed(").count()") == .done(succeeded: true))
  }

  @Test func completionKnowsModelsMethodsAndFieldPaths() throws {
    let shell = try ShellFixture()
    let completer = Completer(interpreter: shell.interpreter)
    func complete(_ line: String) -> [String] {
      let start = line.lastIndex { Completer.wordBreaks.contains($0) }.map { line.distance(from: line.startIndex, to: $0) + 1 } ?? 0
      return completer.complete(line, start: start)
    }
    #expect(complete("Po") == ["Post"])
    #expect(complete("Post.ob") == ["objects"])
    #expect(complete("Post.objects.fil") == ["filter("])
    #expect(complete("Post.objects.filter(status='x').ex") == ["exclude(", "exists(", "explain("])
    #expect(complete("Post.objects.filter(ti") == ["title="])
    #expect(complete("Post.objects.filter(status='x', au") == ["author=", "author__"])
    #expect(complete("Post.objects.filter(author__na") == ["author__name="])
    #expect(complete("Post.objects.filter(title__ic") == ["title__icontains="])
    #expect(complete("Post.objects.filter(created__y") == ["created__year__"])
    #expect(complete("Post.objects.order_by(\"-sc") == ["score"])
    #expect(complete("Post.objects.values('ti") == ["title"])
    #expect(complete("Author.objects.filter(po") == ["posts__"])
    _ = try shell.value("p = Post.objects.get(pk=1)")
    #expect(complete("p.ti") == ["title"])
    #expect(complete("p.author.na") == ["name"])
    #expect(complete("p.tags.ad") == ["add("])
    #expect(complete("p.sa") == ["save("])
  }
}
