#!/usr/bin/env python3
"""Task overhead on top of the provider (issue 16): N `llm:` jobs of the demo's
extract_guidance against an instant loopback provider, drained by one manage worker, against
the same N documents run as the demo's Python command task (extract_guidance_script: the
essay's shape, a script that reads the row, "asks the model" and writes the Extraction).

    Benchmarks/llm_overhead.py [--jobs N] [--concurrency C]

Each side gets a fresh copy of Fixtures/demo with N documents, the jobs queued with
`manage enqueue --jsonl`, then `manage worker --burst` is timed from start to exit. The
provider is Tests/EndToEndTests/Support/llm_provider.py answering at once in OpenAI's format;
its own handling time is inside the llm figure (so the ratio understates ours). manage is
built in release mode.
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROVIDER = os.path.join(ROOT, "Tests", "EndToEndTests", "Support", "llm_provider.py")
ANSWER = json.dumps({"revenue_low": 1.0, "revenue_high": 2.0, "unit": "billion", "confidence": 0.9})


def project_with_documents(binary, jobs, provider_url=None):
    project = tempfile.mkdtemp(prefix="manage-llm-")
    shutil.copytree(os.path.join(ROOT, "Fixtures", "demo"), project, dirs_exist_ok=True)
    if provider_url:
        with open(os.path.join(project, "manage.yaml"), "a") as f:
            f.write(f"  loopback: {{type: http, format: openai, base_url: \"{provider_url}\", model: bench}}\n")
        path = os.path.join(project, "documents", "tasks.yaml")
        text = open(path).read().replace("llm: {provider: recorded}", "llm: {provider: loopback}")
        open(path, "w").write(text)
    subprocess.run([binary, "makemigrations", "-v", "0"], cwd=project, check=True)
    subprocess.run([binary, "migrate", "-v", "0"], cwd=project, check=True)
    database = sqlite3.connect(os.path.join(project, "db.sqlite3"))
    with database:
        database.executemany(
            "INSERT INTO documents_document (title, source_url, content, mime_type, status, checksum, created_at, updated_at)"
            " VALUES (?, '', ?, 'text/plain', 'pending', ?, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            [(f"doc {i}", f"We expect revenue of $1.0 to $2.0 billion ({i}).", f"c{i}") for i in range(jobs)])
    database.close()
    return project


def drain(binary, project, task, jobs, concurrency):
    payloads = "".join(json.dumps({"document_id": i + 1}) + "\n" for i in range(jobs))
    subprocess.run([binary, "enqueue", task, "--jsonl", "-"], cwd=project, input=payloads, text=True, check=True, stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    subprocess.run([binary, "worker", "--burst", "--concurrency", str(concurrency), "-v", "0"], cwd=project, check=True, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    database = sqlite3.connect(os.path.join(project, "db.sqlite3"))
    succeeded = database.execute("SELECT count(*) FROM jobs_job WHERE state = 'succeeded'").fetchone()[0]
    extractions = database.execute("SELECT count(*) FROM documents_extraction").fetchone()[0]
    database.close()
    if succeeded != jobs or extractions != jobs:
        raise SystemExit(f"{task}: {succeeded} of {jobs} jobs succeeded, {extractions} extractions")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=4, help="worker slots (default 4, the worker's)")
    arguments = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "manage"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, ".build", "release", "manage")
    scratch = tempfile.mkdtemp(prefix="manage-llm-provider-")
    script = os.path.join(scratch, "script.json")
    with open(script, "w") as f:
        json.dump({"default": {"status": 200, "content": ANSWER}}, f)
    server = subprocess.Popen(["python3", PROVIDER, script, os.path.join(scratch, "log.jsonl")], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        llm_project = project_with_documents(binary, arguments.jobs, f"http://127.0.0.1:{port}")
        ours = drain(binary, llm_project, "extract_guidance", arguments.jobs, arguments.concurrency)
        script_project = project_with_documents(binary, arguments.jobs)
        theirs = drain(binary, script_project, "extract_guidance_script", arguments.jobs, arguments.concurrency)
    finally:
        server.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    per_ours = ours / arguments.jobs * 1000
    per_theirs = theirs / arguments.jobs * 1000
    print(f"llm task, {arguments.jobs:,} jobs, instant loopback provider: {ours:.2f} s, {per_ours:.2f} ms a job ({arguments.jobs / ours:,.0f} jobs/s)")
    print(f"Python command task (the essay's shape), {arguments.jobs:,} jobs: {theirs:.2f} s, {per_theirs:.2f} ms a job ({arguments.jobs / theirs:,.0f} jobs/s)")
    print(f"overhead ratio: {per_theirs / per_ours:.1f}x less per job (target 20x)")


if __name__ == "__main__":
    main()
