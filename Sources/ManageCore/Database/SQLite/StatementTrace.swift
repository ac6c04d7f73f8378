import CSQLite

/// Receives each statement's SQL, with its bound values written in, as it starts.
final class StatementTraceBox {
  let body: (String) -> Void
  init(_ body: @escaping (String) -> Void) { self.body = body }
}

extension Connection {
  /// Calls `body` with the expanded SQL of every statement this connection runs (the
  /// shell's `.sql`), or stops tracing when nil.
  public func traceStatements(_ body: ((String) -> Void)?) {
    traceBox = body.map(StatementTraceBox.init)
    // PostgreSQL statements report themselves to the box (PostgresStatement.ensureExecuted).
    guard backend == .sqlite else { return }
    guard let box = traceBox else {
      sqlite3_trace_v2(handle, 0, nil, nil)
      return
    }
    sqlite3_trace_v2(handle, UInt32(SQLITE_TRACE_STMT), { _, context, statement, _ in
      guard let context, let statement else { return 0 }
      let box = Unmanaged<StatementTraceBox>.fromOpaque(context).takeUnretainedValue()
      if let expanded = sqlite3_expanded_sql(OpaquePointer(statement)) {
        box.body(String(cString: expanded))
        sqlite3_free(expanded)
      }
      return 0
    }, Unmanaged.passUnretained(box).toOpaque())
  }
}
