import Foundation
import ManageCore
import ManageJobs

/// What a scorer said about one output.
public struct ScoreResult: Sendable, Equatable {
  /// The scorer's name (its type, or the `name:` given).
  public var name: String
  /// 0 to 1.
  public var score: Double
  public var passed: Bool
  /// Why, in a few words, for reports.
  public var detail: String

  public init(name: String, score: Double, passed: Bool, detail: String = "") {
    self.name = name
    self.score = score
    self.passed = passed
    self.detail = detail
  }
}

/// A way of scoring an output: Django-free, promptfoo-like assertions.
public struct Scorer: Sendable {
  public enum Kind: Sendable {
    case equals(ModelValue?)
    case contains(String?, caseInsensitive: Bool)
    case regex(NSRegularExpressionBox)
    case oneOf([ModelValue])
    case isJSON
    case jsonSchema(ModelValue)
    /// Named fields compared with the expected JSON, numbers within `tolerance` (absolute) or
    /// `relative` (a fraction of the expected value).
    case jsonFields([(name: String, tolerance: Double, relative: Double)])
    case levenshtein(ModelValue?)
    case tokenF1(ModelValue?)
    /// Passes when the provider answered within this many milliseconds.
    case latency(maxMilliseconds: Double)
    /// A rubric graded by another provider, which answers a score from 0 to 1 (a number, or
    /// JSON with "score" and "reason", or PASS/FAIL).
    case llmJudge(rubric: String, judge: Provider)
  }

  public var kind: Kind
  public var name: String
  public var weight: Double = 1
  /// `not: true`: the score is inverted and so is passing.
  public var negated = false
  /// The score that counts as passing (similarity scorers default to 0.8, others to 1).
  public var threshold: Double = 1

  public init(_ kind: Kind, name: String) {
    self.kind = kind
    self.name = name
  }

  /// Scores `output` for a case expecting `expected`, answered in `latency` milliseconds.
  public func score(_ output: String, expected: ModelValue, latency: Double) -> ScoreResult {
    var (score, detail) = raw(output, expected: expected, latency: latency)
    score = min(max(score, 0), 1)
    var passed = score >= threshold - 1e-9
    if negated {
      score = 1 - score
      passed.toggle()
      detail = "not (" + detail + ")"
    }
    return ScoreResult(name: name, score: score, passed: passed, detail: detail)
  }

  private func raw(_ output: String, expected: ModelValue, latency: Double) -> (Double, String) {
    let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
    switch kind {
    case .equals(let value):
      let target = value ?? expected
      if case .text(let text) = target {
        return trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines) ? (1, "equal") : (0, "differs from \(Self.short(text))")
      }
      guard let parsed = try? ModelValue(json: trimmed) else { return (0, "not JSON, expected \(Self.short(target.jsonText))") }
      return JSONCompare.equal(parsed, target) ? (1, "equal") : (0, "differs from \(Self.short(target.jsonText))")
    case .contains(let value, let caseInsensitive):
      let needle = value ?? Self.text(expected)
      let found = caseInsensitive ? output.lowercased().contains(needle.lowercased()) : output.contains(needle)
      return found ? (1, "contains \(Self.short(needle))") : (0, "does not contain \(Self.short(needle))")
    case .regex(let box):
      let found = box.expression.firstMatch(in: output, range: NSRange(output.startIndex..., in: output)) != nil
      return found ? (1, "matches /\(box.expression.pattern)/") : (0, "does not match /\(box.expression.pattern)/")
    case .oneOf(let values):
      let hit = values.contains { value in
        if case .text(let text) = value { return trimmed == text }
        return (try? ModelValue(json: trimmed)).map { JSONCompare.equal($0, value) } ?? false
      }
      return hit ? (1, "one of the allowed values") : (0, "none of \(values.count) allowed values")
    case .isJSON:
      return (try? ModelValue(json: trimmed)) != nil ? (1, "valid JSON") : (0, "not valid JSON")
    case .jsonSchema(let schema):
      guard let parsed = try? ModelValue(json: trimmed) else { return (0, "not valid JSON") }
      let problems = JSONSchemaValidator.problems(parsed, schema: schema)
      return problems.isEmpty ? (1, "matches the schema") : (0, problems.prefix(3).joined(separator: "; "))
    case .jsonFields(let fields):
      guard case .dict(let got)? = try? ModelValue(json: trimmed) else { return (0, "output is not a JSON object") }
      guard case .dict(let want) = expected else { return (0, "the case's expected value is not a JSON object") }
      var matched = 0
      var misses: [String] = []
      for field in fields {
        let have = got[field.name] ?? .null
        let should = want[field.name] ?? .null
        if JSONCompare.close(have, should, tolerance: field.tolerance, relative: field.relative) {
          matched += 1
        } else {
          misses.append("\(field.name) \(have.jsonText) ≠ \(should.jsonText)")
        }
      }
      let score = fields.isEmpty ? 1 : Double(matched) / Double(fields.count)
      return (score, misses.isEmpty ? "\(matched)/\(fields.count) fields match" : misses.joined(separator: ", "))
    case .levenshtein(let value):
      let target = value.map(Self.text) ?? Self.text(expected)
      let similarity = TextSimilarity.levenshteinSimilarity(trimmed, target)
      return (similarity, String(format: "similarity %.2f", similarity))
    case .tokenF1(let value):
      let target = value.map(Self.text) ?? Self.text(expected)
      let f1 = TextSimilarity.tokenF1(trimmed, target)
      return (f1, String(format: "token F1 %.2f", f1))
    case .latency(let maximum):
      return latency <= maximum ? (1, "\(Int(latency)) ms ≤ \(Int(maximum)) ms") : (0, "\(Int(latency)) ms > \(Int(maximum)) ms")
    case .llmJudge(let rubric, let judge):
      let prompt = Self.judgePrompt(rubric: rubric, output: output, expected: expected)
      do {
        let answer = try judge.answer(prompt, caseID: "judge", environment: ProcessInfo.processInfo.environment)
        guard let (score, reason) = Self.judgement(answer.output) else {
          return (0, "the judge's answer has no score: \(Self.short(answer.output))")
        }
        return (score, "judge: " + (reason.isEmpty ? String(format: "%.2f", score) : reason))
      } catch let error as ManageError {
        return (0, "the judge failed: \(error.message)")
      } catch {
        return (0, "the judge failed: \(error)")
      }
    }
  }

  /// What the judge is asked.
  static func judgePrompt(rubric: String, output: String, expected: ModelValue) -> String {
    var prompt = "Grade the answer against the rubric. Reply with JSON: {\"score\": a number from 0 to 1, \"reason\": one sentence}.\n\n"
    prompt += "Rubric:\n\(rubric)\n\nAnswer:\n\(output)\n"
    if expected != .null { prompt += "\nReference answer:\n\(text(expected))\n" }
    return prompt
  }

  /// A score from the judge's reply: {"score": 0.8, "reason": …}, a bare number, or PASS/FAIL.
  static func judgement(_ reply: String) -> (Double, String)? {
    let trimmed = reply.trimmingCharacters(in: .whitespacesAndNewlines)
    if let start = trimmed.firstIndex(of: "{"), let end = trimmed.lastIndex(of: "}"),
      case .dict(let fields)? = try? ModelValue(json: String(trimmed[start...end])), let score = fields["score"].flatMap(JSONCompare.number)
    {
      return (min(max(score, 0), 1), fields["reason"].map(text) ?? "")
    }
    if let number = Double(trimmed) { return (min(max(number, 0), 1), "") }
    let upper = trimmed.uppercased()
    if upper.hasPrefix("PASS") { return (1, trimmed) }
    if upper.hasPrefix("FAIL") { return (0, trimmed) }
    return nil
  }

  static func text(_ value: ModelValue) -> String {
    if case .text(let text) = value { return text }
    return value.jsonText
  }

  static func short(_ text: String) -> String {
    text.count > 40 ? "'\(text.prefix(37))…'" : "'\(text)'"
  }
}

/// An NSRegularExpression made Sendable: it is immutable once compiled.
public final class NSRegularExpressionBox: @unchecked Sendable {
  public let expression: NSRegularExpression
  public init(_ expression: NSRegularExpression) { self.expression = expression }
}

/// The weighted verdict on one case.
public struct CaseVerdict: Sendable {
  public var score: Double
  public var passed: Bool
  public var results: [ScoreResult]

  /// Weighted mean of the scorers' scores; the case passes when it reaches `threshold`.
  public init(results: [ScoreResult], weights: [Double], threshold: Double) {
    self.results = results
    let total = weights.reduce(0, +)
    score = total > 0 ? zip(results, weights).map { $0.score * $1 }.reduce(0, +) / total : 1
    passed = score >= threshold - 1e-9
  }
}
