#!/usr/bin/env python3
"""How `manage check` and `manage makemigrations --dry-run` grow with the models of one app
(issue 13: they were quadratic, 1.2/4.9/15.8 s for makemigrations at 1,500/3,000/6,000
models). Times each at 1,500, 3,000 and 6,000 models in one app (Benchmarks/generate_project.py)
against Django 6.1's `manage.py check` on the same project, and prints the growth per
doubling: 2.0 is linear, 4.0 quadratic.

    Benchmarks/schema_scaling.py [--runs 3] [--sizes 1500,3000,6000] [--no-django]
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_speed import HERE, WORK, build_manage, median_ms  # noqa: E402


def django61_python():
    """A venv with Django 6.1 on Python 3.12 (the image's pyenv has it)."""
    venv = os.path.join(WORK, "venv61")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        env = dict(os.environ, PYENV_VERSION="3.12.1")
        subprocess.run(["python3.12", "-m", "venv", venv], check=True, env=env)
        subprocess.run([python, "-m", "pip", "install", "-q", "django==6.1.*"], check=True)
    return python


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1500,3000,6000")
    parser.add_argument("--no-django", action="store_true")
    args = parser.parse_args()
    manage = build_manage()
    python = None if args.no_django else django61_python()
    sizes = [int(size) for size in args.sizes.split(",")]
    rows = []
    for size in sizes:
        out = os.path.join(WORK, f"scaling-{size}")
        django_out = os.path.join(WORK, f"scaling-{size}-django")
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(django_out, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(HERE, "generate_project.py"), out, "--apps", "1", "--models", str(size),
                        "--django", django_out], check=True, stdout=subprocess.DEVNULL)
        check = median_ms([manage, "check"], out, args.runs)
        make = median_ms([manage, "makemigrations", "--dry-run"], out, args.runs)
        django = median_ms([python, "manage.py", "check"], django_out, args.runs) if python else None
        rows.append((size, check, make, django))
    print(f"{'models':>7} {'manage check':>14} {'makemigrations':>15} {'Django 6.1 check':>17} {'ratio':>7}")
    for size, check, make, django in rows:
        ratio = f"{django / check:6.1f}x" if django else "      -"
        django_text = f"{django:14.0f} ms" if django else "              -"
        print(f"{size:>7} {check:11.0f} ms {make:12.0f} ms {django_text} {ratio}")
    for (a, check_a, make_a, _), (b, check_b, make_b, _) in zip(rows, rows[1:]):
        print(f"{a} -> {b} models: check x{check_b / check_a:.2f}, makemigrations x{make_b / make_a:.2f} (2.0 is linear)")


if __name__ == "__main__":
    main()
