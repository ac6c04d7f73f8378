#!/usr/bin/env python3
"""The guidance eval suite's provider: the prompt (a document's text) on stdin, the extracted
guidance as JSON on stdout, as a model answering in JSON mode would."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guidance import extract  # noqa: E402

print(json.dumps(extract(sys.stdin.read())))
