/// A first look at argv before swift-argument-parser sees it: which word is the command, and
/// the global options written before it (`manage --settings x.yaml check`), moved after it so
/// the command's own parser accepts them, as Django's ManagementUtility allows.
struct ArgumentsPreScan {
  /// The command name, if any word is one.
  var command: String?
  /// The arguments for the command: the ones after it, then the global ones before it.
  var commandArguments: [String] = []
  /// Options written before any command (`--version`, `--help`, globals).
  var leadingOptions: [String] = []
  var settings: String?
  var color: Bool?
  var traceback = false
  /// An option before any command that is not a global one (`manage --frobnicate`), or a
  /// global one missing its value (`manage --settings`).
  var unknownLeadingOption: String?

  private static let optionsTakingValues: Set<String> = ["--settings", "-v", "--verbosity"]
  private static let leadingFlags: Set<String> = ["-h", "--help", "--version", "--no-color", "--force-color", "--traceback"]

  init(_ arguments: [String]) {
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if !argument.hasPrefix("-") || argument == "-" || argument == "---complete" {
        command = argument
        commandArguments = Array(arguments[(index + 1)...]) + leadingOptions
        break
      }
      leadingOptions.append(argument)
      let optionName = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
      if !Self.leadingFlags.contains(argument) && !Self.optionsTakingValues.contains(optionName)
        && !(argument.hasPrefix("-v") && Int(argument.dropFirst(2)) != nil) && unknownLeadingOption == nil
      {
        unknownLeadingOption = argument
      }
      if Self.optionsTakingValues.contains(argument) {
        guard index + 1 < arguments.count else {
          unknownLeadingOption = unknownLeadingOption ?? argument
          break
        }
        leadingOptions.append(arguments[index + 1])
        index += 1
      }
      index += 1
    }
    // Read the globals from wherever they are, for plugins and for error output.
    var position = 0
    while position < arguments.count {
      let argument = arguments[position]
      if argument == "--" { break }
      if argument == "--settings", position + 1 < arguments.count { settings = arguments[position + 1] }
      if argument.hasPrefix("--settings=") { settings = String(argument.dropFirst("--settings=".count)) }
      if argument == "--no-color" { color = false }
      if argument == "--force-color" { color = true }
      if argument == "--traceback" { traceback = true }
      position += 1
    }
  }
}
