// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "manage",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "manage", targets: ["manage"]),
    .library(name: "ManageCore", targets: ["ManageCore"]),
    .library(name: "ManageProject", targets: ["ManageProject"]),
    .library(name: "ManageMigrations", targets: ["ManageMigrations"]),
    .library(name: "ManageAuth", targets: ["ManageAuth"]),
    .library(name: "ManageShell", targets: ["ManageShell"]),
    .library(name: "ManageJobs", targets: ["ManageJobs"]),
    .library(name: "ManageEvals", targets: ["ManageEvals"]),
    .library(name: "ManageServer", targets: ["ManageServer"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    // Already a dependency of Hummingbird; named for NIOHTTPTypes (runserver's connection guard).
    .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
  ],
  targets: [
    // The system SQLite and readline, linked rather than vendored (libsqlite3-dev, libreadline-dev).
    .systemLibrary(
      name: "CSQLite", pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
    // libpq for the PostgreSQL backend: the C client psycopg, and so Django, uses. Loaded with
    // dlopen on the first PostgreSQL connection (see include/manage_libpq.h for why), so
    // building needs no libpq headers and SQLite commands do not pay for its libraries.
    .target(name: "CPostgreSQL", linkerSettings: [.linkedLibrary("dl")]),
    .systemLibrary(
      name: "CReadline",
      providers: [.apt(["libreadline-dev"]), .brew(["readline"])]),

    // The shared core: settings, apps, schema, SQLite, console and the command protocol.
    .target(
      name: "ManageCore",
      dependencies: [
        "CSQLite", "CPostgreSQL",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Yams", package: "Yams"),
        .product(name: "Logging", package: "swift-log"),
      ]),

    // Project-level commands: check, startproject, startapp, completion, manpages.
    .target(name: "ManageProject", dependencies: ["ManageCore"]),

    // Migrations: state, operations, autodetector, loader, graph, executor, recorder, writer,
    // optimizer, the SQLite schema editor, and makemigrations/migrate/showmigrations/….
    .target(
      name: "ManageMigrations",
      dependencies: ["ManageCore", .product(name: "Crypto", package: "swift-crypto")]),

    // Auth: Django-compatible password hashing (PBKDF2 from swift-crypto's BoringSSL) and
    // validators, the user store, createsuperuser and changepassword.
    .target(
      name: "ManageAuth",
      dependencies: [
        "ManageCore", "ManageMigrations",
        .product(name: "_CryptoExtras", package: "swift-crypto"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),

    // The shell: the Python subset (lexer, parser, interpreter) over ManageCore's QuerySet,
    // the readline REPL with completion and history, shell and dbshell.
    .target(name: "ManageShell", dependencies: ["ManageCore", "ManageMigrations", "CReadline", "CSQLite", "CPostgreSQL"]),

    // Jobs: tasks (tasks.yaml and Swift closures), the durable queue in jobs_job, the worker,
    // and enqueue, worker and jobs.
    // Providers (the http one, command, recorded) live here too: llm tasks and eval suites share them.
    .target(name: "CSpawn"),
    // TLS for the http providers and webhook tasks, on the system's OpenSSL (libssl-dev).
    .target(name: "CTLS", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
    .target(
      name: "ManageJobs",
      dependencies: ["ManageCore", "ManageMigrations", "CSpawn", "CTLS", .product(name: "Crypto", package: "swift-crypto")]),

    // Evals: suites (YAML golden sets), providers, scorers, the runner and `manage evals`.
    .target(
      name: "ManageEvals",
      dependencies: ["ManageCore", "ManageMigrations", "ManageJobs", "CTLS", .product(name: "Crypto", package: "swift-crypto")]),

    // runserver on Hummingbird 2: the admin, the JSON API, the enqueue endpoint, sessions,
    // CSRF and the security headers, and createtoken.
    .target(
      name: "ManageServer",
      dependencies: [
        "ManageCore", "ManageMigrations", "ManageAuth", "ManageJobs", "ManageEvals",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),

    // The executable: wires every module's command list into the dispatcher.
    .executableTarget(name: "manage", dependencies: ["ManageCore", "ManageProject", "ManageMigrations", "ManageAuth", "ManageShell", "ManageJobs", "ManageEvals", "ManageServer"]),

    // Issue 6's figures: `swift run -c release manage-jobs-benchmark` (Benchmarks/jobs_speed.py).
    .executableTarget(
      name: "manage-jobs-benchmark", dependencies: ["ManageCore", "ManageJobs", "ManageMigrations", "CSpawn"],
      path: "Benchmarks/JobsBenchmark"),

    // Seeded, bounded fuzzing helpers for the test targets (Tests/FuzzSupport).
    .target(name: "FuzzSupport", path: "Tests/FuzzSupport"),
    // Scratch databases on the PostgreSQL test cluster for the tests that run on both backends.
    .target(name: "TestDatabases", dependencies: ["ManageCore"], path: "Tests/TestDatabases"),
    .testTarget(name: "ManageCoreTests", dependencies: ["ManageCore", "FuzzSupport", "TestDatabases"]),
    .testTarget(name: "ManageProjectTests", dependencies: ["ManageProject", "ManageCore"]),
    .testTarget(name: "ManageMigrationsTests", dependencies: ["FuzzSupport", "TestDatabases", "ManageMigrations", "ManageCore"]),
    .testTarget(name: "ManageShellTests", dependencies: ["FuzzSupport", "TestDatabases", "ManageShell", "ManageCore", "ManageMigrations"]),
    .testTarget(name: "ManageJobsTests", dependencies: ["FuzzSupport", "ManageJobs", "ManageCore", "ManageMigrations"]),
    .testTarget(name: "ManageEvalsTests", dependencies: ["ManageEvals", "ManageJobs", "ManageCore", "CTLS"]),
    .testTarget(name: "ManageServerTests", dependencies: ["FuzzSupport", "ManageServer", "ManageCore", "ManageMigrations", "ManageAuth"]),
    .testTarget(name: "ManageAuthTests", dependencies: ["ManageAuth", "ManageCore"]),
    // Runs the built binary as a subprocess against temporary copies of Fixtures/.
    .testTarget(name: "EndToEndTests", dependencies: ["manage", "ManageCore", "TestDatabases", .product(name: "Crypto", package: "swift-crypto")], exclude: ["Support"]),
  ],
  swiftLanguageModes: [.v6]
)
