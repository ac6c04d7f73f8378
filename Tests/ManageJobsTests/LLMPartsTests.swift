import Foundation
import FuzzSupport
import Testing
import ManageCore
@testable import ManageJobs

/// The parts of llm and webhook tasks that take untrusted input: a model's answer, templates
/// over rows and answers, limits and signatures.
@Suite("llm task parts")
struct LLMPartsTests {
  let context = OrderedDictionary([
    ("payload", .dict(OrderedDictionary([("document_id", .int(7))]))),
    ("document", .dict(OrderedDictionary([("id", .int(7)), ("content", .text("Revenue up")), ("tags", .list([.text("a"), .text("b")]))]))),
    ("output", .dict(OrderedDictionary([("low", .double(1.5)), ("unit", .null)]))),
  ])

  @Test func aWholePlaceholderKeepsItsTypeAndTextIsSpliced() throws {
    #expect(try TaskTemplate(.text("{{payload.document_id}}")).render(context) == .int(7))
    #expect(try TaskTemplate(.text("{{ output }}")).render(context) == context["output"])
    #expect(try TaskTemplate(.text("Doc {{document.id}}: {{document.content}} {{document.tags}}")).render(context) == .text(#"Doc 7: Revenue up ["a", "b"]"#))
    #expect(try TaskTemplate(.text("{{document.tags.1}}")).render(context) == .text("b"))
    let nested = ModelValue.dict(OrderedDictionary([("n", .text("{{output.low}}")), ("list", .list([.text("{{payload.document_id}}"), .int(3)]))]))
    #expect(try TaskTemplate(nested).render(context).jsonText == #"{"n": 1.5, "list": [7, 3]}"#)
    // The model may leave out what its schema does not require: null, not an error.
    #expect(try TaskTemplate(.text("{{output.label}}")).render(context) == .null)
    #expect(TaskTemplate(.text("a {{x}} {{y.z}}")).paths == ["x", "y.z"])
  }

  @Test func aMissingNameSaysWhatThereIs() {
    let unknown = #expect(throws: JobsError.self) { try TaskTemplate(.text("{{documnt.id}}")).render(context) }
    #expect(unknown?.message == "{{documnt.id}}: there is no 'documnt'. Did you mean 'document'?")
    let field = #expect(throws: JobsError.self) { try TaskTemplate(.text("{{document.contnt}}")).render(context) }
    #expect(field?.message == "{{document.contnt}}: document has no field 'contnt'. Did you mean 'content'?")
    let index = #expect(throws: JobsError.self) { try TaskTemplate(.text("{{document.tags.99999999999999999999}}")).render(context) }
    #expect(index?.message == "{{document.tags.99999999999999999999}}: document.tags is a list of 2; '99999999999999999999' is not an index in it")
    #expect(throws: JobsError.self) { try TaskTemplate(.text("{{payload")).render(context) }
  }

  @Test func answersAreJSONOrTheFirstFencedBlock() throws {
    #expect(try AnswerJSON.parse(" {\"a\": 1} ") == .dict(OrderedDictionary([("a", .int(1))])))
    #expect(try AnswerJSON.parse("Sure:\n```json\n{\"a\": [1, 2]}\n```\nanything else") == .dict(OrderedDictionary([("a", .list([.int(1), .int(2)]))])))
    #expect(try AnswerJSON.parse("```\n[true]\n```") == .list([.bool(true)]))
    let error = #expect(throws: JobsError.self) { try AnswerJSON.parse("I cannot help with that") }
    #expect(error?.message == "the answer is not JSON (nor has a ```json block): I cannot help with that")
    #expect(throws: JobsError.self) { try AnswerJSON.parse("") }
  }

  @Test func randomAnswersParseOrFailNeverCrash() {
    var generator = SeededGenerator(seed: Fuzz.seed(77))
    let seeds = ["{\"revenue_low\": 1.5}", "```json\n{\"a\": [1, {\"b\": null}]}\n```", "Here:\n```\n[1, 2]\n```", "{\"n\": 18446744073709551616}"]
    let alphabet = Array("{}[]\",:0123456789.eE+-` \njsonull\\")
    for _ in 0..<Fuzz.iterations(default: 2_000) {
      let text = Fuzz.mutate(seeds + Fuzz.hostileNumbers, alphabet: alphabet, using: &generator)
      do {
        let value = try AnswerJSON.parse(text)
        // What parses survives a round trip through its own JSON.
        #expect((try? ModelValue(json: value.jsonText)) != nil, "\(text.debugDescription)")
      } catch let error as JobsError {
        #expect(error.message.hasPrefix("the answer is not JSON"))
      } catch {
        Issue.record("unexpected \(error) for \(text.debugDescription)")
      }
    }
  }

  @Test(arguments: [
    ("50/min", 50, 60.0), ("10/s", 10, 1.0), ("1000/h", 1000, 3600.0), ("5/10s", 5, 10.0), ("3 / day", 3, 86400.0),
  ])
  func ratesRead(_ text: String, _ count: Int, _ period: Double) {
    let rate = ProviderLimits.rate(text)
    #expect(rate?.count == count && rate?.period == period)
  }

  @Test func randomRatesAreReadOrRefusedInRange() {
    #expect(ProviderLimits.rate("0/s") == nil)
    #expect(ProviderLimits.rate("99999999999999999999/s") == nil)
    #expect(ProviderLimits.rate("5/0s") == nil)
    #expect(ProviderLimits.rate("5/fortnight") == nil)
    var generator = SeededGenerator(seed: Fuzz.seed(5))
    for _ in 0..<Fuzz.iterations(default: 1_000) {
      let text = Fuzz.mutate(["50/min", "10/s", "5/10s"] + Fuzz.hostileNumbers, alphabet: Array("0123456789/smhdin .e-"), using: &generator)
      if let rate = ProviderLimits.rate(text) {
        #expect((1...ProviderLimits.maximumRate).contains(rate.count) && rate.period > 0 && rate.period <= DurationText.maximumSeconds, "\(text)")
      }
    }
  }

  @Test func theWebhookSignatureIsHMACSHA256OfTimestampDotBody() {
    // The value Python's hmac.new(b"Jefe", b"0.{}", hashlib.sha256) gives: what a receiver computes.
    #expect(WebhookTask.signature(secret: "Jefe", timestamp: 0, body: Data("{}".utf8)) == "sha256=6e3446a5d06ebd04d38da6b50dc5c5e1830c495fac782559e2508547806138e8")
    #expect(WebhookTask.signature(secret: "Jefe", timestamp: 1, body: Data("{}".utf8)) != WebhookTask.signature(secret: "Jefe", timestamp: 0, body: Data("{}".utf8)))
  }
}
