/// Python's int past 64 bits: a sign and a magnitude in base 2^32, least significant limb
/// first, with no leading zero limbs (zero is the empty magnitude). The shell keeps an int in
/// `ModelValue.int` while it fits and moves here only when it does not, so `2**64` is
/// 18446744073709551616 and `10**20` is right, as in Python.
///
/// Sizes are bounded (`maximumBits`), as CPython bounds int-to-str conversion at 4,300 digits:
/// an operation whose result would be larger is Python's OverflowError, found before the work
/// is done, never a long computation or an allocation that kills the process.
struct BigInteger: Hashable, Sendable {
  /// About 19,700 decimal digits: every product and quotient of two such numbers takes
  /// milliseconds by schoolbook arithmetic.
  static let maximumBits = 65_536
  /// CPython's default `sys.get_int_max_str_digits()`.
  static let maximumDecimalDigits = 4_300

  private(set) var negative: Bool
  private(set) var magnitude: [UInt32]

  init(negative: Bool, magnitude: [UInt32]) {
    var limbs = magnitude
    while limbs.last == 0 { limbs.removeLast() }
    self.magnitude = limbs
    self.negative = negative && !limbs.isEmpty
  }

  init(_ value: Int64) {
    let size = value.magnitude
    self.init(negative: value < 0, magnitude: [UInt32(truncatingIfNeeded: size), UInt32(truncatingIfNeeded: size >> 32)])
  }

  /// Python's `int(float)`: the value truncated toward zero; nil for NaN and infinities.
  init?(truncating number: Double) {
    guard number.isFinite else { return nil }
    let whole = number.rounded(.towardZero)
    if whole == 0 {
      self.init(negative: false, magnitude: [])
      return
    }
    // whole = significand * 2^(exponent - 52), with the significand's implicit leading bit.
    let significand = (UInt64(1) << 52) | whole.significandBitPattern
    let shift = Int(whole.exponent) - 52
    let base = BigInteger(negative: false, magnitude: [UInt32(truncatingIfNeeded: significand), UInt32(truncatingIfNeeded: significand >> 32)])
    let shifted = shift >= 0 ? base.shiftedLeft(by: shift) : base.shiftedRight(by: -shift)
    self.init(negative: whole < 0, magnitude: shifted.magnitude)
  }

  /// Decimal digits with an optional sign and Python's `_` separators (`-1_000`); nil when
  /// the text is not an integer. Throws past `maximumDecimalDigits`, as CPython does.
  init?(decimal text: Substring) throws {
    var body = text[...]
    let negative = body.first == "-"
    if negative || body.first == "+" { body = body.dropFirst() }
    guard let first = body.first, first != "_", body.last != "_", !body.contains("__") else { return nil }
    let digits = body.filter { $0 != "_" }
    guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    if digits.count > Self.maximumDecimalDigits {
      throw PythonError(
        "ValueError",
        "Exceeds the limit (\(Self.maximumDecimalDigits) digits) for integer string conversion: value has \(digits.count) digits; use sys.set_int_max_str_digits() to increase the limit")
    }
    var limbs: [UInt32] = []
    var chunk: UInt32 = 0
    var chunkScale: UInt32 = 1
    for digit in digits.utf8 {
      chunk = chunk * 10 + UInt32(digit - 48)
      chunkScale *= 10
      if chunkScale == 1_000_000_000 {
        Self.multiplyAdd(&limbs, chunkScale, chunk)
        chunk = 0
        chunkScale = 1
      }
    }
    if chunkScale > 1 { Self.multiplyAdd(&limbs, chunkScale, chunk) }
    self.init(negative: negative, magnitude: limbs)
  }

  // MARK: - Reading

  var isZero: Bool { magnitude.isEmpty }

  /// The value when it fits in 64 bits.
  var int64: Int64? {
    guard magnitude.count <= 2 else { return nil }
    let size = magnitude.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (32 * $1.offset) }
    if negative { return size <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- size) : nil }
    return size <= UInt64(Int64.max) ? Int64(size) : nil
  }

  /// Bits of the magnitude (0 for zero).
  var bitWidth: Int {
    guard let top = magnitude.last else { return 0 }
    return magnitude.count * 32 - top.leadingZeroBitCount
  }

  /// The nearest double (correctly rounded), or an infinity when it is too large for one.
  var double: Double {
    let width = bitWidth
    if width <= 64 {
      let size = magnitude.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (32 * $1.offset) }
      return negative ? -Double(size) : Double(size)
    }
    // The top 64 bits, with a sticky bit for anything below, round once to 53.
    let shift = width - 64
    var top = shiftedRight(by: shift).magnitude.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (32 * $1.offset) }
    if shiftedRight(by: shift).shiftedLeft(by: shift).magnitude != magnitude { top |= 1 }
    let value = Double(top) * Double(sign: .plus, exponent: shift, significand: 1)
    return negative ? -value : value
  }

  /// Decimal digits, as `str(int)` prints them; throws past `maximumDecimalDigits`.
  func decimalText() throws -> String {
    if isZero { return "0" }
    var chunks: [UInt32] = []
    var rest = magnitude
    while !rest.isEmpty { chunks.append(Self.divideInPlace(&rest, by: 1_000_000_000)) }
    var text = String(chunks.last!)
    for chunk in chunks.dropLast().reversed() {
      let part = String(chunk)
      text += String(repeating: "0", count: 9 - part.count) + part
    }
    if text.count > Self.maximumDecimalDigits {
      throw PythonError(
        "ValueError",
        "Exceeds the limit (\(Self.maximumDecimalDigits) digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit")
    }
    return negative ? "-" + text : text
  }

  // MARK: - Arithmetic

  static prefix func - (value: BigInteger) -> BigInteger { BigInteger(negative: !value.negative, magnitude: value.magnitude) }

  static func + (a: BigInteger, b: BigInteger) -> BigInteger {
    if a.negative == b.negative { return BigInteger(negative: a.negative, magnitude: addMagnitudes(a.magnitude, b.magnitude)) }
    if compareMagnitudes(a.magnitude, b.magnitude) >= 0 {
      return BigInteger(negative: a.negative, magnitude: subtractMagnitudes(a.magnitude, b.magnitude))
    }
    return BigInteger(negative: b.negative, magnitude: subtractMagnitudes(b.magnitude, a.magnitude))
  }

  static func - (a: BigInteger, b: BigInteger) -> BigInteger { a + -b }

  static func * (a: BigInteger, b: BigInteger) -> BigInteger {
    BigInteger(negative: a.negative != b.negative, magnitude: multiplyMagnitudes(a.magnitude, b.magnitude))
  }

  /// Python's `divmod`: the quotient rounded toward negative infinity, and a remainder with
  /// the divisor's sign. The caller checks for a zero divisor.
  func floorDivided(by divisor: BigInteger) -> (quotient: BigInteger, remainder: BigInteger) {
    let (q, r) = Self.divideMagnitudes(magnitude, divisor.magnitude)
    var quotient = BigInteger(negative: negative != divisor.negative, magnitude: q)
    var remainder = BigInteger(negative: negative, magnitude: r)
    if !remainder.isZero && remainder.negative != divisor.negative {
      quotient = quotient - BigInteger(1)
      remainder = remainder + divisor
    }
    return (quotient, remainder)
  }

  /// `self ** exponent` for a non-negative exponent, refused when the result would pass
  /// `maximumBits`.
  func power(_ exponent: Int64) throws -> BigInteger {
    if exponent == 0 { return BigInteger(1) }
    if isZero || magnitude == [1] {
      return BigInteger(negative: negative && exponent % 2 == 1, magnitude: magnitude)
    }
    // |base| >= 2, so the result has at least (bitWidth - 1) * exponent bits.
    let (estimate, overflow) = Int64(bitWidth - 1).multipliedReportingOverflow(by: exponent)
    guard !overflow, estimate <= Int64(Self.maximumBits) else { throw Self.tooLarge }
    var result = BigInteger(1)
    var base = self
    var rest = exponent
    while rest > 0 {
      if rest & 1 == 1 { result = result * base }
      rest >>= 1
      if rest > 0 { base = base * base }
    }
    try result.checkSize()
    return result
  }

  /// Python's `&`, `|` and `^`, on two's complement of unbounded width.
  static func bitwise(_ op: String, _ a: BigInteger, _ b: BigInteger) -> BigInteger {
    let width = max(a.magnitude.count, b.magnitude.count) + 1
    let x = a.twosComplement(width), y = b.twosComplement(width)
    let limbs: [UInt32] = (0..<width).map { index in
      switch op {
      case "&": x[index] & y[index]
      case "|": x[index] | y[index]
      default: x[index] ^ y[index]
      }
    }
    guard limbs[width - 1] & 0x8000_0000 != 0 else { return BigInteger(negative: false, magnitude: limbs) }
    return BigInteger(negative: true, magnitude: Self.negateLimbs(limbs))
  }

  /// OverflowError when the value is past `maximumBits`.
  func checkSize() throws {
    if bitWidth > Self.maximumBits { throw Self.tooLarge }
  }

  static var tooLarge: PythonError {
    PythonError("OverflowError", "int too large: manage shell's ints have at most \(maximumBits) bits")
  }

  static func compare(_ a: BigInteger, _ b: BigInteger) -> Int {
    if a.negative != b.negative { return a.negative ? -1 : 1 }
    let order = compareMagnitudes(a.magnitude, b.magnitude)
    return a.negative ? -order : order
  }

  // MARK: - Magnitudes

  private func shiftedLeft(by bits: Int) -> BigInteger {
    guard !isZero, bits > 0 else { return self }
    let (limbShift, bitShift) = (bits / 32, bits % 32)
    var limbs = [UInt32](repeating: 0, count: limbShift) + magnitude + [0]
    if bitShift > 0 {
      for index in stride(from: limbs.count - 1, to: limbShift, by: -1) {
        limbs[index] = limbs[index] << bitShift | limbs[index - 1] >> (32 - bitShift)
      }
      limbs[limbShift] <<= bitShift
    }
    return BigInteger(negative: negative, magnitude: limbs)
  }

  private func shiftedRight(by bits: Int) -> BigInteger {
    guard bits > 0 else { return self }
    let (limbShift, bitShift) = (bits / 32, bits % 32)
    guard limbShift < magnitude.count else { return BigInteger(negative: false, magnitude: []) }
    var limbs = Array(magnitude[limbShift...])
    if bitShift > 0 {
      for index in limbs.indices {
        let high = index + 1 < limbs.count ? limbs[index + 1] << (32 - bitShift) : 0
        limbs[index] = limbs[index] >> bitShift | high
      }
    }
    return BigInteger(negative: negative, magnitude: limbs)
  }

  private func twosComplement(_ width: Int) -> [UInt32] {
    let limbs = magnitude + [UInt32](repeating: 0, count: width - magnitude.count)
    return negative ? Self.negateLimbs(limbs) : limbs
  }

  /// Two's complement negation of a fixed-width number: invert, add one.
  private static func negateLimbs(_ limbs: [UInt32]) -> [UInt32] {
    var result = limbs.map { ~$0 }
    for index in result.indices {
      result[index] &+= 1
      if result[index] != 0 { break }
    }
    return result
  }

  private static func compareMagnitudes(_ a: [UInt32], _ b: [UInt32]) -> Int {
    if a.count != b.count { return a.count < b.count ? -1 : 1 }
    for index in stride(from: a.count - 1, through: 0, by: -1) where a[index] != b[index] {
      return a[index] < b[index] ? -1 : 1
    }
    return 0
  }

  private static func addMagnitudes(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
    var result: [UInt32] = []
    result.reserveCapacity(max(a.count, b.count) + 1)
    var carry: UInt64 = 0
    for index in 0..<max(a.count, b.count) {
      let sum = UInt64(index < a.count ? a[index] : 0) + UInt64(index < b.count ? b[index] : 0) + carry
      result.append(UInt32(truncatingIfNeeded: sum))
      carry = sum >> 32
    }
    if carry > 0 { result.append(UInt32(carry)) }
    return result
  }

  /// a - b for |a| >= |b|.
  private static func subtractMagnitudes(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
    var result = a
    var borrow: Int64 = 0
    for index in result.indices {
      var difference = Int64(a[index]) - (index < b.count ? Int64(b[index]) : 0) - borrow
      borrow = difference < 0 ? 1 : 0
      if difference < 0 { difference += 1 << 32 }
      result[index] = UInt32(difference)
    }
    return result
  }

  private static func multiplyMagnitudes(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
    guard !a.isEmpty, !b.isEmpty else { return [] }
    var result = [UInt32](repeating: 0, count: a.count + b.count)
    for i in a.indices {
      var carry: UInt64 = 0
      let x = UInt64(a[i])
      for j in b.indices {
        let product = x * UInt64(b[j]) + UInt64(result[i + j]) + carry
        result[i + j] = UInt32(truncatingIfNeeded: product)
        carry = product >> 32
      }
      result[i + b.count] = UInt32(carry)
    }
    return result
  }

  private static func multiplyAdd(_ limbs: inout [UInt32], _ factor: UInt32, _ addend: UInt32) {
    var carry = UInt64(addend)
    for index in limbs.indices {
      let value = UInt64(limbs[index]) * UInt64(factor) + carry
      limbs[index] = UInt32(truncatingIfNeeded: value)
      carry = value >> 32
    }
    if carry > 0 { limbs.append(UInt32(carry)) }
  }

  /// Divides in place by a one-limb divisor and returns the remainder.
  private static func divideInPlace(_ limbs: inout [UInt32], by divisor: UInt32) -> UInt32 {
    var remainder: UInt64 = 0
    for index in stride(from: limbs.count - 1, through: 0, by: -1) {
      let value = remainder << 32 | UInt64(limbs[index])
      limbs[index] = UInt32(value / UInt64(divisor))
      remainder = value % UInt64(divisor)
    }
    while limbs.last == 0 { limbs.removeLast() }
    return UInt32(remainder)
  }

  /// Long division of magnitudes (Knuth's algorithm D, TAOCP vol. 2, 4.3.1).
  private static func divideMagnitudes(_ a: [UInt32], _ b: [UInt32]) -> ([UInt32], [UInt32]) {
    if compareMagnitudes(a, b) < 0 { return ([], a) }
    if b.count == 1 {
      var quotient = a
      let remainder = divideInPlace(&quotient, by: b[0])
      return (quotient, remainder == 0 ? [] : [remainder])
    }
    // Normalize so the divisor's top limb has its high bit set.
    let shift = b.last!.leadingZeroBitCount
    let v = BigInteger(negative: false, magnitude: b).shiftedLeft(by: shift).magnitude
    var u = BigInteger(negative: false, magnitude: a).shiftedLeft(by: shift).magnitude
    if u.count == a.count { u.append(0) }
    let n = v.count, m = u.count - n
    var quotient = [UInt32](repeating: 0, count: m)
    let base: UInt64 = 1 << 32
    for j in stride(from: m - 1, through: 0, by: -1) {
      let numerator = UInt64(u[j + n]) << 32 | UInt64(u[j + n - 1])
      var qhat = numerator / UInt64(v[n - 1])
      var rhat = numerator % UInt64(v[n - 1])
      while qhat >= base || qhat * UInt64(v[n - 2]) > (rhat << 32 | UInt64(u[j + n - 2])) {
        qhat -= 1
        rhat += UInt64(v[n - 1])
        if rhat >= base { break }
      }
      // u[j...j+n] -= qhat * v
      var borrow: Int64 = 0
      var carry: UInt64 = 0
      for i in 0..<n {
        let product = qhat * UInt64(v[i]) + carry
        carry = product >> 32
        let difference = Int64(u[i + j]) - Int64(product & 0xFFFF_FFFF) - borrow
        u[i + j] = UInt32(truncatingIfNeeded: difference)
        borrow = difference < 0 ? 1 : 0
      }
      let top = Int64(u[j + n]) - Int64(carry) - borrow
      u[j + n] = UInt32(truncatingIfNeeded: top)
      if top < 0 {
        // qhat was one too large: add the divisor back.
        qhat -= 1
        var sumCarry: UInt64 = 0
        for i in 0..<n {
          let sum = UInt64(u[i + j]) + UInt64(v[i]) + sumCarry
          u[i + j] = UInt32(truncatingIfNeeded: sum)
          sumCarry = sum >> 32
        }
        u[j + n] = UInt32(truncatingIfNeeded: UInt64(u[j + n]) + sumCarry)
      }
      quotient[j] = UInt32(qhat)
    }
    let remainder = BigInteger(negative: false, magnitude: Array(u[0..<n])).shiftedRight(by: shift).magnitude
    return (quotient, remainder)
  }
}
