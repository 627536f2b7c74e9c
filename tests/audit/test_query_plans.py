"""The audit log's query-plan guard: on PostgreSQL, each search of the log (everything, a
person, a meeting, a record by kind and id, an action, dates, and those combined), page 1
and a page further on by its cursor, finds its events through one of AuditEvent's indexes
and never reads the table whole; so the log stays as quick at a million events as at a
thousand.

How. The module loads 30,000 events once (INSERT … SELECT over generate_series, inside a
transaction rolled back after its last test): twenty accounts, a hundred meetings, the
actions mixed as a live log mixes them, over three years, 200 exports that each held
fifty meetings, and sixty reads of one follow-up action. Each test requests the admin's
page with the test client, follows its "Next" link to page 3, captures the queries that
read audit_auditevent and runs `EXPLAIN (ANALYZE, FORMAT JSON)` on each (tests/plans.py reads the tree). As in the
meetings' guard (tests/meetings/test_query_plans.py), seq scans are priced out
(`enable_seqscan = off`): at 30,000 rows a Seq Scan is often the cheapest plan and
rightly taken; at a million it would not be, so one still chosen means no index can
serve the query. Such a plan fails, as does a walk of a whole index that no Limit stops
or a bitmap of a whole index.

The searches a single index serves in the log's order (everything; a person; an action;
a record by kind and id; dates alone or with any of those) are held to more, with sorts
priced out too: no Sort between the Limit and the scan (the page is read in the index's
order, newest first, and the walk stops after a page), and no walk that throws away more
than ten rows for each it keeps.

A meeting's search is the union of its own events (the meeting's index) and the exports
that held it (ExportedMeeting, by the meeting, then those events by primary key): no one
index holds both in order. Asked with OR, the planner here walked the whole log's
newest-first index testing each row (what this guard first caught); so the page reads
each list on its own, a page beyond the cursor (audit.queries.log_page), then the page
from those rows. Each scan of the log must find its rows by the meeting or by primary
key, and no walk may throw rows away; a sort is of those rows only. A search combining two
filters with no index of both (a person and an action) walks the more selective one's
index and filters the other: bounded by that person's own events, it is held to the full
scan checks only.

The count stops at pagination.COUNT_CAP (10,000 in the service): scaled here to 100, so
that, as at a million, the unfiltered count stops long before the table's end.
"""

import datetime
import re
from html import unescape
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagement import pagination
from engagement.audit.models import AuditEvent, ExportedMeeting
from tests import plans
from tests.factories import (
    AreaFactory,
    FollowUpFactory,
    MeetingFactory,
    UnitFactory,
    make_admin,
    make_officer,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="EXPLAIN plans are PostgreSQL's; the guard is for the database the app runs on",
)

NOW = datetime.datetime(2026, 6, 15, 11, tzinfo=datetime.UTC)
EVENTS = AuditEvent._meta.db_table
EXPORTED = ExportedMeeting._meta.db_table
READS_EVENTS = re.compile(rf'"{EVENTS}"')
EVENTS_MADE = 30_000
ACCOUNTS = 20
MEETINGS_MADE = 100
EXPORTS_MADE = 200
MEETINGS_PER_EXPORT = 50
SCALED_CAP = 100
LIST = reverse("audit:audit-list")
BUSY = "audit-busy"
# The mix of a live log: mostly reads, some changes, a few rare actions.
ACTIONS = ["view"] * 12 + ["update", "submit", "review", "sign_in", "complete", "withdraw"]


@pytest.fixture(scope="module")
def log(django_db_setup, django_db_blocker):
    """30,000 events loaded once for the module and analysed; what the searches name."""
    with (
        pytest.MonkeyPatch.context() as patch,
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        patch.setattr(pagination, "COUNT_CAP", SCALED_CAP)
        unit = UnitFactory(area=AreaFactory())
        actors = [make_officer(unit=unit, username=BUSY)] + [
            make_officer(unit=unit, username=f"audit-officer-{n}") for n in range(ACCOUNTS - 1)
        ]
        admin = make_admin(username="audit-admin")
        meetings = MeetingFactory.create_batch(MEETINGS_MADE, author=actors[0], unit=unit)
        follow_up = FollowUpFactory(meeting=meetings[0], owner=actors[0])
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {EVENTS} (at, actor_id, actor_role, actor_unit_id, action,
                    record_kind, record_id, meeting_id, changes, reason, detail)
                SELECT %(now)s - s * interval '53 minutes',
                    (%(actors)s::bigint[])[1 + s %% {ACCOUNTS}], 'Officer', %(unit)s,
                    (%(actions)s::text[])[1 + s %% {len(ACTIONS)}], 'meeting',
                    (%(uuids)s::text[])[1 + (s * 7) %% {MEETINGS_MADE}],
                    (%(meetings)s::bigint[])[1 + (s * 7) %% {MEETINGS_MADE}],
                    '{{}}', '', '{{}}'
                FROM generate_series(1, {EVENTS_MADE}) s
                """,
                {
                    "now": NOW,
                    "actors": [a.pk for a in actors],
                    "unit": unit.pk,
                    "actions": ACTIONS,
                    "uuids": [str(m.uuid) for m in meetings],
                    "meetings": [m.pk for m in meetings],
                },
            )
            cursor.execute(
                f"""
                INSERT INTO {EVENTS} (at, actor_id, actor_role, action, record_kind,
                    record_id, changes, reason, detail)
                SELECT %(now)s - s * interval '7 hours', %(admin)s, 'Admin', 'export',
                    'meetings', '', '{{}}', 'Review', '{{}}'
                FROM generate_series(1, {EXPORTS_MADE}) s
                """,
                {"now": NOW, "admin": admin.pk},
            )
            cursor.execute(
                f"""
                INSERT INTO {EXPORTED} (event_id, meeting_id)
                SELECT e.id, (%(meetings)s::bigint[])[1 + (e.id + j) %% {MEETINGS_MADE}]
                FROM {EVENTS} e CROSS JOIN generate_series(1, {MEETINGS_PER_EXPORT}) j
                WHERE e.action = 'export'
                """,
                {"meetings": [m.pk for m in meetings]},
            )
            cursor.execute(
                f"""
                INSERT INTO {EVENTS} (at, actor_id, actor_role, action, record_kind,
                    record_id, meeting_id, changes, reason, detail)
                SELECT %(now)s - s * interval '5 days', %(actor)s, 'Officer', 'view',
                    'followupaction', %(uuid)s, %(meeting)s, '{{}}', '', '{{}}'
                FROM generate_series(1, 60) s
                """,
                {
                    "now": NOW,
                    "actor": actors[0].pk,
                    "uuid": str(follow_up.uuid),
                    "meeting": meetings[0].pk,
                },
            )
            cursor.execute(f"ANALYZE {EVENTS}")
            cursor.execute(f"ANALYZE {EXPORTED}")
        yield {
            "admin": admin,
            "meeting": meetings[0],
            "follow_up": follow_up,
        }
        transaction.set_rollback(True)


def searches(log) -> dict[str, dict[str, str]]:
    meeting = str(log["meeting"].uuid)
    return {
        "everything": {},
        "a person": {"person": BUSY},
        "an action": {"action": "view"},
        "a rare action": {"action": "withdraw"},
        "dates": {"date_from": "2025-01-01", "date_to": "2025-12-31"},
        "a person and dates": {"person": BUSY, "date_from": "2025-01-01", "date_to": "2025-12-31"},
        "an action and dates": {"action": "view", "date_from": "2025-01-01"},
        "a record by kind and id": {
            "record": str(log["follow_up"].uuid),
            "record_kind": "followupaction",
        },
        "a meeting": {"record": meeting},
        "a meeting and an action": {"record": meeting, "action": "view"},
        "a person and an action": {"person": BUSY, "action": "update"},
    }


IN_INDEX_ORDER = {
    "everything",
    "a person",
    "an action",
    "a rare action",
    "dates",
    "a person and dates",
    "an action and dates",
    "a record by kind and id",
}
OF_A_MEETING = {"a meeting", "a meeting and an action"}
SEARCHES = [
    *sorted(IN_INDEX_ORDER),
    *sorted(OF_A_MEETING),
    "a person and an action",
]


def pages(client, url: str, *, most: int = 3) -> list[list[str]]:
    """The SELECTs that read the log, for each page from 1 to `most` (following "Next")."""
    found = []
    while url and len(found) < most:
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        found.append(
            [
                query["sql"]
                for query in captured.captured_queries
                if query["sql"].lstrip().upper().startswith("SELECT")
                and (READS_EVENTS.search(query["sql"]) or f'"{EXPORTED}"' in query["sql"])
            ]
        )
        following = re.search(r'href="\?([^"]*)" rel="next"', response.content.decode())
        url = f"{LIST}?{unescape(following[1])}" if following else ""
    return found


def judged(sql: str, checks, **settings: str) -> tuple[dict, list[plans.Finding]]:
    """The plan of `sql` and what `checks` find in it; when all they find is bitmaps of
    whole indexes under a Limit (a small table's choice), the plan without bitmaps."""
    plan = plans.explain(sql, **settings)
    found = checks(plan)
    if found and all(finding.limited_bitmap for finding in found):
        plan = plans.explain(sql, **settings, enable_bitmapscan="off")
        found = checks(plan)
    return plan, found


def whole_reads(plan: dict) -> list[plans.Finding]:
    return plans.full_scans(plan, EVENTS) + plans.full_scans(plan, EXPORTED)


def out_of_order(plan: dict) -> list[plans.Finding]:
    return (
        whole_reads(plan)
        + plans.sorts_under_limit(plan, EVENTS)
        + plans.discarding_walks(plan, EVENTS)
    )


def not_by_meeting(plan: dict) -> list[plans.Finding]:
    """Scans of the log below a sort that find their rows otherwise than by the meeting
    or by primary key."""
    found = whole_reads(plan) + [
        # A lookup of the exports by primary key reads no more than the meeting's exports.
        finding
        for finding in plans.discarding_walks(plan, EVENTS)
        if not finding.node.get("Index Cond", "").startswith("(id = ANY")
    ]
    for node in plans.nodes(plan):
        if node.plan.get("Relation Name") != EVENTS or node.type == "Bitmap Heap Scan":
            continue
        if node.type in ("Bitmap Index Scan", *plans.INDEX_WALKS) and (
            plans.reads_by(node, "meeting_id") or plans.reads_by(node, "id")
        ):
            continue
        found.append(plans.Finding("not by the meeting", "a read of the log", node.plan))
    for node in plans.nodes(plan):
        if node.type == "Bitmap Index Scan" and not re.search(
            r"\b(meeting_id|id) = ", node.plan.get("Index Cond", "")
        ):
            found.append(plans.Finding("not by the meeting", "a bitmap", node.plan))
    return found


def report(sqls: list[str], checks, **settings: str) -> list[str]:
    failures = []
    for sql in sqls:
        plan, found = judged(sql, checks, **settings)
        if found:
            nodes = "\n".join(f"  node:  {finding}" for finding in found)
            failures.append(
                f"  query: {plans.shorten(sql)}\n{nodes}\n  plan:\n{plans.outline(plan)}"
            )
    return failures


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("search", SEARCHES)
def test_each_search_of_the_log_reads_it_through_an_index(client, log, search):
    params = searches(log)[search]
    client.force_login(log["admin"])
    walked = pages(client, f"{LIST}?{urlencode(params)}" if params else LIST)
    if search in IN_INDEX_ORDER | OF_A_MEETING:
        assert len(walked) == 3, f"{search}: fewer than three pages to walk"
    failures = []
    for number, sqls in enumerate(walked, 1):
        assert any(READS_EVENTS.search(sql) for sql in sqls), f"{search}: read no events"
        if search in IN_INDEX_ORDER:
            found = report(sqls, out_of_order, enable_seqscan="off", enable_sort="off")
        elif search in OF_A_MEETING:
            found = report(sqls, not_by_meeting, enable_seqscan="off")
        else:
            found = report(sqls, whole_reads, enable_seqscan="off")
        failures += [f"page {number}:\n{failure}" for failure in found]
    assert not failures, f"{search}:\n" + "\n\n".join(failures)


# The guard itself: each check finds what it is for, in real plans of the same data.


@pytest.mark.usefixtures("db")
def test_the_guard_finds_a_search_no_index_serves(log):
    with CaptureQueriesContext(connection) as captured:
        AuditEvent.objects.filter(reason__icontains="never written").count()
    (query,) = captured.captured_queries
    _, found = judged(query["sql"], whole_reads, enable_seqscan="off")
    assert found, "a filter on the reason's text reads the whole log, and must be found"


@pytest.mark.usefixtures("db")
def test_the_guard_finds_a_page_read_out_of_the_logs_order(log):
    # No follow-up's events in this log: a walk newest first reads it all to find none.
    by_kind = AuditEvent.objects.filter(record_kind="followupaction").order_by("-at", "-id")
    with CaptureQueriesContext(connection) as captured:
        list(by_kind[:26])
    (query,) = captured.captured_queries
    _, found = judged(query["sql"], out_of_order, enable_seqscan="off", enable_sort="off")
    assert found, "a kind alone is not the start of an index in the log's order"
