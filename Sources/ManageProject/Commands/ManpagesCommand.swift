import ArgumentParser
import Foundation
import ManageCore

/// `manage manpages [--output-dir DIR]`: writes manage.1 and manage-COMMAND.1 for every command.
public struct ManpagesCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "manpages",
    abstract: "Writes the man pages for manage and each of its commands.",
    discussion: """
      The pages come from the commands' own definitions, the same ones --help prints. Install \
      with `manage manpages --output-dir ~/.local/share/man/man1`, then `man manage-check`.
      """)
  public static let group = "core"

  @Option(name: .customLong("output-dir"), help: ArgumentHelp("Where to write the pages.", valueName: "dir"),
          completion: .directory)
  var outputDirectory = "man"

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func run(context: CommandContext) async throws {
    let directory = Path.join(context.currentDirectory, outputDirectory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let pages = ManPageWriter.pages(for: try CommandDefinition.root())
    for page in pages {
      try FileWriter.writeAtomically(page.text, to: Path.join(directory, page.file))
      context.console.print(atVerbosity: 2, "Wrote \(Path.join(outputDirectory, page.file))")
    }
    context.console.print(atVerbosity: 1, "Wrote \(pages.count) man pages to \(outputDirectory)/")
  }
}
