import Foundation

/// Django's field lookups (`title__icontains`), turned into SQL with bound parameters.
public enum Lookup: String, Sendable, CaseIterable {
  case exact, iexact, contains, icontains, `in`, gt, gte, lt, lte, startswith, istartswith, endswith, iendswith
  case range, isnull, regex, iregex

  /// Lookups that compare text and so take the value as text, whatever the field.
  var isTextual: Bool { [.iexact, .contains, .icontains, .startswith, .istartswith, .endswith, .iendswith, .regex, .iregex].contains(self) }

  /// The operator comparing a column with an F() expression, for the lookups that take one.
  var comparisonOperator: String {
    get throws {
      switch self {
      case .exact: return "="
      case .gt: return ">"
      case .gte: return ">="
      case .lt: return "<"
      case .lte: return "<="
      default: throw QueryError("The '\(rawValue)' lookup cannot take an F() expression here.")
      }
    }
  }

  /// The SQL condition for `column` and the values to bind, as Django writes it for the
  /// backend: on PostgreSQL `contains` is a case-sensitive LIKE, the i- forms compare
  /// `UPPER(col::text)` with `UPPER(value)`, `iexact` is `UPPER() = UPPER()`, and regex is `~`/`~*`
  /// (django/db/backends/postgresql/operations.py: operators and lookup_cast).
  func sql(_ column: String, _ value: SQLValueList, _ dialect: SQLDialect = SQLDialect(.sqlite)) throws -> (String, [SQLValue]) {
    if dialect.isPostgreSQL, let postgres = try postgresSQL(column, value) { return postgres }
    switch self {
    case .exact:
      if case .one(.null) = value { return ("\(column) IS NULL", []) }
      return ("\(column) = ?", value.values)
    case .iexact: return ("\(column) LIKE ? ESCAPE '\\'", [.text(Self.escape(try value.text()))])
    // Django on SQLite: contains, startswith and endswith are LIKE, as their i- forms are, so
    // they ignore ASCII case ("SQLite doesn't support case-sensitive LIKE statements").
    case .contains: return ("\(column) LIKE ? ESCAPE '\\'", [.text("%" + Self.escape(try value.text()) + "%")])
    case .icontains: return ("\(column) LIKE ? ESCAPE '\\'", [.text("%" + Self.escape(try value.text()) + "%")])
    case .startswith: return ("\(column) LIKE ? ESCAPE '\\'", [.text(Self.escape(try value.text()) + "%")])
    case .istartswith: return ("\(column) LIKE ? ESCAPE '\\'", [.text(Self.escape(try value.text()) + "%")])
    case .endswith: return ("\(column) LIKE ? ESCAPE '\\'", [.text("%" + Self.escape(try value.text()))])
    case .iendswith: return ("\(column) LIKE ? ESCAPE '\\'", [.text("%" + Self.escape(try value.text()))])
    case .gt: return ("\(column) > ?", value.values)
    case .gte: return ("\(column) >= ?", value.values)
    case .lt: return ("\(column) < ?", value.values)
    case .lte: return ("\(column) <= ?", value.values)
    case .in:
      let values = value.values
      // Django: an empty `in` matches nothing.
      if values.isEmpty { return ("0 = 1", []) }
      return ("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))", values)
    case .range:
      let values = value.values
      guard values.count == 2 else { throw QueryError("range takes two values, got \(values.count)") }
      return ("\(column) BETWEEN ? AND ?", values)
    case .regex: return ("\(column) REGEXP ?", [.text(try Self.checkedPattern(try value.text()))])
    // The case-insensitive flag inside the pattern, as Django's SQLite backend does it.
    case .iregex: return ("\(column) REGEXP ?", [.text("(?i)" + (try Self.checkedPattern(try value.text())))])
    case .isnull:
      guard case .one(let flag) = value, let truth = flag.int else {
        throw QueryError("The QuerySet value for an isnull lookup must be True or False.")
      }
      return (truth != 0 ? "\(column) IS NULL" : "\(column) IS NOT NULL", [])
    }
  }

  /// The lookups PostgreSQL writes differently; nil for the rest (=, <, IN, BETWEEN, IS NULL).
  private func postgresSQL(_ column: String, _ value: SQLValueList) throws -> (String, [SQLValue])? {
    let text = "\(column)::text"
    switch self {
    case .iexact: return ("UPPER(\(text)) = UPPER(?)", [.text(try value.text())])
    case .contains: return ("\(text) LIKE ?", [.text("%" + Self.escape(try value.text()) + "%")])
    case .icontains: return ("UPPER(\(text)) LIKE UPPER(?)", [.text("%" + Self.escape(try value.text()) + "%")])
    case .startswith: return ("\(text) LIKE ?", [.text(Self.escape(try value.text()) + "%")])
    case .istartswith: return ("UPPER(\(text)) LIKE UPPER(?)", [.text(Self.escape(try value.text()) + "%")])
    case .endswith: return ("\(text) LIKE ?", [.text("%" + Self.escape(try value.text()))])
    case .iendswith: return ("UPPER(\(text)) LIKE UPPER(?)", [.text("%" + Self.escape(try value.text()))])
    // POSIX regular expressions, as Django on PostgreSQL: the server says when one is invalid.
    case .regex: return ("\(text) ~ ?", [.text(try value.text())])
    case .iregex: return ("\(text) ~* ?", [.text(try value.text())])
    default: return nil
    }
  }

  /// A pattern that compiles, checked before the query runs: Django on SQLite fails the query
  /// with OperationalError ("user-defined function raised exception") when Python's re cannot
  /// compile it; the same class here, with the pattern named, before any row is read.
  static func checkedPattern(_ pattern: String) throws -> String {
    guard (try? NSRegularExpression(pattern: pattern)) != nil else {
      throw QueryError("invalid regular expression '\(pattern)' (user-defined function raised exception)", kind: "OperationalError")
    }
    return pattern
  }

  /// LIKE wildcards in a user's text are literal.
  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
  }
}

/// A lookup's right-hand side: one value or a list (`in`, `range`).
public enum SQLValueList: Sendable {
  case one(SQLValue)
  case many([SQLValue])

  var values: [SQLValue] {
    switch self {
    case .one(let value): [value]
    case .many(let values): values
    }
  }

  func text() throws -> String {
    switch self {
    case .one(.text(let text)): return text
    case .one(.integer(let number)): return String(number)
    case .one(.real(let number)): return String(number)
    default: throw QueryError("this lookup takes a single text value")
    }
  }
}
