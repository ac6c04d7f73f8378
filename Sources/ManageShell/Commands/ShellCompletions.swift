import ArgumentParser
import Foundation
import ManageCore

/// What the shell completes for the data commands: loaddata's fixture names.
public enum ShellCompletions {
  public static let all: [CompletionSource] = [
    // The fixtures of every app's fixtures/ folder by name (what loaddata looks up), then the
    // fixture files of the current directory.
    CompletionSource("fixtures") { request in
      var names: [String] = []
      func add(_ folder: String, bare: Bool) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.sorted() ?? []
        for file in files where file.contains(".") && FixtureFormat(fileExtension: String(file.split(separator: ".").last!)) != nil {
          let name = bare ? String(file[..<(file.lastIndex(of: ".") ?? file.endIndex)]) : file
          if !names.contains(name) { names.append(name) }
        }
      }
      for app in request.registry?.apps ?? [] {
        if let directory = app.directory { add(Path.join(directory, "fixtures"), bare: true) }
      }
      add(FileManager.default.currentDirectoryPath, bare: false)
      // The settings file is YAML too, and never a fixture.
      let settingsFile = request.settings?.file.map { Path.display($0, relativeTo: FileManager.default.currentDirectoryPath) }
      return names.filter { $0 != settingsFile }
    },
  ]
}

extension CompletionKind {
  /// Fixture names from the apps' fixtures/ folders, and fixture files here.
  static var fixtureNames: CompletionKind { CompletionSource.kind("fixtures") }
}
