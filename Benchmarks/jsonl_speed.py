#!/usr/bin/env python3
"""Program tasks at the speed of in-process ones (issue 16 §7): a no-op Python task drained by
one manage worker, as `protocol: jsonl` and as a process per job, against django-tasks-db's
`db_worker` running a no-op `@task` function in-process.

    Benchmarks/jsonl_speed.py [--jobs N] [--concurrency C (default 4, the worker's)]

Each side gets N jobs (2,000 by default) queued in a fresh SQLite WAL file, then one worker
drains them and the wall time is taken from its start to its exit (`manage worker --burst`,
`manage.py db_worker --batch`). manage is built in release mode; Django 6.1 and django-tasks-db
come from a venv under Benchmarks/.work made on first use (see enqueue_speed.py).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import enqueue_speed  # noqa: E402  (the shared Django venv)

ROOT = enqueue_speed.ROOT

HELPER = textwrap.dedent("""
    import json, sys

    def serve(handler):
        for line in sys.stdin:
            job = json.loads(line)
            try:
                reply = {"result": handler(job["payload"])}
            except Exception as error:
                reply = {"error": f"{type(error).__name__}: {error}"}
            sys.stdout.write(json.dumps(reply) + "\\n")
            sys.stdout.flush()

    serve(lambda payload: None)
""")

PER_JOB = "import sys, json; json.load(sys.stdin)\n"


def manage_rate(binary, jobs, concurrency, protocol):
    project = tempfile.mkdtemp(prefix="manage-jsonl-")
    try:
        with open(os.path.join(project, "manage.yaml"), "w") as f:
            f.write("installed_apps: [jobs, work]\n")
        os.makedirs(os.path.join(project, "work"))
        with open(os.path.join(project, "work", "noop.py"), "w") as f:
            f.write(HELPER if protocol == "jsonl" else PER_JOB)
        with open(os.path.join(project, "work", "tasks.yaml"), "w") as f:
            f.write(f"tasks:\n  noop:\n    command: [python3, -S, work/noop.py]\n    protocol: {protocol}\n")
        subprocess.run([binary, "migrate", "-v", "0"], cwd=project, check=True)
        payloads = "".join(f'{{"n": {i}}}\n' for i in range(jobs))
        subprocess.run([binary, "enqueue", "noop", "--jsonl", "-"], cwd=project, input=payloads, text=True, check=True, stdout=subprocess.DEVNULL)
        started = time.perf_counter()
        subprocess.run([binary, "worker", "--burst", "--concurrency", str(concurrency), "-v", "0"], cwd=project, check=True, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        done = subprocess.run([binary, "shell", "-c", "Job.objects.filter(state='succeeded').count()"], cwd=project, capture_output=True, text=True).stdout
        return jobs / elapsed, int(done.strip() or 0)
    finally:
        shutil.rmtree(project, ignore_errors=True)


DJANGO_SETTINGS = textwrap.dedent("""
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3",
                             "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"}}}
    INSTALLED_APPS = ["django.contrib.contenttypes", "django_tasks_db", "noopapp"]
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    USE_TZ = True
    SECRET_KEY = "benchmark"
""")

DJANGO_TASK = textwrap.dedent("""
    from django.tasks import task

    @task
    def noop(n):
        pass
""")

DJANGO_ENQUEUE = textwrap.dedent("""
    import sys, django
    django.setup()
    from noopapp.tasks import noop
    for i in range(int(sys.argv[1])):
        noop.enqueue(n=i)
""")


def django_rate(jobs):
    python = enqueue_speed.reference_python()
    if python is None:
        return None
    folder = tempfile.mkdtemp(prefix="django-jsonl-")
    try:
        os.makedirs(os.path.join(folder, "noopapp"))
        open(os.path.join(folder, "noopapp", "__init__.py"), "w").close()
        with open(os.path.join(folder, "noopapp", "tasks.py"), "w") as f:
            f.write(DJANGO_TASK)
        with open(os.path.join(folder, "settings.py"), "w") as f:
            f.write(DJANGO_SETTINGS)
        with open(os.path.join(folder, "enqueue.py"), "w") as f:
            f.write(DJANGO_ENQUEUE)
        environment = dict(os.environ, DJANGO_SETTINGS_MODULE="settings", PYTHONPATH=folder)
        admin = [python, "-m", "django"]
        subprocess.run(admin + ["migrate", "-v", "0"], cwd=folder, env=environment, check=True)
        subprocess.run([python, "enqueue.py", str(jobs)], cwd=folder, env=environment, check=True)
        started = time.perf_counter()
        subprocess.run(admin + ["db_worker", "--batch", "--no-startup-delay", "--interval", "0.01"], cwd=folder, env=environment, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return jobs / (time.perf_counter() - started)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2_000, help="jobs per side (default 2,000)")
    parser.add_argument("--concurrency", type=int, default=4, help="manage worker slots (default 4, the worker's own default)")
    arguments = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "manage"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, ".build", "release", "manage")
    jsonl, done = manage_rate(binary, arguments.jobs, arguments.concurrency, "jsonl")
    print(f"manage worker, protocol: jsonl, {arguments.concurrency} slots: {jsonl:,.0f} jobs/s ({done:,} succeeded)")
    per_job, done = manage_rate(binary, arguments.jobs, arguments.concurrency, "stdin")
    print(f"manage worker, a process per job, {arguments.concurrency} slots: {per_job:,.0f} jobs/s ({done:,} succeeded)")
    theirs = django_rate(arguments.jobs)
    if theirs is None:
        print("django-tasks-db: could not be installed or run; no reference")
        return
    print(f"django-tasks-db db_worker, in-process no-op: {theirs:,.0f} jobs/s")
    print(f"ratio (jsonl / db_worker): {jsonl / theirs:.1f}x (target 10x)")


if __name__ == "__main__":
    main()
