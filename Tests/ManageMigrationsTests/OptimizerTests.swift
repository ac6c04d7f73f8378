import Testing
import ManageCore
@testable import ManageMigrations

@Suite("Optimizer")
struct OptimizerTests {
  func field(_ name: String, _ type: FieldType = .integer, null: Bool = true) -> FieldSchema {
    var field = FieldSchema(name: name, type: type)
    field.null = null
    return field
  }

  @Test func createModelAbsorbsLaterChangesToItsModel() {
    let operations: [Operation] = [
      .createModel(name: "Post", fields: [field("a")], options: ModelOptions()),
      .addField(model: "Post", field: field("b"), preserveDefault: true),
      .alterField(model: "Post", field: field("a", .bigInteger), preserveDefault: true),
      .renameField(model: "Post", oldName: "b", newName: "c"),
      .alterModelTable(name: "Post", table: "posts"),
    ]
    let optimized = Optimizer.optimize(operations)
    guard case .createModel(let name, let fields, let options) = optimized.first, optimized.count == 1 else {
      Issue.record("expected one CreateModel, got \(optimized.map(\.description))")
      return
    }
    #expect(name == "Post")
    #expect(fields.map(\.name) == ["a", "c"])
    #expect(fields[0].type == .bigInteger)
    #expect(options.dbTable == "posts")
  }

  @Test func createThenDeleteAndAddThenRemoveCancel() {
    #expect(Optimizer.optimize([
      .createModel(name: "Tmp", fields: [field("a")], options: ModelOptions()), .deleteModel(name: "Tmp"),
    ]).isEmpty)
    #expect(Optimizer.optimize([
      .addField(model: "Post", field: field("x"), preserveDefault: true), .removeField(model: "Post", name: "x"),
    ]).isEmpty)
    #expect(Optimizer.optimize([
      .addIndex(model: "Post", index: IndexSchema(fields: ["a"], name: "i")), .removeIndex(model: "Post", name: "i"),
    ]).isEmpty)
  }

  @Test func chainsCollapse() {
    #expect(Optimizer.optimize([
      .renameField(model: "Post", oldName: "a", newName: "b"), .renameField(model: "Post", oldName: "b", newName: "c"),
    ]) == [.renameField(model: "Post", oldName: "a", newName: "c")])
    #expect(Optimizer.optimize([
      .alterField(model: "Post", field: field("a"), preserveDefault: true),
      .alterField(model: "Post", field: field("a", .bigInteger), preserveDefault: true),
    ]) == [.alterField(model: "Post", field: field("a", .bigInteger), preserveDefault: true)])
    #expect(Optimizer.optimize([.renameModel(oldName: "A", newName: "B"), .renameModel(oldName: "B", newName: "A")]).isEmpty)
  }

  @Test func doesNotReachAcrossAnOperationOnTheSameModel() {
    let operations: [Operation] = [
      .addField(model: "Post", field: field("x"), preserveDefault: true),
      .runSQL(sql: "UPDATE blog_post SET x = 1", reverseSQL: ""),
      .removeField(model: "Post", name: "x"),
    ]
    #expect(Optimizer.optimize(operations) == operations, "RunSQL may use the field: nothing folds across it")
  }

  @Test func foldsAcrossUnrelatedModels() {
    let optimized = Optimizer.optimize([
      .createModel(name: "Post", fields: [field("a")], options: ModelOptions()),
      .createModel(name: "Tag", fields: [field("n")], options: ModelOptions()),
      .addField(model: "Post", field: field("b"), preserveDefault: true),
    ])
    #expect(optimized.count == 2)
  }
}
