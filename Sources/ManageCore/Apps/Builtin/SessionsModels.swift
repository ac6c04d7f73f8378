/// The built-in `sessions` app: Django's `django_session` table.
enum SessionsModels {
  static let yaml = """
    models:
      Session:
        db_table: django_session
        fields:
          session_key: {type: char, max_length: 40, primary_key: true}
          session_data: text
          expire_date: {type: datetime, db_index: true}
    """
}
