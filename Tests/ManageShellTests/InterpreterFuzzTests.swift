import Foundation
import Testing
import FuzzSupport
import ManageCore
@testable import ManageShell

/// Random programs built from the shell's grammar with hostile numbers, run against a real
/// database: every one ends in a value or a Python error, never a trap, a stack overflow or
/// an unbounded allocation. (ParserTests fuzzes the parser on character soup.)
@Suite("Fuzz: the shell's interpreter")
struct InterpreterFuzzTests {
  static let numbers = [
    "0", "1", "-1", "7", "2**63", "-2**63", "2**63-1", "-2**63-1", "2**64", "10**20", "10**400", "1e300", "-1e300", "1.5",
    "float('inf')", "float('nan')", "9223372036854775807", "99999999999999999999", "2**65536", "0.1",
  ]
  static let operators = ["+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<", "==", ">="]
  static let calls = [
    "abs(%)", "int(%)", "round(%)", "round(%, %)", "float(%)", "str(%)", "len(str(%))", "range(%)", "sum(range(%))", "[0] * %",
    "'ab' * %", "timedelta(days=%)", "timedelta(seconds=%)", "date(2026, 1, 1) + timedelta(days=%)", "Decimal(%)", "min(%, %)",
    "[1, 2, 3][%]", "[1, 2, 3][%:%]", "Post.objects.filter(score__lt=%).count()", "Post.objects.filter(pk=%).count()",
    "Post.objects.filter(id__in=[%]).count()", "Post.objects.all()[%:%]", "divmod(%, %)", "{%: %}", "-(%)", "~(%)", "not %",
  ]

  static func expression(_ depth: Int, _ generator: inout SeededGenerator) -> String {
    if depth == 0 || Int.random(in: 0..<3, using: &generator) == 0 { return numbers.randomElement(using: &generator)! }
    if Bool.random(using: &generator) {
      let op = operators.randomElement(using: &generator)!
      return "(\(expression(depth - 1, &generator)) \(op) \(expression(depth - 1, &generator)))"
    }
    var call = calls.randomElement(using: &generator)!
    while let hole = call.firstIndex(of: "%") {
      call.replaceSubrange(hole...hole, with: expression(depth - 1, &generator))
    }
    return call
  }

  @Test func randomProgramsEndInAValueOrAPythonError() throws {
    let shell = try ShellFixture()
    var generator = SeededGenerator(seed: Fuzz.seed(0x5E11))
    let started = Date()
    for _ in 0..<Fuzz.iterations(default: 1_500) {
      let source = Self.expression(3, &generator)
      do {
        _ = try shell.interpreter.run(source).map { try shell.interpreter.repr($0) }
      } catch let error as PythonError {
        #expect(!error.kind.isEmpty, "\(source)")
      } catch is ShellSyntaxError {
      } catch {
        Issue.record("\(source): \(error)")
      }
    }
    #expect(try shell.connection.scalar("SELECT count(*) FROM blog_post") == .integer(3))
    #expect(Date().timeIntervalSince(started) < 120, "every refusal comes at once")
  }
}
