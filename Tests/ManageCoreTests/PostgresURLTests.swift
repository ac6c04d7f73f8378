import Testing
@testable import ManageCore

/// `postgres://` URLs (issue 15 §1): every part read as libpq and dj-database-url read it, bad
/// parts refused with the option named, and the password never in a message.
@Suite("PostgreSQL database URLs")
struct PostgresURLTests {
  func parse(_ url: String) throws -> DatabaseURL {
    try DatabaseURL(parsing: url, baseDirectory: "/project", source: .environment("DATABASE_URL"))
  }

  @Test func everyPartIsRead() throws {
    let url = try parse("postgres://app%40corp:p%40ss:w0rd@db.internal:6543/sales%20db?sslmode=require&connect_timeout=3&options=-c%20statement_timeout%3D5000")
    let postgres = try #require(url.postgres)
    #expect(url.backend == .postgresql && url.path.isEmpty)
    #expect(postgres.user == "app@corp" && postgres.password == "p@ss:w0rd")
    #expect(postgres.host == "db.internal" && postgres.port == 6543 && postgres.name == "sales db")
    #expect(postgres.option("sslmode") == "require" && postgres.connectTimeout == 3)
    #expect(postgres.option("options") == "-c statement_timeout=5000")
    let keywords = Dictionary(postgres.libpqKeywords, uniquingKeysWith: { _, last in last })
    #expect(keywords["password"] == "p@ss:w0rd" && keywords["dbname"] == "sales db" && keywords["sslmode"] == "require")
    #expect(postgres.psqlEnvironment["PGPASSWORD"] == "p@ss:w0rd" && postgres.psqlEnvironment["PGPORT"] == "6543")
  }

  @Test func theOtherSpellingsAndASocketDirectory() throws {
    #expect(try parse("postgresql://localhost/app").postgres?.host == "localhost")
    let socket = try #require(try parse("postgres:///app?host=/var/run/postgresql").postgres)
    #expect(socket.host == nil && socket.option("host") == "/var/run/postgresql")
    #expect(Dictionary(socket.libpqKeywords, uniquingKeysWith: { _, last in last })["host"] == "/var/run/postgresql")
    #expect(try parse("postgres://[::1]:5433/app").postgres?.host == "::1")
    #expect(socket.connectTimeout == 10, "libpq would wait forever; manage waits 10 s unless told")
  }

  @Test func thePasswordNeverAppearsInWhatIsShown() throws {
    let url = try parse("postgres://app:hunter2-secret@db:5432/app?sslmode=require")
    #expect(url.description == "postgres://app:********@db:5432/app?sslmode=require")
    #expect(!url.description.contains("hunter2"))
    #expect(url.absoluteURL.contains("hunter2-secret"), "plugins get the whole URL in their environment")
    let reason = PostgresSession.redacted("FATAL: password hunter2-secret rejected", url.postgres!)
    #expect(!reason.contains("hunter2"))
  }

  @Test func badPartsAreClearErrorsWithoutThePassword() throws {
    for (url, expected) in [
      ("postgres://u:secret-pw@db:99999999999999999999/app", "port must be a number from 1 to 65535"),
      ("postgres://u:secret-pw@db:0/app", "port must be a number from 1 to 65535"),
      ("postgres://u:secret-pw@db:5432", "names no database"),
      ("postgres://u:secret-pw@db/app?sslmdoe=require", "unknown PostgreSQL URL option 'sslmdoe' (did you mean 'sslmode'?)"),
      ("postgres://u:secret-pw@db/app?connect_timeout=1e3", "connect_timeout must be a whole number of seconds"),
      ("postgres://u:secret-pw@db/app?connect_timeout=-1", "connect_timeout must be a whole number of seconds"),
    ] {
      let error = #expect(throws: SettingsError.self, "\(url)") { try parse(url) }
      #expect(error?.message.contains(expected) == true, "\(url): \(error?.message ?? "")")
      #expect(error?.message.contains("secret-pw") == false, "\(url): \(error?.message ?? "")")
      #expect(error?.message.contains("from DATABASE_URL") == true, "\(url): \(error?.message ?? "")")
    }
  }

  @Test func placeholdersAreNumberedOutsideLiteralsAndComments() {
    let (sql, count) = PostgresStatement.numberingPlaceholders(
      "SELECT '?', \"a?\", x FROM t -- why?\nWHERE a = ? AND b IN (?, ?) AND c = 'it''s ?'")
    #expect(count == 3)
    #expect(sql == "SELECT '?', \"a?\", x FROM t -- why?\nWHERE a = $1 AND b IN ($2, $3) AND c = 'it''s ?'")
  }

  @Test func textValuesBecomeTheSQLiteLayersValues() {
    func decode(_ text: String, _ type: UInt32) -> SQLValue {
      Array(text.utf8).withUnsafeBytes { PostgresValue.decode($0, type: type) }
    }
    #expect(decode("t", 16) == .integer(1) && decode("f", 16) == .integer(0))
    #expect(decode("9223372036854775807", 20) == .integer(Int64.max))
    #expect(decode("2026-12-01 10:00:00.5+00", 1184) == .text("2026-12-01 10:00:00.500000"))
    #expect(decode("2026-12-01 10:00:00+00", 1184) == .text("2026-12-01 10:00:00.000000"))
    #expect(decode("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", 2950) == .text("a0eebc999c0b4ef8bb6d6bb9bd380a11"))
    #expect(decode("P1DT2H3M4.5S", 1186) == .integer(93_784_500_000))
    #expect(decode("PT-0.000001S", 1186) == .integer(-1))
    #expect(decode("\\x00ff10", 17) == .blob([0, 255, 16]))
    #expect(decode("12345678901234567890.0123456789", 1700) == .text("12345678901234567890.0123456789"), "numeric keeps its digits")
  }
}
