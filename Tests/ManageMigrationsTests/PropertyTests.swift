import Foundation
import Testing
import ManageCore
@testable import ManageMigrations

/// Random sequences of model edits, each followed by makemigrations and migrate, must end in
/// the schema a fresh migrate of the final models gives, keep every row that no edit deleted,
/// and `migrate app zero` must then leave none of the app's tables.
@Suite("Random model edits, migrated step by step")
struct PropertyTests {
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
  }

  struct FieldSpec { var name: String; var definition: String }
  struct ModelSpec { var name: String; var fields: [FieldSpec]; var indexes: [[String]] = [] }

  static func yaml(_ models: [ModelSpec]) -> String {
    var text = "models:\n"
    for model in models {
      text += "  \(model.name):\n    fields:\n"
      for field in model.fields { text += "      \(field.name): \(field.definition)\n" }
      if !model.indexes.isEmpty {
        text += "    indexes: [" + model.indexes.enumerated().map { "{fields: [\($0.element.joined(separator: ", "))], name: \(model.name.lowercased())_ix\($0.offset)_\($0.element.joined(separator: "_"))}" }.joined(separator: ", ") + "]\n"
      }
    }
    return text
  }

  /// One random edit; every field it adds is nullable or has a default, so no question is asked.
  static func edit(_ models: inout [ModelSpec], _ random: inout Generator, counter: inout Int) {
    counter += 1
    let kinds = ["addField", "addField", "removeField", "alterLength", "toggleNull", "addModel", "removeModel", "addForeignKey", "addIndex", "removeIndex", "addDefault"]
    let kind = kinds[random.below(kinds.count)]
    let modelIndex = random.below(models.count)
    switch kind {
    case "addField":
      let definitions = ["{type: integer, null: true}", "{type: char, max_length: 30, default: x}", "{type: boolean, default: false}",
                         "{type: text, blank: true, default: \"\"}", "{type: datetime, null: true}", "{type: decimal, max_digits: 8, decimal_places: 2, default: \"1.5\"}"]
      models[modelIndex].fields.append(FieldSpec(name: "f\(counter)", definition: definitions[random.below(definitions.count)]))
    case "removeField":
      let candidates = models[modelIndex].fields.indices.filter { index in
        let name = models[modelIndex].fields[index].name
        return name != "name" && !models[modelIndex].indexes.contains { $0.contains(name) }

      }
      if let index = candidates.randomElement(using: &random) { models[modelIndex].fields.remove(at: index) }
    case "alterLength":
      if let index = models[modelIndex].fields.firstIndex(where: { $0.definition.contains("max_length: ") && $0.name != "name" }) {
        models[modelIndex].fields[index].definition = "{type: char, max_length: \(40 + random.below(60)), default: y}"
      }
    case "toggleNull":
      if let index = models[modelIndex].fields.firstIndex(where: { $0.definition == "{type: integer, null: true}" }) {
        models[modelIndex].fields[index].definition = "{type: integer, default: 0}"
      } else if let index = models[modelIndex].fields.firstIndex(where: { $0.definition == "{type: integer, default: 0}" }) {
        models[modelIndex].fields[index].definition = "{type: integer, null: true}"
      }
    case "addDefault":
      if let index = models[modelIndex].fields.firstIndex(where: { $0.definition.hasPrefix("{type: boolean") }) {
        models[modelIndex].fields[index].definition = models[modelIndex].fields[index].definition.contains("false") ? "{type: boolean, default: true}" : "{type: boolean, default: false}"
      }
    case "addModel":
      models.append(ModelSpec(name: "M\(counter)", fields: [FieldSpec(name: "name", definition: "{type: char, max_length: 50, default: n}")]))
    case "removeModel":
      guard models.count > 1 else { return }
      let name = models[modelIndex].name
      guard !models.contains(where: { other in other.name != name && other.fields.contains { $0.definition.contains("to: \(name),") } }) else { return }
      models.remove(at: modelIndex)
    case "addForeignKey":
      let target = models[random.below(models.count)].name
      models[modelIndex].fields.append(FieldSpec(
        name: "fk\(counter)", definition: "{type: foreign_key, to: \(target), on_delete: set_null, null: true, related_name: r\(counter)}"))
    case "addIndex":
      let names = models[modelIndex].fields.map(\.name).filter { !$0.hasPrefix("fk") }
      if let name = names.randomElement(using: &random), !models[modelIndex].indexes.contains([name]) {
        models[modelIndex].indexes.append([name])
      }
    default:  // removeIndex
      if !models[modelIndex].indexes.isEmpty { models[modelIndex].indexes.removeLast() }
    }
  }

  @Test(arguments: 1...16)
  func randomEditsMigrateToTheFreshSchema(seed: Int) throws {
    var random = Generator(state: UInt64(seed))
    var models = [
      ModelSpec(name: "Alpha", fields: [FieldSpec(name: "name", definition: "{type: char, max_length: 50, default: a}")]),
      ModelSpec(name: "Beta", fields: [FieldSpec(name: "name", definition: "{type: char, max_length: 50, default: b}")]),
    ]
    let harness = try Harness(apps: ["blog": Self.yaml(models)])
    try harness.makemigrations()
    try harness.migrate()
    var counter = 0
    var rows: [String: Int] = [:]
    for step in 0..<12 {
      Self.edit(&models, &random, counter: &counter)
      try harness.setModels("blog", Self.yaml(models))
      try harness.makemigrations()
      try harness.migrate()
      let connection = try harness.connection()
      #expect(try connection.foreignKeyViolations().isEmpty, "seed \(seed) step \(step)")
      rows = rows.filter { table, _ in models.contains { "blog_\($0.name.lowercased())" == table } }
      for model in models {
        let table = "blog_\(model.name.lowercased())"
        #expect(try connection.scalar("SELECT count(*) FROM \(table)")?.int == rows[table, default: 0], "seed \(seed) step \(step): rows of \(table) lost")
        try connection.execute("INSERT INTO \(table) DEFAULT VALUES")
        rows[table, default: 0] += 1
      }
    }
    let fresh = try Harness(apps: ["blog": Self.yaml(models)])
    try fresh.makemigrations()
    try fresh.migrate()
    #expect(try harness.snapshot() == fresh.snapshot(), "seed \(seed): schema after 12 steps differs from a fresh migrate\n\(Self.yaml(models))")
    try harness.migrate(app: "blog", to: .some(nil))
    #expect(try harness.connection().tableNames().filter { $0.hasPrefix("blog_") }.isEmpty, "seed \(seed): zero left tables")
  }
}
