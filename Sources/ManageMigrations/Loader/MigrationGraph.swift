import ManageCore

/// Migrations as a dependency graph: plans forwards and backwards, finds leaves, roots,
/// conflicts and cycles. Every ordering is deterministic (ties broken by app, then name).
public struct MigrationGraph: Sendable {
  public private(set) var nodes: Set<MigrationKey> = []
  /// What each migration depends on.
  public private(set) var parents: [MigrationKey: [MigrationKey]] = [:]
  /// What depends on each migration.
  public private(set) var children: [MigrationKey: [MigrationKey]] = [:]

  public init() {}

  mutating func add(_ key: MigrationKey) {
    nodes.insert(key)
    if parents[key] == nil { parents[key] = [] }
    if children[key] == nil { children[key] = [] }
  }

  mutating func addDependency(from child: MigrationKey, to parent: MigrationKey) {
    parents[child, default: []].append(parent)
    children[parent, default: []].append(child)
  }

  /// The migrations of `app` nothing else in the app depends on: one, unless branches conflict.
  public func leaves(of app: String) -> [MigrationKey] {
    nodes.filter { $0.app == app && !(children[$0] ?? []).contains { $0.app == app } }.sorted()
  }

  /// The migrations of `app` that depend on no other migration of the app.
  public func roots(of app: String) -> [MigrationKey] {
    nodes.filter { $0.app == app && !(parents[$0] ?? []).contains { $0.app == app } }.sorted()
  }

  /// Every leaf of every app.
  public var allLeaves: [MigrationKey] {
    Set(nodes.map(\.app)).sorted().flatMap { leaves(of: $0) }
  }

  /// Apps with more than one leaf.
  public var conflicts: [String: [MigrationKey]] {
    var result: [String: [MigrationKey]] = [:]
    for app in Set(nodes.map(\.app)) {
      let appLeaves = leaves(of: app)
      if appLeaves.count > 1 { result[app] = appLeaves }
    }
    return result
  }

  /// `target` and everything it needs, dependencies first.
  public func forwardsPlan(_ target: MigrationKey) -> [MigrationKey] {
    postOrder(from: [target], next: { parents[$0] ?? [] })
  }

  /// `target` and everything that needs it, dependents first.
  public func backwardsPlan(_ target: MigrationKey) -> [MigrationKey] {
    postOrder(from: [target], next: { children[$0] ?? [] })
  }

  /// Every migration, dependencies first.
  public var orderedNodes: [MigrationKey] {
    postOrder(from: allLeaves + nodes.sorted(), next: { parents[$0] ?? [] })
  }

  /// Depth-first post-order without recursion (a long chain of migrations must not overflow
  /// the stack).
  private func postOrder(from starts: [MigrationKey], next: (MigrationKey) -> [MigrationKey]) -> [MigrationKey] {
    var visited: Set<MigrationKey> = []
    var result: [MigrationKey] = []
    for start in starts where !visited.contains(start) {
      var stack: [(MigrationKey, [MigrationKey])] = [(start, next(start).sorted().reversed())]
      visited.insert(start)
      while !stack.isEmpty {
        if let candidate = stack[stack.count - 1].1.popLast() {
          if !visited.contains(candidate) {
            visited.insert(candidate)
            stack.append((candidate, next(candidate).sorted().reversed()))
          }
        } else {
          result.append(stack.removeLast().0)
        }
      }
    }
    return result
  }

  /// Throws when dependencies go round in a circle, naming it.
  public func checkForCycles() throws {
    var state: [MigrationKey: Int] = [:]  // 1 visiting, 2 done
    for start in nodes.sorted() where state[start] == nil {
      var stack: [(MigrationKey, [MigrationKey])] = [(start, (parents[start] ?? []).sorted())]
      state[start] = 1
      while !stack.isEmpty {
        if let next = stack[stack.count - 1].1.popLast() {
          switch state[next] {
          case 1:
            let path = stack.map(\.0)
            let cycle = (path.drop(while: { $0 != next }) + [next]).map(\.description)
            throw MigrationError("Circular dependency between migrations: \(cycle.joined(separator: " -> "))",
                                 hint: "Remove one of these dependencies from its migration file.")
          case nil:
            state[next] = 1
            stack.append((next, (parents[next] ?? []).sorted()))
          default:
            break
          }
        } else {
          state[stack.removeLast().0] = 2
        }
      }
    }
  }
}
