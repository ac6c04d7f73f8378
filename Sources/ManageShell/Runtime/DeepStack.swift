import Glibc

/// Runs shell code on a thread with a large stack. The interpreter walks expressions
/// recursively and the parser admits trees up to `Parser.maximumDepth` deep (CPython's limit
/// is of the same order); the stacks of Swift's task threads are too small for that, so every
/// input runs here and a deep expression is a RecursionError, never a SIGSEGV.
enum DeepStack {
  /// Virtual size only: pages are committed as the recursion touches them.
  static let size = 512 * 1024 * 1024

  static func run<T>(_ body: () throws -> T) throws -> T {
    var result: Result<T, Error>?
    func work() { result = Result { try body() } }
    withoutActuallyEscaping(work) { escapable in onLargeStack(escapable) }
    return try result!.get()
  }

  /// Runs `work` on a new thread with `size` bytes of stack and waits for it; on the calling
  /// thread if no thread can be had (a process limit).
  private static func onLargeStack(_ work: @escaping () -> Void) {
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, size)
    var thread = pthread_t()
    let context = Unmanaged.passRetained(Work(work)).toOpaque()
    let started = pthread_create(&thread, &attributes, { raw in
      Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue().body()
      return nil
    }, context)
    guard started == 0 else {
      Unmanaged<Work>.fromOpaque(context).release()
      work()
      return
    }
    pthread_join(thread, nil)
  }

  /// The closure handed to the thread; the caller waits for the thread, so nothing runs it
  /// from two threads at once.
  private final class Work: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
  }
}
