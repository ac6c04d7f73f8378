import Crypto
import Foundation
import ManageCore

/// A `webhook:` task of tasks.yaml ("notify Slack"): POSTs the payload, or a template of it,
/// as JSON, signed with HMAC-SHA256 over `TIMESTAMP.BODY` with the secret in `secret_env`.
///
/// ```yaml
/// notify_slack:
///   webhook: {url: "https://hooks.example.com/T0/B0", secret_env: SLACK_WEBHOOK_SECRET}
///   body: {text: "Document {{payload.document_id}} is done"}   # default: the payload
///   max_retries: 5
/// ```
///
/// The receiver checks `X-Manage-Signature: sha256=HEX` against its own HMAC of
/// `X-Manage-Timestamp` + "." + the raw body, and refuses stale timestamps (replays). 408, 429,
/// 5xx and network errors are failed attempts, retried with the task's backoff; any other
/// status is final (a 4xx will not mend by asking again). The status is kept on the job.
public struct WebhookTask: Sendable {
  public var url: TaskTemplate
  /// The environment variable holding the signing secret; nil sends unsigned.
  public var secretVariable: String?
  public var body: TaskTemplate?
  /// Seconds to wait for the receiver.
  public var timeout: Double = 30

  public static let signatureHeader = "X-Manage-Signature"
  public static let timestampHeader = "X-Manage-Timestamp"

  /// `sha256=` and the hex HMAC-SHA256 of `timestamp.body` under `secret`.
  public static func signature(secret: String, timestamp: Int64, body: Data) -> String {
    let key = SymmetricKey(data: Data(secret.utf8))
    let message = Data("\(timestamp).".utf8) + body
    return "sha256=" + HMAC<SHA256>.authenticationCode(for: message, using: key).map { String(format: "%02x", $0) }.joined()
  }

  /// What one delivery did.
  public struct Delivery: Sendable {
    public var status: Int?
    public var error: String?
    public var retryable: Bool
    public var details: [(String, ModelValue)]
  }

  /// POSTs the job's body (on the job's thread).
  public func deliver(_ job: Job, environment: [String: String], now: Date = Date()) -> Delivery {
    let context = TaskTemplate.runContext(job)
    var details: [(String, ModelValue)] = []
    do {
      let address = try url.text(context)
      guard let target = URL(string: address), target.scheme == "http" || target.scheme == "https", target.host != nil else {
        return Delivery(status: nil, error: "the webhook url '\(address)' is not an http:// or https:// URL", retryable: false, details: [])
      }
      details.append(("url", .text(address)))
      let value = try body?.render(context) ?? job.payload
      let data = Data(value.jsonText.utf8)
      let timestamp = Int64(now.timeIntervalSince1970)
      var headers = [(Self.timestampHeader, String(timestamp)), ("User-Agent", "manage-webhook"), ("X-Manage-Job", String(job.id))]
      if let secretVariable {
        guard let secret = environment[secretVariable], !secret.isEmpty else {
          return Delivery(status: nil, error: "the signing secret \(secretVariable) is not set in the worker's environment", retryable: true, details: details)
        }
        headers.append((Self.signatureHeader, Self.signature(secret: secret, timestamp: timestamp, body: data)))
      }
      let started = Date()
      let response = try HTTPClient.post(target, headers: headers, body: data, timeout: timeout)
      details.append(("status", .int(Int64(response.status))))
      details.append(("latency_ms", .double((Date().timeIntervalSince(started) * 10_000).rounded() / 10)))
      let text = String(decoding: response.body.prefix(2000), as: UTF8.self)
      if !text.isEmpty { details.append(("response", .text(text))) }
      if (200..<300).contains(response.status) { return Delivery(status: response.status, error: nil, retryable: false, details: details) }
      let retryable = [408, 429].contains(response.status) || (500...599).contains(response.status)
      return Delivery(
        status: response.status,
        error: "the receiver answered HTTP \(response.status)" + (retryable ? "" : " (not retried: only 408, 429 and 5xx are)") + (text.isEmpty ? "" : ": \(text.prefix(300))"),
        retryable: retryable, details: details)
    } catch let error as ManageError {
      return Delivery(status: nil, error: error.message, retryable: (error as? ProviderError)?.retryable ?? true, details: details)
    } catch {
      return Delivery(status: nil, error: "\(error)", retryable: true, details: details)
    }
  }
}
