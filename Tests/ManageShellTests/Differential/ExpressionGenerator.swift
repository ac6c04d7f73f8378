import FuzzSupport

/// Random valid Django query expressions over Fixtures/library, written in the Python both
/// Django and `manage shell` read: filter/exclude with every lookup across forward, reverse
/// and many-to-many relations, Q with & | ~, F arithmetic, chained filters, annotations and
/// filters on them, database functions, subqueries, windows, and the fetching methods with
/// their exceptions. Each comes with whether its rows have a total order.
struct ExpressionGenerator {
  var random: SeededGenerator

  init(seed: UInt64) { random = SeededGenerator(seed: seed) }

  struct Expression {
    var source: String
    /// Whether the answer's order is defined (else rows compare as a multiset).
    var ordered: Bool
  }

  enum Kind { case text, integer, float, decimal, date, datetime, json, key }

  /// The paths a filter may walk from each model, with the kind of value at the end.
  static let paths: [String: [(String, Kind)]] = [
    "Book": [
      ("title", .text), ("pages", .integer), ("rating", .float), ("price", .decimal), ("published", .date),
      ("updated", .datetime), ("meta", .json), ("id", .key), ("author", .key), ("author__name", .text),
      ("author__born", .date), ("author__publisher__country", .text), ("author__publisher__name", .text),
      ("tags__name", .text), ("tags", .key), ("reviews__stars", .integer), ("reviews__body", .text),
      ("author__books__pages", .integer), ("reviews", .key),
    ],
    "Author": [
      ("name", .text), ("born", .date), ("publisher", .key), ("publisher__name", .text), ("publisher__country", .text),
      ("books__title", .text), ("books__pages", .integer), ("books__price", .decimal), ("books__tags__name", .text),
      ("books__reviews__stars", .integer), ("books__meta", .json), ("id", .key),
    ],
    "Tag": [("name", .text), ("books__title", .text), ("books__pages", .integer), ("books__author__name", .text), ("books", .key)],
    "Publisher": [("name", .text), ("country", .text), ("authors__name", .text), ("authors__books__pages", .integer)],
  ]

  /// Numeric paths per model, for aggregates, F() and ordering.
  static let numbers: [String: [String]] = [
    "Book": ["pages", "rating", "price", "reviews__stars", "author__books__pages", "id"],
    "Author": ["books__pages", "books__price", "books__rating", "books__reviews__stars", "id"],
    "Tag": ["books__pages", "books__price", "id"],
    "Publisher": ["authors__books__pages", "id"],
  ]

  static let relations: [String: [String]] = [
    "Book": ["reviews", "tags", "author"], "Author": ["books", "books__reviews", "books__tags"], "Tag": ["books", "books__reviews"],
    "Publisher": ["authors", "authors__books"],
  ]

  static let words = ["alpha", "Beta", "a", "A", "é", "É", "%", "_", "", "o'", "100%", "a_b", "ta", "日本", "press", " ", "ZETA"]

  private mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }
  private mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }

  private mutating func word() -> String { python(pick(Self.words)) }

  func python(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
  }

  // MARK: - Values

  private mutating func value(_ kind: Kind) -> String {
    switch kind {
    case .text: return word()
    case .integer: return pick(["0", "1", "3", "50", "100", "250", "320", "1000", "-1", "5"])
    case .float: return pick(["2.5", "4.0", "1", "3.75", "0"])
    case .decimal: return pick(["Decimal('9.99')", "Decimal('10')", "Decimal('12.50')", "12.5", "50", "Decimal('0')", "Decimal('100.00')"])
    case .date: return pick(["date(2020, 1, 1)", "date(2024, 6, 15)", "date(1999, 12, 31)", "date(2026, 3, 1)", "date(1950, 1, 1)"])
    case .datetime:
      return pick([
        "datetime(2026, 6, 1)", "datetime(2026, 1, 15, 12, 30)",
        "datetime(2026, 12, 31, 23, 59)",
      ])
    case .json: return pick(["'en'", "None", "1", "True", "'x'", "[1, 2, 3]", "{}"])
    case .key: return pick(["1", "2", "3", "7", "30", "99"])
    }
  }

  private mutating func lookup(_ path: String, _ kind: Kind) -> String {
    switch kind {
    case .text:
      let name = pick(["", "__iexact", "__contains", "__icontains", "__startswith", "__istartswith", "__endswith", "__iendswith", "__in", "__isnull", "__gt", "__lt", "__regex", "__iregex"])
      switch name {
      case "__in": return "\(path)__in=[\(word()), \(word())]"
      case "__isnull": return "\(path)__isnull=\(pick(["True", "False"]))"
      case "__regex", "__iregex": return "\(path)\(name)=\(pick(["'^a'", "'ta$'", "'[0-9]'", "'É'", "'a.b'", "'^$'"]))"
      case "": return chance(0.1) ? "\(path)=None" : "\(path)=\(word())"
      default: return "\(path)\(name)=\(word())"
      }
    case .integer, .float, .decimal, .key:
      let name = pick(["", "__gt", "__gte", "__lt", "__lte", "__in", "__range", "__isnull", "", "__exact"])
      switch name {
      case "__in": return "\(path)__in=[\(value(kind)), \(value(kind))]"
      case "__range":
        let a = value(kind)
        let b = value(kind)
        return "\(path)__range=(\(a), \(b))"
      case "__isnull": return "\(path)__isnull=\(pick(["True", "False"]))"
      default: return "\(path)\(name)=\(value(kind))"
      }
    case .date:
      switch pick(["cmp", "year", "month", "range", "isnull", "week_day", "quarter", "day"]) {
      case "cmp": return "\(path)\(pick(["", "__gt", "__lt", "__gte", "__lte"]))=\(value(.date))"
      case "year":
        if chance(0.25) { return "\(path)__year__in=\(pick(["[2020, 2026]", "[1999]", "[]"]))" }
        return "\(path)__year\(pick(["", "__gt", "__lte"]))=\(pick(["2020", "2024", "1999", "2026"]))"
      case "month":
        if chance(0.3) { return "\(path)__month__in=\(pick(["[1, 2]", "[6]", "[]"]))" }
        return "\(path)__month\(pick(["", "__gte"]))=\(pick(["1", "6", "12"]))"
      case "range": return "\(path)__range=(\(value(.date)), \(value(.date)))"
      case "isnull": return "\(path)__isnull=\(pick(["True", "False"]))"
      case "week_day": return "\(path)__week_day=\(pick(["1", "2", "7"]))"
      case "quarter": return "\(path)__quarter=\(pick(["1", "2", "4"]))"
      default: return "\(path)__day\(pick(["", "__gt"]))=\(pick(["1", "15", "28"]))"
      }
    case .datetime:
      switch pick(["cmp", "date", "hour", "year", "isnull", "month"]) {
      case "cmp": return "\(path)\(pick(["__gt", "__lt", "__gte"]))=\(value(.datetime))"
      case "date": return "\(path)__date\(pick(["", "__gt", "__lt"]))=\(value(.date))"
      case "hour": return "\(path)__hour\(pick(["", "__gte", "__lt"]))=\(pick(["0", "12", "23"]))"
      case "year": return "\(path)__year=2026"
      case "month": return "\(path)__month\(pick(["", "__lte"]))=\(pick(["1", "6"]))"
      default: return "\(path)__isnull=\(pick(["True", "False"]))"
      }
    case .json:
      return pick([
        "\(path)=None", "\(path)__isnull=True", "\(path)__isnull=False", "\(path)__lang='en'", "\(path)__lang=None",
        "\(path)__lang__isnull=True", "\(path)__lang__isnull=False", "\(path)__n__gt=1", "\(path)__n__lte=2", "\(path)__n=1.5",
        "\(path)__has_key='lang'", "\(path)__has_key='n'", "\(path)__has_keys=['lang', 'n']", "\(path)__has_any_keys=['n', 'tags']",
        "\(path)__0=1", "\(path)__1__gte=2", "\(path)__nested__k='x'", "\(path)__lang__in=['en', 'fr']",
        "\(path)__lang__icontains='E'", "\(path)__tags__0='a'", "\(path)__nested__has_key='k'", "\(path)__lang__startswith='f'",
        "\(path)={'lang': None}", "\(path)=[1, 2, 3]", "\(path)='text'", "\(path)=7", "\(path)=True",
      ])
    }
  }

  // MARK: - Conditions

  private mutating func condition(_ model: String, depth: Int = 0) -> String {
    if depth < 2, chance(0.3) {
      let left = qObject(model, depth: depth + 1)
      let right = qObject(model, depth: depth + 1)
      return "\(left) \(pick(["&", "|"])) \(right)"
    }
    if chance(0.15), let numbers = Self.numbers[model] {
      let a = pick(numbers)
      let b = pick(numbers)
      let op = pick(["", " * 2", " + 1", " - 10", " / 2"])
      return "\(a)__\(pick(["gt", "gte", "lt", "exact"]))=F('\(b)')\(op)"
    }
    let (path, kind) = pick(Self.paths[model]!)
    return lookup(path, kind)
  }

  private mutating func qObject(_ model: String, depth: Int) -> String {
    let inner = condition(model, depth: depth)
    let q = inner.contains("Q(") ? "(\(inner))" : "Q(\(inner))"
    return chance(0.25) ? "~\(q)" : q
  }

  private mutating func filters(_ model: String) -> String {
    var text = ""
    for _ in 0..<Int.random(in: 0...3, using: &random) {
      let method = chance(0.3) ? "exclude" : "filter"
      if chance(0.3) {
        text += ".\(method)(\(qObject(model, depth: 1)))"
      } else {
        var arguments = [condition(model, depth: 2)]
        if chance(0.3) { arguments.append(condition(model, depth: 2)) }
        // Two keywords for one path are a SyntaxError in Python.
        let names = arguments.map { $0.split(separator: "=").first.map(String.init) ?? "" }
        if Set(names).count < names.count { arguments = [arguments[0]] }
        text += ".\(method)(\(arguments.joined(separator: ", ")))"
      }
    }
    return text
  }

  // MARK: - Annotations

  private mutating func annotation(_ model: String) -> (String, Bool) {
    let numbers = Self.numbers[model]!
    let relation = pick(Self.relations[model]!)
    switch Int.random(in: 0..<14, using: &random) {
    case 0: return ("Count('\(relation)'\(chance(0.4) ? ", distinct=True" : ""))", true)
    case 1: return ("Sum('\(pick(numbers))')", true)
    case 2: return ("Max('\(pick(numbers))')", true)
    case 3: return ("Min('\(pick(numbers))')", true)
    case 4: return ("Avg('\(pick(numbers))')", true)
    case 5: return ("Count('\(relation)', filter=Q(\(condition(model, depth: 2))))", true)
    case 6: return ("F('\(pick(numbers))') \(pick(["+", "*", "-"])) \(pick(["1", "2", "F('id')"]))", false)
    case 7 where model == "Book": return (pick(["Lower('title')", "Upper('author__name')", "Length('title')", "Concat('title', Value('/'), 'author__name')", "Coalesce('rating', Value(0.0))", "Cast('pages', models.FloatField())", "Cast('price', models.IntegerField())", "Abs(F('pages') - 300)"]), false)
    case 8 where model == "Book": return (pick(["ExtractYear('published')", "ExtractMonth('updated')", "TruncMonth('published')", "TruncYear('updated')", "TruncDate('updated')", "ExtractQuarter('published')", "TruncWeek('published')", "ExtractWeekDay('published')", "ExtractHour('updated')", "TruncDay('updated')"]), false)
    case 9 where model == "Book": return ("Case(When(pages__gt=\(value(.integer)), then=Value('long')), When(\(condition(model, depth: 2)), then=Value('match')), default=Value('other'))", false)
    case 10 where model == "Book": return (pick([
      "Exists(Review.objects.filter(book=OuterRef('pk'), stars__gte=\(pick(["3", "5"]))))",
      "Subquery(Review.objects.filter(book=OuterRef('pk')).order_by('-stars', 'pk').values('stars')[:1])",
      "Subquery(Book.objects.filter(author=OuterRef('author')).exclude(pk=OuterRef('pk')).order_by('pk').values('title')[:1])",
    ]), false)
    case 11 where model == "Book": return (pick([
      "Window(RowNumber(), partition_by=[F('author')], order_by=[F('pages').desc(), 'pk'])",
      "Window(Rank(), order_by=F('pages').desc())", "Window(DenseRank(), partition_by=[F('author')], order_by='price')",
      "Window(Sum('pages'), partition_by=[F('author')])", "Window(Lag('pages'), order_by=['pk'])",
      "Window(Lead('title', 1, Value('-')), order_by=['pk'])", "Window(Avg('price'), partition_by=[F('author')])",
    ]), false)
    case 12 where model == "Author": return ("Subquery(Book.objects.filter(author=OuterRef('pk')).values('author').annotate(s=Sum('pages')).values('s'))", false)
    case 13 where model == "Author": return ("Exists(Book.objects.filter(author=OuterRef('pk'), pages__gt=\(value(.integer))))", false)
    default: return ("Count('\(relation)')", true)
    }
  }

  // MARK: - Expressions

  mutating func next() -> Expression {
    let model = pick(["Book", "Book", "Book", "Author", "Tag", "Publisher"])
    var query = "\(model).objects" + (chance(0.5) ? ".all()" : "") + filters(model)
    var annotations: [String] = []
    var aggregateNames: [String] = []
    if chance(0.4) {
      for index in 0..<Int.random(in: 1...2, using: &random) {
        let (text, isAggregate) = annotation(model)
        let name = "a\(index)"
        annotations.append(name)
        if isAggregate { aggregateNames.append(name) }
        query += ".annotate(\(name)=\(text))"
      }
      if let name = aggregateNames.first, chance(0.5) {
        query += ".filter(\(name)__\(pick(["gt", "gte", "lt", "exact"]))=\(pick(["0", "1", "2", "50", "Decimal('10')"])))"
      }
    }
    if chance(0.15) { query += ".distinct()" }
    let keys = "'pk'" + annotations.map { ", '\($0)'" }.joined()
    switch Int.random(in: 0..<13, using: &random) {
    case 0: return Expression(source: query + ".count()", ordered: true)
    case 1: return Expression(source: query + ".exists()", ordered: true)
    case 2: return Expression(source: "list(\(query).values_list(\(keys)))", ordered: false)
    case 3:
      let start = Int.random(in: 0...5, using: &random)
      return Expression(source: "list(\(query).order_by('pk').values_list('pk')[\(start):\(start + Int.random(in: 1...6, using: &random))])", ordered: true)
    case 4:
      let numbers = Self.numbers[model]!
      return Expression(source: query + ".aggregate(s=Sum('\(pick(numbers))'), m=Max('\(pick(numbers))'), c=Count('\(pick(Self.relations[model]!))', distinct=True), v=Avg('\(pick(numbers))'))", ordered: true)
    case 5: return Expression(source: query + ".order_by('pk').first()", ordered: true)
    case 6: return Expression(source: query + ".order_by('pk').last()", ordered: true)
    case 7: return Expression(source: query + ".get(pk=\(value(.key)))", ordered: true)
    case 8: return Expression(source: "list(\(query).values(\(keys)))", ordered: false)
    case 9:
      let path = pick(Self.paths[model]!.filter { $0.1 != .json }).0
      return Expression(source: "list(\(query).values('\(path)').annotate(n=Count('pk')).order_by('\(path)', 'n').values_list('\(path)', 'n'))", ordered: false)
    case 10:
      let path = pick(Self.paths[model]!.filter { $0.1 == .text || $0.1 == .integer }).0
      return Expression(source: "list(\(query).values_list('\(path)', flat=True).distinct())", ordered: false)
    case 11 where model == "Book":
      return Expression(source: "list(\(query).dates('published', '\(pick(["year", "month", "day", "week"]))'))", ordered: true)
    case 12:
      return Expression(source: "list(\(query).values_list('pk', flat=True).union(\(model).objects\(filters(model)).values_list('pk', flat=True)).order_by('pk'))", ordered: true)
    default:
      return Expression(source: "\(query).count()", ordered: true)
    }
  }
}
