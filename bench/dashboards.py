"""The admin's whole dashboard as the data grows, beside the raw SQL of its aggregates.

A benchmark, not a test: it prints figures and never fails on them. For each size it
empties the database (a temporary SQLite file, or the one in DATABASE_URL), loads
`generate_volume --meetings N`, serves the app with gunicorn (one sync worker, DEBUG off,
bench/settings.py) and requests the admin's dashboard over HTTP: the median server time
of a few requests (measured by bench/middleware.py around everything Django does), with
the time its queries took inside those requests. It records the SQL statements of one
request in-process, runs them straight through the database cursor, and takes the median
of a few runs, to see how much of the page is the database. It prints, for each size, the
page's time and queries and the raw SQL's time, then:

- dashboard(largest) ÷ dashboard(smallest): target 2 or less;
- dashboard ÷ raw SQL, at each size: target 1.3 or less.

    scripts/with-postgres .venv/bin/python bench/dashboards.py                # 10,000 and 1,000,000
    scripts/with-postgres .venv/bin/python bench/dashboards.py 10000 100000
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server
from bench.server import BenchError, Connection, Server

server.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from engagement.accounts.models import Role  # noqa: E402

URL = "/dashboards/"
REPEATS = 5


def statements_of(user) -> list[str]:
    """The SQL one request of the page sends, recorded in this process."""
    client = Client()
    client.force_login(user)
    client.get(URL)  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    if response.status_code != 200:
        raise BenchError(f"{URL} answered {response.status_code} in-process")
    return [query["sql"] for query in captured.captured_queries]


def raw_time(statements: list[str]) -> float:
    """The median time in ms of running the page's reads straight through the cursor."""
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in reads:
                cursor.execute(sql)
                cursor.fetchall()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def page_time(admin) -> tuple[float, float, int]:
    """The median server time and database time in ms of the page, and its queries."""
    with Server(workers=1) as app:
        page = Connection(app.port, server.sign_in(admin))
        app.check(URL, page.get(URL))  # warm the caches
        replies = [app.check(URL, page.get(URL)) for _ in range(REPEATS)]
        page.close()
    return (
        statistics.median(reply.server_ms for reply in replies),
        statistics.median(reply.database_ms for reply in replies),
        max(reply.queries for reply in replies),
    )


def main(sizes: list[int]) -> None:
    setup_test_environment()
    print(
        f"database: {server.database()}; the admin's {URL} over HTTP (gunicorn, DEBUG off),"
        f" median of {REPEATS} requests"
    )
    print(f"machine: {server.machine()}")
    results = {}
    for size in sizes:
        print(f"\n{size:,} meetings")
        server.build(size)
        admin = server.person(Role.ADMIN)
        page, in_database, queries = page_time(admin)
        raw = raw_time(statements_of(admin))
        results[size] = page
        print(
            f"  dashboard {page:9.0f} ms  {queries:3d} queries ({in_database:.0f} ms of them)"
            f"  raw SQL {raw:9.0f} ms  dashboard ÷ raw SQL {page / raw:5.2f} (target ≤ 1.3)"
        )
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        ratio = results[large] / results[small]
        print(f"\ndashboard({large:,}) ÷ dashboard({small:,}) = {ratio:.1f} (target ≤ 2)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sizes",
        nargs="*",
        type=server.count,
        default=[10_000, 1_000_000],
        metavar="MEETINGS",
        help="sizes to measure (default: 10000 1000000)",
    )
    try:
        main(parser.parse_args().sizes)
    except BenchError as error:
        sys.exit(f"bench/dashboards.py: {error}")
