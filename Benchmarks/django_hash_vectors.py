#!/usr/bin/env python3
"""Writes Fixtures/auth/django_hashes.json: passwords hashed by Django's own PBKDF2 hasher at
1,000,000 and 1,500,000 iterations (run with the Django from Benchmarks/.work/venv).

    Benchmarks/.work/venv/bin/python Benchmarks/django_hash_vectors.py
"""
import json
import os

import django
from django.conf import settings

settings.configure()
django.setup()
from django.contrib.auth.hashers import PBKDF2PasswordHasher, PBKDF2SHA1PasswordHasher  # noqa: E402

cases = []
for password, salt, iterations in [
    ("correct horse battery staple", "abcdefghijklmnopqrstuv", 1_000_000),
    ("s3cr3t-Pässwörd", "ZYXWVUTSRQPONMLKJIHGFE", 1_500_000),
    ("", "0123456789abcdefghijkl", 1_000_000),
]:
    cases.append({"password": password, "encoded": PBKDF2PasswordHasher().encode(password, salt, iterations)})
cases.append({"password": "legacy", "encoded": PBKDF2SHA1PasswordHasher().encode("legacy", "saltsaltsaltsaltsaltsa", 100_000)})
path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Fixtures", "auth", "django_hashes.json")
with open(path, "w") as handle:
    json.dump({"django": django.get_version(), "cases": cases}, handle, indent=2, ensure_ascii=False)
    handle.write("\n")
