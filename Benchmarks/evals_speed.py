#!/usr/bin/env python3
"""Times `manage evals run` (issue 7's figures) in one run.

    Benchmarks/evals_speed.py [--binary PATH]

- Harness overhead: 10,000 cases with the echo provider and three scorers (target: under 2 s),
  and peak RSS at 10,000 cases against 1,000 cases (target: within 1.5x: memory stays flat).
- A command provider that sleeps 50 ms, 320 cases at -j 16 (target: under 2 s; the floor is
  320 x 50 ms / 16 = 1 s).
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, ".work")
sys.path.insert(0, HERE)
from cli_speed import build_manage  # noqa: E402

SCORERS = "scorers: [{type: icontains}, {type: levenshtein, threshold: 0.5}, {type: regex, pattern: 'case [0-9]+'}]\n"


def project(manage, cases, provider, name):
    folder = os.path.join(WORK, f"evals_{name}")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, "bench", "evals"))
    with open(os.path.join(folder, "manage.yaml"), "w") as handle:
        handle.write("installed_apps: [evals, bench]\n")
    with open(os.path.join(folder, "bench", "evals", "golden.jsonl"), "w") as handle:
        for i in range(cases):
            handle.write(json.dumps({"id": f"c{i}", "vars": {"q": f"case {i} text"}, "expected": f"case {i} text"}) + "\n")
    with open(os.path.join(folder, "bench", "evals", "suite.yaml"), "w") as handle:
        handle.write(f"provider: {provider}\nprompt: '{{{{q}}}}'\ncases: golden.jsonl\n" + SCORERS)
    subprocess.run([manage, "migrate", "-v", "0"], cwd=folder, check=True)
    return folder


def timed(command, cwd):
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}")
    return elapsed, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary")
    arguments = parser.parse_args()
    manage = os.path.abspath(arguments.binary) if arguments.binary else build_manage()

    small = project(manage, 1_000, "echo", "small")
    large = project(manage, 10_000, "echo", "large")
    _, small_rss = timed([manage, "evals", "run", "suite", "--no-cache"], small)
    seconds, large_rss = timed([manage, "evals", "run", "suite", "--no-cache"], large)
    print(f"10,000 cases, echo provider, 3 scorers: {seconds:.2f} s (target 2 s); peak RSS {large_rss:.1f} MB "
          f"vs {small_rss:.1f} MB at 1,000 cases: {large_rss / small_rss:.2f}x (target 1.5x)")

    sleepy = project(manage, 320, "{type: command, command: [/bin/sh, -c, 'sleep 0.05; cat']}", "sleepy")
    seconds, _ = timed([manage, "evals", "run", "suite", "--no-cache", "-j", "16"], sleepy)
    print(f"320 cases, a command provider sleeping 50 ms, -j 16: {seconds:.2f} s (target 2 s; floor 1.0 s)")


if __name__ == "__main__":
    main()
