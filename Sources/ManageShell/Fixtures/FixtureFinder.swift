import Foundation
import ManageCore

/// Where loaddata finds a fixture label, as Django's `find_fixtures`: a path (absolute, or with
/// a folder, from the current directory) or a bare name looked up in every app's `fixtures/`
/// folder and then the current directory; the extension may be left off, and each folder may
/// hold only one file of the name.
struct FixtureFinder {
  struct Found: Equatable {
    var path: String
    var displayPath: String
    var format: FixtureFormat
  }

  let registry: AppRegistry
  /// Only this app's fixtures folder (`--app`), as Django's loaddata.
  var appLabel: String?
  let workingDirectory: String

  /// The folders a bare name is looked up in, in Django's order.
  var folders: [String] {
    var folders: [String] = []
    for app in registry.apps where appLabel == nil || app.label == appLabel {
      if let directory = app.directory, Path.isDirectory(Path.join(directory, "fixtures")) { folders.append(Path.join(directory, "fixtures")) }
    }
    folders.append(workingDirectory)
    return folders
  }

  /// The files of `label`; throws Django's "No fixture named … found." when there is none.
  func find(_ label: String) throws -> [Found] {
    var name = Path.lastComponent(label)
    var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    if parts.count > 1, FixtureFile.compressions.contains(parts.last!) {
      throw FixtureError("Problem installing fixture '\(name)': \(parts.last!)-compressed fixtures are not read here.", hint: "Uncompress it first (for example `gunzip -k \(label)`).")
    }
    var formats = FixtureFormat.allCases
    if parts.count > 1 {
      let suffix = parts.removeLast()
      guard let format = FixtureFormat(fileExtension: suffix) else {
        throw FixtureError("Problem installing fixture '\(parts.joined(separator: "."))': \(suffix) is not a known serialization format.",
          hint: "manage reads json, jsonl and yaml (yml) fixtures.")
      }
      formats = [format]
      name = parts.joined(separator: ".")
    }
    let folders: [String]
    if label.hasPrefix("/") {
      folders = [Path.directory(of: label)]
    } else if label.contains("/") {
      let sub = Path.directory(of: label)
      folders = self.folders.map { Path.join($0, sub) }
    } else {
      folders = self.folders
    }
    var found: [Found] = []
    var seen = Set<String>()
    for folder in folders {
      var here: [Found] = []
      for format in formats {
        var names = [name + "." + format.rawValue]
        if format == .yaml { names.append(name + ".yml") }
        for file in names {
          let path = Path.normalized(Path.join(folder, file))
          guard FileManager.default.fileExists(atPath: path), !Path.isDirectory(path) else { continue }
          here.append(Found(path: path, displayPath: Path.display(path, relativeTo: workingDirectory), format: format))
        }
      }
      if here.count > 1 {
        throw FixtureError("Multiple fixtures named '\(name)' in '\(Path.display(folder, relativeTo: workingDirectory))'. Aborting.",
          hint: "Name the one to load with its extension: \(here.map { Path.lastComponent($0.path) }.joined(separator: ", ")).")
      }
      // A folder reached twice (the project is the current directory) counts once.
      for item in here where seen.insert(item.path).inserted { found.append(item) }
    }
    guard !found.isEmpty else {
      throw FixtureError("No fixture named '\(name)' found.",
        hint: "Looked in \(folders.map { Path.display($0, relativeTo: workingDirectory) }.joined(separator: ", ")) for \(formats.map(\.rawValue).joined(separator: ", ")) files.")
    }
    return found
  }
}
