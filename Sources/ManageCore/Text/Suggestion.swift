/// "Did you mean …?" suggestions, in the spirit of Python's `difflib.get_close_matches`.
public enum Suggestion {
  /// The candidate closest to `word`, if one is close enough to be a plausible typo.
  ///
  /// Closeness is the Levenshtein distance relative to the longer word; a prefix match of at
  /// least three characters also counts, so `mi` does not suggest but `migr` suggests `migrate`.
  public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
    let lowered = word.lowercased()
    var best: (candidate: String, score: Double)?
    for candidate in candidates {
      let other = candidate.lowercased()
      if other == lowered { return candidate }
      let distance = levenshtein(Array(lowered.unicodeScalars), Array(other.unicodeScalars))
      let longest = max(lowered.unicodeScalars.count, other.unicodeScalars.count)
      var score = 1 - Double(distance) / Double(max(longest, 1))
      if lowered.count >= 3 && other.hasPrefix(lowered) { score = max(score, 0.8) }
      if score >= 0.6 && score > (best?.score ?? 0) { best = (candidate, score) }
    }
    return best?.candidate
  }

  /// The edit distance between two sequences: insertions, deletions, substitutions and
  /// swaps of neighbours (optimal string alignment), since `blgo` is one slip from `blog`.
  static func levenshtein<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var beforePrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
          current[j] = min(current[j], beforePrevious[j - 2] + 1)
        }
      }
      (beforePrevious, previous, current) = (previous, current, beforePrevious)
    }
    return previous[b.count]
  }
}
