#!/usr/bin/env python3
"""Times manage's migrations against their references in one run and prints the ratios
(issue 3's figures).

    Benchmarks/migrate_speed.py [--runs 7] [--binary PATH] [--django]

- migrate of the generated 500-model project (generate_project.py) from an empty database,
  against the same DDL (taken from `manage sqlmigrate`) run through the sqlite3 CLI in one go;
  with --django, Django 5.2's migrate of the same models too.
- makemigrations --check on that project with every migration present.
- 300 migrations that each add a field (generate_migrations.py): migrate from empty, and
  rolling back 150 of them; with --django, Django's times for the same migrations.
- showmigrations with 1,000 migrations (and Django's, with --django).

Medians over --runs runs. It builds manage (release, static Swift runtime) unless --binary
is given, installs the sqlite3 CLI with apt when missing, and Django 5.2 into
Benchmarks/.work/venv with --django.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, ".work")
sys.path.insert(0, HERE)
from cli_speed import build_manage, django_python  # noqa: E402


def run(command, cwd):
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}: {result.stderr}")


def median(action, prepare, runs):
    samples = []
    for _ in range(runs):
        prepare()
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def remove_database(folder):
    for suffix in ("", "-wal", "-shm", ".migrate-lock"):
        path = os.path.join(folder, "db.sqlite3" + suffix)
        if os.path.exists(path):
            os.remove(path)


def interleaved(ours, ours_prepare, theirs, theirs_prepare, runs):
    """Medians of both, timed alternately so a busy moment of the machine hits both alike."""
    mine, other = [], []
    for _ in range(runs):
        ours_prepare()
        start = time.perf_counter()
        ours()
        mine.append((time.perf_counter() - start) * 1000)
        theirs_prepare()
        start = time.perf_counter()
        theirs()
        other.append((time.perf_counter() - start) * 1000)
    return statistics.median(mine), statistics.median(other)


def row(ours_name, ours_ms, reference_name, reference_ms):
    ratio = reference_ms / ours_ms
    print(f"{ours_name:<44} {ours_ms:>8.1f}ms   {reference_name:<46} {reference_ms:>9.1f}ms   {ratio:>6.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--binary")
    parser.add_argument("--django", action="store_true", help="also time Django 5.2 (slow)")
    arguments = parser.parse_args()
    manage = os.path.abspath(arguments.binary) if arguments.binary else build_manage()
    if shutil.which("sqlite3") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "sqlite3"], check=True)
    python = django_python() if arguments.django else None
    runs = arguments.runs

    big = os.path.join(WORK, "migrate_big")
    big_django = os.path.join(WORK, "migrate_big_django")
    for folder in (big, big_django):
        shutil.rmtree(folder, ignore_errors=True)
    run([sys.executable, os.path.join(HERE, "generate_project.py"), big, "--django", big_django], HERE)
    run([manage, "makemigrations", "-v", "0"], big)

    # The reference: the DDL of every migration, in the order migrate runs them.
    plan = subprocess.run([manage, "migrate", "--plan"], cwd=big, capture_output=True, text=True, check=True).stdout
    keys = [line for line in plan.splitlines() if line and not line.startswith(" ") and line != "Planned operations:"]
    sql = "".join(subprocess.run([manage, "sqlmigrate", *key.split(".", 1)], cwd=big, capture_output=True, text=True, check=True).stdout
                  for key in keys)
    sql_path = os.path.join(WORK, "migrate_big.sql")
    with open(sql_path, "w") as handle:
        handle.write(sql)
    reference_db = os.path.join(WORK, "reference.sqlite3")

    def reference():
        with open(sql_path) as handle:
            subprocess.run(["sqlite3", reference_db], stdin=handle, check=True, stdout=subprocess.DEVNULL)

    print(f"{'ours':<44} {'median':>10}   {'reference':<46} {'median':>11}   {'reference / ours':>16}")
    ours, theirs = interleaved(
        lambda: run([manage, "migrate", "-v", "0"], big), lambda: remove_database(big),
        reference, lambda: os.path.exists(reference_db) and os.remove(reference_db), runs)
    row("migrate, 500 models, from empty", ours, "same DDL through the sqlite3 CLI", theirs)
    if python:
        django = median(lambda: run([python, "manage.py", "migrate", "-v", "0"], big_django), lambda: remove_database(big_django), 3)
        row("migrate, 500 models, from empty", ours, "Django 5.2 migrate", django)
    check = median(lambda: run([manage, "makemigrations", "--check", "-v", "0"], big), lambda: None, runs)
    row("makemigrations --check, 500 models", check, "target", 100)

    chain = os.path.join(WORK, "chain300")
    chain_django = os.path.join(WORK, "chain300_django")
    for folder in (chain, chain_django):
        shutil.rmtree(folder, ignore_errors=True)
    run([sys.executable, os.path.join(HERE, "generate_migrations.py"), chain, "300", "--django", chain_django], HERE)
    fresh = median(lambda: run([manage, "migrate", "-v", "0"], chain), lambda: remove_database(chain), runs)
    row("migrate 300 AddField migrations", fresh, "target", 1000)
    back = median(lambda: run([manage, "migrate", "shop", "0150", "-v", "0"], chain),
                  lambda: (remove_database(chain), run([manage, "migrate", "-v", "0"], chain)), runs)
    row("roll back 150 of them", back, "target", 1000)
    if python:
        django_fresh = median(lambda: run([python, "manage.py", "migrate", "-v", "0"], chain_django), lambda: remove_database(chain_django), 1)
        row("migrate 300 AddField migrations", fresh, "Django 5.2", django_fresh)
        django_back = median(lambda: run([python, "manage.py", "migrate", "shop", "0150", "-v", "0"], chain_django),
                             lambda: (remove_database(chain_django), run([python, "manage.py", "migrate", "-v", "0"], chain_django)), 1)
        row("roll back 150 of them", back, "Django 5.2", django_back)

    thousand = os.path.join(WORK, "chain1000")
    thousand_django = os.path.join(WORK, "chain1000_django")
    for folder in (thousand, thousand_django):
        shutil.rmtree(folder, ignore_errors=True)
    run([sys.executable, os.path.join(HERE, "generate_migrations.py"), thousand, "1000", "--django", thousand_django], HERE)
    show = median(lambda: run([manage, "showmigrations"], thousand), lambda: None, runs)
    row("showmigrations, 1,000 migrations", show, "target", 50)
    if python:
        django_show = median(lambda: run([python, "manage.py", "showmigrations"], thousand_django), lambda: None, 3)
        row("showmigrations, 1,000 migrations", show, "Django 5.2", django_show)


if __name__ == "__main__":
    main()
