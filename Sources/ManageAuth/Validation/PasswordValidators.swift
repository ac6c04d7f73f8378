import Foundation
import ManageCore

/// What the similarity validator compares a password with.
public struct UserAttributes: Sendable {
  public var username: String
  public var firstName = ""
  public var lastName = ""
  public var email = ""

  public init(username: String, firstName: String = "", lastName: String = "", email: String = "") {
    self.username = username
    self.firstName = firstName
    self.lastName = lastName
    self.email = email
  }
}

/// Django's four default validators, with its messages. `password_validators:` in manage.yaml
/// tunes them (`minimum_length`, `user_attribute_similarity`, `common_passwords`, `numeric`).
public struct PasswordValidators: Sendable {
  public var minimumLength = 8
  /// Django's `max_similarity`; nil turns the check off.
  public var maximumSimilarity: Double? = 0.7
  public var rejectCommon = true
  public var rejectNumeric = true

  public init() {}

  /// Reads `password_validators:`; unknown keys and wrong types are errors at their line.
  public init(settings: Settings) throws {
    guard let node = settings["password_validators"] else { return }
    guard let entries = node.entries else {
      throw AuthError("\(node.location): 'password_validators' must be a mapping",
                      hint: "Write password_validators: {minimum_length: 10}.")
    }
    for entry in entries {
      switch (entry.key, entry.value.value) {
      case ("minimum_length", .int(let length)): minimumLength = length
      case ("user_attribute_similarity", .float(let ratio)): maximumSimilarity = ratio
      case ("user_attribute_similarity", .bool(false)): maximumSimilarity = nil
      case ("common_passwords", .bool(let flag)): rejectCommon = flag
      case ("numeric", .bool(let flag)): rejectNumeric = flag
      default:
        throw AuthError(
          "\(entry.keyLocation): unknown or mistyped password validator setting '\(entry.key)'",
          hint: "Use minimum_length (a number), user_attribute_similarity (0.0 to 1.0, or false), common_passwords and numeric (true/false).")
      }
    }
  }

  /// Every problem with `password`, in Django's order and words; empty when it passes.
  public func problems(_ password: String, user: UserAttributes?) -> [String] {
    var messages: [String] = []
    if let user, let maximumSimilarity, let attribute = Self.similarAttribute(password, user: user, maximum: maximumSimilarity) {
      messages.append("The password is too similar to the \(attribute).")
    }
    if password.count < minimumLength {
      messages.append("This password is too short. It must contain at least \(minimumLength) character\(minimumLength == 1 ? "" : "s").")
    }
    if rejectCommon && CommonPasswords.contains(password) { messages.append("This password is too common.") }
    if rejectNumeric && !password.isEmpty && password.allSatisfy(\.isNumber) { messages.append("This password is entirely numeric.") }
    return messages
  }

  /// Django's UserAttributeSimilarityValidator: the verbose name of the first attribute (or
  /// part of one, split on non-word characters) whose `quick_ratio` with the password reaches
  /// the maximum, skipping parts too short to matter.
  static func similarAttribute(_ password: String, user: UserAttributes, maximum: Double) -> String? {
    let lowered = Array(password.lowercased())
    let attributes = [("username", user.username), ("first name", user.firstName), ("last name", user.lastName), ("email address", user.email)]
    for (name, value) in attributes where !value.isEmpty {
      let valueLower = value.lowercased()
      let parts = valueLower.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init) + [valueLower]
      for part in parts {
        let lengthBound = maximum / 2 * Double(lowered.count)
        if lowered.count >= 10 * part.count && Double(part.count) < lengthBound { continue }
        if quickRatio(lowered, Array(part)) >= maximum { return name }
      }
    }
    return nil
  }

  /// Python's `SequenceMatcher.quick_ratio`: twice the shared characters (as multisets) over
  /// the total length.
  static func quickRatio(_ a: [Character], _ b: [Character]) -> Double {
    guard !a.isEmpty || !b.isEmpty else { return 1 }
    var counts: [Character: Int] = [:]
    for character in b { counts[character, default: 0] += 1 }
    var matches = 0
    for character in a {
      if let count = counts[character], count > 0 {
        counts[character] = count - 1
        matches += 1
      }
    }
    return 2 * Double(matches) / Double(a.count + b.count)
  }
}

/// The common password list, as a set built on first use.
enum CommonPasswords {
  static let set: Set<Substring> = Set(CommonPasswordList.text.split(separator: "\n"))

  /// Compared lowercased and trimmed, as Django does.
  static func contains(_ password: String) -> Bool {
    set.contains(Substring(password.lowercased().trimmingCharacters(in: .whitespaces)))
  }
}
