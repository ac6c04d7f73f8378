/// Django's output roles (`django.utils.termcolors` palette), so output reads the same.
public enum Style: Sendable {
  case error, success, warning, notice, sqlField, sqlColtype, sqlKeyword, sqlTable
  case httpInfo, httpSuccess, httpRedirect, httpNotModified, httpBadRequest, httpNotFound
  case httpServerError, migrateHeading, migrateLabel, bold

  /// The SGR parameters of Django's default "dark" palette.
  var sgr: String {
    switch self {
    case .error: "31;1"
    case .success: "32;1"
    case .warning: "33;1"
    case .notice: "31;1"
    case .sqlField: "32;1"
    case .sqlColtype: "32"
    case .sqlKeyword: "33"
    case .sqlTable: "1"
    case .httpInfo, .httpRedirect: "1"
    case .httpSuccess: "0"
    case .httpNotModified: "36"
    case .httpBadRequest: "31;1"
    case .httpNotFound: "33"
    case .httpServerError: "35;1"
    case .migrateHeading: "36;1"
    case .migrateLabel: "1"
    case .bold: "1"
    }
  }
}
