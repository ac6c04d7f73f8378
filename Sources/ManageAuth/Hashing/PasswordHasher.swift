import Crypto
import Foundation
import _CryptoExtras

/// Django's password hashes: `pbkdf2_sha256$<iterations>$<salt>$<base64 of 32 bytes>`, with
/// PBKDF2 from swift-crypto (BoringSSL), so a hash made here logs in to Django and one made by
/// Django verifies here.
public enum PasswordHasher {
  /// Django 6.1's iteration count for PBKDF2-SHA256.
  public static let defaultIterations = 1_500_000

  /// What an encoded password is.
  public enum Algorithm: Equatable, Sendable {
    case pbkdf2SHA256, pbkdf2SHA1
    /// `!…`: a password that can never match (Django's `set_unusable_password`).
    case unusable
    /// A Django hasher manage does not implement (argon2, bcrypt, scrypt, md5, …).
    case unsupported(String)
  }

  /// Hashes `password` the way Django's `make_password` does.
  public static func make(_ password: String, iterations: Int = defaultIterations, salt: String = makeSalt()) -> String {
    "pbkdf2_sha256$\(iterations)$\(salt)$\(digest(password, salt: salt, iterations: iterations, sha256: true))"
  }

  /// A password that matches nothing, as Django writes for users created without one.
  public static func unusable() -> String { "!" + makeSalt(length: 40) }

  public static func identify(_ encoded: String) -> Algorithm {
    if encoded.hasPrefix("!") || encoded.isEmpty { return .unusable }
    let name = String(encoded.prefix { $0 != "$" })
    switch name {
    case "pbkdf2_sha256": return .pbkdf2SHA256
    case "pbkdf2_sha1": return .pbkdf2SHA1
    default: return .unsupported(name.isEmpty ? "unknown" : name)
    }
  }

  /// Whether `password` matches `encoded`, compared in constant time; throws for a hash made by
  /// a hasher manage does not implement, rather than saying "wrong password".
  public static func verify(_ password: String, against encoded: String) throws -> Bool {
    switch identify(encoded) {
    case .unusable:
      return false
    case .unsupported(let name):
      throw AuthError("the password is hashed with \(name), which manage cannot check",
                      hint: "Set a new password with `manage changepassword`; manage writes pbkdf2_sha256, Django's default.")
    case .pbkdf2SHA256, .pbkdf2SHA1:
      let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
      guard parts.count == 4, let iterations = Int(parts[1]), iterations > 0 else {
        throw AuthError("the stored password hash is malformed", hint: "Set a new password with `manage changepassword`.")
      }
      let expected = digest(password, salt: String(parts[2]), iterations: iterations, sha256: parts[0] == "pbkdf2_sha256")
      return constantTimeEqual(Array(expected.utf8), Array(parts[3].utf8))
    }
  }

  /// A salt of `length` characters from [a-zA-Z0-9], drawn from the system's CSPRNG
  /// (Django's `get_random_string`, 22 characters: about 131 bits).
  public static func makeSalt(length: Int = 22) -> String {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    var generator = SystemRandomNumberGenerator()
    return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
  }

  static func digest(_ password: String, salt: String, iterations: Int, sha256: Bool) -> String {
    let key = try! KDF.Insecure.PBKDF2.deriveKey(
      from: Array(password.utf8), salt: Array(salt.utf8), using: sha256 ? .sha256 : .insecureSHA1,
      outputByteCount: sha256 ? 32 : 20, unsafeUncheckedRounds: iterations)
    return key.withUnsafeBytes { Data($0).base64EncodedString() }
  }

  static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference = UInt8(a.count == b.count ? 0 : 1)
    for index in 0..<max(a.count, b.count) {
      difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
    }
    return difference == 0
  }
}
