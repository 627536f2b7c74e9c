"""Server time and query count of every page, for each role, as the data grows.

A benchmark, not a test: it prints figures and never fails on them. For each size it
empties the database (a temporary SQLite file, or the one in DATABASE_URL), loads
`generate_volume --meetings N`, and requests each page in-process through Django's test
client as an officer, a liaison and an admin of the generated forces, with a bare Django
view measured in the same loop. It prints one table with, for each page, the median
server time and the queries at each size, then:

- page(largest) ÷ page(smallest): target 2 or less for every page;
- page ÷ bare view, at the largest size: target 10 or less for every page.

    scripts/with-postgres .venv/bin/python bench/pages.py                 # 10,000 and 1,000,000
    scripts/with-postgres .venv/bin/python bench/pages.py 10000 100000
    .venv/bin/python bench/pages.py 1000 10000                           # SQLite
"""

import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

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
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

from engagement import urls  # noqa: E402
from engagement.accounts.models import Role, User  # noqa: E402
from engagement.meetings.models import Meeting  # noqa: E402
from engagement.meetings.queries.meeting import meetings_visible_to  # noqa: E402

REPEATS = 7
DEEP_PAGE = 40
BARE = "/bench-bare/"


def bare(request):
    return HttpResponse("ok")


def build(meetings: int) -> None:
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("generate_volume", meetings=meetings, stdout=StringIO(), stderr=StringIO())
    print(f"  generated {meetings:,} meetings in {time.perf_counter() - started:.0f} s")


def measure(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm the caches
    timings = []
    for _ in range(REPEATS):
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings) * 1000, len(connection.queries)


def deep_page(client: Client) -> str:
    """The list's page DEEP_PAGE, reached by its next links as a person would."""
    url = "/meetings/"
    for _ in range(DEEP_PAGE - 1):
        cursor = client.get(url).context["page"].next_cursor
        if not cursor:
            break
        url = "/meetings/?" + urlencode({"cursor": cursor})
    return url


def person(role: Role) -> User:
    """The generated account of this role that sees the most meetings (an admin: any)."""
    people = User.objects.filter(groups__name=role, email__contains="volume").order_by("pk")
    return people.first() if role == Role.ADMIN else max(people[:20], key=_visible)


def _visible(user: User) -> int:
    return meetings_visible_to(user).count()


def pages_for(client: Client, user: User) -> dict[str, str]:
    meeting = meetings_visible_to(user).exclude(status=Meeting.Status.WITHDRAWN).first()
    group = meeting.groups.first()
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
        f"list, page {DEEP_PAGE}": deep_page(client),
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


def main(sizes: list[int]) -> None:
    setup_test_environment()
    from django.conf import settings

    settings.DEBUG = True  # record queries
    urls.urlpatterns.append(path(BARE.strip("/") + "/", bare))
    clear_url_caches()
    print(f"database: {connection.vendor}; median of {REPEATS} requests")
    table: dict[tuple[str, str], dict[int, tuple[float, int]]] = {}
    bare_ms: dict[int, float] = {}
    for size in sizes:
        print(f"\n{size:,} meetings")
        build(size)
        client = Client()
        bare_ms[size], _ = measure(client, BARE)
        for role in (Role.OFFICER, Role.LIAISON, Role.ADMIN):
            user = person(role)
            client.force_login(user)
            for name, url in pages_for(client, user).items():
                table.setdefault((role.label, name), {})[size] = measure(client, url)
            client.logout()
        print(f"  bare view {bare_ms[size]:.2f} ms")
    small, large = min(sizes), max(sizes)
    print(f"\n| role | page | {' | '.join(f'{s:,}: ms (queries)' for s in sizes)} | ", end="")
    print(f"{large:,} ÷ {small:,} | ÷ bare at {large:,} |")
    print("|---|---|" + "---|" * (len(sizes) + 2))
    for (role, name), by_size in table.items():
        cells = " | ".join(
            f"{by_size[s][0]:.1f} ({by_size[s][1]})" if s in by_size else "–" for s in sizes
        )
        growth = by_size[large][0] / by_size[small][0] if small in by_size else 0
        over_bare = by_size[large][0] / bare_ms[large]
        print(f"| {role} | {name} | {cells} | {growth:.1f} | {over_bare:.0f} |")
    print("\ntargets: page(largest) ÷ page(smallest) ≤ 2; page ÷ bare view ≤ 10")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [10_000, 1_000_000])
