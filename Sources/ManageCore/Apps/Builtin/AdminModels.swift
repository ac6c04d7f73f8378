/// The built-in `admin` app: Django's `django_admin_log` (every change made in the admin, shown
/// per object as its history) and the API tokens `manage createtoken` issues, stored as SHA-256
/// digests so a copy of the database holds no usable token.
enum AdminModels {
  static let yaml = """
    models:
      LogEntry:
        db_table: django_admin_log
        verbose_name: log entry
        verbose_name_plural: log entries
        fields:
          id: {type: auto, primary_key: true}
          action_time: {type: datetime, default: now}
          user: {type: foreign_key, to: auth.User, on_delete: cascade}
          content_type: {type: foreign_key, to: contenttypes.ContentType, on_delete: set_null, null: true, blank: true}
          object_id: {type: text, null: true, blank: true}
          object_repr: {type: char, max_length: 200}
          action_flag: {type: positive_small_integer, choices: [[1, Addition], [2, Change], [3, Deletion]]}
          change_message: {type: text, blank: true}
        ordering: [-action_time]
      Token:
        db_table: admin_api_token
        fields:
          digest: {type: char, max_length: 64, primary_key: true}
          user: {type: foreign_key, to: auth.User, on_delete: cascade, related_name: api_tokens}
          created: {type: datetime, auto_now_add: true}
          last_used: {type: datetime, null: true, blank: true}
    """
}
