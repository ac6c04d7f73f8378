import Foundation
import Testing
import ManageCore
@testable import ManageEvals
@testable import ManageJobs

@Suite("Eval scorers")
struct ScorerTests {
  func scorer(_ yaml: String) throws -> Scorer {
    let node = try #require(try YAMLFile.parse(yaml, displayPath: "suite.yaml"))
    return try SuiteLoader.scorer(node, folder: "/tmp")
  }

  func json(_ text: String) throws -> ModelValue { try ModelValue(json: text) }

  @Test func textScorers() throws {
    #expect(try scorer("{type: equals}").score(" Paris\n", expected: .text("Paris"), latency: 1).passed)
    #expect(try !scorer("{type: equals}").score("paris", expected: .text("Paris"), latency: 1).passed)
    #expect(try scorer("{type: equals}").score("{\"b\": 1.0, \"a\": [1]}", expected: json("{\"a\": [1], \"b\": 1}"), latency: 1).passed, "JSON compares by value")
    #expect(try scorer("{type: contains, value: revenue}").score("The revenue rose", expected: .null, latency: 1).passed)
    #expect(try !scorer("{type: contains, value: Revenue}").score("The revenue rose", expected: .null, latency: 1).passed)
    #expect(try scorer("{type: icontains, value: Revenue}").score("The revenue rose", expected: .null, latency: 1).passed)
    #expect(try scorer("{type: regex, pattern: '\\$[0-9.]+ billion'}").score("about $4.1 billion", expected: .null, latency: 1).passed)
    #expect(try scorer("{type: one_of, values: [yes, no]}").score("no", expected: .null, latency: 1).passed)
    #expect(try !scorer("{type: one_of, values: [yes, no]}").score("maybe", expected: .null, latency: 1).passed)
    let negated = try scorer("{type: contains, value: sorry, not: true}")
    #expect(negated.score("Here you go", expected: .null, latency: 1).passed)
    #expect(!negated.score("sorry, I cannot", expected: .null, latency: 1).passed)
    #expect(try scorer("{type: latency, max: 200ms}").score("x", expected: .null, latency: 150).passed)
    #expect(try !scorer("{type: latency, max: 200ms}").score("x", expected: .null, latency: 250).passed)
  }

  @Test func similarityScorersHaveThresholds() throws {
    let edit = try scorer("{type: levenshtein, value: kitten}")
    let result = edit.score("sitting", expected: .null, latency: 0)
    #expect(abs(result.score - (1 - 3.0 / 7.0)) < 1e-9, "distance 3 over 7 characters")
    #expect(!result.passed, "0.57 is under the default 0.8")
    #expect(try scorer("{type: levenshtein, value: kitten, threshold: 0.5}").score("sitting", expected: .null, latency: 0).passed)
    let f1 = try scorer("{type: token_f1}").score("the revenue was 4 billion", expected: .text("Revenue: 4 billion."), latency: 0)
    #expect(abs(f1.score - 2 * (3.0 / 5) * (3.0 / 3) / (3.0 / 5 + 1)) < 1e-9)
  }

  @Test func jsonScorers() throws {
    #expect(try scorer("is_json").score("{\"a\": 1}", expected: .null, latency: 0).passed)
    #expect(try !scorer("is_json").score("{a: 1}", expected: .null, latency: 0).passed)
    let schema = try scorer("""
      type: json_schema
      schema:
        type: object
        required: [revenue_low, revenue_high]
        additionalProperties: false
        properties:
          revenue_low: {type: number, minimum: 0}
          revenue_high: {type: number}
          unit: {enum: [million, billion]}
      """)
    #expect(schema.score("{\"revenue_low\": 1, \"revenue_high\": 2, \"unit\": \"billion\"}", expected: .null, latency: 0).passed)
    let bad = schema.score("{\"revenue_low\": -1, \"unit\": \"trillion\", \"extra\": true}", expected: .null, latency: 0)
    #expect(!bad.passed)
    #expect(bad.detail == "$.revenue_high is required; $.revenue_low -1.0 < minimum 0.0; $.unit is not one of [\"million\", \"billion\"]")
    // The essay's example: low/high within 2%, confidence within 0.1.
    let fields = try scorer("{type: json_fields, fields: {revenue_low: {relative: 0.02}, revenue_high: {relative: 0.02}, confidence: {tolerance: 0.1}}}")
    let expected = try json("{\"revenue_low\": 4.1, \"revenue_high\": 4.4, \"confidence\": 0.9}")
    #expect(fields.score("{\"revenue_low\": 4.12, \"revenue_high\": 4.4, \"confidence\": 0.85}", expected: expected, latency: 0).passed)
    let partial = fields.score("{\"revenue_low\": 4.5, \"revenue_high\": 4.4, \"confidence\": 0.85}", expected: expected, latency: 0)
    #expect(abs(partial.score - 2.0 / 3.0) < 1e-9 && !partial.passed)
    #expect(partial.detail == "revenue_low 4.5 ≠ 4.1")
  }

  @Test func anLLMJudgeGradesWithARubric() throws {
    // The judge is a command provider: it sees the rubric, the answer and the reference.
    let judge = try scorer("""
      type: llm_judge
      rubric: Names the capital of France.
      provider: {type: command, command: [/bin/sh, -c, 'p=$(cat); case "$p" in *Rubric:*Answer:*Paris*) echo "{\\"score\\": 0.9, \\"reason\\": \\"names Paris\\"}";; *) echo FAIL;; esac']}
      """)
    let good = judge.score("It is Paris.", expected: .text("Paris"), latency: 0)
    #expect(good.passed && good.score == 0.9 && good.detail == "judge: names Paris")
    #expect(!judge.score("It is Lyon.", expected: .null, latency: 0).passed)
    #expect(Scorer.judgement("  0.25 ")?.0 == 0.25)
    #expect(Scorer.judgement("PASS: fine")?.0 == 1)
    #expect(Scorer.judgement("I think it is fine") == nil)
  }

  @Test func aCasePassesWhenItsWeightedScoreReachesItsThreshold() throws {
    let results = [ScoreResult(name: "a", score: 1, passed: true), ScoreResult(name: "b", score: 0, passed: false)]
    #expect(CaseVerdict(results: results, weights: [3, 1], threshold: 0.75).passed)
    #expect(!CaseVerdict(results: results, weights: [1, 1], threshold: 0.75).passed)
    #expect(CaseVerdict(results: results, weights: [1, 1], threshold: 0.5).score == 0.5)
  }
}
