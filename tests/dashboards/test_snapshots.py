"""The admins' dashboard computed ahead: the very figures a live computation gives, shown
with the time they were computed while recent enough, and never to anyone else."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from engagement.dashboards import registry
from engagement.dashboards.models import DashboardSnapshot
from engagement.dashboards.queries.base import Breakdown, Count, Filters, Gap, Period, Rate, Scope
from engagement.dashboards.snapshots import SNAPSHOT_FILTERS, decode, encode
from engagement.meetings.models import Meeting
from tests.factories import FollowUpFactory, MeetingFactory
from tests.meetings.review_steps import review

URL = reverse("dashboards:dashboard")
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
PERIOD = Period.last_twelve_months(datetime.date(2026, 6, 15))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def records(officer, colleague, liaison, unit, area, group, second_group):
    """Meetings of several months, reviewed or not, with follow-ups: figures of every kind."""
    for month, officers in ((2, [officer]), (3, [officer, colleague]), (5, [colleague])):
        meeting = MeetingFactory(
            date=datetime.date(2026, month, 10), unit=unit, area=area,
            groups=[group, second_group], officers=officers, author=officer,
            first_submitted_at=datetime.datetime(2026, month, 11, 9, tzinfo=datetime.UTC),
        )  # fmt: skip
        FollowUpFactory(meeting=meeting, owner=officer, owed_to=group)
        if month != 5:
            with time_machine.travel(datetime.datetime(2026, month, 20, tzinfo=datetime.UTC)):
                review(meeting, liaison)


def figures_of(sections) -> dict:
    return {measure.key: figure for part in sections for measure, figure in part.figures}


def test_every_kind_of_figure_reads_back_as_itself():
    figures = [
        Rate(3, 7),
        Rate(0, 0),
        Gap(Rate(5, 8), Rate(2, 8)),
        Count(12),
        Breakdown(rows=[("2026-01", Rate(1, 2)), ("2026-02", Count(0))]),
    ]
    for figure in figures:
        assert decode(encode(figure)) == figure


def test_a_snapshot_holds_exactly_the_live_figures(admin_user, records):
    scope = Scope(user=admin_user, period=PERIOD)
    live = figures_of(registry.compute(scope))
    assert live["review_coverage"] == Rate(2, 3)  # the data is not all zeros
    call_command("refresh_dashboards", stdout=StringIO())
    stored = DashboardSnapshot.objects.get(filters_key="")
    from_snapshot = {key: decode(encoded) for key, encoded in stored.figures}
    assert from_snapshot == live
    assert list(from_snapshot) == [measure.key for measure in registry.ALL_MEASURES]


def test_the_admins_page_shows_the_snapshot_and_when_it_was_computed(
    client, admin_user, records, unit, area, group, frozen
):
    call_command("refresh_dashboards", stdout=StringIO())
    MeetingFactory(date=datetime.date(2026, 6, 1), unit=unit, area=area, groups=[group])
    frozen.shift(datetime.timedelta(minutes=10))
    client.force_login(admin_user)
    html = client.get(URL).content.decode()
    assert "These figures were calculated at 13:00 on 15 June 2026." in html
    # A measure's page takes its whole-period figure from the snapshot too; its rows are
    # computed for the request.
    url = reverse("dashboards:measure", args=["review_coverage"])
    measure_page = client.get(url, {"by": "month", "format": "json"}).json()
    assert measure_page["computed_at"] == "2026-06-15T12:00:00+00:00"
    assert measure_page["figure"]["denominator"] == 3
    assert sum(row["denominator"] for row in measure_page["rows"].values()) == 4
    assert (
        "The figure for the whole period was calculated at 13:00"
        in client.get(url, {"by": "month"}).content.decode()
    )
    data = client.get(URL, {"format": "json"}).json()
    assert data["computed_at"] == "2026-06-15T12:00:00+00:00"
    assert data["measures"]["review_coverage"]["denominator"] == 3  # not yet the new one
    # Past the age allowed, the figures are computed for the request, with the new meeting.
    frozen.shift(datetime.timedelta(hours=1))
    client.force_login(admin_user)  # signed out after an idle hour
    data = client.get(URL, {"format": "json"}).json()
    assert data["computed_at"] is None
    assert data["measures"]["review_coverage"]["denominator"] == 4
    assert "These figures were calculated" not in client.get(URL).content.decode()


def test_a_risk_level_has_its_own_snapshot_and_other_filters_are_live(
    client, admin_user, records, area
):
    call_command("refresh_dashboards", stdout=StringIO())
    Meeting.objects.update(focus=Meeting.Focus.TARGETED)  # after the snapshot
    client.force_login(admin_user)

    def community_focused(**filters):
        data = client.get(URL, {"format": "json", **filters}).json()
        return data["computed_at"] is not None, data["measures"]["focus_community"]["numerator"]

    assert community_focused(risk_level="high") == (True, 3)
    assert community_focused(risk_level="standard") == (True, 0)
    assert community_focused(area=area.code) == (False, 0)


@pytest.mark.parametrize("role", ["officer", "liaison"])
def test_officers_and_liaisons_always_get_their_own_live_figures(
    client, request, role, admin_user, records
):
    call_command("refresh_dashboards", stdout=StringIO())
    Meeting.objects.update(focus=Meeting.Focus.TARGETED)
    client.force_login(request.getfixturevalue(role))
    data = client.get(URL, {"format": "json"}).json()
    assert data["computed_at"] is None
    assert data["measures"]["focus_community"]["numerator"] == 0


def test_a_snapshot_page_takes_a_few_queries(
    client, admin_user, records, django_assert_max_num_queries
):
    call_command("refresh_dashboards", stdout=StringIO())
    client.force_login(admin_user)
    # The session (read, then saved: three), the account and its role, the snapshot and
    # the filters' three lists of choices: no measure's query.
    with django_assert_max_num_queries(11):  # +1: the read log's insert
        assert client.get(URL).status_code == 200


def test_refreshing_replaces_each_view_in_place(admin_user, records):
    out = StringIO()
    call_command("refresh_dashboards", stdout=out)
    call_command("refresh_dashboards", stdout=out)
    assert DashboardSnapshot.objects.count() == len(SNAPSHOT_FILTERS)
    assert "whole dashboard: computed in" in out.getvalue()
    assert "risk_level=high: computed in" in out.getvalue()


def test_refreshing_without_an_admin_says_why(db):
    with pytest.raises(CommandError, match="There is no active admin account"):
        call_command("refresh_dashboards", stdout=StringIO())
    assert not DashboardSnapshot.objects.exists()


def test_only_an_admins_plain_or_risk_level_view_is_computed_ahead(officer, admin_user, area):
    from engagement.dashboards.services import snapshot_refresh

    with pytest.raises(ValueError, match="Only an admin's whole or risk-level dashboard"):
        snapshot_refresh(admin=officer, period=PERIOD, filters=Filters(), now=NOW)
    with pytest.raises(ValueError, match="Only an admin's whole or risk-level dashboard"):
        snapshot_refresh(admin=admin_user, period=PERIOD, filters=Filters(area=area), now=NOW)
