import Crypto
import Foundation

/// HMAC-SHA256 under a key derived from `secret_key` and a purpose (Django's `salted_hmac`), so
/// a signature made for sessions is worthless as a CSRF token or a password hash check.
public struct Signer: Sendable {
  private let keyBytes: Data
  private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

  public init(secret: String, purpose: String) {
    keyBytes = Data(SHA256.hash(data: Data((purpose + secret).utf8)))
  }

  /// The signature of `value`, URL-safe base64 without padding.
  public func signature(_ value: String) -> String {
    Self.base64URL(Data(HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key)))
  }

  /// `value:signature`.
  public func sign(_ value: String) -> String { value + ":" + signature(value) }

  /// The value when its signature is right, else nil. Compared in constant time.
  public func unsign(_ signed: String) -> String? {
    guard let colon = signed.lastIndex(of: ":") else { return nil }
    let value = String(signed[..<colon])
    return Self.constantTimeEqual(signature(value), String(signed[signed.index(after: colon)...])) ? value : nil
  }

  public static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8), right = Array(rhs.utf8)
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
  }

  public static func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// `count` random characters from `[a-zA-Z0-9]` (Django's get_random_string), from the system's CSPRNG.
  public static func randomString(_ count: Int, alphabet: String = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") -> String {
    let characters = Array(alphabet)
    var generator = SystemRandomNumberGenerator()
    return String((0..<count).map { _ in characters[Int.random(in: 0..<characters.count, using: &generator)] })
  }
}
