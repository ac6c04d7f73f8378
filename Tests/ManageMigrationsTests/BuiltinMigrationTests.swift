import Foundation
import Testing
@testable import ManageMigrations

/// The built-in apps' embedded migrations must build exactly the built-in models.
@Suite("Built-in apps' migrations")
struct BuiltinMigrationTests {
  @Test func embeddedMigrationsMatchTheModels() throws {
    let generated = try BuiltinMigrations.generate()
    let source = BuiltinMigrations.swiftSource(generated)
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Sources/ManageMigrations/Loader/BuiltinMigrationFiles.swift").path
    if ProcessInfo.processInfo.environment["MANAGE_RECORD"] == "1" {
      try source.write(toFile: path, atomically: true, encoding: .utf8)
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == source,
            "BuiltinMigrationFiles.swift is stale: MANAGE_RECORD=1 swift test --filter BuiltinMigrationTests")
  }
}
