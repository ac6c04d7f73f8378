import ManageCore

/// The migration commands, for `manage/main.swift` to hand to the dispatcher.
public enum MigrationCommands {
  public static let all: [any ManageCommand.Type] = [
    MakeMigrationsCommand.self, MigrateCommand.self, ShowMigrationsCommand.self, SqlMigrateCommand.self,
    SquashMigrationsCommand.self, OptimizeMigrationCommand.self,
  ]
}
