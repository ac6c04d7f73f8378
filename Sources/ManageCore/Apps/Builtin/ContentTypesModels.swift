/// The built-in `contenttypes` app: Django's `django_content_type` table.
enum ContentTypesModels {
  static let yaml = """
    models:
      ContentType:
        db_table: django_content_type
        fields:
          id: {type: auto, primary_key: true}
          app_label: {type: char, max_length: 100}
          model: {type: char, max_length: 100}
        unique_together: [[app_label, model]]
    """
}
