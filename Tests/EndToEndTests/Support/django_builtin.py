"""Django 6.1 on a database, with only its built-in apps (the ones manage carries too).

usage: django_builtin.py DB COMMAND [ARGS...]
  migrate-check          exit 0 when Django finds nothing to apply, 1 with the plan otherwise
  migrate [APP [NAME]]   Django's own migrate
  authenticate USER PW   logs USER in, then writes a user of Django's own (made_by_django)
  seed                   two users (one a superuser, with microseconds in its times) and a group
  dumpdata LABEL...      Django's dumpdata of the labels, as JSON with indent 2
  loaddata FILE          Django's loaddata
  schema                 each built-in table's columns (name, type, null, pk) and its indexes
                         (name, unique, columns) as JSON, read through SQLite's pragmas
"""
import json
import sqlite3
import sys

import django
from django.conf import settings

database, command, *rest = sys.argv[1:]
if database.startswith("postgres:"):
    # "postgres:host=… port=… user=… dbname=…": Django's PostgreSQL backend through psycopg.
    parts = dict(pair.split("=", 1) for pair in database[len("postgres:"):].split())
    engine = {"ENGINE": "django.db.backends.postgresql", "NAME": parts["dbname"], "USER": parts["user"],
              "HOST": parts["host"], "PORT": parts["port"]}
else:
    engine = {"ENGINE": "django.db.backends.sqlite3", "NAME": database}
settings.configure(
    INSTALLED_APPS=["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"],
    DATABASES={"default": engine},
    PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
    SILENCED_SYSTEM_CHECKS=["admin.E403", "admin.E406", "admin.E408", "admin.E409", "admin.E410"],
    USE_TZ=True)
django.setup()
from django.core.management import call_command  # noqa: E402

TABLES = ["auth_group", "auth_group_permissions", "auth_permission", "auth_user", "auth_user_groups",
          "auth_user_user_permissions", "django_admin_log", "django_content_type", "django_session"]

if command == "migrate-check":
    try:
        call_command("migrate", check=True, plan=True, verbosity=1)
    except SystemExit as stop:
        sys.exit(stop.code)
elif command == "migrate":
    call_command("migrate", *rest, verbosity=0)
elif command == "authenticate":
    from django.contrib.auth import authenticate
    from django.contrib.auth.models import User
    user = authenticate(username=rest[0], password=rest[1])
    print("authenticated", user is not None and user.is_superuser and user.is_staff)
    User.objects.create_user("made_by_django", "d@example.com", "django-side-passphrase")
    print("created")
elif command == "schema":
    connection = sqlite3.connect(database)
    shape = {}
    for table in TABLES:
        columns = sorted((row[1], row[2], bool(row[3]), bool(row[5]))
                         for row in connection.execute(f'PRAGMA table_info("{table}")'))
        indexes = []
        for row in connection.execute(f'PRAGMA index_list("{table}")'):
            if row[3] == "pk" or row[1].startswith("sqlite_autoindex"):
                continue  # PRIMARY KEY and inline UNIQUE: SQLite names those itself
            members = [info[2] for info in connection.execute(f'PRAGMA index_info("{row[1]}")')]
            indexes.append((row[1], bool(row[2]), members))
        shape[table] = {"columns": columns, "indexes": sorted(indexes)}
    print(json.dumps(shape, indent=1, sort_keys=True))
elif command == "seed":
    import datetime
    from django.contrib.auth.models import Group, User
    editors = Group.objects.create(name="editors")
    ann = User.objects.create_superuser("ann", "ann@example.com", "a-long-passphrase", first_name="Ann")
    ann.last_login = datetime.datetime(2026, 1, 2, 3, 4, 5, 123000, tzinfo=datetime.timezone.utc)
    ann.save()
    bob = User.objects.create_user("bob", "bob@example.com", "another-passphrase", is_active=False)
    bob.groups.add(editors)
    ann.groups.add(editors)
elif command == "dumpdata":
    call_command("dumpdata", *rest, indent=2)
elif command == "loaddata":
    call_command("loaddata", *rest, verbosity=0)
