import Foundation
import ManageCore

/// `app.name` of a migration, as django_migrations records it.
public struct MigrationKey: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var app: String
  public var name: String

  public init(_ app: String, _ name: String) {
    self.app = app
    self.name = name
  }

  public var description: String { "\(app).\(name)" }

  public static func < (lhs: MigrationKey, rhs: MigrationKey) -> Bool {
    (lhs.app, lhs.name) < (rhs.app, rhs.name)
  }
}

/// One migration file: its dependencies and operations.
public struct Migration: Sendable {
  public var app: String
  public var name: String
  public var dependencies: [MigrationKey] = []
  public var operations: [Operation] = []
  /// The migrations a squashed migration stands for.
  public var replaces: [MigrationKey] = []
  public var initial = false
  /// False runs the operations outside a transaction (for statements SQLite refuses in one).
  public var atomic = true
  /// The file it was read from; nil for built-in apps' embedded migrations.
  public var file: String?

  public init(app: String, name: String) {
    self.app = app
    self.name = name
  }

  public var key: MigrationKey { MigrationKey(app, name) }

  /// The four-digit number the name starts with, if any.
  public var number: Int? { Int(name.prefix(while: \.isNumber)) }

  /// Django's `suggest_name`: `initial`, one fragment, fragments joined up to 52 characters
  /// (then `_and_more`), or `auto_YYYYMMDD_HHMM` when an operation has no fragment.
  public func suggestedName(timestamp: String) -> String {
    if initial { return "initial" }
    let fragments = operations.compactMap(\.nameFragment).map { $0.replacingOccurrences(of: "[^A-Za-z0-9_]+", with: "_", options: .regularExpression) }
    guard !fragments.isEmpty, fragments.count == operations.count else { return "auto_\(timestamp)" }
    var name = fragments[0]
    for fragment in fragments.dropFirst() {
      let longer = "\(name)_\(fragment)"
      if longer.count > 52 { return "\(name)_and_more" }
      name = longer
    }
    return name
  }
}
