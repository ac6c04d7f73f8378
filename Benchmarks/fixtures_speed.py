#!/usr/bin/env python3
"""Times `manage dumpdata` and `manage loaddata` against Django 6.1's on the same rows, in one run.

    Benchmarks/fixtures_speed.py [--rows 20000] [--runs 3] [--binary PATH]

A blog of 100 authors and ROWS posts (a foreign key, a slug, a choice, a datetime, a null
integer each) in a SQLite WAL file. Dump: each tool's `dumpdata blog` of the same file, the whole
process timed. Load: each tool's own dump into the emptied tables. manage validates every
object (types, lengths, choices, foreign keys, uniqueness) before it writes; Django's loaddata
saves raw, unvalidated. The median of RUNS of each is printed with the ratio. Django runs as
`python -m django` with settings naming the same tables (blog/models.py), in Benchmarks/.work.
"""
import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, ".work")
sys.path.insert(0, HERE)
from cli_speed import build_manage  # noqa: E402
from enqueue_speed import reference_python  # noqa: E402
from shell_speed import project  # noqa: E402


def timed(command, folder, before=None):
    if before:
        before()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {result.returncode}: {result.stderr[-2000:]}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--binary")
    arguments = parser.parse_args()
    manage = os.path.abspath(arguments.binary) if arguments.binary else build_manage()
    python = reference_python()
    if python is None:
        raise SystemExit("could not install Django 6.1 for the reference")
    folder = project(manage, arguments.rows, name="fixtures")
    os.environ["PYTHONPATH"] = folder
    django = [python, "-m", "django"]
    database = os.path.join(folder, "db.sqlite3")

    def empty():
        with sqlite3.connect(database) as db:
            db.execute("DELETE FROM blog_post")
            db.execute("DELETE FROM blog_author")

    ours_dump = [manage, "dumpdata", "blog", "-o", "ours.json"]
    their_dump = django + ["dumpdata", "blog", "--settings", "settings", "-o", "django.json"]
    dump = [statistics.median(timed(command, folder) for _ in range(arguments.runs)) for command in (ours_dump, their_dump)]
    objects = arguments.rows + 100
    print(f"dumpdata of {objects:,} objects: manage {dump[0]:.0f} ms, Django 6.1 {dump[1]:.0f} ms, "
          f"Django / manage {dump[1] / dump[0]:.1f}x")

    ours_load = [manage, "loaddata", "ours.json"]
    their_load = django + ["loaddata", "django.json", "--settings", "settings"]
    load = [statistics.median(timed(command, folder, before=empty) for _ in range(arguments.runs)) for command in (ours_load, their_load)]
    print(f"loaddata of {objects:,} objects into empty tables: manage {load[0]:.0f} ms (each object validated), "
          f"Django 6.1 {load[1]:.0f} ms (raw saves), Django / manage {load[1] / load[0]:.1f}x")


if __name__ == "__main__":
    main()
