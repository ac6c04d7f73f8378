import ArgumentParser
import Foundation
import ManageCore

/// Writes man pages (man(7) macros) for `manage` and each of its commands from their
/// definitions. The date is pinned to the release, so regenerating never makes a diff by
/// itself.
public enum ManPageWriter {
  /// The date printed in every page's footer: the release date of `ManageVersion.current`.
  public static let releaseDate = "2026-11-27"

  /// `manage.1` and `manage-COMMAND.1` for every visible command, by file name.
  public static func pages(for root: CommandDefinition) -> [(file: String, text: String)] {
    [("manage.1", mainPage(root))]
      + root.visibleSubcommands.map { ("manage-\($0.commandName).1", commandPage($0, root: root)) }
  }

  // MARK: - manage(1)

  static func mainPage(_ root: CommandDefinition) -> String {
    var page = header(title: "MANAGE", name: "manage", abstract: root.abstract ?? "")
    page += ".SH SYNOPSIS\n.B manage\n.I command\n[\\fIoptions\\fR]\n.br\n.B manage help\n[\\fIcommand\\fR]\n.br\n.B manage --version\n"
    page += ".SH DESCRIPTION\n" + paragraph(root.discussion ?? "")
    page += ".SH COMMANDS\n"
    for command in root.visibleSubcommands {
      page += ".TP\n.BR manage-\(command.commandName) (1)\n" + escape(command.abstract ?? "") + "\n"
    }
    page += ".TP\n.B help\nLists the commands grouped by module and app, or shows one command's help; \\fB--commands\\fR prints the names only.\n"
    page += ".SH GLOBAL OPTIONS\nEvery command accepts these, before or after its name.\n"
    for option in BashCompletion.globalOptions(root) { page += optionEntry(option) }
    page += """
      .SH PLUGINS
      Like git, \\fBmanage\\fR runs commands it does not define itself: an executable \\fIcommands/NAME\\fR \
      inside an installed app, or an executable \\fBmanage-NAME\\fR on \\fBPATH\\fR, runs as \
      \\fBmanage NAME\\fR with its arguments. It receives \\fBMANAGE_SETTINGS\\fR, \
      \\fBMANAGE_PROJECT_DIR\\fR and \\fBMANAGE_DATABASE_URL\\fR in its environment, its exit \
      status is manage's, and \\fBmanage help\\fR lists it under its app.
      .SH ENVIRONMENT
      .TP
      .B MANAGE_SETTINGS
      The settings file, when \\fB--settings\\fR is not given.
      .TP
      .BR MANAGE_DATABASE_URL ", " DATABASE_URL
      Override \\fBdatabase\\fR in manage.yaml, in that order (\\fIsqlite:///relative.sqlite3\\fR or \\fIsqlite:////absolute.sqlite3\\fR).
      .TP
      .B NO_COLOR
      When set and not empty, output is never coloured.
      .SH FILES
      .TP
      .I manage.yaml
      The project's settings, found in the current directory or the nearest parent. Without one, \
      manage uses \\fIdb.sqlite3\\fR in the current directory and the built-in apps.
      .TP
      .I .env
      KEY=value lines beside manage.yaml, read before \\fB${VAR}\\fR interpolation; the process environment wins.
      .TP
      .I APP/models.yaml
      The models of an app.
      .SH EXIT STATUS
      0 on success, 1 when a command fails (or a check fails), 2 for a usage error such as an \
      unknown command or option. A plugin's exit status is passed through.
      .SH SEE ALSO

      """
    page += root.visibleSubcommands.map { ".BR manage-\($0.commandName) (1)" }.joined(separator: ",\n") + "\n"
    return page
  }

  // MARK: - manage-COMMAND(1)

  static func commandPage(_ command: CommandDefinition, root: CommandDefinition) -> String {
    let name = "manage-\(command.commandName)"
    var page = header(title: name.uppercased(), name: name, abstract: command.abstract ?? "")
    page += ".SH SYNOPSIS\n" + synopsis(command)
    page += ".SH DESCRIPTION\n" + paragraph(command.abstract ?? "")
    if let discussion = command.discussion { page += ".PP\n" + paragraph(discussion) }
    let arguments = command.visibleArguments
    let positionals = arguments.filter(\.isPositional)
    if !positionals.isEmpty {
      page += ".SH ARGUMENTS\n"
      for argument in positionals {
        page += ".TP\n.I \(argument.displayValueName)\n" + escape(argumentHelp(argument)) + "\n"
      }
    }
    let options = arguments.filter { !$0.isPositional && $0.sectionTitle != "Global Options" }
    if !options.isEmpty {
      page += ".SH OPTIONS\n"
      for option in options { page += optionEntry(option) }
    }
    // Commands with subcommands (`manage jobs list|show|…`): one subsection each.
    let subcommands = command.visibleSubcommands
    if !subcommands.isEmpty {
      page += ".SH SUBCOMMANDS\n"
      for subcommand in subcommands {
        page += ".SS \(escape("manage \(command.commandName) \(subcommand.commandName)"))\n" + paragraph(subcommand.abstract ?? "")
        let own = subcommand.visibleArguments.filter { $0.sectionTitle != "Global Options" }
        for argument in own where argument.isPositional {
          page += ".TP\n.I \(argument.displayValueName)\n" + escape(argumentHelp(argument)) + "\n"
        }
        for option in own where !option.isPositional { page += optionEntry(option) }
      }
    }
    page += ".SH GLOBAL OPTIONS\n"
    for option in arguments.filter({ $0.sectionTitle == "Global Options" }) { page += optionEntry(option) }
    page += ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShow help information.\n"
    page += ".SH EXIT STATUS\n0 on success, 1 on failure, 2 for a usage error.\n"
    page += ".SH SEE ALSO\n.BR manage (1)\n"
    return page
  }

  private static func synopsis(_ command: CommandDefinition) -> String {
    var parts = ["\\fBmanage \(command.commandName)\\fR"]
    for argument in command.visibleArguments where argument.sectionTitle != "Global Options" {
      var word: String
      if argument.isPositional {
        word = "\\fI\(argument.displayValueName)\\fR"
      } else {
        let spelled = argument.preferredName?.spelled ?? argument.spellings.first ?? ""
        word = "\\fB\(escape(spelled))\\fR"
        if argument.takesValue { word += " \\fI\(argument.displayValueName)\\fR" }
      }
      if argument.isRepeating { word += " \\&..." }
      if argument.isOptional || argument.isRepeating || argument.isFlag { word = "[" + word + "]" }
      parts.append(word)
    }
    parts.append("[\\fIglobal options\\fR]")
    return parts.joined(separator: "\n") + "\n"
  }

  private static func optionEntry(_ option: ArgumentDefinition) -> String {
    var label = option.spellings.map { "\\fB\(escape($0))\\fR" }.joined(separator: ", ")
    if option.takesValue { label += " \\fI\(option.displayValueName)\\fR" }
    return ".TP\n\(label)\n" + escape(argumentHelp(option)) + "\n"
  }

  private static func argumentHelp(_ argument: ArgumentDefinition) -> String {
    var text = argument.abstract ?? ""
    if let discussion = argument.discussion { text += " " + discussion }
    if let values = argument.allValues, !values.isEmpty, argument.takesValue || argument.isPositional {
      text += " (values: \(values.joined(separator: ", ")))"
    }
    if let value = argument.defaultValue, !argument.isFlag { text += " (default: \(value))" }
    return text
  }

  private static func header(title: String, name: String, abstract: String) -> String {
    """
    .\\" Generated by `manage manpages` from the command definitions; do not edit.
    .TH \(title) 1 "\(releaseDate)" "manage \(ManageVersion.current)" "manage Manual"
    .SH NAME
    \(name) \\- \(escape(abstract))

    """
  }

  private static func paragraph(_ text: String) -> String { escape(text) + "\n" }

  /// Escapes text for roff: backslashes, and a leading `.` or `'` that would read as a macro.
  static func escape(_ text: String) -> String {
    var escaped = text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
    escaped = escaped.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line)
    }.joined(separator: "\n")
    return escaped
  }
}
