#!/usr/bin/env python3
"""Times `manage shell` (issue 5's figures) against its references in one run.

    Benchmarks/shell_speed.py [--runs 7] [--rows 100000] [--binary PATH] [--no-django]

- `manage shell -c "Post.objects.filter(status='draft').count()"` end to end (target: under
  25 ms), against Django 5.2's `manage.py shell -c` running the same query on the same file.
- Fetching every row with `values()` as CSV, against the sqlite3 CLI printing the same rows
  as CSV (target: within 2x).

The project, its 100,000 posts and a matching Django project live in Benchmarks/.work/shell.
"""
import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, ".work")
sys.path.insert(0, HERE)
from cli_speed import build_manage, django_python, median_ms  # noqa: E402

MODELS = """models:
  Author:
    fields:
      name: {type: char, max_length: 100}
  Post:
    fields:
      title: {type: char, max_length: 200}
      slug: {type: slug, max_length: 200}
      status: {type: char, max_length: 10, choices: [draft, published], default: draft}
      score: {type: integer, null: true}
      created_at: {type: datetime}
      author: {type: foreign_key, to: Author, on_delete: cascade, related_name: posts}
"""

DJANGO_MODELS = """from django.db import models

class Author(models.Model):
    name = models.CharField(max_length=100)

class Post(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    status = models.CharField(max_length=10, default="draft")
    score = models.IntegerField(null=True)
    created_at = models.DateTimeField()
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="posts")
"""

DJANGO_SETTINGS = """SECRET_KEY = "benchmark"
INSTALLED_APPS = ["blog"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""


def project(manage, rows, name="shell"):
    """The blog with 100 authors and `rows` posts, migrated by manage, in Benchmarks/.work/NAME,
    with blog/models.py and settings.py naming the same tables for Django."""
    folder = os.path.join(WORK, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, "blog"))
    with open(os.path.join(folder, "manage.yaml"), "w") as handle:
        handle.write("installed_apps: [blog]\n")
    with open(os.path.join(folder, "blog", "models.yaml"), "w") as handle:
        handle.write(MODELS)
    subprocess.run([manage, "makemigrations", "-v", "0"], cwd=folder, check=True)
    subprocess.run([manage, "migrate", "-v", "0"], cwd=folder, check=True)
    random.seed(5)
    with sqlite3.connect(os.path.join(folder, "db.sqlite3")) as db:
        db.executemany("INSERT INTO blog_author (name) VALUES (?)", [(f"author {i}",) for i in range(100)])
        db.executemany(
            "INSERT INTO blog_post (title, slug, status, score, created_at, author_id) VALUES (?, ?, ?, ?, ?, ?)",
            [(f"Post number {i}", f"post-{i}", random.choice(["draft", "published"]),
              random.randint(0, 100) if i % 7 else None,
              f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00", 1 + i % 100) for i in range(rows)])
    # The same tables seen by Django: blog/models.py names them as Django would.
    with open(os.path.join(folder, "blog", "__init__.py"), "w"):
        pass
    with open(os.path.join(folder, "blog", "models.py"), "w") as handle:
        handle.write(DJANGO_MODELS)
    with open(os.path.join(folder, "settings.py"), "w") as handle:
        handle.write(DJANGO_SETTINGS)
    return folder


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--binary")
    parser.add_argument("--no-django", action="store_true")
    arguments = parser.parse_args()
    manage = os.path.abspath(arguments.binary) if arguments.binary else build_manage()
    folder = project(manage, arguments.rows)
    runs = arguments.runs

    count = [manage, "shell", "-c", "Post.objects.filter(status='draft').count()"]
    ours_count = median_ms(count, folder, runs)
    # The floor: the sqlite3 CLI running the same COUNT, a full scan of the table.
    floor = median_ms(["sqlite3", "db.sqlite3", "SELECT count(*) FROM blog_post WHERE status = 'draft'"], folder, runs)
    line = (f"shell -c count() over {arguments.rows:,} rows: ours {ours_count:.1f} ms (target 25 ms), "
            f"sqlite3 CLI {floor:.1f} ms")
    if not arguments.no_django:
        python = django_python()
        django = [python, "-m", "django", "shell", "--settings", "settings", "-c",
                  "from blog.models import Post; print(Post.objects.filter(status='draft').count())"]
        environment_folder = folder
        os.environ["PYTHONPATH"] = environment_folder
        reference = median_ms(django, folder, runs)
        line += f", Django 5.2 {reference:.0f} ms, Django / ours {reference / ours_count:.0f}x"
    print(line)

    columns = "id, title, slug, status, score, created_at, author_id"
    values = [manage, "shell", "--format", "csv", "-c", "Post.objects.values()"]
    cli = ["sqlite3", "-csv", "-header", "db.sqlite3", f"SELECT {columns} FROM blog_post"]
    ours_values = median_ms(values, folder, runs)
    reference_values = median_ms(cli, folder, runs)
    print(f"values() of {arguments.rows:,} rows as CSV: ours {ours_values:.0f} ms, sqlite3 CLI {reference_values:.0f} ms, "
          f"ours / sqlite3 {ours_values / reference_values:.2f}x (target 2x)")


if __name__ == "__main__":
    main()
