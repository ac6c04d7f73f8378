import ManageCore
import ManageEvals

/// Two eval runs side by side: pass rates, the cases fixed and regressed, and each scorer's
/// mean score before and after (what `manage evals compare A B` prints, as a page).
struct EvalComparisonPage {
  let context: AdminContext
  let model: ModelSchema

  func render(baseline: Int64, run: Int64) throws -> WebResponse {
    guard let before = try RunSummary.load(baseline, context.connection), let after = try RunSummary.load(run, context.connection) else {
      return context.redirect(context.modelURL(model), message: "Those runs no longer exist.")
    }
    let comparison = Comparison(baseline: before, run: after)
    func rate(_ summary: RunSummary) -> String { summary.passRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
    func mean(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }
    let resultsURL = "/admin/evals/evalresult/?run__exact="
    let scorerRows: [HTML] = comparison.scorerMeans.map { name, old, new in
      let delta = (old != nil && new != nil) ? String(format: "%+.3f", new! - old!) : "-"
      return "<tr><td>\(name)</td><td>\(mean(old))</td><td>\(mean(new))</td><td>\(delta)</td></tr>"
    }
    func cases(_ ids: [String]) -> HTML { ids.isEmpty ? "<p class=\"muted\">None.</p>" : "<ul>\(ids.map { HTML("<li>\($0)</li>") })</ul>" }
    let content: HTML = """
      <h2>Compare run \(before.id) with run \(after.id) (\(after.suite))</h2>
      <div class="module"><table><thead><tr><th></th><th>Run \(before.id)</th><th>Run \(after.id)</th></tr></thead><tbody>
      <tr><th>Provider</th><td>\(before.provider)</td><td>\(after.provider)</td></tr>
      <tr><th>Pass rate</th><td>\(rate(before))</td><td>\(rate(after))</td></tr>
      <tr><th>Passed / total</th><td>\(before.passed) / \(before.total)</td><td>\(after.passed) / \(after.total)</td></tr>
      <tr><th>Errors</th><td>\(before.errors)</td><td>\(after.errors)</td></tr>
      <tr><th>Results</th><td><a href="\(resultsURL)\(before.id)">per case</a></td><td><a href="\(resultsURL)\(after.id)">per case</a></td></tr>
      </tbody></table></div>
      <p>\(comparison.fixed.count) fixed, \(comparison.regressed.count) regressed, \(comparison.unchanged) unchanged\
      \(comparison.added + comparison.removed > 0 ? ", \(comparison.added) only in run \(after.id), \(comparison.removed) only in run \(before.id)" : "").</p>
      <div class="module"><h3>Regressed</h3><div class="pad">\(cases(comparison.regressed))</div></div>
      <div class="module"><h3>Fixed</h3><div class="pad">\(cases(comparison.fixed))</div></div>
      <div class="module"><h3>Mean score per scorer</h3><table><thead><tr><th>Scorer</th><th>Run \(before.id)</th><th>Run \(after.id)</th><th>Change</th></tr></thead><tbody>\(scorerRows)</tbody></table></div>
      """
    return context.page("Compare runs", crumbs: context.crumbs(model) + [("Compare", nil)], content)
  }
}
