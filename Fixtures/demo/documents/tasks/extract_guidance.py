#!/usr/bin/env python3
"""Stands in for the essay's LLM call: reads a Document, finds the revenue guidance in its text,
and writes an Extraction row. The payload ({"document_id": N}) comes on stdin; the database path
and the job's attempt come from the worker's environment. A document whose text says FLAKY fails
its first attempt the way a rate-limited API does, so the retry can be seen."""
import datetime
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guidance import extract  # noqa: E402

payload = json.load(sys.stdin)
document_id = payload["document_id"]
attempt = int(os.environ.get("MANAGE_JOB_ATTEMPT", "1"))
database = sqlite3.connect(os.environ["MANAGE_DATABASE_PATH"], timeout=10)
row = database.execute("SELECT content FROM documents_document WHERE id = ?", (document_id,)).fetchone()
if row is None:
    sys.exit(f"document {document_id} does not exist")
content = row[0]
if "FLAKY" in content and attempt == 1:
    sys.exit("HTTP 429 from the model provider: rate limited, try again later")

output = extract(content)
confidence = output.pop("confidence")
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
with database:
    database.execute(
        "INSERT INTO documents_extraction (document_id, kind, model_name, prompt_version, output, confidence, job_id, created_at) "
        "VALUES (?, 'guidance', 'demo-extractor', 1, ?, ?, ?, ?) "
        "ON CONFLICT (document_id, kind, prompt_version) DO UPDATE SET output = excluded.output, confidence = excluded.confidence, job_id = excluded.job_id",
        (document_id, json.dumps(output), confidence, int(os.environ.get("MANAGE_JOB_ID", "0")), now))
    database.execute("UPDATE documents_document SET status = 'done' WHERE id = ?", (document_id,))
print(json.dumps({"document_id": document_id, **output, "confidence": confidence}))
