/// `manage help`: every command grouped under its module or app, as Django's `help` lists
/// commands under `[auth]`, `[django]`, …; with `--commands`, the bare names.
struct HelpListing {
  var builtins: [any ManageCommand.Type]
  var appCommands: [PluginCommand]
  var pathCommands: [PluginCommand]
  /// Why app commands could not be listed, when the settings are broken.
  var settingsProblem: String?

  /// Every command name, sorted: what `manage help --commands` prints and shells complete.
  var names: [String] {
    var all = Set(builtins.map { $0._commandName })
    all.insert("help")
    for command in appCommands + pathCommands { all.insert(command.name) }
    return all.sorted()
  }

  func rendered(console: Console) -> String {
    var groups: [String: [(name: String, about: String)]] = [:]
    for type in builtins {
      groups[type.group, default: []].append((type._commandName, type.configuration.abstract))
    }
    groups["core", default: []].append(("help", "Lists the commands, or shows one command's help."))
    let builtinNames = Set(builtins.map { $0._commandName })
    var shadowed: Set<String> = builtinNames
    for command in appCommands where !shadowed.contains(command.name) {
      shadowed.insert(command.name)
      groups[command.app ?? "?", default: []].append((command.name, "app command (\(command.app ?? "?")/commands/\(command.name))"))
    }
    for command in pathCommands where !shadowed.contains(command.name) {
      groups["plugins on PATH", default: []].append((command.name, command.executable))
    }
    let width = (groups.values.flatMap { $0.map(\.name.count) }.max() ?? 0) + 2
    var text = "\nType 'manage help <subcommand>' for help on a specific subcommand.\n\nAvailable subcommands:\n"
    for group in groups.keys.sorted() {
      text += "\n" + console.style("[\(group)]", .notice) + "\n"
      for command in groups[group]!.sorted(by: { $0.name < $1.name }) {
        let padding = String(repeating: " ", count: width - command.name.count)
        text += "    \(command.name)\(padding)\(command.about)\n"
      }
    }
    if let settingsProblem {
      text += "\n" + console.style(
        "Note that only manage's own commands are listed as settings are not properly configured (error: \(settingsProblem)).",
        .notice) + "\n"
    }
    return text
  }
}
