import ManageCore

/// A value in the shell: data (numbers, text, dates, …), containers, and the ORM's objects
/// (models, managers, querysets, rows, Q and F), plus the callables that make them.
indirect enum ShellValue {
  case data(ModelValue)
  /// A Python int past 64 bits (smaller ones are `.data(.int)`).
  case bigInt(BigInteger)
  case list([ShellValue])
  case tuple([ShellValue])
  case dict(ShellDictionary)
  case instance(ModelInstance)
  case model(ModelSchema)
  case manager(ModelSchema)
  case queryset(QuerySet)
  case related(RelatedSet)
  case q(Q)
  case expression(QueryExpression)
  case aggregate(Aggregate)
  /// A row of `values_list(named=True)`: Python's namedtuple `Row(id=1, title='x')`.
  case namedRow([String], [ModelValue])
  /// `When(condition, then=...)`, an argument of `Case`.
  case when(When)
  /// A field instance such as `IntegerField()`, for `Cast(..., output_field=...)`.
  case field(FieldSchema)
  /// A built-in function (`len`, `Count`, `date`, …).
  case function(String)
  /// A method bound to its receiver (`Post.objects.filter`).
  case method(ShellValue, String)
  /// A namespace whose attributes are values: an app label (`blog.Post`), `datetime`,
  /// `timezone`, `models`.
  case namespace(String)
  /// An exception class such as `Post.DoesNotExist`, shown but not raised.
  case exceptionClass(String)

  static var none: ShellValue { .data(.null) }

  /// The Python type name, for TypeError messages.
  var typeName: String {
    switch self {
    case .data(let value): value.typeName
    case .bigInt: "int"
    case .list: "list"
    case .tuple: "tuple"
    case .dict: "dict"
    case .instance(let object): object.model.name
    case .model: "ModelBase"
    case .manager: "Manager"
    case .queryset: "QuerySet"
    case .related: "RelatedManager"
    case .q: "Q"
    case .expression: "F"
    case .aggregate(let aggregate): aggregate.function.rawValue
    case .when: "When"
    case .namedRow: "Row"
    case .field(let field): field.type.djangoName
    case .function: "builtin_function_or_method"
    case .method: "method"
    case .namespace: "module"
    case .exceptionClass: "type"
    }
  }
}

/// A dict with keys in insertion order; keys are data (str, int, …). Lookups go through a
/// hash index, so building a dict of n entries takes linear time, as Python's does.
struct ShellDictionary {
  private(set) var keys: [ModelValue] = []
  private(set) var values: [ShellValue] = []
  private var positions: [ModelValue: Int] = [:]

  subscript(key: ModelValue) -> ShellValue? {
    get { positions[key].map { values[$0] } }
    set {
      if let index = positions[key] {
        if let newValue {
          values[index] = newValue
        } else {
          keys.remove(at: index)
          values.remove(at: index)
          positions[key] = nil
          for later in index..<keys.count { positions[keys[later]] = later }
        }
      } else if let newValue {
        positions[key] = keys.count
        keys.append(key)
        values.append(newValue)
      }
    }
  }
}

/// A related manager: `author.posts`, `post.tags`, `tag.posts`: a query over the related
/// rows, plus add/remove/clear/set for many-to-many and create for either.
struct RelatedSet {
  var owner: ModelInstance
  var relation: Relation
  var query: QuerySet

  /// The model the manager's rows belong to.
  var model: ModelSchema { query.model }
}

/// An exception raised while running shell code, printed as Python prints the last line of
/// a traceback: `NameError: name 'Pst' is not defined. Did you mean: 'Post'?`.
struct PythonError: Error {
  var kind: String
  var message: String

  init(_ kind: String, _ message: String) {
    self.kind = kind
    self.message = message
  }

  var line: String { message.isEmpty ? kind : "\(kind): \(message)" }
}
