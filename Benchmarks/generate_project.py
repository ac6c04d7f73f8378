#!/usr/bin/env python3
"""Generates the same large project twice: as a manage project (manage.yaml + models.yaml per
app) and, with --django, as an equivalent Django project, so both tools can be timed on it.

Default shape: 20 apps x 25 models, 8 declared fields each (about 4,000 fields with the ids):
text, numbers, a choice field, a date-time, a foreign key to the previous model of the app,
and every fifth model a many-to-many to the first model of the app. Later benchmarks
(migrate, the shell) reuse it.

    Benchmarks/generate_project.py OUT [--apps 20] [--models 25] [--django DJANGO_OUT]
"""
import argparse
import os
import textwrap

# (manage field definition, Django field definition), cycled through for each model.
FIELDS = [
    ("{type: char, max_length: 200}", "models.CharField(max_length=200)"),
    ("{type: text, blank: true, default: \"\"}", "models.TextField(blank=True, default=\"\")"),
    ("{type: integer, default: 0}", "models.IntegerField(default=0)"),
    ("{type: decimal, max_digits: 10, decimal_places: 2, default: \"0\"}",
     "models.DecimalField(max_digits=10, decimal_places=2, default=0)"),
    ("{type: char, max_length: 10, choices: [draft, live, archived], default: draft}",
     "models.CharField(max_length=10, choices=[(\"draft\", \"draft\"), (\"live\", \"live\"), (\"archived\", \"archived\")], default=\"draft\")"),
    ("{type: datetime, null: true, blank: true}", "models.DateTimeField(null=True, blank=True)"),
    ("{type: boolean, default: false}", "models.BooleanField(default=False)"),
]


def model_fields(app, index):
    """The fields of model `index` of `app`, as (name, manage, django) triples."""
    fields = [(f"field_{i}", m, d) for i, (m, d) in enumerate(FIELDS)]
    if index > 0:
        fields.append(("parent", "{type: foreign_key, to: Model%d, on_delete: cascade, related_name: children_%d}" % (index - 1, index),
                       "models.ForeignKey(\"Model%d\", on_delete=models.CASCADE, related_name=\"children_%d\")" % (index - 1, index)))
    else:
        fields.append(("owner", "{type: foreign_key, to: auth.User, on_delete: set_null, null: true, related_name: %s_owned}" % app,
                       "models.ForeignKey(\"auth.User\", on_delete=models.SET_NULL, null=True, related_name=\"%s_owned\")" % app))
    if index % 5 == 4:
        fields.append(("peers", "{type: many_to_many, to: Model0, blank: true, related_name: peers_%d}" % index,
                       "models.ManyToManyField(\"Model0\", blank=True, related_name=\"peers_%d\")" % index))
    return fields


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)


def generate_manage(out, apps, models):
    labels = [f"app{a:02d}" for a in range(apps)]
    write(os.path.join(out, "manage.yaml"),
          "database: sqlite:///db.sqlite3\n"
          f"installed_apps: [auth, contenttypes, sessions, {', '.join(labels)}]\n"
          "secret_key: benchmark-only\n")
    for label in labels:
        lines = ["models:"]
        for index in range(models):
            lines.append(f"  Model{index}:")
            lines.append("    fields:")
            for name, definition, _ in model_fields(label, index):
                lines.append(f"      {name}: {definition}")
            lines.append("    ordering: [-field_5]")
        write(os.path.join(out, label, "models.yaml"), "\n".join(lines) + "\n")
        os.makedirs(os.path.join(out, label, "migrations"), exist_ok=True)


def generate_django(out, apps, models):
    labels = [f"app{a:02d}" for a in range(apps)]
    write(os.path.join(out, "manage.py"), textwrap.dedent("""\
        #!/usr/bin/env python
        import os
        import sys

        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
            from django.core.management import execute_from_command_line
            execute_from_command_line(sys.argv)
        """))
    write(os.path.join(out, "settings.py"), textwrap.dedent(f"""\
        SECRET_KEY = "benchmark-only"
        DEBUG = True
        INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", {", ".join(repr(l) for l in labels)}]
        DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}}}
        DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
        USE_TZ = True
        """))
    for label in labels:
        lines = ["from django.db import models", ""]
        for index in range(models):
            lines.append(f"class Model{index}(models.Model):")
            for name, _, definition in model_fields(label, index):
                lines.append(f"    {name} = {definition}")
            lines.append("")
            lines.append("    class Meta:")
            lines.append("        ordering = [\"-field_5\"]")
            lines.append("")
        write(os.path.join(out, label, "__init__.py"), "")
        write(os.path.join(out, label, "models.py"), "\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="where to write the manage project")
    parser.add_argument("--apps", type=int, default=20)
    parser.add_argument("--models", type=int, default=25)
    parser.add_argument("--django", help="also write the equivalent Django project here")
    arguments = parser.parse_args()
    generate_manage(arguments.out, arguments.apps, arguments.models)
    if arguments.django:
        generate_django(arguments.django, arguments.apps, arguments.models)


if __name__ == "__main__":
    main()
