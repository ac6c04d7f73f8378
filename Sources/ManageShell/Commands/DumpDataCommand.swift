import ArgumentParser
import Foundation
import ManageCore

/// `manage dumpdata`: the database's rows as a fixture Django's loaddata (and manage's) reads.
public struct DumpDataCommand: ManageCommand {
  public static let configuration = CommandConfiguration(
    commandName: "dumpdata",
    abstract: "Output the contents of the database as a fixture of the given format (using each model's default manager unless --all is specified).",
    discussion: """
      Every model of the named apps (all installed apps when none is named), or the named \
      models, in app and declaration order, each model's rows by primary key, as Django's \
      serializers write them: {"model": "app_label.model_name", "pk": 1, "fields": {...}}, a \
      foreign key as the related row's key, a many-to-many field as the list of related keys. \
      Datetimes and times keep their microseconds (Django's JSON encoder cuts them to \
      milliseconds), so loaddata gives back exactly the rows dumped. With -o the file is \
      written whole or not at all.
      """)
  public static let group = "core"

  @Argument(help: ArgumentHelp("Restricts dumped data to the specified app_label or app_label.ModelName.", valueName: "app_label[.ModelName]"), completion: .appAndModelLabels)
  var labels: [String] = []

  @Option(help: "Specifies the output serialization format for fixtures.")
  var format: FixtureFormat = .json

  @Option(help: "Specifies the indent level to use when pretty-printing output.")
  var indent: Int?

  @Option(name: [.customShort("e"), .customLong("exclude")], help: ArgumentHelp("An app_label or app_label.ModelName to exclude (use multiple --exclude to exclude multiple apps/models).", valueName: "exclude"), completion: .appAndModelLabels)
  var exclude: [String] = []

  @Flag(name: [.customShort("a"), .customLong("all")], help: "Use Django's base manager to dump all models stored in the database, including those that would otherwise be filtered or modified by a custom manager.")
  var all = false

  @Option(name: .customLong("pks"), help: ArgumentHelp("Only dump objects with given primary keys. Accepts a comma-separated list of keys. This option only works when you specify one model.", valueName: "primary_keys"))
  var primaryKeys: String?

  @Option(name: [.customShort("o"), .customLong("output")], help: "Specifies file to which the output is written.", completion: .file())
  var output: String?

  @OptionGroup(title: "Global Options")
  public var global: GlobalOptions

  public init() {}

  public func validate() throws {
    // The indent becomes spaces per level: a bounded count, never a huge allocation.
    if let indent, !(0...64).contains(indent) { throw ValidationError("--indent must be between 0 and 64, not \(indent).") }
  }

  public func run(context: CommandContext) async throws {
    let data = try DataProject(context, readOnly: true)
    let (excludedApps, excludedModels) = try data.excluded(exclude)
    var models = labels.isEmpty ? data.schema.models : try data.models(labels, unknownApp: { "Unknown application: \($0)" })
    models.removeAll { excludedApps.contains($0.app) || excludedModels.contains($0.labelLower) }
    var keys: [ModelValue]?
    if let primaryKeys {
      guard models.count == 1, let keyField = models[0].primaryKey else { throw CommandFailure("You can only use --pks option with one model", exitCode: 2) }
      keys = try primaryKeys.split(separator: ",").map { text in
        do {
          return ModelValue(try ModelValue.text(String(text)).sqlValue(for: keyField), field: keyField)
        } catch let error as QueryError {
          throw CommandFailure("--pks: \(RecordValidator.plainMessage(error.message))", exitCode: 2)
        }
      }
    }
    let writer = FixtureWriter(schema: data.schema, format: format, indent: indent == 0 ? nil : indent)
    let file = try output.map { try FileWriter.Stream(path: $0) }
    let sink = file.map { file in BufferedOutput { file.write($0) } } ?? BufferedOutput.standardOutput()
    sink.write(writer.opening)
    var first = true
    for model in models {
      var query = try QuerySet(model: model, schema: data.schema).orderBy([model.primaryKey?.name ?? "id"])
      if let keys { query = try query.filter("pk__in", .list(keys)) }
      try query.forEachInstance(data.connection) { row in
        sink.write(writer.separator(first: first))
        first = false
        sink.write(writer.text(try writer.object(row, data.connection)))
      }
    }
    sink.write(writer.closing)
    sink.flush()
    try file?.commit()
  }
}
