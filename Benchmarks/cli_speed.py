#!/usr/bin/env python3
"""Times manage against Django 5.2 in one run and prints the ratios (issue 2's figures).

    Benchmarks/cli_speed.py [--runs 30] [--binary PATH]

- `manage --version` and `manage help` against `python manage.py help` on a fresh
  `django-admin startproject` (Django's own commands only).
- `manage check` against `python manage.py check` on the same generated project of 20 apps x
  25 models (Benchmarks/generate_project.py), written once for each tool.

It builds manage in release mode with the Swift runtime linked statically (as the README's
install does) unless --binary is given, and installs Django 5.2 into Benchmarks/.work/venv
from PyPI the first time. Medians over --runs runs, after two warm-up runs each.
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


def sh(command, **kwargs):
    subprocess.run(command, check=True, **kwargs)


def build_manage():
    sh(["swift", "build", "-c", "release", "--static-swift-stdlib"], cwd=ROOT, stdout=subprocess.DEVNULL)
    return os.path.join(ROOT, ".build", "release", "manage")


def django_python():
    venv = os.path.join(WORK, "venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        sh([sys.executable, "-m", "venv", venv])
        sh([python, "-m", "pip", "install", "-q", "Django>=5.2,<5.3"])
    return python


def median_ms(command, cwd, runs):
    for _ in range(2):
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append((time.perf_counter() - start) * 1000)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} exited {result.returncode} in {cwd}")
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--binary", help="a manage binary to time instead of building one")
    arguments = parser.parse_args()

    manage = os.path.abspath(arguments.binary) if arguments.binary else build_manage()
    python = django_python()
    os.makedirs(WORK, exist_ok=True)

    small_django = os.path.join(WORK, "django_small")
    if not os.path.exists(small_django):
        os.makedirs(small_django)
        sh([python, "-m", "django", "startproject", "mysite", small_django])
    empty = os.path.join(WORK, "manage_empty")
    os.makedirs(empty, exist_ok=True)

    big_manage = os.path.join(WORK, "manage_big")
    big_django = os.path.join(WORK, "django_big")
    for folder in (big_manage, big_django):
        shutil.rmtree(folder, ignore_errors=True)
    sh([sys.executable, os.path.join(HERE, "generate_project.py"), big_manage, "--django", big_django])

    rows = [
        ("manage --version", [manage, "--version"], empty, [python, "manage.py", "help"], small_django, "python manage.py help"),
        ("manage help", [manage, "help"], empty, [python, "manage.py", "help"], small_django, "python manage.py help"),
        ("manage check (500 models)", [manage, "check"], big_manage, [python, "manage.py", "check"], big_django,
         "python manage.py check (500 models)"),
    ]
    django_runs = max(5, arguments.runs // 3)
    print(f"{'ours':<28} {'median':>9}   {'reference':<38} {'median':>9}   {'ratio':>7}")
    for name, ours, ours_dir, reference, reference_dir, reference_name in rows:
        ours_ms = median_ms(ours, ours_dir, arguments.runs)
        reference_ms = median_ms(reference, reference_dir, django_runs)
        print(f"{name:<28} {ours_ms:>7.1f}ms   {reference_name:<38} {reference_ms:>7.1f}ms   {reference_ms / ours_ms:>6.0f}x")


if __name__ == "__main__":
    main()
