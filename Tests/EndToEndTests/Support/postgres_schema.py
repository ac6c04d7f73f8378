"""The shape of the built-in apps' tables in a PostgreSQL database, as JSON, read through psycopg.

usage: postgres_schema.py CONNINFO [PREFIX...]
With prefixes, every table whose name starts with one of them instead of the built-in apps'.
Columns (name, type, nullable, identity), indexes (name, definition) and constraints (name,
definition) per table; PostgreSQL's own names for inline keys are kept, since Django's and
manage's inline UNIQUE and PRIMARY KEY get the same ones.
"""
import json
import sys

import psycopg

TABLES = ["auth_group", "auth_group_permissions", "auth_permission", "auth_user", "auth_user_groups",
          "auth_user_user_permissions", "django_admin_log", "django_content_type", "django_session", "django_migrations"]

with psycopg.connect(sys.argv[1]) as connection:
    shape = {}
    tables = TABLES
    if len(sys.argv) > 2:
        names = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename").fetchall()
        tables = [name for (name,) in names if name.startswith(tuple(sys.argv[2:]))]
    for table in tables:
        columns = connection.execute(
            "SELECT column_name, data_type, character_maximum_length, numeric_precision, is_nullable, is_identity "
            "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s ORDER BY column_name",
            [table]).fetchall()
        indexes = connection.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s ORDER BY indexname",
            [table]).fetchall()
        constraints = connection.execute(
            "SELECT conname, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE t.relname = %s AND t.relnamespace = current_schema()::regnamespace ORDER BY conname", [table]).fetchall()
        shape[table] = {"columns": [list(row) for row in columns], "indexes": [list(row) for row in indexes],
                        "constraints": [list(row) for row in constraints]}
    print(json.dumps(shape, indent=1, sort_keys=True))
