from django.apps import AppConfig


class LibraryConfig(AppConfig):
    # The label makes the tables library_*, the ones manage migrate creates from
    # ../library/models.yaml.
    name = "librarydj"
    label = "library"
    default_auto_field = "django.db.models.AutoField"
