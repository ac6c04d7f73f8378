import ManageCore

/// The commands this module adds to the dispatcher.
public enum ShellCommands {
  public static let all: [any ManageCommand.Type] = [ShellCommand.self, DbShellCommand.self, LoadDataCommand.self, DumpDataCommand.self]
}
