/// Refuses, in filters from the web, regular expressions whose backtracking can take
/// exponential time: a quantified group that itself holds a quantifier, such as `^(a+)+$` or
/// `(x*)*`. ICU (NSRegularExpression) has no time limit a row's match can be stopped by, and
/// one such match on a long value holds a server thread for seconds; the query time limit
/// catches the rest. The shell, whose user owns the database, is not limited.
enum RegexGuard {
  /// Why `pattern` is refused, or nil.
  static func problem(_ pattern: String) -> String? {
    var groups: [Bool] = []  // per open group: does it hold a repeating quantifier?
    var closedGroupRepeats = false
    var characters = pattern.makeIterator()
    var inClass = false
    while let character = characters.next() {
      if character == "\\" {
        _ = characters.next()
        closedGroupRepeats = false
        continue
      }
      if inClass {
        if character == "]" { inClass = false }
        continue
      }
      switch character {
      case "[":
        inClass = true
        closedGroupRepeats = false
      case "(":
        groups.append(false)
        closedGroupRepeats = false
      case ")":
        let repeats = groups.popLast() ?? false
        if repeats, !groups.isEmpty { groups[groups.count - 1] = true }
        closedGroupRepeats = repeats
      case "*", "+", "{":
        if closedGroupRepeats {
          return "Regular expressions with nested quantifiers (a repeated group that repeats inside, like (a+)+) are refused here: they can take exponential time."
        }
        if !groups.isEmpty { groups[groups.count - 1] = true }
        closedGroupRepeats = false
      default:
        closedGroupRepeats = false
      }
    }
    return nil
  }
}
