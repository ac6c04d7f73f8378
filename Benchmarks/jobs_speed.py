#!/usr/bin/env python3
"""Builds and runs issue 6's benchmark (Benchmarks/JobsBenchmark/main.swift) in release mode.

    Benchmarks/jobs_speed.py [JOBS]

It prints, in one run: enqueue rates through the Swift API (one by one and in a batch) beside
raw prepared INSERTs into the same WAL file; a worker draining no-op Swift tasks; and a worker
draining `/bin/true` command tasks beside spawning `/bin/true` in a loop.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["swift", "build", "-c", "release", "--product", "manage-jobs-benchmark"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
subprocess.run([os.path.join(ROOT, ".build", "release", "manage-jobs-benchmark")] + sys.argv[1:], cwd=ROOT, check=True)
