"""The query-plan guard: on PostgreSQL, page 1 of the meetings list (each order, a
status filter, searches), the home page, the follow-ups, the groups and the dashboard,
for an officer, a liaison and an admin, must find their meetings through indexes, and the
list must read its page in an index's order, so that no change can quietly make a page
grow with the table again (issue 12).

How. The module loads 3,000 generated meetings once (`generate_volume`, in three forces
of 1,000, so that each officer sees about 50 and each liaison about 100: a few per cent of
the table, as at national scale each sees a force's share), and ANALYZEs them. Each test
requests one real page with the test client as one role, captures its queries, and runs
`EXPLAIN (ANALYZE, FORMAT JSON)` on each SELECT that reads "meetings_meeting" (the
captured text: psycopg 3 composes the parameters into it on the client, so it is exactly
what ran). tests/plans.py walks the plan tree. A test fails, naming the page, the role,
the query and the plan node, when the plan has

- a scan of the whole meetings table: a Seq Scan; or what the planner does instead when
  seq scans are off (below): a walk of one of its indexes with no index condition that no
  Limit can stop, or a bitmap of a whole index (built whole before its first row);
- an index walk that a Limit stops only after reading more than ten times the rows it
  keeps (plans.MOST_READ_PER_ROW_KEPT), throwing the rest away because the index does not
  hold what decides who sees them: `unit_id = X OR EXISTS (...)` walked the nation's
  newest-first index to fill one unit's page. An officer sees 1.5 % of these meetings and
  a liaison 3 %, so such a walk reads 30 to 70 rows a row kept here, and more at scale.
  Pages with filters typed by the user (a search, a status) are not held to this: how
  many rows a word or a status skips does not grow with the table. They are held to
  everything else, and share their visibility with the unfiltered pages, which are;
- on the meetings list: a Sort between the Limit and the meetings scan (every visible row
  read and sorted to show the first 25).

Why the planner settings. With 3,000 rows a Seq Scan or a sort of everything visible is
often the cheapest plan, and the planner rightly takes it; at 1,000,000 it would not. So
every EXPLAIN runs with `enable_seqscan = off`, and the meetings list's also with
`enable_sort = off`. These do not forbid a Seq Scan or a Sort, they price them out, so
the planner takes an index whenever one can serve the query at all: a Seq Scan or a full
walk still chosen means no index can serve the query's conditions, a Sort still chosen
that no index gives the page in its order. Exactly the regressions this guard is for.
The other pages keep sorts enabled: they are not held to an order, and sorting a few of
one person's rows is often the better plan. And a bitmap of a whole index under a Limit
is the small table's choice when a walk of the same index, which the Limit stops, would
serve (at 100,000 meetings, vacuumed, the planner takes the walk); such a plan is judged
again with bitmaps off too, and that plan is the one held to the checks.

Why the caps are scaled. The list stops counting at pagination.COUNT_CAP (10,000) and
ranks a search's matches only up to filters.RANK_CAP: at 1,000,000 meetings an admin's
count stops after 1 % of the table, and a common word is not ranked but shown newest
first. With 3,000 meetings, 10,000 is never reached, so an admin's count would read the
whole table and be flagged for it. The tests set both caps to SCALED_CAP (100: an admin
sees 3,000, over it, as at scale; an officer or liaison under 100, under it, as at scale),
so each role's count and ranking take the branch they take at 1,000,000.

The one Sort allowed: a search with few enough matches to rank (under the rank cap) sorts
its matches by rank. No index can hold a rank that depends on the words typed; the sort
is of the matches, at most the cap however large the table grows, and they must still be
found through the search indexes (the full-scan checks apply to them).

The dashboard aggregates over a whole period, so it reads every meeting of the period;
it is held to the full-scan checks (each of its scans must use an index), not to the
others.
"""

import datetime
import re
from io import StringIO
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagement import pagination
from engagement.accounts.models import Role, User
from engagement.meetings import filters
from engagement.meetings.models import Disclosure, Meeting
from engagement.meetings.queries.meeting import DEFAULT_LIST_ORDER, LIST_ORDERS
from tests import plans

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="EXPLAIN plans are PostgreSQL's; the guard is for the database the app runs on",
)

NOW = datetime.datetime(2026, 6, 15, 11, tzinfo=datetime.UTC)
MEETINGS_MADE = 3_000
MEETINGS_PER_FORCE = 1_000
SCALED_CAP = 100
MEETINGS = Meeting._meta.db_table
READS_MEETINGS = re.compile(rf'"{MEETINGS}"')

LIST = reverse("meetings:meeting-list")


def list_page(**query: str) -> str:
    return f"{LIST}?{urlencode(query)}" if query else LIST


LIST_PAGES = [
    list_page(),
    *(list_page(sort=sort) for sort in LIST_ORDERS if sort != DEFAULT_LIST_ORDER),
    list_page(status=Meeting.Status.SUBMITTED),
    list_page(q="hate"),  # in every generated meeting: past the rank cap for an admin
    list_page(q="surveillance"),  # in one in eight
]
OTHER_PAGES = [
    reverse("home"),
    reverse("meetings:follow-up-list"),
    reverse("meetings:group-list"),
    reverse("dashboards:dashboard"),
]
DASHBOARD = reverse("dashboards:dashboard")
# Filters a person types: how many rows they skip is the data's, not the table's size.
TYPED_FILTERS = ("q", "status")
ROLES = [Role.OFFICER, Role.LIAISON, Role.ADMIN]


@pytest.fixture(scope="module")
def volume(django_db_setup, django_db_blocker):
    """3,000 generated meetings, loaded once for the module and analysed, inside a
    transaction rolled back after its last test; the list's caps scaled to them."""
    with (
        pytest.MonkeyPatch.context() as patch,
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        patch.setattr(pagination, "COUNT_CAP", SCALED_CAP)
        patch.setattr(filters, "RANK_CAP", SCALED_CAP)
        with time_machine.travel(NOW, tick=False):
            call_command(
                "generate_volume",
                meetings=MEETINGS_MADE,
                meetings_per_force=MEETINGS_PER_FORCE,
                allow_production=True,  # tests run with DEBUG off
                stdout=StringIO(),
                stderr=StringIO(),
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics of what was loaded
        yield
        transaction.set_rollback(True)


def person(role: Role) -> User:
    """The first generated account of this role (an officer or liaison of force 1)."""
    return (
        User.objects.filter(groups__name=role, username__startswith="volume-")
        .order_by("pk")
        .first()
    )


def meeting_queries(client, user: User, url: str):
    """The SELECTs reading the meetings table that a request of `url` ran; the response."""
    client.force_login(user)
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    sqls = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith("SELECT")
        and READS_MEETINGS.search(query["sql"])
    ]
    return sqls, response


def _sorted_by_rank(sort: dict) -> bool:
    """A sort whose first key is the search's rank (ts_rank, search.search_meetings)."""
    return "ts_rank(" in sort["Sort Key"][0]


def problems(plan: dict, url: str, *, ranked: bool) -> list[plans.Finding]:
    found = plans.full_scans(plan, MEETINGS)
    if url == DASHBOARD:
        return found
    if not any(f"{name}=" in url for name in TYPED_FILTERS):
        found += plans.discarding_walks(plan, MEETINGS)
    if url.startswith(LIST):
        sorts = plans.sorts_under_limit(plan, MEETINGS)
        found += [sort for sort in sorts if not (ranked and _sorted_by_rank(sort.node))]
    return found


def judged_plan(sql: str, url: str, *, ranked: bool, **settings: str):
    """The plan of `sql` and what is wrong with it; when all that is wrong is bitmaps of
    whole indexes under a Limit, the plan without bitmaps (see the module's docstring)."""
    plan = plans.explain(sql, **settings)
    found = problems(plan, url, ranked=ranked)
    if found and all(finding.limited_bitmap for finding in found):
        plan = plans.explain(sql, **settings, enable_bitmapscan="off")
        found = problems(plan, url, ranked=ranked)
    return plan, found


def check_page(client, role: Role, url: str) -> None:
    user = person(role)
    sqls, response = meeting_queries(client, user, url)
    assert sqls, f"{url} as {role.label} read no meetings: nothing was checked"
    settings = {"enable_seqscan": "off"}
    if url.startswith(LIST):
        settings["enable_sort"] = "off"
    ranked = url.startswith(LIST) and (
        response.context["filter"].order_keys() == filters.BEST_MATCH_ORDER
    )
    report = []
    for sql in sqls:
        plan, found = judged_plan(sql, url, ranked=ranked, **settings)
        if found:
            nodes = "\n".join(f"  node:  {finding}" for finding in found)
            report.append(f"  query: {plans.shorten(sql)}\n{nodes}\n  plan:\n{plans.outline(plan)}")
    assert not report, f"{url} as {role.label} ({user.username}):\n" + "\n\n".join(report)


def page_id(url: str) -> str:
    return url.strip("/").replace("/?", "?") or "home"


def role_id(role: Role) -> str:
    return role.value.lower()


@pytest.mark.usefixtures("volume", "db")
class TestPlans:
    @pytest.mark.parametrize("url", LIST_PAGES, ids=page_id)
    @pytest.mark.parametrize("role", ROLES, ids=role_id)
    def test_the_list_finds_page_one_through_an_index_in_its_order(self, client, role, url):
        check_page(client, role, url)

    @pytest.mark.parametrize("url", OTHER_PAGES, ids=page_id)
    @pytest.mark.parametrize("role", ROLES, ids=role_id)
    def test_the_page_finds_its_meetings_through_indexes(self, client, role, url):
        check_page(client, role, url)


# The guard itself: each check finds what it is for, in real plans of the same data.


def findings_of(run, url: str = LIST, **settings: str) -> list[plans.Finding]:
    """What the guard finds in the plan of the one query `run()` runs."""
    with CaptureQueriesContext(connection) as captured:
        run()
    (query,) = captured.captured_queries
    _, found = judged_plan(query["sql"], url, ranked=False, enable_seqscan="off", **settings)
    return found


def kinds(found: list[plans.Finding]) -> set[str]:
    return {finding.kind for finding in found}


def newest_first(queryset):
    return queryset.order_by(*(key.order_by() for key in LIST_ORDERS[DEFAULT_LIST_ORDER]))


@pytest.mark.usefixtures("volume", "db")
class TestTheGuard:
    def test_it_finds_the_officers_visibility_that_made_lists_linear(self):
        # Issue 12's cause 3: `unit = X OR EXISTS (attended)`. The planner walks the
        # nation's newest-first index and throws away what the officer may not see.
        officer = person(Role.OFFICER)
        attended = Exists(Disclosure.objects.filter(meeting_id=OuterRef("pk"), officer=officer))
        visible = Meeting.objects.filter(
            Q(unit_id=officer.officer_profile.unit_id) | attended
        ).exclude(status=Meeting.Status.WITHDRAWN)
        page = findings_of(lambda: list(newest_first(visible)[:26]), enable_sort="off")
        count = findings_of(lambda: pagination.count_up_to(visible), enable_sort="off")
        assert plans.DISCARDING_WALK in kinds(page)
        assert kinds(count) & {plans.DISCARDING_WALK, plans.UNSTOPPED_WALK, plans.WHOLE_BITMAP}

    def test_it_finds_a_page_sorted_from_every_row(self):
        # No index is in the order of the summary: every meeting is read and sorted.
        page = Meeting.objects.exclude(status=Meeting.Status.WITHDRAWN).order_by("summary", "pk")
        found = findings_of(lambda: list(page[:26]), enable_sort="off")
        assert plans.SORT in kinds(found)

    def test_it_finds_a_condition_no_index_serves(self):
        # No index holds the attendee count: with seq scans priced out, the table is
        # still read whole, by a Seq Scan or a walk of a whole index.
        def count():
            return Meeting.objects.filter(attendee_count=7).count()

        assert kinds(findings_of(count)) & {plans.SEQ_SCAN, plans.UNSTOPPED_WALK}

    def test_it_passes_a_page_read_in_an_index_order(self):
        # The admin's newest first: the index's first 26 entries, nothing more.
        page = newest_first(Meeting.objects.exclude(status=Meeting.Status.WITHDRAWN))
        assert findings_of(lambda: list(page[:26]), enable_sort="off") == []
