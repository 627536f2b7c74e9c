"""`manage.py generate_volume`: seed_demo's world grown in proportion, with only the states
the services could have produced; refusing real data and production; repeatable.

Most tests read one generated database (TestOneGeneratedDatabase: 2,000 meetings, made
once inside a transaction rolled back after them); the others make their own.
"""

import datetime
from collections import Counter, defaultdict
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Max

from engagement.accounts.models import OfficerProfile, Role, Unit, User
from engagement.audit.models import AuditEvent
from engagement.audit.services import diff, snapshot
from engagement.community.models import Area, CommunityGroup
from engagement.meetings import rules, volume
from engagement.meetings.models import (
    Disclosure,
    DisclosureConfirmation,
    Dispute,
    FollowUpAction,
    Meeting,
    ReportBackConfirmation,
    Review,
)
from engagement.meetings.queries.meeting import meetings_visible_to
from engagement.meetings.services.meeting import MEETING_FIELDS
from engagement.meetings.services.transitions import (
    DISPUTE_TRANSITIONS,
    FOLLOW_UP_TRANSITIONS,
    MEETING_TRANSITIONS,
)
from engagement.meetings.volume.load import (
    MEETINGS,
    NO_DEFAULT_ERROR,
    UNKNOWN_COLUMN_ERROR,
    Table,
    VolumeError,
    plan_table,
)
from tests.factories import MeetingFactory

NOW = datetime.datetime(2026, 6, 15, 11, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 6, 15)
MEETINGS_MADE = 2_000
MODELS = [
    Meeting,
    Meeting.groups.through,
    Disclosure,
    FollowUpAction,
    Review,
    DisclosureConfirmation,
    Dispute,
    ReportBackConfirmation,
    AuditEvent,
]


def generate(meetings: int = 300, **options) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command(
            "generate_volume",
            meetings=meetings,
            stdout=out,
            stderr=StringIO(),
            **{"allow_production": True, **options},
        )
    return out.getvalue()


def share(part: int, whole: int) -> float:
    return part / whole


# The world grows with the meetings.


@pytest.mark.parametrize(
    ("meetings", "forces"), [(1, 1), (12_000, 1), (13_000, 1), (40_000, 2), (1_000_000, 40)]
)
def test_forces_grow_with_the_meetings(meetings, forces):
    assert volume.forces_for(meetings, volume.MEETINGS_PER_FORCE) == forces


def test_more_forces_keep_each_officers_share_small(db):
    generate(2_000, meetings_per_force=500)
    total = Meeting.objects.count()
    assert Unit.objects.count() == 80
    for role, most in ((Role.OFFICER, 0.03), (Role.LIAISON, 0.04)):
        for user in User.objects.filter(groups__name=role):
            assert meetings_visible_to(user).count() < most * total, (user, role)


# The meeting status a dispute's status leaves it in, as the services do.
MEETING_STATUS_OF_DISPUTE = {
    "open": "disputed",
    "escalated": "disputed",
    "corrected": "submitted",
    "lapsed": "submitted",
    "resolved": "reviewed",
}


def _replay(transitions, labels, current, event, key="status"):
    """The state after `event` as the transition table allows it, or fail."""
    before, after = event.changes[key]
    matching = [
        t
        for t in transitions.values()
        if t.action == event.action
        and current in t.sources
        and labels[t.target or current] == after
        and before in ("", labels[current])
    ]
    assert matching, (event.action, current, event.changes)
    return matching[0].target or current


# Refusals.


def test_it_refuses_a_database_holding_real_meetings(db, officer, group):
    MeetingFactory(author=officer, unit=officer.officer_profile.unit, groups=[group])
    message = volume.REAL_DATA_ERROR.format(count=1)
    with pytest.raises(CommandError, match=message.split(".")[0]):
        generate(50)
    assert Meeting.objects.count() == 1
    assert not User.objects.filter(email__endswith="@volume.invalid").exists()


def test_it_adds_beside_real_meetings_when_told(db, officer, group):
    MeetingFactory(author=officer, unit=officer.officer_profile.unit, groups=[group])
    generate(50, allow_existing=True)
    assert Meeting.objects.count() == 51


def test_it_refuses_production_settings(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DEBUG=true"):
        call_command("generate_volume", meetings=10, stdout=StringIO(), stderr=StringIO())
    assert not Meeting.objects.exists()
    settings.DEBUG = True
    call_command("generate_volume", meetings=10, stdout=StringIO(), stderr=StringIO())
    assert Meeting.objects.count() == 10


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"meetings": 0}, volume.MEETINGS_ERROR),
        ({"meetings": "lots"}, volume.MEETINGS_ERROR),
        ({"meetings": 10, "meetings_per_force": 0}, volume.PER_FORCE_ERROR),
        ({"meetings": 10, "years": 0}, volume.YEARS_ERROR),
    ],
)
def test_it_refuses_bad_numbers(db, options, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "generate_volume",
            stdout=StringIO(),
            stderr=StringIO(),
            **options,
            allow_production=True,
        )
    assert not Meeting.objects.exists()


def test_it_runs_again_on_its_own_meetings_and_numbers_forces_on(db):
    generate(100)
    output = generate(100)
    assert "Forces 2–2" in output
    assert Meeting.objects.count() == 200
    assert Unit.objects.count() == 40
    # The ids carry on, and the app's next meeting takes the next one.
    last = Meeting.objects.aggregate(last=Max("pk"))["last"]
    officer = User.objects.filter(groups__name=Role.OFFICER).first()
    assert MeetingFactory(author=officer, unit=officer.officer_profile.unit).pk > last


def test_it_runs_after_seed_demo_and_the_demo_accounts_still_work(db):
    call_command("seed_demo", meetings=10, allow_production=True, stdout=StringIO())
    generate(100)
    assert Meeting.objects.count() == 110
    demo = User.objects.get(username="officer")
    assert demo.check_password("officer-demo-pass")
    # The demo officer sees the demo's meetings only; the generated ones are elsewhere.
    assert meetings_visible_to(demo).count() <= 10
    assert User.objects.get(username="admin").check_password("admin-demo-pass")


def test_generated_accounts_sign_in_only_with_a_password_given(db):
    generate(20)
    assert not User.objects.get(username="volume-f0001-admin").has_usable_password()
    generate(20, password="bench-pass-1234")
    assert User.objects.get(username="volume-f0002-admin").check_password("bench-pass-1234")
    assert Group.objects.get(name=Role.ADMIN).user_set.filter(is_staff=True).count() == 2


# Repeatable, and what it tells.


def fingerprint() -> list:
    return [
        list(Meeting.objects.order_by("pk").values_list("uuid", "date", "status", "version")),
        list(Disclosure.objects.order_by("pk").values_list("level", "timing", "officer__username")),
        list(AuditEvent.objects.order_by("pk").values_list("action", "at", "changes")),
    ]


def test_the_same_seed_makes_the_same_meetings(db):
    prints = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            generate(150, seed=seed)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_it_reports_the_rows_added_and_shows_progress(db):
    out, err = StringIO(), StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("generate_volume", meetings=300, allow_production=True, stdout=out, stderr=err)
    assert "meetings" in err.getvalue() and "100.0%" in err.getvalue()
    for line in ("meetings", "disclosures", "audit events"):
        assert line in out.getvalue()
    assert f"  {'meetings':<32} {300:>10,}" in out.getvalue()


# Columns it does not know.


def test_columns_it_does_not_write_take_their_default_or_null():
    # The search vector, say, added by another part of the app: left out of the rows
    # when its default is NULL, written with its default otherwise.
    plan = plan_table(MEETINGS)
    extra = plan.columns[len(MEETINGS.columns) :]
    for field in Meeting._meta.concrete_fields:
        if field.column in MEETINGS.columns:
            continue
        if field.has_default() and field.get_default() is not None:
            assert extra.index(field.column) >= 0
            assert plan.suffix[extra.index(field.column)] is not None
        else:
            assert field.null and field.column not in plan.columns


def test_a_column_the_model_lost_or_cannot_default_stops_it_with_a_message():
    with pytest.raises(VolumeError, match=UNKNOWN_COLUMN_ERROR.format(model="Meeting", column="x")):
        plan_table(Table("meetings", Meeting, ("id", "x")))
    with pytest.raises(
        VolumeError, match=NO_DEFAULT_ERROR.split(" is")[0].format(model="Area", column="name")
    ):
        plan_table(Table("areas", Area, ("id",)))


# PostgreSQL: the load's own machinery.

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY and the index rebuild are PostgreSQL's"
)


def _schema() -> list:
    tables = [model._meta.db_table for model in MODELS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated
            FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2
            """,
            [tables],
        )
        return indexes + cursor.fetchall()


@postgres_only
@pytest.mark.parametrize("database", ["db", "transactional_db"])
def test_postgresql_gets_every_index_and_key_back(request, database):
    # In a transaction (the test's) the keys are checked in it; outside one, after the
    # commit, with VACUUM, on two connections.
    request.getfixturevalue(database)
    before = _schema()
    generate(300)
    assert _schema() == before
    assert Meeting.objects.count() == 300


@pytest.fixture(scope="class")
def made(django_db_setup, django_db_blocker):
    """Generated once for the class that reads it, and rolled back after its last test;
    its output is the command's report."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = generate(MEETINGS_MADE)
        yield output
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestOneGeneratedDatabase:
    """Readers of one database of 2,000 generated meetings, made once for the class
    inside a transaction rolled back after its last test."""

    def test_it_grows_seed_demos_world_one_force_per_25000_meetings(self, made):
        # 2,000 meetings: one force, four copies of seed_demo's world and an admin.
        assert Area.objects.count() == 24
        assert Unit.objects.count() == 20
        assert CommunityGroup.objects.count() == 116
        assert OfficerProfile.objects.count() == 52
        assert User.objects.filter(groups__name=Role.LIAISON).count() == 36
        assert User.objects.filter(groups__name=Role.ADMIN).count() == 1
        assert set(Area.objects.values_list("risk_level", flat=True)) == set(Area.RiskLevel.values)
        # seed_demo's officers per unit (3, 3, 3, 2, 2 in each district).
        per_unit = Counter(OfficerProfile.objects.values_list("unit", flat=True))
        assert sorted(Counter(per_unit.values()).items()) == [(2, 8), (3, 12)]
        # Each group has one liaison; each district's first speaks for 11 of its 29 groups.
        assert not CommunityGroup.objects.filter(liaisons=None).exists()
        per_liaison = Counter(
            CommunityGroup.liaisons.through.objects.values_list("user", flat=True)
        )
        assert sum(per_liaison.values()) == 116
        assert sorted(Counter(per_liaison.values()).items()) == [(2, 24), (3, 8), (11, 4)]
        assert "Forces 1–1" in made

    def test_rows_come_in_seed_demos_proportions(self, made):
        n = Meeting.objects.count()
        assert n == MEETINGS_MADE
        assert 1.15 < share(Meeting.groups.through.objects.count(), n) < 1.35  # 1 group, or 2
        assert 1.25 < share(Disclosure.objects.count(), n) < 1.42  # the author, or a colleague too
        assert 0.80 < share(FollowUpAction.objects.count(), n) < 1.05
        assert 0.90 < share(Review.objects.count(), n) < 1.15
        assert 3.5 < share(AuditEvent.objects.count(), n) < 5.5
        statuses = Counter(Meeting.objects.values_list("status", flat=True))
        assert 0.60 < share(statuses["reviewed"], n) < 0.85
        assert 0.08 < share(statuses["disputed"], n) < 0.25
        assert 0 < statuses["withdrawn"] < 0.05 * n
        assert 0 < statuses["draft"] < 0.05 * n
        levels = Counter(Disclosure.objects.values_list("level", flat=True))
        d = sum(levels.values())
        assert 0.58 < share(levels["full"], d) < 0.72
        assert 0.19 < share(levels["partial"], d) < 0.31
        assert 0.06 < share(levels["none"], d) < 0.14
        focus = Counter(Meeting.objects.values_list("focus", flat=True))
        assert 0.64 < share(focus["community"], n) < 0.76
        assert Meeting.objects.filter(under_18_count__gt=0).exists()
        assert Meeting.objects.filter(passed_on=True).exists()
        assert Meeting.objects.exclude(concerns_needing_response=[]).exists()
        assert ReportBackConfirmation.objects.exists()

    def test_dates_spread_over_five_years_up_to_today_the_recent_denser(self, made):
        dates = list(Meeting.objects.values_list("date", flat=True))
        assert max(dates) <= TODAY
        assert min(dates) > TODAY - datetime.timedelta(days=5 * 365)
        by_year = Counter((TODAY - day).days // 365 for day in dates)
        assert by_year[0] > by_year[4] * 1.4
        assert all(by_year[year] > 0 for year in range(5))

    def test_each_officer_and_liaison_sees_a_force_share_not_the_nation(self, made):
        total = Meeting.objects.count()
        officers = User.objects.filter(groups__name=Role.OFFICER)
        seen = [meetings_visible_to(officer).count() for officer in officers]
        # A unit's meetings: about one in twenty of a force's.
        assert min(seen) > 0
        assert max(seen) < 0.1 * total
        # A liaison's groups: at most 11 of a district's 29 (seed_demo's first liaison).
        liaisons = User.objects.filter(groups__name=Role.LIAISON)
        seen = [meetings_visible_to(liaison).count() for liaison in liaisons]
        assert min(seen) > 0
        assert max(seen) < 0.15 * total

    @pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
    def test_every_row_passes_its_models_validation(self, made, model):
        rows = list(model.objects.order_by("?")[:60])
        assert rows
        for row in rows:
            row.full_clean()

    def test_meetings_say_what_the_rules_ask(self, made):
        meetings = Meeting.objects.exclude(status__in=["draft"])
        assert not meetings.filter(first_submitted_at=None).exists()
        assert not Meeting.objects.filter(status="draft").exclude(first_submitted_at=None).exists()
        assert not Meeting.objects.filter(
            under_18_count__gt=0, responsible_adult_present=None
        ).exists()
        assert not Meeting.objects.filter(passed_on=True, community_told_passed_on=None).exists()
        assert not Meeting.objects.filter(status="withdrawn", withdrawn_at=None).exists()
        assert not Meeting.objects.filter(date__gt=TODAY).exists()
        assert not Disclosure.objects.exclude(level="full").filter(reason="").exists()
        assert not Disclosure.objects.filter(level="full").exclude(reason="").exists()
        # Each attending officer is of the meeting's unit, the author among them.
        for meeting in Meeting.objects.prefetch_related("disclosures__officer__officer_profile")[
            :200
        ]:
            officers = [d.officer for d in meeting.disclosures.all()]
            assert meeting.author in officers
            assert {o.officer_profile.unit_id for o in officers} == {meeting.unit_id}
        # A concern marked as needing a response has an action that answers it.
        for meeting in Meeting.objects.exclude(concerns_needing_response=[]):
            assert all(actions for _, actions in meeting.concern_responses)

    def test_reviews_confirm_each_disclosure_as_recorded(self, made):
        reviewed = Meeting.objects.filter(status__in=["reviewed", "disputed"])
        assert not reviewed.filter(reviews=None).exists()
        assert not Meeting.objects.filter(status__in=["draft", "withdrawn"], reviews__isnull=False)
        disclosures = {d.pk: d for d in Disclosure.objects.all()}
        for review in Review.objects.select_related("meeting").prefetch_related(
            "confirmations", "meeting__groups__liaisons", "meeting__disclosures"
        ):
            meeting = review.meeting
            confirmations = list(review.confirmations.all())
            assert {c.disclosure_id for c in confirmations} == {
                d.pk for d in meeting.disclosures.all()
            }
            for confirmation in confirmations:
                assert confirmation.recorded_level == disclosures[confirmation.disclosure_id].level
            liaisons = {
                liaison for group in meeting.groups.all() for liaison in group.liaisons.all()
            }
            assert review.liaison in liaisons
            assert review.meeting_version <= meeting.version
        # The latest review decides a reviewed meeting; the review that opened an open or
        # escalated dispute disputed its meeting.
        full_answers = defaultdict(list)  # review id: its answers for full disclosures
        for review_id, answer in DisclosureConfirmation.objects.filter(
            disclosure__level="full"
        ).values_list("review", "answer"):
            full_answers[review_id].append(answer)
        latest = {}
        for review in Review.objects.order_by("created_at", "pk"):
            latest[review.meeting_id] = review
        for meeting_id in Meeting.objects.filter(status="reviewed").values_list("pk", flat=True):
            review = latest[meeting_id]
            assert not rules.review_disputes_record(review.accuracy, full_answers[review.pk])
        for dispute in Dispute.objects.select_related("opened_by"):
            opened = dispute.opened_by
            assert rules.review_disputes_record(opened.accuracy, full_answers[opened.pk])
            assert opened.meeting_id == dispute.meeting_id

    def test_disputes_agree_with_their_meetings(self, made):
        assert not Meeting.objects.filter(status="disputed", disputes=None).exists()
        for dispute in Dispute.objects.select_related("meeting"):
            assert dispute.meeting.status == MEETING_STATUS_OF_DISPUTE[dispute.status]
            assert (dispute.closed_at is None) == dispute.is_active
            assert dispute.opened_at <= (dispute.closed_at or NOW)
        per_meeting = Dispute.objects.values("meeting").annotate(n=Count("pk"))
        assert per_meeting.aggregate(most=Max("n"))["most"] == 1
        assert set(Dispute.objects.values_list("status", flat=True)) >= {
            "open",
            "resolved",
            "escalated",
            "lapsed",
        }

    def test_follow_ups_say_what_their_status_asks(self, made):
        actions = FollowUpAction.objects.select_related("meeting").prefetch_related(
            "meeting__groups", "meeting__disclosures", "owed_to__liaisons"
        )
        assert set(actions.values_list("status", flat=True)) == set(FollowUpAction.Status.values)
        for action in actions:
            meeting = action.meeting
            assert action.owed_to in meeting.groups.all()
            assert action.owner_id in {d.officer_id for d in meeting.disclosures.all()}
            if action.status == "done":
                assert meeting.date <= action.completed_on <= TODAY
            else:
                assert action.completed_on is None and action.reported_back_on is None
            if action.reported_back_on:
                assert action.completed_on <= action.reported_back_on <= TODAY
            for answer in action.report_back_confirmations.all():
                assert action.reported_back_on == answer.reported_back_on
                assert answer.follow_up_version == action.version
                assert answer.liaison in action.owed_to.liaisons.all()
            if action.status != "open" or action.version > 1:
                assert meeting.status in Meeting.IN_SCOPE_STATUSES

    def test_histories_replay_through_the_transition_table(self, made):
        meeting_labels = dict(Meeting.Status.choices)
        dispute_labels = dict(Dispute.Status.choices)
        follow_up_labels = dict(FollowUpAction.Status.choices)
        events = defaultdict(list)
        for event in AuditEvent.objects.order_by("at", "pk"):
            events[event.meeting_id].append(event)
        meetings = Meeting.objects.prefetch_related("disputes", "follow_ups", "groups__liaisons")
        for meeting in meetings:
            history = events[meeting.pk]
            assert history[0].action == "create" and history[0].actor_id == meeting.author_id
            status, dispute = "draft", None
            actions = {str(a.uuid): [a, "open", False] for a in meeting.follow_ups.all()}
            liaisons = {liaison.pk for g in meeting.groups.all() for liaison in g.liaisons.all()}
            for event in history[1:]:
                if event.record_kind == "followupaction":
                    state = actions[event.record_id]
                    if event.action == "confirm_report_back":
                        assert state[2] and event.actor_id in liaisons
                        continue
                    (transition,) = [
                        t for t in FOLLOW_UP_TRANSITIONS.values() if t.action == event.action
                    ]
                    assert state[1] in transition.sources, (event.action, state)
                    state[1] = transition.target or state[1]
                    state[2] = state[2] or event.action == "report_back"
                    assert event.actor_id == state[0].owner_id
                    continue
                if "status" in event.changes:
                    status = _replay(MEETING_TRANSITIONS, meeting_labels, status, event)
                if event.action == "correct" and dispute == "open":
                    dispute = DISPUTE_TRANSITIONS["correct"].target
                if "dispute" in event.changes:
                    if event.changes["dispute"][0] == "":
                        assert dispute is None or dispute not in Dispute.ACTIVE_STATUSES
                        dispute = "open"
                    else:
                        dispute = _replay(
                            DISPUTE_TRANSITIONS, dispute_labels, dispute, event, "dispute"
                        )
                if event.action == "review":
                    assert event.actor_id in liaisons
                if event.action in ("update", "submit", "correct"):
                    assert event.actor_id == meeting.author_id
            assert status == meeting.status, meeting
            assert dispute == (meeting.disputes.get().status if dispute else None)
            for action, state, _ in actions.values():
                assert state == action.status
            labels_seen = {follow_up_labels[state] for _, state, _ in actions.values()}
            assert labels_seen <= set(follow_up_labels.values())

    def test_every_meeting_status_the_table_reaches_is_generated(self, made):
        reachable, frontier = {"draft"}, ["draft"]
        while frontier:
            status = frontier.pop()
            for transition in MEETING_TRANSITIONS.values():
                if status in transition.sources and transition.target not in reachable:
                    reachable.add(transition.target)
                    frontier.append(transition.target)
        assert set(Meeting.objects.values_list("status", flat=True)) == reachable

    def test_histories_read_in_order_with_the_services_changes(self, made):
        for meeting in Meeting.objects.exclude(status="draft").order_by("?")[:100]:
            history = list(meeting.audit_events.filter(record_kind="meeting").order_by("pk"))
            assert [e.action for e in history[:2]] == ["create", "submit"]
            assert [e.at for e in history] == sorted(e.at for e in history)
            assert history[0].at == meeting.created_at
            assert history[1].at == meeting.first_submitted_at
            # The first save's changes are what services.meeting records: every field given.
            expected = diff({}, snapshot(meeting, [*MEETING_FIELDS, "groups"]))
            recorded = {k: v for k, v in history[0].changes.items() if k in expected}
            assert recorded == expected
            disclosures = [k for k in history[0].changes if k.startswith("disclosure: ")]
            assert len(disclosures) == meeting.disclosures.count()
            reviews = [e for e in history if e.action == "review"]
            assert len(reviews) == meeting.reviews.count()
            assert {e.detail["review"] for e in reviews} == {
                str(u) for u in meeting.reviews.values_list("uuid", flat=True)
            }

    @postgres_only
    def test_postgresql_search_vectors_are_filled(self, made):
        if not any(f.name == "search" for f in Meeting._meta.concrete_fields):
            pytest.skip("no search column yet")
        assert not Meeting.objects.filter(search=None).exists()
        assert f"refreshed {MEETINGS_MADE:,} meetings' search vectors" in made
