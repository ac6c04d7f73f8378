import ManageCore

/// The commands of this module, for `manage/main.swift` to hand to the dispatcher.
public enum ProjectCommands {
  public static let all: [any ManageCommand.Type] = [
    CheckCommand.self, StartProjectCommand.self, StartAppCommand.self, CompletionCommand.self,
    ManpagesCommand.self,
  ]
}
