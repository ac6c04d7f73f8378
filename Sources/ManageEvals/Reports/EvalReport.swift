import Foundation
import ManageCore

/// One suite's run as the reports see it: the stored run, its gate, and the baseline comparison.
struct SuiteReport {
  var run: RunSummary
  var gate: Double
  var gatePassed: Bool
  var baseline: RunSummary?
  var comparison: Comparison?
  var interruptedNotRun = 0
  /// Answers taken from the cache rather than asked again.
  var cachedAnswers = 0
}

/// `--format table|json|junit|markdown`.
public enum EvalsFormat: String, CaseIterable, Sendable {
  case table, json, junit, markdown
}

enum EvalReport {
  static func percent(_ rate: Double?) -> String { rate.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }

  static func table(_ reports: [SuiteReport], exitCode: Int32) -> String {
    var text = ""
    for report in reports {
      let run = report.run
      let verdict = report.interruptedNotRun > 0 ? "NOT RUN (interrupted)" : report.gatePassed ? "PASSED" : "FAILED"
      text += "\(run.suite) (run \(run.id), \(run.provider)): \(run.passed)/\(run.passed + run.failed) passed (\(percent(run.passRate))), \(run.errors) error(s); gate \(percent(report.gate)): \(verdict)\n"
      if report.interruptedNotRun > 0 {
        text += "  interrupted: \(run.total) finished result(s) kept, \(report.interruptedNotRun) case(s) not run\n"
      }
      if report.cachedAnswers > 0 {
        text += "  \(report.cachedAnswers) of \(run.total) answer(s) from the cache (--no-cache asks again)\n"
      }
      for item in run.cases where !item.passed {
        let label = item.error.isEmpty ? "fail " : "error"
        text += "  \(label) \(item.caseID)\(item.repeatIndex > 0 ? " #\(item.repeatIndex)" : "")\(item.score.map { String(format: " (%.2f)", $0) } ?? ""): \(item.why.prefix(120))\n"
      }
      if let comparison = report.comparison, let baseline = report.baseline {
        text += "  against run \(baseline.id) (\(percent(baseline.passRate))): \(comparison.fixed.count) fixed, \(comparison.regressed.count) regressed, \(comparison.unchanged) unchanged\n"
        if !comparison.regressed.isEmpty { text += "  regressed: " + comparison.regressed.joined(separator: ", ") + "\n" }
      }
    }
    return text
  }

  static func json(_ reports: [SuiteReport], exitCode: Int32) -> String {
    let runs = reports.map { report -> ModelValue in
      let run = report.run
      var fields: [(String, ModelValue)] = [
        ("id", .int(run.id)), ("suite", .text(run.suite)), ("provider", .text(run.provider)), ("status", .text(run.status)),
        ("total", .int(Int64(run.total))), ("passed", .int(Int64(run.passed))), ("failed", .int(Int64(run.failed))),
        ("errors", .int(Int64(run.errors))), ("pass_rate", run.passRate.map(ModelValue.double) ?? .null), ("gate", .double(report.gate)),
        ("gate_passed", .bool(report.gatePassed)), ("git_commit", .text(run.gitCommit)),
      ]
      if let comparison = report.comparison, let baseline = report.baseline {
        fields.append(("baseline", .dict(OrderedDictionary([
          ("id", .int(baseline.id)), ("fixed", .list(comparison.fixed.map(ModelValue.text))),
          ("regressed", .list(comparison.regressed.map(ModelValue.text))), ("unchanged", .int(Int64(comparison.unchanged))),
        ]))))
      }
      fields.append(("cases", .list(run.cases.map { item in
        .dict(OrderedDictionary([
          ("id", .text(item.caseID)), ("repeat", .int(Int64(item.repeatIndex))), ("passed", .bool(item.passed)),
          ("score", item.score.map(ModelValue.double) ?? .null), ("error", item.error.isEmpty ? .null : .text(item.error)),
          ("latency_ms", item.latency.map { .int(Int64($0)) } ?? .null), ("output", .text(item.output)), ("scores", item.scores),
        ]))
      })))
      return .dict(OrderedDictionary(fields))
    }
    return ModelValue.dict(OrderedDictionary([("exit_code", .int(Int64(exitCode))), ("runs", .list(runs))])).jsonText + "\n"
  }

  /// JUnit XML as Jenkins, GitLab and GitHub's test reporters read it: failures and errors apart.
  static func junit(_ reports: [SuiteReport]) -> String {
    var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
    for report in reports {
      let run = report.run
      text += "  <testsuite name=\"\(xml(run.suite))\" tests=\"\(run.total)\" failures=\"\(run.failed)\" errors=\"\(run.errors)\">\n"
      for item in run.cases {
        let name = item.caseID + (item.repeatIndex > 0 ? " #\(item.repeatIndex)" : "")
        let time = String(format: "%.3f", Double(item.latency ?? 0) / 1000)
        text += "    <testcase classname=\"evals.\(xml(run.suite))\" name=\"\(xml(name))\" time=\"\(time)\""
        if item.passed {
          text += "/>\n"
        } else if !item.error.isEmpty {
          text += ">\n      <error message=\"\(xml(String(item.error.prefix(500))))\"/>\n    </testcase>\n"
        } else {
          text += ">\n      <failure message=\"\(xml(String(item.why.prefix(500))))\">\(xml(String(item.output.prefix(2000))))</failure>\n    </testcase>\n"
        }
      }
      text += "  </testsuite>\n"
    }
    return text + "</testsuites>\n"
  }

  /// A summary fit for a pull-request comment.
  static func markdown(_ reports: [SuiteReport]) -> String {
    var text = "### Evals\n\n| suite | passed | pass rate | gate | errors | vs baseline |\n|---|---|---|---|---|---|\n"
    for report in reports {
      let run = report.run
      let against = report.comparison.map { "\($0.fixed.count) fixed, \($0.regressed.count) regressed" } ?? "—"
      text += "| \(run.suite) | \(run.passed)/\(run.passed + run.failed) | \(percent(run.passRate)) | \(report.gatePassed ? "✅" : "❌") \(percent(report.gate)) | \(run.errors) | \(against) |\n"
    }
    for report in reports {
      let failing = report.run.cases.filter { !$0.passed }
      if let regressed = report.comparison?.regressed, !regressed.isEmpty {
        text += "\n**\(report.run.suite): regressed** — " + regressed.map { "`\($0)`" }.joined(separator: ", ") + "\n"
      }
      if !failing.isEmpty {
        text += "\n<details><summary>\(report.run.suite): \(failing.count) not passing</summary>\n\n"
        for item in failing.prefix(50) { text += "- `\(item.caseID)`: \(item.why.prefix(200).replacingOccurrences(of: "|", with: "\\|"))\n" }
        text += "\n</details>\n"
      }
    }
    return text
  }

  static func xml(_ text: String) -> String {
    var output = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      case "'": output += "&apos;"
      case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t": output += " "
      default: output.unicodeScalars.append(scalar)
      }
    }
    return output
  }
}
