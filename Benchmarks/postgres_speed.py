#!/usr/bin/env python3
"""Times manage on PostgreSQL against its references in one run and prints the ratios
(issue 15's figures).

    Benchmarks/postgres_speed.py [--runs 5] [--rows 100000] [--binary PATH] [--no-django]

- migrate of the generated 500-model project (generate_project.py) into an empty database,
  against the same DDL (taken from `manage sqlmigrate`) run through `psql -1` in one
  transaction (target: within 1.5x), and Django 6.1's migrate of the same models on the same
  server through psycopg (target: 10x faster).
- `manage shell -c "Post.objects.filter(status='draft').count()"` over 100,000 rows against
  the same query through `psql -c` (target: within 2x).

It starts a throwaway cluster of its own with .ci/postgres-cluster (stopped at the end), builds
manage (release) unless --binary is given, and installs Django 6.1 with psycopg into
Benchmarks/.work/venv61-pg.
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, ".work")
sys.path.insert(0, HERE)
from cli_speed import build_manage  # noqa: E402
from migrate_speed import median as timed  # noqa: E402


def sh(command, cwd=None, env=None, stdin=None):
    result = subprocess.run(command, cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr}{result.stdout}")
    return result.stdout


def django61_python():
    venv = os.path.join(WORK, "venv61-pg")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        environment = dict(os.environ, PYENV_VERSION="3.12.1")
        sh(["python3.12", "-m", "venv", venv], env=environment)
        sh([python, "-m", "pip", "install", "-q", "Django>=6.1,<6.2", "psycopg[binary]>=3.2"])
    return python


class Cluster:
    def __init__(self):
        self.folder = os.path.join("/tmp", f"manage-bench-pg-{os.getpid()}")
        self.url = sh([os.path.join(ROOT, ".ci", "postgres-cluster"), "start", self.folder]).strip()
        self.port = self.url.rsplit(":", 1)[1].split("/")[0]

    def psql(self, database, *arguments, stdin=None):
        return sh(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-d", database, *arguments], stdin=stdin)

    def recreate(self, name):
        self.psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', "-c", f'CREATE DATABASE "{name}"')

    def url_of(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        subprocess.run([os.path.join(ROOT, ".ci", "postgres-cluster"), "stop", self.folder])
        shutil.rmtree(self.folder, ignore_errors=True)


def row(ours_name, ours_ms, reference_name, reference_ms):
    print(f"{ours_name:<44} {ours_ms:>8.1f}ms   {reference_name:<44} {reference_ms:>9.1f}ms   {reference_ms / ours_ms:>6.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--binary")
    parser.add_argument("--no-django", action="store_true")
    arguments = parser.parse_args()
    manage = os.path.abspath(arguments.binary) if arguments.binary else build_manage()
    python = None if arguments.no_django else django61_python()
    cluster = Cluster()
    try:
        run(cluster, manage, python, arguments)
    finally:
        cluster.stop()


def run(cluster, manage, python, arguments):
    runs = arguments.runs
    big = os.path.join(WORK, "pg_big")
    big_django = os.path.join(WORK, "pg_big_django")
    for folder in (big, big_django):
        shutil.rmtree(folder, ignore_errors=True)
    sh([sys.executable, os.path.join(HERE, "generate_project.py"), big, "--django", big_django])
    environment = dict(os.environ, MANAGE_DATABASE_URL=cluster.url_of("bench_ours"))
    cluster.recreate("bench_ours")
    sh([manage, "makemigrations", "-v", "0"], cwd=big, env=environment)

    # The reference: every migration's DDL, in migrate's order, through psql in one transaction.
    plan = sh([manage, "migrate", "--plan"], cwd=big, env=environment)
    keys = [line for line in plan.splitlines() if line and not line.startswith(" ") and line != "Planned operations:"]
    statements = []
    for key in keys:
        text = sh([manage, "sqlmigrate", *key.split(".", 1)], cwd=big, env=environment)
        statements += [line for line in text.splitlines() if line not in ("BEGIN;", "COMMIT;")]
    sql_path = os.path.join(WORK, "pg_big.sql")
    with open(sql_path, "w") as handle:
        handle.write("\n".join(statements) + "\n")

    def reference():
        with open(sql_path) as handle:
            cluster.psql("bench_reference", "-1", "-f", "-", stdin=handle)

    print(f"{'ours':<44} {'median':>10}   {'reference':<44} {'median':>11}   {'reference / ours':>16}")
    ours = timed(lambda: sh([manage, "migrate", "-v", "0"], cwd=big, env=environment), lambda: cluster.recreate("bench_ours"), runs)
    theirs = timed(reference, lambda: cluster.recreate("bench_reference"), runs)
    row("migrate, 500 models, PostgreSQL", ours, "same DDL through psql -1", theirs)
    if python:
        settings = os.path.join(big_django, "settings.py")
        with open(settings) as handle:
            text = handle.read()
        text = text.replace('{"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}',
                            f'{{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "bench_django", "USER": "postgres", '
                            f'"HOST": "127.0.0.1", "PORT": "{cluster.port}"}}}}')
        with open(settings, "w") as handle:
            handle.write(text)
        cluster.recreate("bench_django")
        apps = sorted(name for name in os.listdir(big_django) if name.startswith("app"))
        sh([python, "manage.py", "makemigrations", "-v", "0", *apps], cwd=big_django)
        django = timed(lambda: sh([python, "manage.py", "migrate", "-v", "0"], cwd=big_django),
                       lambda: cluster.recreate("bench_django"), max(1, runs // 2))
        row("migrate, 500 models, PostgreSQL", ours, "Django 6.1 migrate (psycopg)", django)

    # The shell: a count over 100,000 rows.
    shell = os.path.join(WORK, "pg_shell")
    shutil.rmtree(shell, ignore_errors=True)
    os.makedirs(os.path.join(shell, "blog"))
    with open(os.path.join(shell, "manage.yaml"), "w") as handle:
        handle.write(f"database: {cluster.url_of('bench_shell')}\ninstalled_apps: [blog]\n")
    with open(os.path.join(shell, "blog", "models.yaml"), "w") as handle:
        handle.write("models:\n  Post:\n    fields:\n      title: {type: char, max_length: 200}\n"
                     "      status: {type: char, max_length: 10, default: draft}\n      created_at: {type: datetime}\n")
    cluster.recreate("bench_shell")
    sh([manage, "makemigrations", "-v", "0"], cwd=shell)
    sh([manage, "migrate", "-v", "0"], cwd=shell)
    cluster.psql("bench_shell", "-c",
                 f"INSERT INTO blog_post (title, status, created_at) SELECT 'Post ' || i, CASE WHEN i % 2 = 0 THEN 'draft' ELSE 'published' END, "
                 f"now() FROM generate_series(1, {arguments.rows}) AS i", "-c", "VACUUM ANALYZE blog_post")
    count = [manage, "shell", "-c", "Post.objects.filter(status='draft').count()"]
    answer = sh(count, cwd=shell).strip()
    assert answer == str(arguments.rows // 2), answer
    psql = ["psql", "-X", "-h", "127.0.0.1", "-p", cluster.port, "-U", "postgres", "-d", "bench_shell", "-Atc",
            "SELECT count(*) FROM blog_post WHERE status = 'draft'"]
    ours_count = timed(lambda: sh(count, cwd=shell), lambda: None, runs * 4)
    psql_count = timed(lambda: sh(psql), lambda: None, runs * 4)
    row(f"shell -c count() over {arguments.rows:,} rows", ours_count, "the same query through psql -c", psql_count)


if __name__ == "__main__":
    main()
