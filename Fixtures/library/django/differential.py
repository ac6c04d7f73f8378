"""Django's side of manage's ORM differential test.

    python differential.py DB seed SEED     fills DB (made by `manage migrate`) with rows
    python differential.py DB eval < FILE   evaluates one expression a line, prints one
                                            canonical JSON answer a line

Answers are canonical so manage's can be compared with them: rows of a QuerySet as a list,
model instances as ["obj", pk], decimals as normalized strings, floats to 10 significant
digits, dates and datetimes as tagged ISO text, an exception as {"error": ClassName}.
"""
import datetime
import decimal
import json
import os
import random
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

import django
from django.conf import settings

if sys.argv[1].startswith("postgres:"):
    # "postgres:host=… port=… user=… dbname=…": the same models on PostgreSQL through psycopg.
    PARTS = dict(pair.split("=", 1) for pair in sys.argv[1][len("postgres:"):].split())
    DATABASE = {"ENGINE": "django.db.backends.postgresql", "NAME": PARTS["dbname"], "USER": PARTS["user"],
                "HOST": PARTS["host"], "PORT": PARTS["port"]}
else:
    DATABASE = {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1]}

settings.configure(
    INSTALLED_APPS=["librarydj"],
    DATABASES={"default": DATABASE},
    USE_TZ=True,
    TIME_ZONE="UTC",
)
django.setup()

from django.db import models  # noqa: E402
from django.db.models import *  # noqa: E402,F401,F403
from django.db.models.functions import *  # noqa: E402,F401,F403
from librarydj.models import Author, Book, Publisher, Review, Tag  # noqa: E402,F401

WORDS = ["alpha", "Beta", "gamma", "ÉCOLE", "naïve", "100%", "a_b", "", "Zeta", "delta", "o'brien", "日本"]


def seed(number):
    rng = random.Random(number)
    publishers = [Publisher.objects.create(name=rng.choice(WORDS) + " press", country=rng.choice(["US", "FR", None, ""])) for _ in range(4)]
    authors = []
    for index in range(8):
        born = None if rng.random() < 0.25 else datetime.date(1900 + rng.randrange(120), rng.randrange(1, 13), rng.randrange(1, 29))
        authors.append(Author.objects.create(name=rng.choice(WORDS) + (" %d" % index if rng.random() < 0.7 else ""), born=born, publisher=rng.choice(publishers + [None])))
    tags = [Tag.objects.create(name=name) for name in ["sf", "SF", "poetry", "history", "100%", "a_b"]]
    for index in range(30):
        meta = rng.choice([
            None, {"lang": "en", "n": rng.randrange(5)}, {"lang": "fr", "tags": ["a", "b"]}, {"lang": None},
            {"n": 1.5, "nested": {"k": rng.choice(["x", "y"])}}, [1, 2, 3], "text", 7, True, {},
        ])
        book = Book.objects.create(
            title=rng.choice(WORDS) + " " + rng.choice(WORDS),
            author=rng.choice(authors),
            pages=rng.choice([0, 50, 100, 100, 250, 320, 1000, rng.randrange(1, 900)]),
            rating=None if rng.random() < 0.2 else rng.choice([1.0, 2.5, 3.75, 4.0, 5.0]),
            price=decimal.Decimal(rng.choice(["0.00", "9.99", "10.00", "12.50", "49.99", "100.00", "7.05"])),
            published=None if rng.random() < 0.2 else datetime.date(rng.choice([1999, 2020, 2024, 2026]), rng.randrange(1, 13), rng.randrange(1, 29)),
            updated=None if rng.random() < 0.3 else datetime.datetime(2026, rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24), rng.randrange(60), rng.randrange(60), tzinfo=datetime.timezone.utc),
            meta=meta,
        )
        book.tags.set(rng.sample(tags, rng.randrange(0, 4)))
        for _ in range(rng.randrange(0, 4)):
            Review.objects.create(book=book, stars=rng.randrange(1, 6), body=rng.choice(WORDS))


def canonical(value):
    if isinstance(value, BaseException):
        return {"error": type(value).__name__}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return float("%.10g" % value)
    if isinstance(value, decimal.Decimal):
        return {"decimal": format(value.normalize(), "f")}
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return {"datetime": value.isoformat(sep=" ")}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"duration": value // datetime.timedelta(microseconds=1)}
    if isinstance(value, models.Model):
        return ["obj", value.pk]
    if isinstance(value, models.QuerySet):
        return [canonical(item) for item in value]
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    return {"repr": repr(value)}


def evaluate():
    from datetime import date, datetime, time, timedelta, timezone  # noqa: F401 -- names the expressions use
    from decimal import Decimal  # noqa: F401

    namespace = dict(globals())
    namespace.update(date=date, datetime=datetime, time=time, timedelta=timedelta, timezone=timezone, Decimal=Decimal)
    for line in sys.stdin.read().splitlines():
        try:
            answer = canonical(eval(line, namespace))
        except Exception as error:  # the class is the answer
            answer = canonical(error)
        print(json.dumps(answer, sort_keys=True, ensure_ascii=False))


if __name__ == "__main__":
    if sys.argv[2] == "seed":
        seed(int(sys.argv[3]))
    else:
        evaluate()
