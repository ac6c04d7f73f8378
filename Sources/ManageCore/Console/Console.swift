/// Where a command writes: human output to stdout, diagnostics to stderr, colour only on a
/// terminal and never under `NO_COLOR` or `--no-color`, detail gated by `-v/--verbosity`.
public struct Console: Sendable {
  /// Django's verbosity: 0 minimal, 1 normal, 2 verbose, 3 very verbose.
  public let verbosity: Int
  public let colorsOutput: Bool
  public let colorsError: Bool
  private var output: OutputStream
  private var error: OutputStream

  /// - Parameters:
  ///   - verbosity: 0...3.
  ///   - color: `nil` decides per stream (a TTY, no `NO_COLOR`, `TERM` not `dumb`); `true`
  ///     forces colour (`--force-color`), `false` turns it off (`--no-color`).
  ///   - environment: the environment to read `NO_COLOR` and `TERM` from.
  public init(
    verbosity: Int = 1, color: Bool? = nil, environment: [String: String] = [:],
    output: OutputStream = .standardOutput, error: OutputStream = .standardError
  ) {
    self.verbosity = verbosity
    self.output = output
    self.error = error
    let allowed = (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    colorsOutput = color ?? (allowed && output.isTerminal)
    colorsError = color ?? (allowed && error.isTerminal)
  }

  /// Writes `text` to stdout, followed by a newline unless `terminator` says otherwise.
  public func print(_ text: String, style: Style? = nil, terminator: String = "\n") {
    var stream = output
    stream.write(styled(text, style, colorsOutput) + terminator)
  }

  /// Writes `text` to stderr.
  public func printError(_ text: String, style: Style? = nil, terminator: String = "\n") {
    var stream = error
    stream.write(styled(text, style, colorsError) + terminator)
  }

  /// Writes to stdout only when the verbosity is at least `level`.
  public func print(atVerbosity level: Int, _ text: String, style: Style? = nil) {
    if verbosity >= level { print(text, style: style) }
  }

  /// `text` in `style` for stdout, or unchanged when stdout takes no colour.
  public func style(_ text: String, _ style: Style) -> String { styled(text, style, colorsOutput) }

  /// `text` in `style` for stderr, or unchanged when stderr takes no colour.
  public func styleError(_ text: String, _ style: Style) -> String { styled(text, style, colorsError) }

  private func styled(_ text: String, _ style: Style?, _ enabled: Bool) -> String {
    guard enabled, let style, !text.isEmpty else { return text }
    return "\u{1B}[\(style.sgr)m\(text)\u{1B}[0m"
  }
}
