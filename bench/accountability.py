"""What accountability costs, over HTTP, as the data grows: the read log on every page,
and the audit and retention screens at national scale.

A benchmark, not a test: it prints figures and never fails on them. For each size it
empties the database, loads `generate_volume --meetings N` (several audit events per
meeting: at 1,000,000 meetings the log holds millions), and serves the app twice with
gunicorn (one sync worker each, DEBUG off): as it is, and without the read log
(bench/settings_unlogged.py, for this comparison only). Then:

- each role's everyday pages, asked of both servers in turn: the median server time
  with the read log ÷ without it (target: about 1, the log's one insert per request);
- an admin's audit log (no filter, a person, a meeting, an action, a month, page 40)
  and retention queue (page 1, page 40), on the served app: page(largest) ÷
  page(smallest), target 2 or less.

    scripts/with-postgres .venv/bin/python bench/accountability.py          # 10,000 and 1,000,000
    .venv/bin/python bench/accountability.py 1000 5000                     # SQLite
"""

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server
from bench.server import Connection, Server

server.setup()

from django.db.models import Count  # noqa: E402

from engagement.accounts.models import Role  # noqa: E402
from engagement.audit.models import AuditEvent  # noqa: E402
from engagement.meetings.models import Meeting  # noqa: E402
from engagement.meetings.queries.meeting import meetings_visible_to  # noqa: E402

REPEATS = 7
DEEP_PAGE = 40


def median_ms(app: Server, connection: Connection, url: str) -> float:
    app.check(url, connection.get(url))  # warms the caches
    return statistics.median(app.check(url, connection.get(url)).server_ms for _ in range(REPEATS))


def logged_and_not(logged: Server, unlogged: Server, cookie: str, url: str) -> tuple[float, float]:
    """Median server times of `url` with and without the read log, asked in turn so a
    busy machine slows both alike."""
    with_log, without = Connection(logged.port, cookie), Connection(unlogged.port, cookie)
    for connection, app in ((with_log, logged), (without, unlogged)):
        app.check(url, connection.get(url))
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEATS):
        times[0].append(logged.check(url, with_log.get(url)).server_ms)
        times[1].append(unlogged.check(url, without.get(url)).server_ms)
    with_log.close()
    without.close()
    return statistics.median(times[0]), statistics.median(times[1])


def deep(app: Server, connection: Connection, url: str) -> str:
    for _ in range(DEEP_PAGE - 1):
        following = server.next_link(url, app.check(url, connection.get(url)).body)
        if following is None:
            break
        url = following
    return url


def everyday_pages(user) -> dict[str, str]:
    meeting = meetings_visible_to(user).exclude(status=Meeting.Status.WITHDRAWN).first()
    return {
        "home": "/",
        "list": "/meetings/",
        "list, search 'hate'": "/meetings/?q=hate",
        "meeting": meeting.get_absolute_url(),
        "follow-ups": "/follow-ups/",
        "dashboard (JSON)": "/dashboards/?format=json",
    }


def audit_pages(app: Server, connection: Connection) -> dict[str, str]:
    busiest = (
        AuditEvent.objects.exclude(actor=None)
        .values("actor__username")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    meeting = Meeting.objects.order_by("-date", "-pk").first()
    pages = {
        "audit log": "/audit/",
        "audit log, busiest person": f"/audit/?person={busiest['actor__username']}",
        "audit log, a meeting": f"/audit/?record={meeting.uuid}",
        "audit log, action: submitted": "/audit/?action=submit",
        "audit log, a month": "/audit/?date_from=2026-05-01&date_to=2026-05-31",
        f"audit log, page {DEEP_PAGE}": deep(app, connection, "/audit/"),
        "retention queue": "/retention/",
        f"retention queue, page {DEEP_PAGE}": deep(app, connection, "/retention/"),
    }
    return pages


def run(size: int, everyday: dict, screens: dict) -> None:
    print(f"\n{size:,} meetings")
    server.build(size)
    print(f"  audit events: {AuditEvent.objects.count():,}")
    with Server() as logged, Server(settings="bench.settings_unlogged") as unlogged:
        for role in (Role.OFFICER, Role.LIAISON, Role.ADMIN):
            user = server.person(role)
            cookie = server.sign_in(user)
            for name, url in everyday_pages(user).items():
                figures = logged_and_not(logged, unlogged, cookie, url)
                everyday.setdefault((str(role.label), name), {})[size] = figures
                print(f"    {role.label} {name:<22} {figures[0]:8.1f} ms / {figures[1]:8.1f} ms")
            if role == Role.ADMIN:
                admin = Connection(logged.port, cookie)
                for name, url in audit_pages(logged, admin).items():
                    screens.setdefault(name, {})[size] = median_ms(logged, admin, url)
                    print(f"    {name:<32} {screens[name][size]:8.1f} ms")
                admin.close()
    print(f"  machine after this size: {server.machine()}")


def main(sizes: list[int]) -> None:
    print(f"database: {server.database()}; gunicorn, one sync worker, DEBUG off, over HTTP")
    print(f"machine: {server.machine()}")
    everyday: dict[tuple[str, str], dict[int, tuple[float, float]]] = {}
    screens: dict[str, dict[int, float]] = {}
    for size in sizes:
        run(size, everyday, screens)
    small, large = min(sizes), max(sizes)
    print("\nthe read log: server ms with it / without it, and the ratio (median of", REPEATS, ")")
    print("| role | page | " + " | ".join(f"{s:,}: logged | unlogged | ÷" for s in sizes) + " |")
    print("|---|---|" + "---:|" * (3 * len(sizes)))
    for (role, name), by_size in everyday.items():
        cells = [
            f"{by_size[s][0]:.1f} | {by_size[s][1]:.1f} | {by_size[s][0] / by_size[s][1]:.2f}"
            for s in sizes
        ]
        print(f"| {role} | {name} | {' | '.join(cells)} |")
    print(f"\nthe audit and retention screens, an admin's server ms; {large:,} ÷ {small:,}")
    print("| page | " + " | ".join(f"{s:,}" for s in sizes) + " | ÷ |")
    print("|---|" + "---:|" * (len(sizes) + 1))
    for name, by_size in screens.items():
        cells = " | ".join(f"{by_size[s]:.1f}" for s in sizes)
        print(f"| {name} | {cells} | {by_size[large] / by_size[small]:.1f} |")


if __name__ == "__main__":
    server.run_over_sizes(main, doc=__doc__, prog="bench/accountability.py")
