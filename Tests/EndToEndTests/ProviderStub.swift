import Foundation

/// Support/llm_provider.py on a loopback port: a model provider speaking OpenAI's and
/// Anthropic's formats, and a webhook receiver, answering from a script and logging every
/// request (path, headers, body, start and end times, requests open at its start).
final class ProviderStub {
  struct Reply {
    var status = 200
    var content = ""
    var delay = 0.0
    var headers: [String: String] = [:]

    var json: [String: Any] { ["status": status, "content": content, "delay": delay, "headers": headers] }
  }

  struct Request {
    var path: String
    var headers: [String: String]
    var body: String
    var start: Double
    var end: Double
    var open: Int
    var status: Int
  }

  let port: Int
  let pid: pid_t
  let directory: TemporaryDirectory
  var logPath: String { directory.path + "/requests.jsonl" }
  var url: String { "http://127.0.0.1:\(port)" }

  init(replies: [Reply] = [], default fallback: Reply) throws {
    directory = try TemporaryDirectory()
    let script: [String: Any] = ["replies": replies.map(\.json), "default": fallback.json]
    try directory.write("script.json", String(decoding: try JSONSerialization.data(withJSONObject: script), as: UTF8.self))
    pid = try Manage.startProgram(
      ["python3", Manage.repository + "/Tests/EndToEndTests/Support/llm_provider.py", directory.path + "/script.json", directory.path + "/requests.jsonl"],
      in: directory.path, output: directory.path + "/server")
    var found: Int?
    for _ in 0..<100 where found == nil {
      usleep(50_000)
      found = (try? String(contentsOfFile: directory.path + "/server.out", encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
    guard let found else { throw CocoaError(.fileReadUnknown) }
    port = found
  }

  deinit {
    kill(pid, SIGKILL)
    _ = Manage.wait(pid)
  }

  /// Every request so far, in the order they finished.
  var requests: [Request] {
    let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
      return Request(
        path: object["path"] as? String ?? "", headers: object["headers"] as? [String: String] ?? [:], body: object["body"] as? String ?? "",
        start: object["start"] as? Double ?? 0, end: object["end"] as? Double ?? 0, open: object["open"] as? Int ?? 0,
        status: object["status"] as? Int ?? 0)
    }
  }
}
