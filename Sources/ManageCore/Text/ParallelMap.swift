import Foundation

/// Maps `items` on all cores, keeping order; the first error thrown wins.
public func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) throws -> R) throws -> [R] {
  if items.count < 2 { return try items.map(transform) }
  let results = ResultSlots<R>(count: items.count)
  DispatchQueue.concurrentPerform(iterations: items.count) { index in
    results.set(index, Result { try transform(items[index]) })
  }
  return try results.values.map { try $0!.get() }
}

/// Fixed slots written once each from concurrent iterations.
private final class ResultSlots<R>: @unchecked Sendable {
  private var slots: [Result<R, any Error>?]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ value: Result<R, any Error>) {
    lock.lock()
    slots[index] = value
    lock.unlock()
  }

  var values: [Result<R, any Error>?] {
    lock.lock()
    defer { lock.unlock() }
    return slots
  }
}
