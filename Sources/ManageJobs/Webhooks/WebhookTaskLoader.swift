import ManageCore

/// Reads the `webhook:` settings of a task in tasks.yaml (see WebhookTask).
enum WebhookTaskLoader {
  static let options = ["webhook", "body"]

  static func load(_ settings: YAMLNode, name: String) throws -> WebhookTask {
    let node = settings["webhook"]!
    guard node.entries != nil, let urlNode = node["url"], let address = urlNode.string, !address.isEmpty else {
      throw JobsError("\(node.location): task '\(name)': `webhook:` needs a url, as `webhook: {url: \"https://…\", secret_env: NAME}`", exitCode: 2)
    }
    for entry in node.entries ?? [] where !["url", "secret_env"].contains(entry.key) {
      throw JobsError("\(entry.keyLocation): unknown webhook option '\(entry.key)'",
                      hint: (Suggestion.closest(to: entry.key, in: ["url", "secret_env"]).map { "Did you mean '\($0)'? " } ?? "") + "`webhook:` takes url and secret_env.", exitCode: 2)
    }
    // A url without placeholders is checked now; one made from the payload when it is sent.
    if !address.contains("{{") {
      guard address.hasPrefix("http://") || address.hasPrefix("https://") else {
        throw JobsError("\(urlNode.location): task '\(name)': the webhook url must start with http:// or https://, not '\(address)'", exitCode: 2)
      }
    }
    var task = WebhookTask(url: TaskTemplate(.text(address), at: urlNode.location))
    if let secret = node["secret_env"] {
      guard let variable = secret.string, !variable.isEmpty else { throw JobsError("\(secret.location): 'secret_env' must name an environment variable", exitCode: 2) }
      task.secretVariable = variable
    }
    if let body = settings["body"] { task.body = TaskTemplate(ModelValue(node: body), at: body.location) }
    try task.url.checkBraces()
    try task.body?.checkBraces()
    for path in (task.body?.paths ?? []) + task.url.paths {
      let root = String(path.split(separator: ".").first ?? Substring(path))
      guard ["payload", "job"].contains(root) else {
        throw JobsError("\(settings["body"]?.location ?? urlNode.location): {{\(path)}}: a webhook may use payload and job, not '\(root)'", exitCode: 2)
      }
    }
    return task
  }
}
