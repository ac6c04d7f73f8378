import Foundation
import ManageCore

/// What makemigrations asks when the models alone cannot say what happened, with Django's
/// wording. The non-interactive answers are Django's too: renames are not assumed, and a
/// NOT NULL field without a default stops the command with exit code 3.
public protocol Questioner {
  func askRenameModel(app: String, old: String, new: String) throws -> Bool
  /// `Was post.body renamed to post.content (a text)? [y/N]`
  func askRenameField(model: String, old: String, new: String, type: FieldType) throws -> Bool
  /// A default for existing rows when adding a NOT NULL field with none.
  func askNotNullAddition(model: String, field: FieldSchema) throws -> FieldValue
  /// A default for existing NULLs when a field becomes NOT NULL; nil to leave them.
  func askNotNullAlteration(model: String, field: FieldSchema) throws -> FieldValue?
  func askMerge(app: String) throws -> Bool
}

/// Stops makemigrations; `exitCode` 3 is Django's for a question it could not ask.
public struct MakeMigrationsStopped: ManageError {
  public var message: String
  public var hint: String?
  public var exitCode: Int32
}

/// Answers without asking (`--noinput`, or stdin not a terminal).
public struct NonInteractiveQuestioner: Questioner {
  let console: Console

  public init(console: Console) { self.console = console }

  public func askRenameModel(app: String, old: String, new: String) throws -> Bool { false }
  public func askRenameField(model: String, old: String, new: String, type: FieldType) throws -> Bool { false }
  public func askMerge(app: String) throws -> Bool { true }

  public func askNotNullAddition(model: String, field: FieldSchema) throws -> FieldValue {
    throw MakeMigrationsStopped(
      message: "It is impossible to add a non-nullable field '\(field.name)' to \(model.lowercased()) without specifying a default. This is because the database needs something to populate existing rows.",
      hint: "Give the field a default or null: true in models.yaml, or run makemigrations interactively to give a one-off default.",
      exitCode: 3)
  }

  public func askNotNullAlteration(model: String, field: FieldSchema) throws -> FieldValue? {
    console.printError(
      "Field '\(field.name)' on model '\(model)' given a default of NOT PROVIDED and must be corrected.",
      style: .warning)
    return nil
  }
}

/// Asks at the terminal, reading answers from stdin.
public final class InteractiveQuestioner: Questioner {
  let console: Console
  let readAnswer: () -> String?

  public init(console: Console, readAnswer: @escaping () -> String? = { Swift.readLine() }) {
    self.console = console
    self.readAnswer = readAnswer
  }

  /// Django's `_boolean_input`: an empty answer is the default (no), and anything that does
  /// not start with y or n asks again.
  private func yesNo(_ question: String) -> Bool {
    console.print("\(question) [y/N] ", terminator: "")
    while true {
      guard let answer = readAnswer()?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
      if answer.isEmpty { return false }
      if answer.hasPrefix("y") || answer.hasPrefix("n") { return answer.hasPrefix("y") }
      console.print("Please answer yes or no: ", terminator: "")
    }
  }

  public func askRenameModel(app: String, old: String, new: String) throws -> Bool {
    yesNo("Was the model \(app).\(old) renamed to \(new)?")
  }

  public func askRenameField(model: String, old: String, new: String, type: FieldType) throws -> Bool {
    yesNo("Was \(model.lowercased()).\(old) renamed to \(model.lowercased()).\(new) (a \(type.rawValue))?")
  }

  public func askMerge(app: String) throws -> Bool {
    yesNo("Do you want to merge these migration branches?")
  }

  public func askNotNullAddition(model: String, field: FieldSchema) throws -> FieldValue {
    console.print("""
      It is impossible to add a non-nullable field '\(field.name)' to \(model.lowercased()) without specifying a default. This is because the database needs something to populate existing rows.
      Please select a fix:
       1) Provide a one-off default now (will be set on all existing rows with a null value for this column)
       2) Quit and manually define a default value in models.yaml.
      """)
    switch menu(2) {
    case 1: return try oneOffDefault(for: field)
    default: throw quit()
    }
  }

  public func askNotNullAlteration(model: String, field: FieldSchema) throws -> FieldValue? {
    console.print("""
      It is impossible to change a nullable field '\(field.name)' on \(model.lowercased()) to non-nullable without providing a default. This is because the database needs something to populate existing rows.
      Please select a fix:
       1) Provide a one-off default now (will be set on all existing rows with a null value for this column)
       2) Ignore for now. Existing rows that contain NULL values will have to be handled manually, for example with a RunSQL operation.
       3) Quit and manually define a default value in models.yaml.
      """)
    switch menu(3) {
    case 1: return try oneOffDefault(for: field)
    case 2: return nil
    default: throw quit()
    }
  }

  private func menu(_ count: Int) -> Int {
    while true {
      console.print("Select an option: ", terminator: "")
      guard let answer = readAnswer() else { return count }
      if let choice = Int(answer.trimmingCharacters(in: .whitespaces)), (1...count).contains(choice) { return choice }
      console.print("Please select a valid option.")
    }
  }

  private func oneOffDefault(for field: FieldSchema) throws -> FieldValue {
    console.print("""
      Please enter the default value as a YAML value: a number, true or false, "text", or now for the current time.
      Type 'exit' to exit this prompt
      """)
    while true {
      console.print(">>> ", terminator: "")
      guard let answer = readAnswer()?.trimmingCharacters(in: .whitespaces) else { throw quit() }
      if answer == "exit" { throw quit() }
      if answer.isEmpty {
        console.print("Please enter some code, or 'exit' (without quotes) to exit.")
        continue
      }
      if let node = try? YAMLFile.parse(answer, displayPath: "input") {
        let value = FieldValueParser.value(node)
        // The value must be one the field can store, or every later command refuses the
        // migration file it would be written into.
        if let problem = Self.problem(value, for: field) {
          console.print("Invalid input: \(problem)")
          continue
        }
        return value
      }
      console.print("Invalid input: that is not a YAML value.")
    }
  }

  /// Why `value` cannot be `field`'s default, in Django's words; nil when it can.
  static func problem(_ value: FieldValue, for field: FieldSchema) -> String? {
    if case .string("now") = value, field.type == .date || field.type == .datetime { return nil }
    let typed = ModelValue(default: value, field: field)
    if typed.isNull { return "This field cannot be null." }
    // The one validation layer every door that writes uses.
    if let problem = FieldValidation.problemBeforeStoring(typed, for: field) { return problem }
    do {
      return FieldValidation.problem(field, stored: try typed.sqlValue(for: field))
    } catch let error as QueryError {
      return RecordValidator.plainMessage(error.message)
    } catch {
      return "\(error)"
    }
  }

  private func quit() -> MakeMigrationsStopped {
    MakeMigrationsStopped(message: "Quit without writing migrations.", hint: nil, exitCode: 3)
  }
}

/// FieldValue from a parsed YAML node (the loader's conversion, reachable from here).
enum FieldValueParser {
  static func value(_ node: YAMLNode) -> FieldValue {
    switch node.value {
    case .null: return .null
    case .bool(let flag): return .bool(flag)
    case .int(let number): return .int(number)
    case .float(let number): return .float(number)
    case .string(let text, _): return .string(text)
    case .list(let items): return .list(items.map(value))
    case .map(let entries): return .map(Dictionary(entries.map { ($0.key, value($0.value)) }) { _, last in last })
    }
  }
}
