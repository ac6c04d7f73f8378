import Foundation

/// Django's request log line, `[27/Nov/2026 15:15:30] "GET /admin/ HTTP/1.1" 200 12149`, coloured
/// by status on a terminal the way Django's runserver colours it.
public enum RequestLog {
  public static func line(method: String, target: String, version: String = "HTTP/1.1", status: Int, bytes: Int, at date: Date = Date(), timeZone: TimeZone = .current, colour: Bool) -> String {
    let text = "[\(timestamp(date, timeZone))] \"\(method) \(target) \(version)\" \(status) \(bytes)"
    guard colour, let code = colourCode(status) else { return text }
    return "\u{1B}[\(code)m\(text)\u{1B}[0m"
  }

  /// `27/Nov/2026 15:15:30` in `timeZone`, by hand: a DateFormatter per line costs more than
  /// serving a small request.
  static func timestamp(_ date: Date, _ timeZone: TimeZone) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down)) + time_t(timeZone.secondsFromGMT(for: date))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(two(parts.tm_mday))/\(months[Int(parts.tm_mon)])/\(1900 + parts.tm_year) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
  }

  /// Django's palette: 1xx bold, 2xx plain, 304 cyan, 3xx green, 404 yellow, 4xx bold red, 5xx bold magenta.
  static func colourCode(_ status: Int) -> String? {
    switch status {
    case 100..<200: "1"
    case 200..<300: nil
    case 304: "36"
    case 300..<400: "32"
    case 404: "33"
    case 400..<500: "1;31"
    default: "1;35"
    }
  }
}
