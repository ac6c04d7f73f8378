import ArgumentParser

/// How `manage shell` prints results: aligned tables for people, JSON or CSV for scripts.
public enum ShellFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case table, json, csv
}
