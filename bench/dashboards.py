"""The admin's whole dashboard as the data grows: as served, and as computed.

A benchmark, not a test: it prints figures and never fails on them. For each size it
empties the database (a temporary SQLite file, or the one in DATABASE_URL), loads
`generate_volume --meetings N`, runs `refresh_dashboards` as cron does in production, and:

- serves the app with gunicorn (one sync worker, DEBUG off, bench/settings.py) and
  requests the admin's dashboard over HTTP: the median server time of a few requests
  (bench/middleware.py), which the snapshot computed ahead answers;
- computes the same figures live in-process, as `refresh_dashboards` does (every measure
  for the admin's last twelve months, engagement.dashboards.registry.compute): the median
  of a few runs; records that computation's SQL and runs it straight through the
  database cursor, to see how much of it is the database.

It prints, for each size, the page's time and queries, the live computation's and the raw
SQL's, then:

- dashboard page(largest) ÷ page(smallest): target 2 or less;
- live computation ÷ raw SQL, at each size: target 1.3 or less;
- live computation(largest) ÷ (smallest): no target; an admin's figures are the nation's.

    scripts/with-postgres .venv/bin/python bench/dashboards.py                # 10,000 and 1,000,000
    scripts/with-postgres .venv/bin/python bench/dashboards.py 10000 100000
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server
from bench.server import Connection, Server

server.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from engagement.accounts.models import Role  # noqa: E402

URL = "/dashboards/"
REPEATS = 5


def admins_scope(admin):
    from engagement import clock
    from engagement.dashboards.queries.base import Period, Scope

    return Scope(user=admin, period=Period.last_twelve_months(clock.today()))


def live_time(admin) -> tuple[float, list[str]]:
    """The median time in ms of computing every measure for the admin, as the refresh
    does, and the SQL one computation sends."""
    from engagement.dashboards import registry

    scope = admins_scope(admin)
    registry.compute(scope)  # warm the caches
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        registry.compute(scope)
        timings.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        registry.compute(scope)
    return statistics.median(timings) * 1000, [query["sql"] for query in captured]


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
    pages, lives = {}, {}
    for size in sizes:
        print(f"\n{size:,} meetings")
        server.build(size)
        admin = server.person(Role.ADMIN)
        page, in_database, queries = page_time(admin)
        live, statements = live_time(admin)
        raw = raw_time(statements)
        pages[size], lives[size] = page, live
        print(
            f"  dashboard page   {page:9.1f} ms  {queries:3d} queries ({in_database:.1f} ms of them)"
        )
        print(
            f"  computed live    {live:9.0f} ms  {len(statements):3d} queries"
            f"  raw SQL {raw:9.0f} ms  live ÷ raw SQL {live / raw:5.2f} (target ≤ 1.3)"
        )
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(
            f"\ndashboard page({large:,}) ÷ page({small:,}) = {pages[large] / pages[small]:.1f}"
            " (target ≤ 2)"
        )
        print(
            f"computed live({large:,}) ÷ live({small:,}) = {lives[large] / lives[small]:.1f}"
            " (no target: an admin's figures are the nation's)"
        )


if __name__ == "__main__":
    server.run_over_sizes(main, doc=__doc__, prog="bench/dashboards.py")
