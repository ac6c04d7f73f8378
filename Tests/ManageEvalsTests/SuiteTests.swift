import Foundation
import Testing
import ManageCore
@testable import ManageEvals
@testable import ManageJobs

@Suite("Eval suites and providers")
struct SuiteTests {
  let folder: String

  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("manage-evals-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder + "/evals", withIntermediateDirectories: true)
  }

  func load(_ yaml: String, files: [String: String] = [:]) throws -> Suite {
    for (name, text) in files { try text.write(toFile: folder + "/evals/" + name, atomically: true, encoding: .utf8) }
    try yaml.write(toFile: folder + "/evals/guidance.yaml", atomically: true, encoding: .utf8)
    return try SuiteLoader.load(path: folder + "/evals/guidance.yaml", displayPath: "evals/guidance.yaml", app: "documents", projectDirectory: folder)
  }

  @Test func inlineCasesRenderTheirPromptsAndScore() throws {
    let suite = try load("""
      description: capitals
      provider: {type: echo}
      prompt: "Capital of {{country.name}}? {{hint}}"
      cases:
        - {id: fr, vars: {country: {name: France}, hint: Paris}, expected: Paris}
        - id: de
          vars: {country: {name: Germany}, hint: Bonn}
          expected: Berlin
          scorers: [{type: contains, value: Bonn, weight: 0.5}]
      scorers: [{type: icontains}]
      threshold: 0.5
      """)
    #expect(suite.name == "guidance" && suite.cases.map(\.id) == ["fr", "de"] && suite.threshold == 0.5)
    let prompt = try PromptTemplate.render(suite.prompt, suite.cases[0])
    #expect(prompt == "Capital of France? Paris")
    let answer = try suite.provider.answer(prompt, caseID: "fr", environment: [:])
    #expect(suite.verdict(answer, for: suite.cases[0]).passed)
    let second = try suite.provider.answer(try PromptTemplate.render(suite.prompt, suite.cases[1]), caseID: "de", environment: [:])
    let verdict = suite.verdict(second, for: suite.cases[1])
    #expect(!verdict.passed && abs(verdict.score - 0.5 / 1.5) < 1e-9, "icontains Berlin fails, contains Bonn passes at weight 0.5")
  }

  @Test func goldenFilesAndRecordedAnswers() throws {
    let suite = try load("""
      provider: {type: recorded, file: answers.jsonl}
      prompt: "{{text}}"
      cases: golden.csv
      scorers: [equals]
      """, files: [
        "golden.csv": "id,text,expected\nq1,\"Hello, world\",hi\nq2,\"say \"\"bye\"\"\",bye\n",
        "answers.jsonl": "{\"case_id\": \"q1\", \"output\": \"hi\"}\n{\"prompt\": \"say \\\"bye\\\"\", \"output\": \"ciao\"}\n",
      ])
    #expect(suite.cases.map(\.id) == ["q1", "q2"])
    #expect(suite.cases[1].vars["text"] == .text("say \"bye\""))
    let answers = try suite.cases.map { try suite.provider.answer(try PromptTemplate.render(suite.prompt, $0), caseID: $0.id, environment: [:]) }
    #expect(answers.map(\.output) == ["hi", "ciao"])
    #expect(suite.verdict(answers[0], for: suite.cases[0]).passed && !suite.verdict(answers[1], for: suite.cases[1]).passed)
    let jsonl = try load("provider: echo\nprompt: '{{q}}'\ncases: golden.jsonl\n", files: ["golden.jsonl": "{\"id\": \"a\", \"vars\": {\"q\": \"x\"}, \"expected\": \"x\"}\n\n{\"id\": \"b\", \"vars\": {\"q\": \"y\"}}\n"])
    #expect(jsonl.cases.map(\.id) == ["a", "b"])
  }

  @Test func theCommandProviderGetsThePromptOnStdinOrAsAnArgument() throws {
    let stdin = try load("provider: {type: command, command: [/usr/bin/tr, a-z, A-Z]}\nprompt: '{{q}}'\ncases: [{id: a, vars: {q: shout}}]\n")
    #expect(try stdin.provider.answer("shout", caseID: "a", environment: [:]).output == "SHOUT")
    let argument = try load("provider: {type: command, command: [/bin/echo, said], input: argument}\nprompt: '{{q}}'\ncases: [{id: a, vars: {q: hi}}]\n")
    #expect(try argument.provider.answer("hi", caseID: "a", environment: [:]).output == "said hi\n")
    let failing = try load("provider: {type: command, command: [/bin/sh, -c, 'echo quota exceeded >&2; exit 4']}\nprompt: x\ncases: [{id: a}]\n")
    let error = #expect(throws: ProviderError.self) { try failing.provider.answer("x", caseID: "a", environment: [:]) }
    #expect(error?.message == "the provider exited with status 4: quota exceeded")
    let slow = try load("provider: {type: command, command: [/bin/sleep, '5'], timeout: 200ms}\nprompt: x\ncases: [{id: a}]\n")
    #expect(throws: ProviderError.self) { try slow.provider.answer("x", caseID: "a", environment: [:]) }
  }

  @Test(arguments: [
    ("provider: echo\nprompt: x\ncases: [{id: a}]\nscorers: [{type: containz}]\n", "evals/guidance.yaml:4:11: unknown scorer type 'containz'", "Did you mean 'contains'?"),
    ("provider: {type: ecko}\nprompt: x\ncases: [{id: a}]\n", "evals/guidance.yaml:1:11: unknown provider type 'ecko'", "Did you mean 'echo'?"),
    ("provider: echo\nprompt: '{{txt}}'\ncases: [{id: a, vars: {text: hi}}]\n", "case 'a': the prompt uses {{txt}} but the case has no var 'txt'. Did you mean 'text'?", "The case is at evals/guidance.yaml:3:9."),
    ("provider: echo\nprompt: x\ncases: [{id: a}, {id: a}]\n", "evals/guidance.yaml:3:18: two cases have the id 'a'", nil),
    ("provider: echo\nprompt: x\ncases: [{id: a}]\nthreshold: 2\n", "evals/guidance.yaml:4:12: 'threshold' must be from 0 to 1, not 2.0", nil),
    ("provider: echo\npromt: x\ncases: []\n", "evals/guidance.yaml:2:1: unknown suite key 'promt'", "Did you mean 'prompt'?"),
  ] as [(String, String, String?)])
  func mistakesNameTheirPlace(_ yaml: String, _ message: String, _ hint: String?) throws {
    // A suite's own mistakes are EvalsErrors, its provider's ProviderErrors: both exit 2.
    let thrown = #expect(throws: (any Error).self) { try load(yaml) }
    let error = thrown as? any ManageError
    #expect(error?.message == message)
    if let hint { #expect(error?.hint?.contains(hint) == true, "\(error?.hint ?? "")") }
    #expect(error?.exitCode == 2)
  }
}
