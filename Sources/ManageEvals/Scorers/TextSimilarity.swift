/// String similarities for the levenshtein and token_f1 scorers.
enum TextSimilarity {
  /// 1 − edit distance / the longer length (1 for two empty strings).
  static func levenshteinSimilarity(_ a: String, _ b: String) -> Double {
    let x = Array(a), y = Array(b)
    if x.isEmpty && y.isEmpty { return 1 }
    var previous = Array(0...y.count)
    var current = Array(repeating: 0, count: y.count + 1)
    for i in 1...max(x.count, 1) where !x.isEmpty {
      current[0] = i
      for j in 1...max(y.count, 1) where !y.isEmpty {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    let distance = x.isEmpty ? y.count : previous[y.count]
    return 1 - Double(distance) / Double(max(x.count, y.count))
  }

  /// SQuAD-style token F1 over lower-cased words, punctuation dropped.
  static func tokenF1(_ a: String, _ b: String) -> Double {
    func tokens(_ text: String) -> [String] {
      text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }
    let predicted = tokens(a), truth = tokens(b)
    if predicted.isEmpty || truth.isEmpty { return predicted.isEmpty && truth.isEmpty ? 1 : 0 }
    var counts: [String: Int] = [:]
    for token in truth { counts[token, default: 0] += 1 }
    var common = 0
    for token in predicted where counts[token, default: 0] > 0 {
      counts[token]! -= 1
      common += 1
    }
    guard common > 0 else { return 0 }
    let precision = Double(common) / Double(predicted.count)
    let recall = Double(common) / Double(truth.count)
    return 2 * precision * recall / (precision + recall)
  }
}
