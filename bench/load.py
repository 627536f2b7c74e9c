"""A day's traffic under locust: officers, liaisons and admins at once; then the
meeting list beside a bare Django view.

A benchmark, not a test: it never fails on speed. It empties the database (PostgreSQL
from DATABASE_URL, or a temporary SQLite file), loads `generate_volume --meetings N`
(100,000 unless told) and serves the app with gunicorn: sync workers, twice the cores
plus one, DEBUG off (bench/settings.py). It signs in officers of several units,
liaisons with meetings awaiting their review and the admins (sessions in the database,
one for each simulated user) and runs locust headless, as a library, in a process of
its own (bench/load_users.py, so gevent's monkey-patching stays out of this process),
with that many users (20 unless told): six officers to three liaisons to one admin,
each reading a page for 1 to 3 s before the next.

- officers browse their meeting list (filtered, sorted, searched, further pages through
  its "Next" link), open meetings and their home, and log new meetings through the
  form (a complete meeting, submitted);
- liaisons open their home, their meetings awaiting review and meetings, and review
  meetings set aside for them (one review in five disputes the record);
- admins open the dashboard (also filtered by an area), a measure, the audit log and
  the meeting list.

After a warm-up of each worker (3 s of the list, then of the bare view) the mixed
traffic runs for the given seconds (60 unless told), measured from the moment every user
runs. It prints, for each page, the requests, failures, median and 95th percentile (ms)
and requests per second, and the totals; the 5xx answers and failed requests over the
whole run; the meetings and reviews the POSTs made, each looked up in the database.
Then the same number of users ask for the officer's /meetings/ (the officer who sees
the most meetings) as fast as they are answered, then the bare view (/bench-bare/), in
rounds so a change in the machine's load touches both, a quarter of the seconds each (at
least 5 s), and it prints list ÷ bare.

Targets: no failed request and no 5xx; list ÷ bare 0.5 or more. Exit status 1 if a
request failed, a 5xx was answered or a write was lost (a POST answered 302 whose
meeting or review is not in the database); never on speed.

    scripts/with-postgres .venv/bin/python bench/load.py                  # 100,000, 60 s
    scripts/with-postgres .venv/bin/python bench/load.py 10000 --seconds 10 --users 10
"""

import datetime
import importlib.util
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server
from bench.server import ROOT, BenchError, Server

server.setup()
# django-axes logs every sign-in; the benchmark makes dozens of sessions.
logging.getLogger("axes").setLevel(logging.WARNING)

from django.contrib.sessions.models import Session  # noqa: E402
from django.utils import timezone  # noqa: E402

from engagement.accounts.models import Role, User  # noqa: E402
from engagement.dashboards.registry import ALL_MEASURES  # noqa: E402
from engagement.meetings.models import Meeting, Review  # noqa: E402
from engagement.meetings.queries.home import awaiting_review_by  # noqa: E402
from engagement.meetings.queries.meeting import meetings_visible_to  # noqa: E402

USERS = 20
SECONDS = 60
ROUNDS = 2
WARM_SECONDS = 3
OFFICERS = 8  # people, each of a unit of their own; several sessions each
LIAISONS = 8
ADMINS = 2
# Meetings set aside for each liaison's session to review, no two sessions the same.
REVIEWS_EACH = 40
USERS_SCRIPT = ROOT / "bench" / "load_users.py"


def volume_people(role: str):
    return User.objects.filter(groups__name=role, email__contains="volume").order_by("pk")


def officer_accounts(sessions: int, day: datetime.date) -> list[dict]:
    """Officers of different units, each with the groups of their unit's latest meetings
    (they log new ones with these), an area and a group to filter by."""
    people, units = [], set()
    for officer in volume_people(Role.OFFICER).select_related("officer_profile"):
        if officer.officer_profile.unit_id in units:
            continue
        latest = (
            meetings_visible_to(officer)
            .exclude(status=Meeting.Status.WITHDRAWN)
            .prefetch_related("groups")
            .order_by("-date", "-pk")[:20]
        )
        groups = {
            (group.pk, group.area_id)
            for meeting in latest
            for group in meeting.groups.all()
            if group.active
        }
        if not groups:
            continue
        units.add(officer.officer_profile.unit_id)
        group, area = sorted(groups)[0]
        people.append(
            {
                "officer": officer.pk,
                "groups": sorted(groups),
                "group": group,
                "area": area,
                "day": day.isoformat(),
                "year_start": day.replace(month=1, day=1).isoformat(),
                "username": officer.username,
            }
        )
        if len(people) == OFFICERS:
            break
    if not people:
        raise BenchError("no generated officer sees a meeting with an active group")
    return with_sessions(people, sessions)


def liaison_accounts(sessions: int) -> list[dict]:
    """The liaisons with the most meetings awaiting their review; each session gets
    meetings of its own to review, so no two users review the same meeting."""
    candidates = []
    for liaison in volume_people(Role.LIAISON)[: LIAISONS * 5]:
        awaiting = list(awaiting_review_by(liaison).values_list("uuid", flat=True)[:500])
        candidates.append((len(awaiting), liaison, awaiting))
    candidates.sort(key=lambda candidate: -candidate[0])
    people = [
        {"liaison": liaison, "username": liaison.username, "awaiting": awaiting}
        for size, liaison, awaiting in candidates[:LIAISONS]
        if size
    ]
    if not people:
        raise BenchError("no generated liaison has a meeting awaiting review")
    accounts = with_sessions(people, sessions)
    taken: set = set()
    for account in accounts:
        mine = [uuid for uuid in account.pop("awaiting") if uuid not in taken][:REVIEWS_EACH]
        taken.update(mine)
        account["to_review"] = [str(uuid) for uuid in mine]
        del account["liaison"]
    return accounts


def admin_accounts(sessions: int) -> list[dict]:
    first = Meeting.objects.select_related("area").order_by("pk").first()
    measures = [measure.key for measure in ALL_MEASURES]
    people = [
        {"username": admin.username, "area": first.area.code, "measures": measures}
        for admin in volume_people(Role.ADMIN)[:ADMINS]
    ]
    return with_sessions(people, sessions)


def with_sessions(people: list[dict], sessions: int) -> list[dict]:
    """`sessions` accounts taking the people in turn, each signed in afresh."""
    accounts = []
    for index in range(sessions):
        account = dict(people[index % len(people)])
        account["cookie"] = server.sign_in(User.objects.get(username=account["username"]))
        accounts.append(account)
    return accounts


def run(app: Server, kind: str, users: int, seconds: float, accounts: dict) -> dict:
    """One run of bench/load_users.py against the app: its result."""
    plan = {
        "host": f"http://{server.HOST}:{app.port}",
        "kind": kind,
        "users": users,
        "seconds": seconds,
        "accounts": accounts,
    }
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        plan_path, result_path = Path(folder) / "plan.json", Path(folder) / "result.json"
        plan_path.write_text(json.dumps(plan))
        log_path = Path(folder) / "locust.log"
        with log_path.open("w") as log:
            finished = subprocess.run(
                [sys.executable, str(USERS_SCRIPT), str(plan_path), str(result_path)],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                timeout=seconds + 300,
                check=False,
            )
        if finished.returncode != 0 or not result_path.exists():
            raise BenchError(
                f"the locust run ({kind}) ended with status {finished.returncode}:\n"
                f"{log_path.read_text(errors='replace')[-3000:]}"
            )
        return json.loads(result_path.read_text())


def print_pages(result: dict) -> None:
    heading = (
        f"  {'page':<28} {'requests':>9} {'failed':>7} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>7}"
    )
    print(heading)
    rows = sorted(result["pages"], key=lambda row: -row["requests"])
    for row in [*rows, {**result["total"], "name": "total"}]:
        print(
            f"  {row['name']:<28} {row['requests']:>9,} {row['failures']:>7,}"
            f" {row['p50']:>7,.0f} {row['p95']:>7,.0f} {row['rps']:>7.1f}"
        )


def check_writes(result: dict, meetings_before: int) -> list[str]:
    """What went wrong with the POSTs answered 302: each meeting and review in the
    database, and no more meetings than were logged."""
    problems = []
    created = set(result["created"])
    found = Meeting.objects.filter(uuid__in=created).count()
    added = Meeting.objects.count() - meetings_before
    print(
        f"  meetings logged (POST answered 302): {len(created):,}; of them in the database:"
        f" {found:,}; meetings added to the database: {added:,}"
    )
    if found != len(created):
        problems.append(f"{len(created) - found} meeting(s) answered 302 but not in the database")
    if added != len(created):
        problems.append(f"{added:,} meetings added to the database for {len(created):,} logged")
    reviewed = set(result["reviewed"])
    found = Review.objects.filter(meeting__uuid__in=reviewed).values("meeting").distinct().count()
    print(f"  reviews (POST answered 302): {len(reviewed):,}; in the database: {found:,}")
    if found != len(reviewed):
        problems.append(f"{len(reviewed) - found} review(s) answered 302 but not in the database")
    return problems


def problems_of(result: dict, kind: str) -> list[str]:
    problems = [
        f"{kind}: {failure['name']}: {failure['error']} ({failure['occurrences']:,}×)"
        for failure in result["failures"]
    ]
    if result["server_errors"]:
        problems.append(f"{kind}: {result['server_errors']:,} answers were 5xx")
    return problems


def main(meetings: int, seconds: int, users: int) -> list[str]:
    """Run the benchmark; what went wrong (nothing, with luck)."""
    workers = 2 * (os.cpu_count() or 1) + 1
    hammer_seconds = max(5, seconds // 4)
    print(
        f"database: {server.database()}; gunicorn, {workers} sync workers (2 × {os.cpu_count()}"
        f" cores + 1), DEBUG off; locust, {users} users, {seconds} s of mixed traffic;"
        f" then list and bare view, {ROUNDS} round(s) of {hammer_seconds} s each"
    )
    print(f"machine: {server.machine()}")
    print(f"\n{meetings:,} meetings")
    server.build(meetings)
    day = timezone.localdate() - datetime.timedelta(days=1)
    accounts = {
        "Officer": officer_accounts(users, day),
        "Liaison": liaison_accounts(users),
        "Admin": admin_accounts(users),
    }
    for kind, role_accounts in accounts.items():
        names = sorted({account["username"] for account in role_accounts})
        print(f"  {kind.lower()} sessions: {len(role_accounts)}, of {', '.join(names)}")
    officer = server.person(Role.OFFICER)
    print(f"  the list's officer: {officer.username}, sees {server.visible_meetings(officer):,}")
    hammer = {"ListAlone": [{"username": officer.username}] * users}
    hammer["ListAlone"] = with_sessions(hammer["ListAlone"], users)
    print(f"  sessions in the database: {Session.objects.count():,}")
    problems: list[str] = []
    with Server(workers=workers) as app:
        # Each worker's first requests load templates and open its connection.
        run(app, "list", users, WARM_SECONDS, hammer)
        run(app, "bare", users, WARM_SECONDS, {})
        meetings_before = Meeting.objects.count()
        print(f"\nmixed traffic, {users} users, {seconds} s")
        mixed = run(app, "mixed", users, seconds, accounts)
        print(
            f"  measured over {mixed['seconds']:.1f} s (from every user running to the last stopping)"
        )
        print_pages(mixed)
        problems += problems_of(mixed, "mixed")
        problems += check_writes(mixed, meetings_before)
        print(
            f"  5xx answers: {mixed['server_errors']:,}; failed requests:"
            f" {sum(f['occurrences'] for f in mixed['failures']):,}"
        )
        if mixed["client_cpu_warning"]:
            print("  (locust's own CPU passed 90 %: the clients may have limited the load)")

        print(f"\nthe meeting list beside the bare view, {users} users each, no pause")
        lists, bares = [], []
        for number in range(1, ROUNDS + 1):
            for kind, runs in (("list", lists), ("bare", bares)):
                result = run(app, kind, users, hammer_seconds, hammer)
                runs.append(result)
                problems += problems_of(result, kind)
                total = result["total"]
                print(
                    f"  round {number}: {kind:<4} {total['rps']:7.1f} requests/s"
                    f" ({total['requests']:,} in {result['seconds']:.0f} s);"
                    f" p50 {total['p50']:,.0f} ms, p95 {total['p95']:,.0f} ms"
                    + (" (locust's CPU passed 90 %)" if result["client_cpu_warning"] else "")
                )
    print(f"  machine after the runs: {server.machine()}")
    list_rate = rate(lists)
    bare_rate = rate(bares)
    print(f"\nlist {list_rate:.1f} requests/s, bare {bare_rate:.1f} requests/s")
    print(f"list ÷ bare = {list_rate / bare_rate:.2f} (target ≥ 0.5)")
    return problems


def rate(results: list[dict]) -> float:
    return sum(r["total"]["requests"] for r in results) / sum(r["seconds"] for r in results)


if __name__ == "__main__":
    parser = server.one_size_parser(__doc__, default=100_000)
    parser.add_argument(
        "--seconds",
        type=server.count,
        default=SECONDS,
        help="of mixed traffic (default %(default)s)",
    )
    parser.add_argument("--users", type=server.count, default=USERS, help="default %(default)s")
    arguments = parser.parse_args()
    if importlib.util.find_spec("locust") is None:
        sys.exit("bench/load.py: locust is not installed here; run `make venv-bench` first.")
    try:
        found = main(arguments.meetings, arguments.seconds, arguments.users)
    except BenchError as error:
        sys.exit(f"bench/load.py: {error}")
    if found:
        print("\nFAILED:\n" + "\n".join(f"  {problem}" for problem in found), file=sys.stderr)
        sys.exit(1)
    print("\nno failed request, no 5xx, no lost write")
