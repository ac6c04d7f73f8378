/// The built-in `auth` app's models, laid out as Django's `django.contrib.auth` tables so a
/// database reads the same to both tools.
enum AuthModels {
  static let yaml = """
    models:
      Permission:
        db_table: auth_permission
        fields:
          id: {type: auto, primary_key: true}
          name: {type: char, max_length: 255}
          content_type: {type: foreign_key, to: contenttypes.ContentType, on_delete: cascade}
          codename: {type: char, max_length: 100}
        unique_together: [[content_type, codename]]
        ordering: [content_type__app_label, content_type__model, codename]
      Group:
        db_table: auth_group
        fields:
          id: {type: auto, primary_key: true}
          name: {type: char, max_length: 150, unique: true}
          permissions: {type: many_to_many, to: Permission, blank: true}
      User:
        db_table: auth_user
        fields:
          id: {type: auto, primary_key: true}
          password: {type: char, max_length: 128}
          last_login: {type: datetime, null: true, blank: true}
          is_superuser: {type: boolean, default: false}
          username: {type: char, max_length: 150, unique: true}
          first_name: {type: char, max_length: 150, blank: true}
          last_name: {type: char, max_length: 150, blank: true}
          email: {type: email, max_length: 254, blank: true}
          is_staff: {type: boolean, default: false}
          is_active: {type: boolean, default: true}
          date_joined: {type: datetime, default: now}
          groups: {type: many_to_many, to: Group, blank: true, related_name: user_set}
          user_permissions: {type: many_to_many, to: Permission, blank: true, related_name: user_set}
    """
}
