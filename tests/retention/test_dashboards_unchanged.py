"""A disposal changes no figure: every measure of the dashboards, the officer's own record
and the transparency report's counts, computed by the dashboards' own functions over ten
years of generated meetings (every state the services produce), are the same after every
due meeting is disposed of as before."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from engagement.accounts.models import Role, Unit, User
from engagement.community.models import Area, CommunityGroup
from engagement.dashboards import registry
from engagement.dashboards.queries.base import Filters, Period, Scope
from engagement.dashboards.queries.own_record import disclosure_record
from engagement.dashboards.report import count_figures
from engagement.meetings.models import Dispute, FollowUpAction, Meeting, Review
from engagement.meetings.queries.meeting import meetings_visible_to
from engagement.retention import services
from engagement.retention.queries import QueueFilters, never_reviewed_due
from engagement.retention.services import REMOVED_TEXT
from tests.retention.conftest import TODAY

WHOLE = Period(start=datetime.date(2016, 6, 16), end=TODAY)
# Periods holding only meetings that will be disposed of, and both kinds.
PERIODS = [
    WHOLE,
    Period(start=datetime.date(2018, 1, 1), end=datetime.date(2018, 12, 31)),
    Period(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31)),
]


def _everyone(admin: User) -> list[User]:
    officer = (
        User.objects.filter(groups__name=Role.OFFICER, disclosures__meeting__date__lt="2020-01-01")
        .order_by("pk")
        .first()
    )
    liaison = (
        User.objects.filter(
            groups__name=Role.LIAISON, liaison_groups__meetings__date__lt="2020-01-01"
        )
        .order_by("pk")
        .first()
    )
    assert officer and liaison
    return [admin, officer, liaison]


def _scopes(admin: User) -> list[Scope]:
    area = Area.objects.order_by("pk").first()
    unit = Unit.objects.order_by("pk").first()
    group = CommunityGroup.objects.order_by("pk").first()
    scopes = [Scope(user=user, period=period) for user in _everyone(admin) for period in PERIODS]
    for filters in (
        Filters(area=area),
        Filters(unit=unit),
        Filters(group=group),
        Filters(risk_level="high"),
    ):
        scopes.append(Scope(user=admin, period=WHOLE, filters=filters))
    return scopes


def _figures(admin: User) -> list:
    figures = []
    for scope in _scopes(admin):
        figures.append(
            [(m.key, figure) for part in registry.compute(scope) for m, figure in part.figures]
        )
        if scope.user.role == Role.OFFICER:
            figures.append(disclosure_record(scope, officer=scope.user))
        if scope.user.role == Role.ADMIN:
            figures.append(count_figures(scope))
    return figures


@pytest.fixture
def ten_years(db):
    call_command(
        "generate_volume",
        meetings=400,
        years=10,
        allow_production=True,
        stdout=StringIO(),
        stderr=StringIO(),
    )


def test_disposing_of_every_due_meeting_changes_no_figure(ten_years, admin_user):
    due = list(never_reviewed_due(today=TODAY, filters=QueueFilters()).order_by("pk"))
    assert len(due) > 100
    before = _figures(admin_user)
    # The data counts: old meetings of every status with reviews, disputes and actions.
    assert {m.status for m in due} >= set(Meeting.IN_SCOPE_STATUSES)
    assert meetings_visible_to(_everyone(admin_user)[2]).filter(pk__in=[m.pk for m in due])
    for meeting in due:
        services.retention_dispose(
            meeting=meeting,
            by=admin_user,
            rationale="Past its retention period.",
            expected_version=meeting.version,
            expected_decision=None,
        )
    assert Meeting.objects.filter(disposed_at__isnull=False).count() == len(due)
    # Text of every kind was there to remove.
    assert Meeting.objects.filter(summary=REMOVED_TEXT).exists()
    assert Review.objects.filter(comments=REMOVED_TEXT).exists()
    assert FollowUpAction.objects.filter(outcome=REMOVED_TEXT).exists()
    assert Dispute.objects.filter(meeting__disposed_at__isnull=False).exists()
    after = _figures(admin_user)
    assert len(after) == len(before)
    for was, now in zip(before, after, strict=True):
        assert now == was
