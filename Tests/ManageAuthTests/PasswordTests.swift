import Foundation
import Testing
import ManageCore
@testable import ManageAuth

@Suite("Django-compatible password hashes")
struct PasswordHasherTests {
  struct Vector: Decodable { var password: String; var encoded: String }
  struct Vectors: Decodable { var django: String; var cases: [Vector] }

  static let vectors: [Vector] = {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixtures/auth/django_hashes.json")
    return (try? JSONDecoder().decode(Vectors.self, from: Data(contentsOf: path)))?.cases ?? []
  }()

  @Test func djangosHashesVerifyAndWrongPasswordsDoNot() throws {
    #expect(Self.vectors.count == 4)
    for vector in Self.vectors {
      #expect(try PasswordHasher.verify(vector.password, against: vector.encoded), "\(vector.encoded)")
      #expect(try !PasswordHasher.verify(vector.password + "x", against: vector.encoded))
    }
  }

  @Test func madeHashesHaveDjangosFormAndVerify() throws {
    let encoded = PasswordHasher.make("hunter2!", iterations: 1000)
    let parts = encoded.split(separator: "$")
    #expect(parts.count == 4)
    #expect(parts[0] == "pbkdf2_sha256" && parts[1] == "1000")
    #expect(parts[2].count == 22 && parts[2].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    #expect(Data(base64Encoded: String(parts[3]))?.count == 32)
    #expect(try PasswordHasher.verify("hunter2!", against: encoded))
    #expect(PasswordHasher.make("same", iterations: 1000) != PasswordHasher.make("same", iterations: 1000), "fresh salt each time")
    // The same salt and iterations as Django give Django's hash exactly.
    let django = Self.vectors[0]
    let salt = String(django.encoded.split(separator: "$")[2])
    #expect(PasswordHasher.make(django.password, iterations: 1_000_000, salt: salt) == django.encoded)
  }

  @Test func unusableAndUnsupportedHashes() throws {
    #expect(try !PasswordHasher.verify("anything", against: PasswordHasher.unusable()))
    #expect(PasswordHasher.unusable().hasPrefix("!"))
    for encoded in ["argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHQ$aGFzaA", "bcrypt_sha256$$2b$12$abc", "scrypt$16384$salt$8$1$hash"] {
      let error = #expect(throws: AuthError.self) { try PasswordHasher.verify("x", against: encoded) }
      #expect(error?.message.contains("which manage cannot check") == true)
    }
    #expect(throws: AuthError.self) { try PasswordHasher.verify("x", against: "pbkdf2_sha256$notanumber$salt$hash") }
  }
}

@Suite("Password validators, with Django's messages")
struct PasswordValidatorTests {
  let validators = PasswordValidators()

  @Test func shortCommonNumericAndSimilar() {
    #expect(validators.problems("12345678", user: nil) == ["This password is too common.", "This password is entirely numeric."])
    #expect(validators.problems("qz7", user: nil) == ["This password is too short. It must contain at least 8 characters."])
    #expect(validators.problems("PASSWORD", user: nil) == ["This password is too common."], "compared lowercased")
    #expect(validators.problems("Tr0ub4dor&3-horse", user: nil).isEmpty)
    #expect(validators.problems("johnsmith1", user: UserAttributes(username: "johnsmith")) == ["The password is too similar to the username."])
    #expect(validators.problems("someone@example", user: UserAttributes(username: "x", email: "someone@example.com")) == ["The password is too similar to the email address."])
    #expect(validators.problems("a-long-unrelated-passphrase", user: UserAttributes(username: "bo")).isEmpty, "short parts are ignored")
  }

  @Test func quickRatioMatchesPython() {
    // difflib.SequenceMatcher(a="password", b="pass").quick_ratio() == 0.6666…
    #expect(abs(PasswordValidators.quickRatio(Array("password"), Array("pass")) - 2.0 * 4 / 12) < 1e-9)
    #expect(PasswordValidators.quickRatio(Array("abc"), Array("xyz")) == 0)
  }

  @Test func settingsTuneThem() throws {
    let settings = try Settings.embeddedDefaults(directory: "/", environment: [:])
    var tuned = settings
    tuned.document = try YAMLFile.parse("password_validators: {minimum_length: 12, common_passwords: false}", displayPath: "manage.yaml")
    let configured = try PasswordValidators(settings: tuned)
    #expect(configured.problems("password", user: nil) == ["This password is too short. It must contain at least 12 characters."])
    tuned.document = try YAMLFile.parse("password_validators: {minimum: 3}", displayPath: "manage.yaml")
    #expect(throws: AuthError.self) { try PasswordValidators(settings: tuned) }
  }

  @Test func usernamesAndEmails() {
    #expect(UserFields.usernameProblem("alice.b+c@d_e-f") == nil)
    #expect(UserFields.usernameProblem("bad name") == "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.")
    #expect(UserFields.usernameProblem(String(repeating: "a", count: 151)) == "Ensure this value has at most 150 characters (it has 151).")
    #expect(UserFields.isValidEmail("a@b.co") && UserFields.isValidEmail("first.last+tag@sub.example.org"))
    #expect(!UserFields.isValidEmail("nope") && !UserFields.isValidEmail("a@b") && !UserFields.isValidEmail("a b@c.de"))
  }
}
