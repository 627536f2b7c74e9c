"""The query-plan guard: on PostgreSQL, page 1 of the meetings list (each order, a
status filter, searches), the home page, the follow-ups, the groups and the dashboard,
for an officer, a liaison and an admin, must find their meetings through indexes, and the
list must read its page in an index's order (a liaison's, sort only the meetings of their
groups), so that no change can quietly make a page grow with the table again (issue 12).

How. The module loads 3,000 generated meetings once (`generate_volume`, in three forces
of 1,000, so that each officer sees about 50 and the liaison tested about 100: a few per
cent of the table, as at national scale each sees a force's share), and ANALYZEs them.
Each test requests one real page with the test client as one role, captures its queries,
and runs `EXPLAIN (ANALYZE, FORMAT JSON)` on each SELECT that reads "meetings_meeting"
(the captured text: psycopg 3 composes the parameters into it on the client, so it is
exactly what ran). tests/plans.py walks the plan tree. A test fails, naming the page, the
role, the query and the plan node, when the plan has

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
- on an officer's or an admin's meetings list: a Sort between the Limit and the meetings
  scan (every visible row read and sorted to show the first 25);
- on a liaison's meetings list and in their home's queries of meetings (its "awaiting
  your review"): a Sort between the Limit and the meetings scan whose meetings were not
  all found through the liaison's groups (below); and on any of a liaison's pages but the
  dashboard, a whole read of the meetings<->groups table (its Seq Scan, a full walk or a
  whole bitmap of one of its indexes), the table through which their meetings are found.

Who may sort, and why. An officer sees their unit's meetings (and the few they attended
elsewhere): the unit is a column of the meeting, and an index for each list order within
a unit (meeting_unit_newest, _purpose, _status) serves page 1 of each straight from the
index. An admin sees the nation, and the national indexes serve each order. For either,
a Sort under the Limit means that no index serves the order: every row they may see, a
whole unit or the whole table, read and sorted to show 25. They may not sort.

A liaison sees the submitted (reviewed, disputed) meetings of their groups. Which groups
a meeting involves is not a column of the meeting but rows of meetings_meeting_groups (a
meeting may involve several groups), so no index of the meetings table can hold "the
meetings of these groups" in a list's order; that would take the meeting's date and sort
keys copied onto the link table, and the lead decided against denormalising. That leaves
two plans: walk a national index in the list's order, testing each meeting against the
liaison's groups and throwing away the rest, which reads about 26 (a page and one more)
÷ (the liaison's share of the nation) rows, more the more forces there are; or find the
liaison's meetings from their groups (the link's index on the group, then each meeting by
its primary key) and sort those, which reads and sorts the meetings of the liaison's
groups, a few hundred to a few thousand however large the nation grows. The second is bounded by the liaison, not
the table, and is allowed (plans.Through): a liaison's pages keep sorts enabled, and a
Sort under the Limit passes when each scan of meetings_meeting_groups below it reads by
the group (an index condition on communitygroup_id) and each scan of meetings below it
is a primary key lookup from those rows. A Sort fed any other way fails: by a walk or a
bitmap of a meetings index (the status index's every in-scope or submitted meeting in the
nation), as does the walk that discards (the rule above, unchanged), and any whole read
of meetings or of the link. The same holds for a liaison's home's queries of meetings
(its outermost FROM is meetings_meeting): "awaiting your review", oldest submission
first, may sort the liaison's submitted meetings found through their groups, never walk
every submitted meeting in the nation (meeting_status_submitted) and keep theirs. The
home's other queries list disputes and follow-ups, not meetings, and keep the rules of
the other pages.

Why these 3,000 meetings show a liaison's plan at national scale, with no switch. With
sorts allowed, the planner here takes the join through the groups by itself (at its
default settings, estimated cost 183 against the walk's 1,055; 0.8 ms against 10.5 ms).
Which plan wins depends on the walk's rows, about 26 * T / L (T meetings in the table, L
the liaison's), against the join's L: their ratio, 26 * T / L^2, is about 8 here (L = 97,
T = 2,945) and about 3.6 at 1,000,000 meetings in 40 forces (L = 2,672 for the same
liaison, measured at 25,000 a force; T = 980,000): the join's side both times. Measured:
at 100,000 meetings in 12 forces (a ratio of 3.3, as at 1,000,000) the planner takes the
join (6.6 ms; the walk, forced, 102 ms). At 100,000 in 4 forces of 25,000 (a ratio of
0.36: few forces, each large, not the national shape) it rightly walks, reading 1,067
rows for a page where the join would read the liaison's 2,672. So the data is not
reshaped and no planner switch is set for the liaison: none is needed, and the one that
would price out the walks (`enable_indexscan`) would price out the join's own primary key
lookups too, changing the plan being judged. Should the data change so that the planner
here walks, the page fails as a discarding walk: what that plan would do, worse, at
national scale.

Why the planner settings. With 3,000 rows a Seq Scan or a sort of everything visible is
often the cheapest plan, and the planner rightly takes it; at 1,000,000 it would not. So
every EXPLAIN runs with `enable_seqscan = off`, and an officer's or admin's meetings
list's also with `enable_sort = off`. These do not forbid a Seq Scan or a Sort, they
price them out, so the planner takes an index whenever one can serve the query at all: a
Seq Scan or a full walk still chosen means no index can serve the query's conditions, a
Sort still chosen that no index gives the page in its order. Exactly the regressions
this guard is for. A liaison's pages and the other pages keep sorts enabled: a liaison's
are judged by where the sorted meetings came from (above); the others are not held to an
order, and sorting a few of one person's rows is often the better plan. And a bitmap of
a whole index under a Limit is the small table's choice when a walk of the same index,
which the Limit stops, would serve (at 100,000 meetings, vacuumed, the planner takes the
walk); such a plan is judged again with bitmaps off too, and that plan is the one held
to the checks.

Why the caps are scaled. The list stops counting at pagination.COUNT_CAP (10,000) and
ranks a search's matches only up to filters.RANK_CAP: at 1,000,000 meetings an admin's
count stops after 1 % of the table, and a common word is not ranked but shown newest
first. With 3,000 meetings, 10,000 is never reached, so an admin's count would read the
whole table and be flagged for it. The tests set both caps to SCALED_CAP (100: an admin
sees 3,000, over it, as at scale; an officer or liaison under 100, under it, as at scale),
so each role's count and ranking take the branch they take at 1,000,000.

The one Sort allowed on any list: a search with few enough matches to rank (under the
rank cap) sorts its matches by rank. No index can hold a rank that depends on the words
typed; the sort is of the matches, at most the cap however large the table grows, and
they must still be found through the search indexes (the full-scan checks apply to them).

The dashboard aggregates over a whole period, so it reads every meeting of the period;
it is held to the full-scan checks (each of its scans must use an index), not to the
others. An admin's dashboard is the nation's: it is served from the snapshot that
`refresh_dashboards` computes every few minutes (engagement.dashboards.snapshots), made
here after the load as in production, so the admin's page reads no meeting at all; the
officer's and the liaison's are computed live and checked.
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
from engagement.community.models import CommunityGroup
from engagement.home.views import HOME_LIST_LIMIT
from engagement.meetings import filters
from engagement.meetings.models import Disclosure, Meeting
from engagement.meetings.queries.meeting import (
    DEFAULT_LIST_ORDER,
    LIST_ORDERS,
    meetings_visible_to,
)
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
# A liaison's meetings: their own rows of the groups<->liaisons table, by their id; their
# groups' rows of the meetings<->groups table, by the group's index; then each meeting by
# its primary key (see the module's docstring).
MEETING_GROUPS = Meeting.groups.through
GROUP_LIAISONS = CommunityGroup.liaisons.through
THROUGH_GROUPS = plans.Through(
    start=GROUP_LIAISONS._meta.db_table,
    start_by=GROUP_LIAISONS._meta.get_field("user").column,
    link=MEETING_GROUPS._meta.db_table,
    by=MEETING_GROUPS._meta.get_field("communitygroup").column,
    to=MEETING_GROUPS._meta.get_field("meeting").column,
    name="the liaison's groups",
)

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
HOME = reverse("home")
OTHER_PAGES = [
    HOME,
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
    """3,000 generated meetings, loaded and committed once for the module and analysed,
    and removed after its last test; the list's caps scaled to them.

    Committed before the tests, not loaded inside a transaction rolled back after them:
    generate_volume remakes the indexes after rewriting the rows it loaded (their search
    column), and PostgreSQL marks an index built over rows so rewritten `indcheckxmin`,
    unusable to any transaction older than the one that built it. Inside one enclosing
    transaction the planner could then use none of them, and the guard failed with
    whole-table scans or not, by what earlier tests had left (it did after the email
    tests' transactional ones). Autovacuum is off for those tables meanwhile: it would
    otherwise vacuum the committed rows at a moment of its own, whose all-visible pages
    make index-only walks cheap enough to change the plans judged here."""
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setattr(pagination, "COUNT_CAP", SCALED_CAP)
        patch.setattr(filters, "RANK_CAP", SCALED_CAP)
        empty = tables_without_rows()
        set_autovacuum(empty, enabled=False)
        try:
            # One transaction, committed: in a transaction generate_volume analyses but
            # does not vacuum, the state the plans here were judged in.
            with transaction.atomic(), time_machine.travel(NOW, tick=False):
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
                call_command("refresh_dashboards", stdout=StringIO())
            yield
        finally:
            empty_again(empty)
            set_autovacuum(empty, enabled=True)


def tables_without_rows() -> list[str]:
    with connection.cursor() as cursor:
        return [
            table
            for table in connection.introspection.table_names(cursor)
            if not row_exists(cursor, table)
        ]


def row_exists(cursor, table: str) -> bool:
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
    return cursor.fetchone()[0]


def set_autovacuum(tables: list[str], *, enabled: bool) -> None:
    setting = "SET (autovacuum_enabled = off)" if not enabled else "RESET (autovacuum_enabled)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} {setting}")


def empty_again(tables: list[str]) -> None:
    """Every table that was empty before the module, emptied again: the rest of the suite
    finds the database as it was (the other tables hold what the migrations made)."""
    names = ", ".join(connection.ops.quote_name(table) for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names}")


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


def problems(
    plan: dict, url: str, *, role: Role, of_meetings: bool, ranked: bool
) -> list[plans.Finding]:
    """What is wrong with the plan of one query of a page (`of_meetings`: a query whose
    outermost FROM is the meetings table, a list of meetings and not of their disputes
    or follow-ups) requested by `role`."""
    found = plans.full_scans(plan, MEETINGS)
    if url == DASHBOARD:
        return found
    liaison = role == Role.LIAISON
    if liaison:
        # The link is how a liaison's meetings are found: read whole, it is the nation's
        # meetings by another name.
        found += plans.full_scans(plan, THROUGH_GROUPS.link)
    if not any(f"{name}=" in url for name in TYPED_FILTERS):
        found += plans.discarding_walks(plan, MEETINGS)
    if url.startswith(LIST) or (liaison and url == HOME and of_meetings):
        sorts = plans.sorts_under_limit(
            plan, MEETINGS, found_through=THROUGH_GROUPS if liaison else None
        )
        found += [sort for sort in sorts if not (ranked and _sorted_by_rank(sort.node))]
    return found


def judged_plan(sql: str, url: str, *, role: Role, ranked: bool, **settings: str):
    """The plan of `sql` and what is wrong with it; when all that is wrong is bitmaps of
    whole indexes under a Limit, the plan without bitmaps (see the module's docstring)."""
    of_meetings = plans.outermost_table(sql) == MEETINGS
    plan = plans.explain(sql, **settings)
    found = problems(plan, url, role=role, of_meetings=of_meetings, ranked=ranked)
    if found and all(finding.limited_bitmap for finding in found):
        plan = plans.explain(sql, **settings, enable_bitmapscan="off")
        found = problems(plan, url, role=role, of_meetings=of_meetings, ranked=ranked)
    return plan, found


def planner_settings(role: Role, url: str) -> dict[str, str]:
    """Seq scans priced out for every query; sorts too on an officer's or admin's list,
    which an index serves in each order. A liaison's pages keep sorts: the sort of the
    meetings found through their groups is the plan (the module's docstring)."""
    settings = {"enable_seqscan": "off"}
    if url.startswith(LIST) and role != Role.LIAISON:
        settings["enable_sort"] = "off"
    return settings


def check_page(client, role: Role, url: str) -> list[str]:
    """Fails naming every query of the page whose plan has a problem; the queries."""
    user = person(role)
    sqls, response = meeting_queries(client, user, url)
    assert sqls, f"{url} as {role.label} read no meetings: nothing was checked"
    ranked = url.startswith(LIST) and (
        response.context["filter"].order_keys() == filters.BEST_MATCH_ORDER
    )
    report = []
    for sql in sqls:
        plan, found = judged_plan(sql, url, role=role, ranked=ranked, **planner_settings(role, url))
        if found:
            nodes = "\n".join(f"  node:  {finding}" for finding in found)
            report.append(f"  query: {plans.shorten(sql)}\n{nodes}\n  plan:\n{plans.outline(plan)}")
    assert not report, f"{url} as {role.label} ({user.username}):\n" + "\n\n".join(report)
    return sqls


def page_id(url: str) -> str:
    return url.strip("/").replace("/?", "?") or "home"


def role_id(role: Role) -> str:
    return role.value.lower()


@pytest.mark.usefixtures("volume", "db")
class TestPlans:
    @pytest.mark.parametrize("url", LIST_PAGES, ids=page_id)
    @pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN], ids=role_id)
    def test_the_list_finds_page_one_through_an_index_in_its_order(self, client, role, url):
        check_page(client, role, url)

    @pytest.mark.parametrize("url", LIST_PAGES, ids=page_id)
    def test_a_liaisons_list_sorts_only_the_meetings_of_their_groups(self, client, url):
        check_page(client, Role.LIAISON, url)

    def test_a_liaisons_awaiting_review_sorts_only_the_meetings_of_their_groups(self, client):
        sqls = check_page(client, Role.LIAISON, HOME)
        # The rule is for the home's queries of meetings: the awaiting review must be one.
        assert any(plans.outermost_table(sql) == MEETINGS for sql in sqls), sqls

    @pytest.mark.parametrize(
        ("role", "url"),
        [
            pytest.param(role, url, id=f"{role_id(role)}-{page_id(url)}")
            for role in ROLES
            for url in OTHER_PAGES
            if (role, url) not in ((Role.LIAISON, HOME), (Role.ADMIN, DASHBOARD))  # below
        ],
    )
    def test_the_page_finds_its_meetings_through_indexes(self, client, role, url):
        check_page(client, role, url)

    def test_an_admins_dashboard_is_read_from_its_snapshot(self, client):
        sqls, response = meeting_queries(client, person(Role.ADMIN), DASHBOARD)
        assert sqls == []
        assert response.context["computed_at"] is not None


# The guard itself: each check finds what it is for, in real plans of the same data.


def judged(
    run, url: str = LIST, role: Role = Role.OFFICER, **settings: str
) -> tuple[dict, list[plans.Finding]]:
    """The plan of the one query `run()` runs, and what the guard finds in it."""
    with CaptureQueriesContext(connection) as captured:
        run()
    (query,) = captured.captured_queries
    return judged_plan(query["sql"], url, role=role, ranked=False, enable_seqscan="off", **settings)


def findings_of(run, url: str = LIST, role: Role = Role.OFFICER, **settings: str):
    return judged(run, url, role, **settings)[1]


def kinds(found: list[plans.Finding]) -> set[str]:
    return {finding.kind for finding in found}


def newest_first(queryset):
    return queryset.order_by(*(key.order_by() for key in LIST_ORDERS[DEFAULT_LIST_ORDER]))


def in_groups_of(liaison: User) -> Exists:
    """A meeting involves one of the liaison's groups (the condition meetings_visible_to
    writes for a liaison)."""
    return Exists(
        MEETING_GROUPS.objects.filter(meeting_id=OuterRef("pk"), communitygroup__liaisons=liaison)
    )


def in_groups_of_or_written_by(liaison: User):
    """A liaison's meetings with a condition the groups alone cannot answer: their groups'
    OR their own (a liaison writes none, so the same meetings). The database can no
    longer start from the groups; it must test the nation's in-scope meetings one by one."""
    return Meeting.objects.filter(status__in=Meeting.IN_SCOPE_STATUSES).filter(
        Q(in_groups_of(liaison)) | Q(author=liaison)
    )


def awaiting_page(meetings):
    """Page 1 of the liaison's "awaiting your review" (the home lists HOME_LIST_LIMIT,
    reading one more), oldest submission first, without its prefetch of groups."""
    first = meetings.filter(status=Meeting.Status.SUBMITTED).order_by("first_submitted_at", "pk")
    return lambda: list(first.prefetch_related(None)[: HOME_LIST_LIMIT + 1])


def liaison_page(url: str):
    """Page 1 of the liaison's list (LIST) or awaiting review (HOME), as a call."""
    meetings = meetings_visible_to(person(Role.LIAISON))
    if url == HOME:
        return awaiting_page(meetings)
    return lambda: list(newest_first(meetings)[:26])


def drop_index_of_groups_by_group() -> None:
    """Drop the meetings<->groups table's index on the group (in the caller's transaction)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, THROUGH_GROUPS.link)
        (name,) = [
            name
            for name, constraint in constraints.items()
            if constraint["index"] and constraint["columns"] == [THROUGH_GROUPS.by]
        ]
        cursor.execute(f'DROP INDEX "{name}"')


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

    # A liaison's pages: a sort of the meetings found through their groups passes; the
    # same page from meetings found any other way fails.

    def test_it_passes_a_liaisons_page_sorted_from_the_meetings_of_their_groups(self):
        plan, found = judged(liaison_page(LIST), LIST, Role.LIAISON)
        # A sort of the page there is, and the guard finds it bounded by the groups.
        assert plans.sorts_under_limit(plan, MEETINGS)
        assert found == []

    def test_it_finds_a_liaisons_visibility_that_walks_the_nations_list(self):
        # The previous plan of a liaison's list: the nation's newest first, each meeting
        # tested against the liaison's groups and most thrown away.
        page = newest_first(in_groups_of_or_written_by(person(Role.LIAISON)))
        found = findings_of(lambda: list(page[:26]), role=Role.LIAISON)
        assert plans.DISCARDING_WALK in kinds(found)

    def test_it_finds_a_liaisons_page_sorted_from_meetings_not_found_through_their_groups(
        self,
    ):
        # No index is in the summary's order: both sort. From the groups, the liaison's
        # meetings; otherwise, every in-scope meeting in the nation is read to sort them.
        liaison = person(Role.LIAISON)
        by_summary = ("summary", "pk")
        theirs = meetings_visible_to(liaison).order_by(*by_summary)
        any_way = in_groups_of_or_written_by(liaison).order_by(*by_summary)
        assert findings_of(lambda: list(theirs[:26]), role=Role.LIAISON) == []
        assert plans.SORT in kinds(findings_of(lambda: list(any_way[:26]), role=Role.LIAISON))

    def test_it_finds_a_page_sorted_from_the_meetings_of_groups_not_the_liaisons(self):
        # Found as a liaison's are (the link by group, each meeting by its key), but from
        # every group of an area, not the liaison's own: bounded by no one's groups.
        area = CommunityGroup.objects.filter(liaisons=person(Role.LIAISON)).first().area
        of_area = Exists(
            MEETING_GROUPS.objects.filter(meeting_id=OuterRef("pk"), communitygroup__area=area)
        )
        page = Meeting.objects.filter(status__in=Meeting.IN_SCOPE_STATUSES).filter(of_area)
        plan, found = judged(lambda: list(newest_first(page)[:26]), LIST, Role.LIAISON)
        assert any(
            plans.reads_by(node, THROUGH_GROUPS.by)
            for node in plans.nodes(plan)
            if node.plan.get("Relation Name") == THROUGH_GROUPS.link
        ), "the link was not read by group: this is not the plan the test is about"
        assert plans.SORT in kinds(found)

    def test_it_passes_a_liaisons_awaiting_review_sorted_from_the_meetings_of_their_groups(
        self,
    ):
        plan, found = judged(liaison_page(HOME), HOME, Role.LIAISON)
        assert plans.sorts_under_limit(plan, MEETINGS)
        assert found == []

    def test_it_finds_every_submitted_meeting_in_the_nation_walked_for_an_awaiting_review(
        self,
    ):
        run = awaiting_page(in_groups_of_or_written_by(person(Role.LIAISON)))
        found = findings_of(run, HOME, Role.LIAISON)
        assert plans.DISCARDING_WALK in kinds(found)

    @pytest.mark.parametrize("url", [LIST, HOME], ids=page_id)
    def test_it_finds_a_liaisons_meetings_read_without_the_index_of_their_groups(self, url):
        # Without it, the meetings<->groups table is read whole to find the groups' rows,
        # or the nation's meetings walked again: caught either way.
        run = liaison_page(url)
        assert findings_of(run, url, Role.LIAISON) == []
        with transaction.atomic():
            drop_index_of_groups_by_group()
            found = findings_of(run, url, Role.LIAISON)
            transaction.set_rollback(True)
        assert found, "the liaison's meetings read without their groups' index passed"
