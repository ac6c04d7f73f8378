import ManageCore

/// The auth commands, for `manage/main.swift` to hand to the dispatcher.
public enum AuthCommands {
  public static let all: [any ManageCommand.Type] = [CreateSuperuserCommand.self, ChangePasswordCommand.self]
}
