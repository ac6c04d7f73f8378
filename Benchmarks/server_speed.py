#!/usr/bin/env python3
"""Measures runserver against Django 6.1's runserver with wrk, in one run (issue 8's figures).

    Benchmarks/server_speed.py [--seconds 10] [--connections 16] [--binary PATH]

Two pages, the same 200 rows of one model in each tool's SQLite database:
- the JSON API's first page of 20 rows (ours: /api/bench/item/?page_size=20 with a token,
  which authenticates, filters, counts and paginates) against a plain Django view returning
  `JsonResponse` of the same 20 rows (no auth, no count);
- the admin change list of the model (100 rows a page in both, signed in as a superuser).

Django runs with DEBUG off. Prints requests/s and p99 latency for each and the ratios. Needs wrk
(Debian's `wrk`) and a Python >= 3.12 for Django 6.1 (found on PATH or in pyenv); Django is
installed into Benchmarks/.work/venv-django61 from PyPI the first time. manage is built in
release mode unless --binary is given.
"""
import argparse
import glob
import http.cookiejar
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from cli_speed import ROOT, WORK, build_manage, sh

ROWS = 200


def newer_python():
    for candidate in ["python3.13", "python3.12"] + sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[23]*/bin/python3")), reverse=True):
        path = shutil.which(candidate) or (candidate if os.path.exists(candidate) else None)
        if path and subprocess.run([path, "-c", "import sys; assert sys.version_info >= (3, 12)"], capture_output=True).returncode == 0:
            return path
    raise SystemExit("Django 6.1 needs Python 3.12 or newer; none found")


def django_python():
    venv = os.path.join(WORK, "venv-django61")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        sh([newer_python(), "-m", "venv", venv])
        sh([python, "-m", "pip", "install", "-q", "Django>=6.1,<6.2"])
    return python


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, process, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def insert_rows(database, table):
    connection = sqlite3.connect(database)
    connection.executemany(
        f"INSERT INTO {table} (name, price, in_stock, created) VALUES (?, ?, ?, ?)",
        [(f"Item {n}", f"{n}.50", n % 3 != 0, f"2026-11-{1 + n % 27:02d} 10:00:00") for n in range(ROWS)])
    connection.commit()


def wrk(url, headers, seconds, connections):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output) or re.search(r"Socket errors: .*timeout (\d+)", output)
    if errors and int(errors.group(1)) > 0:
        raise SystemExit(f"{url}: {errors.group(1)} responses were errors or timeouts\n{output}")
    return rate, float(p99.group(1)) * scale


def our_server(binary, folder):
    os.makedirs(os.path.join(folder, "bench"))
    with open(os.path.join(folder, "manage.yaml"), "w") as f:
        f.write("database: sqlite:///db.sqlite3\ninstalled_apps: [auth, contenttypes, sessions, admin, bench]\n"
                "secret_key: benchmark-only-secret-key-that-is-long-enough-0123456789abcdef\npassword_iterations: 1000\n")
    with open(os.path.join(folder, "bench", "models.yaml"), "w") as f:
        f.write("models:\n  Item:\n    fields:\n      name: {type: char, max_length: 100}\n"
                "      price: {type: decimal, max_digits: 10, decimal_places: 2}\n      in_stock: {type: boolean, default: true}\n"
                "      created: {type: datetime}\n")
    quiet = dict(cwd=folder, stdout=subprocess.DEVNULL)
    sh([binary, "makemigrations"], **quiet)
    sh([binary, "migrate"], **quiet)
    sh([binary, "createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com"], env={**os.environ, "DJANGO_SUPERUSER_PASSWORD": "bench-pass-123"}, **quiet)
    insert_rows(os.path.join(folder, "db.sqlite3"), "bench_item")
    token = subprocess.run([binary, "createtoken", "admin"], cwd=folder, capture_output=True, text=True, check=True).stdout.strip()
    port = free_port()
    process = subprocess.Popen([binary, "runserver", "--noreload", str(port)], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, port, token


def django_server(python, folder):
    os.makedirs(folder)
    sh([python, "-m", "django", "startproject", "benchsite", folder])
    app = os.path.join(folder, "bench")
    os.makedirs(app)
    open(os.path.join(app, "__init__.py"), "w").close()
    with open(os.path.join(app, "models.py"), "w") as f:
        f.write("from django.db import models\n\nclass Item(models.Model):\n    name = models.CharField(max_length=100)\n"
                "    price = models.DecimalField(max_digits=10, decimal_places=2)\n    in_stock = models.BooleanField(default=True)\n"
                "    created = models.DateTimeField()\n")
    with open(os.path.join(app, "admin.py"), "w") as f:
        f.write("from django.contrib import admin\nfrom .models import Item\n\n@admin.register(Item)\nclass ItemAdmin(admin.ModelAdmin):\n"
                "    list_display = ['id', 'name', 'price', 'in_stock', 'created']\n    list_filter = ['in_stock', 'created']\n"
                "    search_fields = ['name']\n    list_per_page = 100\n")
    with open(os.path.join(app, "views.py"), "w") as f:
        f.write("from django.http import JsonResponse\nfrom .models import Item\n\n"
                "def items(request):\n    return JsonResponse({'results': list(Item.objects.order_by('id').values()[:20])})\n")
    settings = os.path.join(folder, "benchsite", "settings.py")
    text = open(settings).read().replace("DEBUG = True", "DEBUG = False").replace("ALLOWED_HOSTS = []", "ALLOWED_HOSTS = ['127.0.0.1']")
    text = text.replace("'django.contrib.staticfiles',", "'django.contrib.staticfiles',\n    'bench',")
    text += "\nPASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']\n"
    open(settings, "w").write(text)
    urls = os.path.join(folder, "benchsite", "urls.py")
    text = open(urls).read().replace("from django.urls import path", "from django.urls import path\nfrom bench.views import items")
    text = text.replace("path('admin/', admin.site.urls),", "path('admin/', admin.site.urls),\n    path('items/', items),")
    open(urls, "w").write(text)
    quiet = dict(cwd=folder, stdout=subprocess.DEVNULL)
    sh([python, "manage.py", "makemigrations", "bench"], **quiet)
    sh([python, "manage.py", "migrate"], **quiet)
    sh([python, "manage.py", "createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com"],
       env={**os.environ, "DJANGO_SUPERUSER_PASSWORD": "bench-pass-123"}, **quiet)
    insert_rows(os.path.join(folder, "db.sqlite3"), "bench_item")
    port = free_port()
    process = subprocess.Popen([python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, port


def session_cookie(port):
    """Logs in through the admin's form, as a browser does; the Cookie header for wrk."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "admin", "password": "bench-pass-123", "next": "/admin/"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/admin/login/?next=/admin/", data=form,
                                     headers={"Referer": f"http://127.0.0.1:{port}/admin/login/", "Origin": f"http://127.0.0.1:{port}"})
    opener.open(request).read()
    return "Cookie: " + "; ".join(f"{c.name}={c.value}" for c in jar)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--binary")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    binary = args.binary or build_manage()
    python = django_python()
    version = subprocess.run([python, "-m", "django", "--version"], capture_output=True, text=True).stdout.strip()
    work = tempfile.mkdtemp(prefix="manage-server-bench-")
    ours, our_port, token = our_server(binary, os.path.join(work, "ours"))
    theirs, their_port = django_server(python, os.path.join(work, "django"))
    try:
        wait_for(f"http://127.0.0.1:{our_port}/admin/login/", ours)
        wait_for(f"http://127.0.0.1:{their_port}/admin/login/", theirs)
        results = {}
        # Warm both up, then measure one after the other so they never share the CPU.
        for name, url, headers in [
            ("api-ours", f"http://127.0.0.1:{our_port}/api/bench/item/?page_size=20", [f"Authorization: Token {token}"]),
            ("api-django", f"http://127.0.0.1:{their_port}/items/", []),
            ("admin-ours", f"http://127.0.0.1:{our_port}/admin/bench/item/", [session_cookie(our_port)]),
            ("admin-django", f"http://127.0.0.1:{their_port}/admin/bench/item/", [session_cookie(their_port)]),
        ]:
            wrk(url, headers, 2, args.connections)
            results[name] = wrk(url, headers, args.seconds, args.connections)
        print(f"wrk -t1 -c{args.connections} -d{args.seconds}s; {ROWS} rows; Django {version} (DEBUG off)")
        for page in ["api", "admin"]:
            (our_rate, our_p99), (their_rate, their_p99) = results[page + "-ours"], results[page + "-django"]
            label = "JSON list of 20 rows" if page == "api" else "admin change list (100 rows)"
            print(f"{label:30} manage {our_rate:9.0f} req/s p99 {our_p99:7.2f} ms | Django {their_rate:7.0f} req/s p99 {their_p99:8.2f} ms | {our_rate / their_rate:5.1f}x")
    finally:
        for process in (ours, theirs):
            process.terminate()
            process.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
