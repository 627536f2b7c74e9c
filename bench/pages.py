"""Server time and query count of every page, for each role, as the data grows, over HTTP.

A benchmark, not a test: it prints figures and never fails on them. For each size it
empties the database (a temporary SQLite file, or the one in DATABASE_URL), loads
`generate_volume --meetings N`, serves the app with gunicorn (one sync worker, DEBUG off,
bench/settings.py) and requests each page over HTTP as an officer, a liaison and an admin
of the generated forces (each the one who sees the most meetings). Every request of a
page is preceded by one of a bare Django view (anonymous, the app's whole middleware), so
a busy machine slows both alike. For each page it takes the median of the server's time
(measured by bench/middleware.py around everything Django does, read from a response
header), of its queries' time inside it and of the round trip (as the client saw it),
and the queries. It prints one table with both sizes side by side, then for each page:

- page(largest) ÷ page(smallest), server time: target 2 or less;
- page ÷ bare view at the largest size, server time and round trip, each against the bare
  requests interleaved with that page: target 10 or less.

    scripts/with-postgres .venv/bin/python bench/pages.py                 # 10,000 and 1,000,000
    scripts/with-postgres .venv/bin/python bench/pages.py 10000 100000
    .venv/bin/python bench/pages.py 1000 5000                            # SQLite
"""

import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server
from bench.server import BARE, BenchError, Connection, Reply, Server

server.setup()

from engagement.accounts.models import Role  # noqa: E402
from engagement.meetings.models import Meeting  # noqa: E402
from engagement.meetings.queries.meeting import meetings_visible_to  # noqa: E402

REPEATS = 7
# A page whose first request takes longer than this is measured SLOW_REPEATS times.
SLOW_MS = 1000
SLOW_REPEATS = 3
DEEP_PAGE = 40


@dataclass(frozen=True)
class Figures:
    server_ms: float
    database_ms: float
    round_trip_ms: float
    queries: int
    bare_server_ms: float
    bare_round_trip_ms: float
    repeats: int


def measure(app: Server, page: Connection, bare: Connection, url: str) -> Figures:
    """The medians of a page's requests, each after one of the bare view; the first,
    which warms the caches, decides how many."""
    first = app.check(url, page.get(url))
    repeats = REPEATS if first.round_trip_ms < SLOW_MS else SLOW_REPEATS
    pages, bares = [], []
    for _ in range(repeats):
        bares.append(app.check(BARE, bare.get(BARE)))
        pages.append(app.check(url, page.get(url)))
    return Figures(
        server_ms=statistics.median(reply.server_ms for reply in pages),
        database_ms=statistics.median(reply.database_ms for reply in pages),
        round_trip_ms=statistics.median(reply.round_trip_ms for reply in pages),
        queries=max(reply.queries for reply in pages),
        bare_server_ms=statistics.median(reply.server_ms for reply in bares),
        bare_round_trip_ms=statistics.median(reply.round_trip_ms for reply in bares),
        repeats=repeats,
    )


def deep_page(app: Server, page: Connection) -> str:
    """The list's page DEEP_PAGE, reached by its "Next" links as a person would."""
    url = "/meetings/"
    for _ in range(DEEP_PAGE - 1):
        following = server.next_link(url, app.check(url, page.get(url)).body)
        if following is None:
            break
        url = following
    return url


def pages_for(app: Server, page: Connection, user) -> dict[str, str]:
    meeting = meetings_visible_to(user).exclude(status=Meeting.Status.WITHDRAWN).first()
    group = meeting.groups.first() if meeting is not None else None
    if meeting is None or group is None:
        raise BenchError(f"{user.username} sees no meeting with a group to measure")
    pages = {
        "home": "/",
        "list": "/meetings/",
        "list, oldest first": "/meetings/?sort=date",
        "list, purpose A to Z": "/meetings/?sort=purpose",
        "list, by status": "/meetings/?sort=status",
        "list, submitted": "/meetings/?status=submitted",
        "list, one area": f"/meetings/?area={meeting.area_id}",
        "list, one group": f"/meetings/?group={group.pk}",
        "list, targeted": "/meetings/?focus=targeted",
        "list, this year": "/meetings/?date_from=2026-01-01",
        "list, search 'hate'": "/meetings/?q=hate",
        f"list, page {DEEP_PAGE}": deep_page(app, page),
        "meeting": meeting.get_absolute_url(),
        "follow-ups": "/follow-ups/",
        "groups": "/groups/",
        "dashboard": "/dashboards/",
        "a measure by group": "/dashboards/measures/disclosure_gap/?by=group",
        "export (its page)": "/meetings/export/",
    }
    if user.role == Role.OFFICER:
        pages["new meeting form"] = "/meetings/new/"
    return pages


def run(
    size: int, table: dict[tuple[str, str], dict[int, Figures]], signed_in_bare: list[Reply]
) -> None:
    print(f"\n{size:,} meetings")
    server.build(size)
    with Server(workers=1) as app:
        bare = Connection(app.port)
        for role in (Role.OFFICER, Role.LIAISON, Role.ADMIN):
            user = server.person(role)
            print(f"  {role.label}: {user.username}, sees {server.visible_meetings(user):,}")
            page = Connection(app.port, server.sign_in(user))
            for name, url in pages_for(app, page, user).items():
                figures = measure(app, page, bare, url)
                table.setdefault((str(role.label), name), {})[size] = figures
                print(
                    f"    {name:<24} {figures.server_ms:8.1f} ms (database {figures.database_ms:6.1f},"
                    f" round trip {figures.round_trip_ms:8.1f})  {figures.queries:3d} queries"
                    f"  bare {figures.bare_server_ms:.2f} ({figures.bare_round_trip_ms:.2f})"
                )
            # The bare view with this person's session, for comparison: read and saved.
            signed_in_bare.extend(app.check(BARE, page.get(BARE)) for _ in range(REPEATS))
            page.close()
        bare.close()
    print(f"  machine after this size: {server.machine()}")


def print_table(
    sizes: list[int],
    table: dict[tuple[str, str], dict[int, Figures]],
    signed_in_bare: dict[int, list[Reply]],
) -> None:
    small, large = min(sizes), max(sizes)
    print("\nserver ms: the server's time (median); database: its queries' part of it;")
    print(f"round trip: as the client saw it; † a page over {SLOW_MS} ms, measured")
    print(f"{SLOW_REPEATS} times instead of {REPEATS}.\n")
    heading = " | ".join(f"{s:,}: server ms | database | round trip | queries" for s in sizes)
    print(f"| role | page | {heading} | {large:,} ÷ {small:,} | ÷ bare | ÷ bare, round trip |")
    print("|---|---|" + "---:|" * (4 * len(sizes) + 3))
    for (role, name), by_size in table.items():
        cells = []
        for size in sizes:
            figures = by_size.get(size)
            if figures is None:
                cells.append("– | – | – | –")
                continue
            mark = "†" if figures.repeats < REPEATS else ""
            cells.append(
                f"{figures.server_ms:.1f}{mark} | {figures.database_ms:.1f}"
                f" | {figures.round_trip_ms:.1f} | {figures.queries}"
            )
        last = by_size[large]
        growth = f"{last.server_ms / by_size[small].server_ms:.1f}" if small in by_size else "–"
        print(
            f"| {role} | {name} | {' | '.join(cells)} | {growth}"
            f" | {last.server_ms / last.bare_server_ms:.0f}"
            f" | {last.round_trip_ms / last.bare_round_trip_ms:.1f} |"
        )
    print("\nthe bare view (median of its requests at each size):")
    for size in sizes:
        bares = [by_size[size] for by_size in table.values() if size in by_size]
        server_ms = statistics.median(figures.bare_server_ms for figures in bares)
        round_trip = statistics.median(figures.bare_round_trip_ms for figures in bares)
        print(f"  {size:,}: server {server_ms:.2f} ms, round trip {round_trip:.2f} ms", end="")
        replies = signed_in_bare[size]
        print(
            f"; signed in (its session read and saved):"
            f" server {statistics.median(reply.server_ms for reply in replies):.2f} ms,"
            f" round trip {statistics.median(reply.round_trip_ms for reply in replies):.2f} ms"
        )
    print(
        f"\ntargets: page({large:,}) ÷ page({small:,}) ≤ 2; page ÷ bare view ≤ 10"
        f" (÷ bare at {large:,}, against the bare requests interleaved with that page)"
    )


def main(sizes: list[int]) -> None:
    print(
        f"database: {server.database()}; gunicorn, one sync worker, DEBUG off, over HTTP;"
        f" median of {REPEATS} requests per page, each after one of the bare view"
    )
    print(f"machine: {server.machine()}")
    table: dict[tuple[str, str], dict[int, Figures]] = {}
    signed_in_bare: dict[int, list[Reply]] = {}
    for size in sizes:
        run(size, table, signed_in_bare.setdefault(size, []))
    print_table(sizes, table, signed_in_bare)


if __name__ == "__main__":
    server.run_over_sizes(main, doc=__doc__, prog="bench/pages.py")
