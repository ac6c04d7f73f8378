#!/usr/bin/env python3
"""Generates an app with a long chain of migrations, for both tools: migration 0001 creates
model Item, each later one adds a nullable integer field to it.

    Benchmarks/generate_migrations.py OUT COUNT [--django DJANGO_OUT]

OUT gets manage.yaml, shop/models.yaml and shop/migrations/NNNN_item_fN.json; DJANGO_OUT the
same app as a Django project with NNNN_item_fN.py migrations.
"""
import argparse
import os
import textwrap


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)


def name(number):
    return "0001_initial" if number == 1 else f"{number:04d}_item_f{number}"


def generate_manage(out, count):
    write(os.path.join(out, "manage.yaml"), "installed_apps: [shop]\n")
    fields = "".join(f"      f{n}: {{type: integer, null: true}}\n" for n in range(2, count + 1))
    write(os.path.join(out, "shop", "models.yaml"), "models:\n  Item:\n    fields:\n      name: text\n" + fields)
    folder = os.path.join(out, "shop", "migrations")
    write(os.path.join(folder, "0001_initial.json"), textwrap.dedent("""\
        {
          "dependencies": [],
          "initial": true,
          "operations": [
            {
              "op": "CreateModel",
              "name": "Item",
              "fields": [
                ["id", {"type": "big_auto", "primary_key": true}],
                ["name", {"type": "text"}]
              ]
            }
          ]
        }
        """))
    for n in range(2, count + 1):
        write(os.path.join(folder, name(n) + ".json"),
              '{\n  "dependencies": [["shop", "%s"]],\n  "operations": [\n'
              '    {"op": "AddField", "model": "Item", "name": "f%d", "field": {"type": "integer", "null": true}}\n  ]\n}\n'
              % (name(n - 1), n))


def generate_django(out, count):
    write(os.path.join(out, "manage.py"), textwrap.dedent("""\
        import os, sys
        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
            from django.core.management import execute_from_command_line
            execute_from_command_line(sys.argv)
        """))
    write(os.path.join(out, "settings.py"), textwrap.dedent("""\
        SECRET_KEY = "benchmark-only"
        INSTALLED_APPS = ["shop"]
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
        DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
        USE_TZ = True
        """))
    fields = "".join(f"    f{n} = models.IntegerField(null=True)\n" for n in range(2, count + 1))
    write(os.path.join(out, "shop", "__init__.py"), "")
    write(os.path.join(out, "shop", "models.py"), "from django.db import models\n\nclass Item(models.Model):\n    name = models.TextField()\n" + fields)
    folder = os.path.join(out, "shop", "migrations")
    write(os.path.join(folder, "__init__.py"), "")
    write(os.path.join(folder, "0001_initial.py"), textwrap.dedent("""\
        from django.db import migrations, models

        class Migration(migrations.Migration):
            initial = True
            dependencies = []
            operations = [
                migrations.CreateModel(name="Item", fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("name", models.TextField()),
                ]),
            ]
        """))
    for n in range(2, count + 1):
        write(os.path.join(folder, name(n) + ".py"),
              "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n"
              f"    dependencies = [(\"shop\", \"{name(n - 1)}\")]\n"
              f"    operations = [migrations.AddField(model_name=\"item\", name=\"f{n}\", field=models.IntegerField(null=True))]\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("count", type=int)
    parser.add_argument("--django")
    arguments = parser.parse_args()
    generate_manage(arguments.out, arguments.count)
    if arguments.django:
        generate_django(arguments.django, arguments.count)


if __name__ == "__main__":
    main()
