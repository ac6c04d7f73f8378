import Foundation
import ManageCore

/// The part of JSON Schema that checks an LLM's structured answer: type (and type lists),
/// enum, const, properties, required, additionalProperties (false or a schema), items,
/// minItems/maxItems, minimum/maximum, exclusiveMinimum/exclusiveMaximum, minLength/maxLength,
/// pattern, anyOf/oneOf/allOf.
public enum JSONSchemaValidator {
  public static func problems(_ value: ModelValue, schema: ModelValue, at path: String = "$") -> [String] {
    guard case .dict(let rules) = schema else { return [] }
    var found: [String] = []
    if let type = rules["type"] {
      let allowed: [String]
      switch type {
      case .text(let name): allowed = [name]
      case .list(let names): allowed = names.compactMap { if case .text(let n) = $0 { n } else { nil } }
      default: allowed = []
      }
      if !allowed.isEmpty && !allowed.contains(where: { matches(value, type: $0) }) {
        return ["\(path) is \(typeName(value)), not \(allowed.joined(separator: " or "))"]
      }
    }
    if case .list(let options)? = rules["enum"], !options.contains(where: { JSONCompare.equal($0, value) }) {
      found.append("\(path) is not one of \(ModelValue.list(options).jsonText)")
    }
    if let constant = rules["const"], !JSONCompare.equal(constant, value) {
      found.append("\(path) is not \(constant.jsonText)")
    }
    if let number = JSONCompare.number(value) {
      if let low = rules["minimum"].flatMap(JSONCompare.number), number < low { found.append("\(path) \(number) < minimum \(low)") }
      if let high = rules["maximum"].flatMap(JSONCompare.number), number > high { found.append("\(path) \(number) > maximum \(high)") }
      if let low = rules["exclusiveMinimum"].flatMap(JSONCompare.number), number <= low { found.append("\(path) \(number) ≤ \(low)") }
      if let high = rules["exclusiveMaximum"].flatMap(JSONCompare.number), number >= high { found.append("\(path) \(number) ≥ \(high)") }
    }
    if case .text(let text) = value {
      if let low = rules["minLength"].flatMap(JSONCompare.number), Double(text.count) < low { found.append("\(path) is shorter than \(Int(low))") }
      if let high = rules["maxLength"].flatMap(JSONCompare.number), Double(text.count) > high { found.append("\(path) is longer than \(Int(high))") }
      if case .text(let pattern)? = rules["pattern"], let expression = try? NSRegularExpression(pattern: pattern),
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
      {
        found.append("\(path) does not match /\(pattern)/")
      }
    }
    if case .dict(let object) = value {
      if case .list(let required)? = rules["required"] {
        for case .text(let name) in required where object[name] == nil { found.append("\(path).\(name) is required") }
      }
      let properties: OrderedDictionary
      if case .dict(let declared)? = rules["properties"] { properties = declared } else { properties = OrderedDictionary() }
      for (name, item) in object.pairs {
        if let rule = properties[name] {
          found += problems(item, schema: rule, at: "\(path).\(name)")
        } else if let extra = rules["additionalProperties"] {
          if case .bool(false) = extra { found.append("\(path).\(name) is not allowed") } else { found += problems(item, schema: extra, at: "\(path).\(name)") }
        }
      }
    }
    if case .list(let items) = value {
      if let rule = rules["items"] {
        for (index, item) in items.enumerated() { found += problems(item, schema: rule, at: "\(path)[\(index)]") }
      }
      if let low = rules["minItems"].flatMap(JSONCompare.number), Double(items.count) < low { found.append("\(path) has fewer than \(Int(low)) items") }
      if let high = rules["maxItems"].flatMap(JSONCompare.number), Double(items.count) > high { found.append("\(path) has more than \(Int(high)) items") }
    }
    if case .list(let all)? = rules["allOf"] { for rule in all { found += problems(value, schema: rule, at: path) } }
    if case .list(let any)? = rules["anyOf"], !any.contains(where: { problems(value, schema: $0, at: path).isEmpty }) {
      found.append("\(path) matches none of anyOf")
    }
    if case .list(let one)? = rules["oneOf"], one.filter({ problems(value, schema: $0, at: path).isEmpty }).count != 1 {
      found.append("\(path) does not match exactly one of oneOf")
    }
    return found
  }

  private static func matches(_ value: ModelValue, type: String) -> Bool {
    switch (type, value) {
    case ("null", .null), ("boolean", .bool), ("string", .text), ("object", .dict), ("array", .list): return true
    case ("integer", .int): return true
    case ("integer", .double(let d)): return d.rounded() == d
    case ("number", .int), ("number", .double), ("number", .decimal): return true
    default: return false
    }
  }

  private static func typeName(_ value: ModelValue) -> String {
    switch value {
    case .null: "null"
    case .bool: "a boolean"
    case .int, .double, .decimal: "a number"
    case .text: "a string"
    case .dict: "an object"
    case .list, .tuple: "an array"
    default: value.typeName
    }
  }
}
