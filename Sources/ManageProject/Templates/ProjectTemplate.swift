/// The files `manage startproject` and `manage startapp` write.
enum ProjectTemplate {
  static func settings(project: String) -> String {
    """
    # Settings for the \(project) project: see "manage.yaml" in manage's README.
    # ${VAR} and ${VAR:-default} read the environment, with .env beside this file loaded first.
    database: sqlite:///db.sqlite3        # relative to this file; DATABASE_URL / MANAGE_DATABASE_URL override
    installed_apps: [auth, contenttypes, sessions, admin, jobs, evals]
    secret_key: ${MANAGE_SECRET_KEY}      # kept in .env, which is not committed
    time_zone: UTC
    debug: ${DEBUG:-true}

    """
  }

  static func dotEnv(secretKey: String) -> String {
    """
    # Local secrets and overrides for manage; not committed (see .gitignore).
    MANAGE_SECRET_KEY='\(secretKey)'

    """
  }

  static let gitignore = """
    .env
    db.sqlite3
    db.sqlite3-wal
    db.sqlite3-shm
    db.sqlite3.migrate-lock

    """

  static func models(app: String) -> String {
    """
    # Models of the \(app) app. Field order is the YAML order; every model gets an `id` primary
    # key unless a field sets primary_key: true. Types and options follow Django's, in snake_case:
    # see "models.yaml" in manage's README. Then run `manage check` and `manage makemigrations \(app)`.
    models:
      # Article:
      #   fields:
      #     title: {type: char, max_length: 200}
      #     body: {type: text, blank: true, default: ""}
      #     published: {type: boolean, default: false}
      #     created_at: {type: datetime, auto_now_add: true}
      #   ordering: [-created_at]

    """
  }
}
