import Testing
import FuzzSupport
@testable import ManageShell

@Suite("Shell language: parser")
struct ParserTests {
  @Test(arguments: [
    "Post.objects.filter(status='draft', score__gte=3).order_by('-id')[:10]",
    "p = Post.objects.get(pk=1); p.title = 'x'; p.save()",
    "Post.objects.filter(Q(status=\"draft\") | ~Q(score=None) & Q(title__in=['a', \"b\"]))",
    "Post.objects.update(score=F('score') * 2 + 1)",
    "obj, created = Tag.objects.get_or_create(name='new', defaults={'name': 'new'})",
    "x = [1, 2.5, -3, 1e3, 0x1F, True, False, None, (1,), (), {}, {'a': [1, {'b': 2}]}]",
    "Post.objects.filter(created__gte=date(2026, 1, 31), title__regex=r'^H\\w+')",
    "not 1 < 2 <= 3 != 4 and 'a' in 'abc' or 2 ** -1 // 3 % 4",
    """
    Post.objects.filter(
        status='draft',
    ).count()
    """,
    "a = b = 3  # a comment",
    "'''multi\nline''' + \"\\n\\t\\x41\\u00e9\"",
  ])
  func parses(_ source: String) throws {
    #expect(!(try Parser.parse(source)).isEmpty)
  }

  @Test(arguments: [
    ("Post.objects.filter(title=)", 1, 27, "expected an argument value after 'title='"),
    ("Post.objects.get(pk=1", 1, 17, "'(' was never closed"),
    ("x = = 2", 1, 5, "invalid syntax"),
    ("f(a=1, 2)", 1, 8, "positional argument follows keyword argument"),
    ("import os", 1, 1, "'import' is not available in manage shell: it runs queries, not Python code"),
    ("Post.objects.all(]", 1, 18, "closing parenthesis ']' does not match opening parenthesis '('"),
    ("x = 1)", 1, 6, "unmatched ')'"),
    ("'abc", 1, 1, "unterminated string literal"),
    ("1 +\n* 2", 1, 4, "invalid syntax"),
    ("x = 1\ny = $", 2, 5, "invalid character '$' (U+24)"),
    ("f'{x}'", 1, 1, "f-strings are not supported in manage shell; use + or str() to build text"),
    ("Post.objects.get(pk=1) = 3", 1, 17, "cannot assign to function call here. Maybe you meant '==' instead of '='?"),
    ("x += 1", 1, 3, "augmented assignment is not supported in manage shell; write x = x + …"),
  ])
  func rejectsWithPosition(_ source: String, _ line: Int, _ column: Int, _ message: String) {
    let error = #expect(throws: ShellSyntaxError.self) { try Parser.parse(source) }
    #expect(error?.message == message)
    #expect(error?.position == Position(line: line, column: column), "\(source)")
  }

  @Test func syntaxErrorsPrintACaretUnderTheColumn() {
    let error = #expect(throws: ShellSyntaxError.self) { try Parser.parse("Post.objects.filter(title=)") }
    #expect(error?.report(source: "Post.objects.filter(title=)", file: "<console>") == """
        File "<console>", line 1
          Post.objects.filter(title=)
                                    ^
      SyntaxError: expected an argument value after 'title='
      """)
  }

  @Test func incompleteInputAsksForMore() {
    #expect(Lexer.isIncomplete("Post.objects.filter("))
    #expect(Lexer.isIncomplete("x = '''abc"))
    #expect(Lexer.isIncomplete("x = [1,\n 2"))
    #expect(!Lexer.isIncomplete("Post.objects.filter(x=1)"))
    #expect(!Lexer.isIncomplete("x = 'abc"), "an unterminated one-line string is an error, not a continuation")
  }

  /// Random inputs — mutations of valid statements and raw character soup — never crash or
  /// hang the lexer and parser: each either parses or throws a positioned SyntaxError.
  @Test func fuzzedInputNeverCrashes() throws {
    var generator = SeededGenerator(seed: 0x5EED)
    let seeds = [
      "Post.objects.filter(status='draft', score__gte=3).order_by('-id')[:10]",
      "p = Post.objects.get(pk=1); p.title = 'x'; p.save()",
      "Post.objects.filter(Q(a=1) | ~Q(b=[1, (2,), {'c': None}])).update(n=F('n') + 1)",
      "x, y = 1, 2.5e-3; '''a\nb''' + r'\\d'",
    ]
    let alphabet = Array("abcPQF_0123456789 .,:;=()[]{}'\"+-*/%<>!~&|#\\\n\tré")
    for round in 0..<4000 {
      var text: [Character]
      if round % 3 == 0 {
        text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
      } else {
        text = Array(seeds.randomElement(using: &generator)!)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
          let index = Int.random(in: 0...text.count, using: &generator)
          switch Int.random(in: 0..<3, using: &generator) {
          case 0: text.insert(alphabet.randomElement(using: &generator)!, at: index)
          case 1: if index < text.count { text.remove(at: index) }
          default: if index < text.count { text[index] = alphabet.randomElement(using: &generator)! }
          }
        }
      }
      let source = String(text)
      do {
        _ = try Parser.parse(source)
      } catch let error as ShellSyntaxError {
        #expect(error.position.line >= 1 && error.position.column >= 1, "\(source.debugDescription)")
        _ = error.report(source: source, file: "<fuzz>")
      }
      _ = Lexer.isIncomplete(source)
    }
  }
}
