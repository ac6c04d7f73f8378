#!/usr/bin/env python3
"""Times password hashing and createsuperuser (issue 4's figures) in one run.

    Benchmarks/auth_speed.py [--runs 7] [--binary PATH]

- One PBKDF2-SHA256 hash at 1,500,000 iterations: createsuperuser --noinput at 1,500,000
  iterations minus the same at 1 iteration, against Python's hashlib.pbkdf2_hmac with the same
  parameters (what Django itself calls).
- createsuperuser --noinput end to end with hashing taken out (1 iteration): everything else.
"""
import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, ".work")
sys.path.insert(0, HERE)
from cli_speed import build_manage  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--binary")
    arguments = parser.parse_args()
    manage = os.path.abspath(arguments.binary) if arguments.binary else build_manage()

    counter = [0]

    def project(iterations):
        folder = os.path.join(WORK, f"auth_{iterations}")
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        with open(os.path.join(folder, "manage.yaml"), "w") as handle:
            handle.write(f"installed_apps: [auth, contenttypes]\npassword_iterations: {iterations}\n")
        subprocess.run([manage, "migrate", "-v", "0"], cwd=folder, check=True)
        return folder

    def create(folder):
        counter[0] += 1
        environment = dict(os.environ, MANAGE_SUPERUSER_PASSWORD="a-long-benchmark-passphrase-7")
        start = time.perf_counter()
        subprocess.run([manage, "createsuperuser", "--noinput", "--username", f"user{counter[0]}", "-v", "0"],
                       cwd=folder, check=True, env=environment)
        return (time.perf_counter() - start) * 1000

    slow, fast = project(1_500_000), project(1)
    full = statistics.median(create(slow) for _ in range(arguments.runs))
    rest = statistics.median(create(fast) for _ in range(arguments.runs))
    ours = full - rest

    def python_hash():
        start = time.perf_counter()
        hashlib.pbkdf2_hmac("sha256", b"a-long-benchmark-passphrase-7", b"abcdefghijklmnopqrstuv", 1_500_000, 32)
        return (time.perf_counter() - start) * 1000

    reference = statistics.median(python_hash() for _ in range(arguments.runs))
    print(f"one hash at 1,500,000 iterations: ours {ours:.0f} ms, hashlib.pbkdf2_hmac {reference:.0f} ms, ours / reference {ours / reference:.2f}x")
    print(f"createsuperuser --noinput without the hash: {rest:.1f} ms (target 20 ms); with it: {full:.0f} ms")


if __name__ == "__main__":
    main()
