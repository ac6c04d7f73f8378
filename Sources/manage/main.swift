import ManageAuth
import ManageCore
import ManageEvals
import ManageJobs
import ManageMigrations
import ManageProject
import ManageServer
import ManageShell

// Every module's commands and built-in tasks, handed to the dispatcher; nothing else belongs here.
BuiltinTasks.register { EvalTasks.all }
JobEvents.install()
await Dispatcher.main(
  commands: ProjectCommands.all + MigrationCommands.all + AuthCommands.all + ShellCommands.all + JobCommands.all + EvalCommands.all + ServerCommands.all,
  checks: CoreChecks.all + JobChecks.all,
  completions: ShellCompletions.all + MigrationCompletions.all + JobCompletions.all + EvalCompletions.all)
