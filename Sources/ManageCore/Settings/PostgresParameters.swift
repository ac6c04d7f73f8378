/// Where a PostgreSQL database is and how to reach it, from a `postgres://` URL as
/// dj-database-url and libpq read them.
///
/// The password is kept for the connection only: `description` and `redactedURL` leave it out,
/// so it never reaches a log line, an error or `check` output.
public struct PostgresParameters: Sendable, Hashable {
  public var host: String?
  public var port: Int?
  public var user: String?
  public var password: String?
  public var name: String
  /// libpq connection options from the query string: `sslmode`, `connect_timeout`, `options`,
  /// `application_name`, … (`host` there names a Unix socket directory).
  public var options: [(String, String)]

  public init(host: String? = nil, port: Int? = nil, user: String? = nil, password: String? = nil, name: String, options: [(String, String)] = []) {
    self.host = host
    self.port = port
    self.user = user
    self.password = password
    self.name = name
    self.options = options
  }

  public static func == (left: Self, right: Self) -> Bool {
    left.host == right.host && left.port == right.port && left.user == right.user && left.password == right.password
      && left.name == right.name && left.options.map { "\($0.0)=\($0.1)" } == right.options.map { "\($0.0)=\($0.1)" }
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(host)
    hasher.combine(port)
    hasher.combine(user)
    hasher.combine(name)
  }

  /// The value of query-string option `key`.
  public func option(_ key: String) -> String? { options.last { $0.0 == key }?.1 }

  /// The host as messages show it: the socket directory, or `localhost` when none is given
  /// (libpq's default is the Unix socket in /var/run/postgresql; we say so).
  public var displayHost: String {
    if let host, !host.isEmpty { return host }
    return "the local socket"
  }

  /// The port libpq uses: the URL's, or PostgreSQL's 5432.
  public var effectivePort: Int { port ?? 5432 }

  /// Seconds to wait for the server: the URL's `connect_timeout`, else 10 (libpq waits forever
  /// by default; a CI job against a server that is down should not).
  public var connectTimeout: Int {
    if let text = option("connect_timeout"), let seconds = Int(text), seconds > 0 { return seconds }
    return 10
  }

  /// libpq's keyword/value pairs, password included: for `PQconnectdbParams` and psql's
  /// environment, never for argv or messages.
  public var libpqKeywords: [(String, String)] {
    var pairs: [(String, String)] = []
    if let host, !host.isEmpty { pairs.append(("host", host)) }
    if let port { pairs.append(("port", String(port))) }
    if let user, !user.isEmpty { pairs.append(("user", user)) }
    if let password { pairs.append(("password", password)) }
    pairs.append(("dbname", name))
    for (key, value) in options where key != "host" && key != "connect_timeout" { pairs.append((key, value)) }
    if let socket = option("host") { pairs.append(("host", socket)) }
    pairs.append(("connect_timeout", String(connectTimeout)))
    return pairs
  }

  /// psql's environment for these parameters (PGHOST, PGPASSWORD, …): how dbshell hands over
  /// the password without argv.
  public var psqlEnvironment: [String: String] {
    var environment: [String: String] = [:]
    let names = ["host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD", "dbname": "PGDATABASE",
                 "sslmode": "PGSSLMODE", "connect_timeout": "PGCONNECT_TIMEOUT", "options": "PGOPTIONS",
                 "application_name": "PGAPPNAME", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
                 "passfile": "PGPASSFILE", "service": "PGSERVICE"]
    for (key, value) in libpqKeywords { if let name = names[key] { environment[name] = value } }
    return environment
  }

  /// The URL without its password: `postgres://user@host:5432/name?sslmode=require`.
  public var redactedURL: String { url(withPassword: false) }

  /// The URL in full, for plugins' `MANAGE_DATABASE_URL` (an environment variable, not argv).
  public var fullURL: String { url(withPassword: true) }

  private func url(withPassword: Bool) -> String {
    var text = "postgres://"
    if let user, !user.isEmpty {
      text += PostgresURLParser.percentEncoded(user)
      if password != nil { text += withPassword ? ":" + PostgresURLParser.percentEncoded(password!) : ":********" }
      text += "@"
    }
    if let host, !host.isEmpty { text += host.contains(":") ? "[\(host)]" : host }
    if let port { text += ":\(port)" }
    text += "/" + PostgresURLParser.percentEncoded(name)
    if !options.isEmpty {
      text += "?" + options.map { "\($0.0)=\(PostgresURLParser.percentEncoded($0.1))" }.joined(separator: "&")
    }
    return text
  }
}

/// Reads `postgres://[user[:password]@][host][:port]/name[?key=value&…]`.
enum PostgresURLParser {
  /// The options libpq accepts in a URL that manage passes on (a typo is an error, not a
  /// silently ignored setting).
  static let knownOptions: Set<String> = [
    "sslmode", "connect_timeout", "options", "host", "application_name", "sslrootcert", "sslcert", "sslkey",
    "target_session_attrs", "keepalives", "keepalives_idle", "passfile", "service", "gssencmode", "sslcrl",
  ]

  static func parse(_ url: String, problem: (String, String) -> Error) throws -> PostgresParameters {
    guard let schemeEnd = url.range(of: "://") else {
      throw problem("malformed PostgreSQL URL", "Write postgres://user:password@host:5432/name.")
    }
    var rest = Substring(url[schemeEnd.upperBound...])
    var query = ""
    if let mark = rest.firstIndex(of: "?") {
      query = String(rest[rest.index(after: mark)...])
      rest = rest[..<mark]
    }
    guard let slash = rest.firstIndex(of: "/") else {
      throw problem("PostgreSQL URL names no database", "Add the database name: postgres://user@host:5432/NAME.")
    }
    let authority = rest[..<slash]
    let name = try decoded(String(rest[rest.index(after: slash)...]), problem)
    guard !name.isEmpty, !name.contains("/") else {
      throw problem("PostgreSQL URL names no database", "Add the database name: postgres://user@host:5432/NAME.")
    }
    var user: String?
    var password: String?
    var hostPort = authority
    if let at = authority.lastIndex(of: "@") {
      let credentials = authority[..<at]
      hostPort = authority[authority.index(after: at)...]
      if let colon = credentials.firstIndex(of: ":") {
        user = try decoded(String(credentials[..<colon]), problem)
        password = try decoded(String(credentials[credentials.index(after: colon)...]), problem)
      } else {
        user = try decoded(String(credentials), problem)
      }
    }
    var host: String?
    var port: Int?
    if hostPort.hasPrefix("[") , let close = hostPort.firstIndex(of: "]") {
      host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
      let after = hostPort[hostPort.index(after: close)...]
      if after.hasPrefix(":") { port = try portNumber(String(after.dropFirst()), problem) }
    } else if let colon = hostPort.lastIndex(of: ":") {
      host = String(hostPort[..<colon])
      port = try portNumber(String(hostPort[hostPort.index(after: colon)...]), problem)
    } else if !hostPort.isEmpty {
      host = String(hostPort)
    }
    if let text = host { host = try decoded(text, problem) }
    var options: [(String, String)] = []
    for pair in query.split(separator: "&") where !pair.isEmpty {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = String(parts[0])
      let value = try decoded(parts.count > 1 ? String(parts[1]) : "", problem)
      guard knownOptions.contains(key) else {
        let suggestion = Suggestion.closest(to: key, in: knownOptions.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
        throw problem("unknown PostgreSQL URL option '\(key)'\(suggestion)",
                      "Options libpq takes in a URL: \(knownOptions.sorted().joined(separator: ", ")).")
      }
      if key == "connect_timeout" {
        guard wholeNumber(value, in: 0...86_400) != nil else {
          throw problem("connect_timeout must be a whole number of seconds from 0 to 86400, not '\(value)'",
                        "Write ?connect_timeout=10.")
        }
      }
      options.append((key, value))
    }
    return PostgresParameters(host: host, port: port, user: user, password: password, name: name, options: options)
  }

  private static func portNumber(_ text: String, _ problem: (String, String) -> Error) throws -> Int? {
    if text.isEmpty { return nil }
    guard let port = wholeNumber(text, in: 1...65_535) else {
      throw problem("port must be a number from 1 to 65535, not '\(text)'", "Write postgres://user@host:5432/name.")
    }
    return port
  }

  /// Digits only, through the one checked conversion: `99999999999999999999` is out of range,
  /// not a crash, and `5e3` or `-1` are not ports.
  static func wholeNumber(_ text: String, in range: ClosedRange<Int64>) -> Int? {
    guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = CheckedInteger(parsing: text)?.value, range.contains(value) else {
      return nil
    }
    return Int(value)
  }

  private static func decoded(_ text: String, _ problem: (String, String) -> Error) throws -> String {
    guard let value = text.removingPercentEncoding else {
      throw problem("malformed percent-encoding in PostgreSQL URL", "Encode reserved characters as %XX (@ is %40, : is %3A).")
    }
    return value
  }

  static func percentEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~/")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
  }
}

import Foundation
