#!/usr/bin/env python3
"""Bulk enqueue (issue 16 §7): `manage enqueue TASK --jsonl FILE` against django-tasks.

    Benchmarks/enqueue_speed.py [--jobs N] [--reference-jobs M]

Builds manage in release mode, makes a project with the jobs app and a no-op task in a SQLite
WAL file, and times `manage enqueue noop --jsonl payloads.jsonl` for N payloads (100,000 by
default), the whole process included. The reference is what a Django 6.1 project does with
django-tasks' database backend: `noop.enqueue(n=i)` in a loop for M payloads (5,000 by default,
since it runs at about a thousand a second), in a venv under Benchmarks/.work made on first use.
Both rates are printed with their ratio.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "Benchmarks", ".work")
VENV = os.path.join(WORK, "venv61-tasks")


def manage_rate(binary, jobs):
    project = tempfile.mkdtemp(prefix="manage-enqueue-")
    try:
        with open(os.path.join(project, "manage.yaml"), "w") as f:
            f.write("installed_apps: [jobs, work]\n")
        os.makedirs(os.path.join(project, "work"))
        with open(os.path.join(project, "work", "tasks.yaml"), "w") as f:
            f.write("tasks:\n  noop:\n    command: [/bin/true]\n")
        subprocess.run([binary, "migrate", "-v", "0"], cwd=project, check=True)
        path = os.path.join(project, "payloads.jsonl")
        with open(path, "w") as f:
            for i in range(jobs):
                f.write(json.dumps({"document_id": i, "note": "bulk"}) + "\n")
        started = time.perf_counter()
        subprocess.run([binary, "enqueue", "noop", "--jsonl", path], cwd=project, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        count = subprocess.run([binary, "shell", "-c", "Job.objects.count()"], cwd=project, check=True, capture_output=True, text=True).stdout.strip()
        assert count == str(jobs), f"expected {jobs} jobs, found {count}"
        return jobs / elapsed
    finally:
        shutil.rmtree(project, ignore_errors=True)


def reference_python():
    python = os.path.join(VENV, "bin", "python")
    if os.path.exists(python):
        return python
    os.makedirs(WORK, exist_ok=True)
    interpreter = shutil.which("python3.12") or sys.executable
    environment = dict(os.environ, PYENV_VERSION="3.12.1")
    try:
        subprocess.run([interpreter, "-m", "venv", VENV], check=True, env=environment)
        subprocess.run([python, "-m", "pip", "install", "-q", "Django>=6.1,<6.2", "django-tasks-db"], check=True)
    except subprocess.CalledProcessError:
        try:
            subprocess.run([python, "-m", "pip", "install", "-q", "Django>=6.1,<6.2", "django-tasks"], check=True)
        except subprocess.CalledProcessError:
            return None
    return python


REFERENCE = textwrap.dedent("""
    import sys, time, django
    from django.conf import settings
    try:
        import django_tasks_db  # noqa: F401
        backend, app = "django_tasks_db.DatabaseBackend", "django_tasks_db"
    except ImportError:
        backend, app = "django_tasks.backends.database.DatabaseBackend", "django_tasks.backends.database"
    settings.configure(
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1],
                               "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"}}},
        INSTALLED_APPS=["django.contrib.contenttypes", app], TASKS={"default": {"BACKEND": backend}}, USE_TZ=True)
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    try:
        from django.tasks import task
    except ImportError:
        from django_tasks import task

    @task
    def noop(document_id, note):
        pass

    import __main__
    noop.func.__module__ = "__main__"
    jobs = int(sys.argv[2])
    started = time.perf_counter()
    for i in range(jobs):
        noop.enqueue(document_id=i, note="bulk")
    print(jobs / (time.perf_counter() - started))
""")


def django_rate(jobs):
    python = reference_python()
    if python is None:
        return None
    folder = tempfile.mkdtemp(prefix="django-enqueue-")
    try:
        script = os.path.join(folder, "enqueue.py")
        with open(script, "w") as f:
            f.write(REFERENCE)
        result = subprocess.run([python, script, os.path.join(folder, "db.sqlite3"), str(jobs)], capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stderr[-2000:], file=sys.stderr)
            return None
        return float(result.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100_000, help="payloads for manage (default 100,000)")
    parser.add_argument("--reference-jobs", type=int, default=5_000, help="enqueue() calls for django-tasks (default 5,000)")
    arguments = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "manage"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, ".build", "release", "manage")
    ours = manage_rate(binary, arguments.jobs)
    print(f"manage enqueue --jsonl, {arguments.jobs:,} payloads: {ours:,.0f} jobs/s (target 50,000)")
    theirs = django_rate(arguments.reference_jobs)
    if theirs is None:
        print("django-tasks: could not be installed or run; no reference")
        return
    print(f"django-tasks enqueue() in a loop, {arguments.reference_jobs:,} calls: {theirs:,.0f} jobs/s")
    print(f"ratio: {ours / theirs:.1f}x")


if __name__ == "__main__":
    main()
