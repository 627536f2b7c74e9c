"""The admin's whole dashboard as the data grows, beside the raw SQL of its aggregates.

A benchmark, not a test: it prints figures and never fails on them. For each size it
empties the database, loads `generate_volume --meetings N`, then requests the admin's
dashboard in-process (Django's test client, the median of a few requests) and runs the
SQL statements that request sent, straight through the database cursor, to see how much
of the page is the database. It prints, for each size, the page's time and queries and
the raw SQL's time, then:

- dashboard(largest) ÷ dashboard(smallest): target 2 or less;
- dashboard ÷ raw SQL, at each size: target 1.3 or less.

    scripts/with-postgres .venv/bin/python bench/dashboards.py                # 10,000 and 1,000,000
    scripts/with-postgres .venv/bin/python bench/dashboards.py 10000 100000
"""

import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from engagement.accounts.models import Role, User  # noqa: E402

URL = "/dashboards/"
REPEATS = 3


def build(meetings: int) -> None:
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("generate_volume", meetings=meetings, stdout=StringIO(), stderr=StringIO())
    print(f"  generated {meetings:,} meetings in {time.perf_counter() - started:.0f} s")


def page_time(client: Client) -> tuple[float, list[str]]:
    """The median server time of the page, and the SQL of its last request."""
    client.get(URL)  # warm the caches
    timings = []
    for _ in range(REPEATS):
        reset_queries()
        started = time.perf_counter()
        response = client.get(URL)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    statements = [query["sql"] for query in connection.queries]
    return statistics.median(timings), statements


def raw_time(statements: list[str]) -> float:
    """The median time of running the page's reads straight through the cursor."""
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in reads:
                cursor.execute(sql)
                cursor.fetchall()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main(sizes: list[int]) -> None:
    setup_test_environment()
    from django.conf import settings

    settings.DEBUG = True  # record the SQL
    print(f"database: {connection.vendor}; the admin's {URL}, median of {REPEATS} requests")
    results = {}
    for size in sizes:
        print(f"\n{size:,} meetings")
        build(size)
        client = Client()
        client.force_login(User.objects.filter(groups__name=Role.ADMIN).order_by("pk").first())
        page, statements = page_time(client)
        raw = raw_time(statements)
        results[size] = (page, raw)
        print(
            f"  dashboard {page * 1000:9.0f} ms  {len(statements):3d} queries"
            f"  raw SQL {raw * 1000:9.0f} ms  dashboard ÷ raw SQL {page / raw:5.2f} (target ≤ 1.3)"
        )
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        ratio = results[large][0] / results[small][0]
        print(f"\ndashboard({large:,}) ÷ dashboard({small:,}) = {ratio:.1f} (target ≤ 2)")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [10_000, 1_000_000])
