"""Server time and query count of the officer's pages as the data grows.

A benchmark, not a test: it prints figures and never fails on them. It builds a fresh
database per size (a temporary SQLite file, or the one in DATABASE_URL, which it
flushes), seeds it with `seed_demo --meetings N`, then requests each page in-process
through Django's test client and prints the median server time and the queries per page.

    .venv/bin/python bench/pages.py                 # 500 and 5000 meetings on SQLite
    .venv/bin/python bench/pages.py 1000 20000
    scripts/with-postgres .venv/bin/python bench/pages.py
"""

import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")
os.environ.setdefault("DEBUG", "true")
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from engagement.accounts.models import User  # noqa: E402
from engagement.meetings.queries.meeting import meetings_visible_to  # noqa: E402

REPEATS = 15


def build(meetings: int) -> None:
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", meetings=meetings, stdout=StringIO())
    print(f"  seeded {meetings} meetings in {time.perf_counter() - started:.1f} s")


def measure(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm caches
    timings = []
    for _ in range(REPEATS):
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings) * 1000, len(connection.queries)


def main(sizes: list[int]) -> None:
    setup_test_environment()
    from django.conf import settings

    settings.DEBUG = True  # record queries
    print(f"database: {connection.vendor}; median of {REPEATS} requests")
    for size in sizes:
        print(f"\n{size} meetings")
        build(size)
        officer = User.objects.get(username="officer")
        meeting = meetings_visible_to(officer).order_by("-date").first()
        client = Client()
        client.force_login(officer)
        pages = {
            "home": "/",
            "meeting list": "/meetings/",
            "list, searched": "/meetings/?q=hate&sort=date",
            "list, page 5": "/meetings/?page=5",
            "meeting detail": meeting.get_absolute_url(),
            "meeting form": "/meetings/new/",
        }
        for name, url in pages.items():
            ms, queries = measure(client, url)
            print(f"  {name:<16} {ms:7.1f} ms  {queries:3d} queries")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [500, 5000])
