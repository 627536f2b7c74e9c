"""The groups list and a group's page: visibility, engagement, cadence, declined, filters."""

import datetime
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from engagement.audit.models import AuditEvent
from engagement.community.models import CommunityGroup
from engagement.meetings.models import FollowUpAction, Meeting
from engagement.meetings.queries import group as queries
from tests.factories import (
    AreaFactory,
    CommunityGroupFactory,
    FollowUpFactory,
    MeetingFactory,
    make_liaison,
)

LIST_URL = reverse("meetings:group-list")
TODAY = datetime.date(2026, 3, 15)


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def detail_url(group) -> str:
    return reverse("meetings:group-detail", args=[group.uuid])


@pytest.fixture(autouse=True)
def frozen_today():
    noon = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(noon, tick=False):
        yield


@pytest.fixture
def as_officer(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def as_liaison(client, liaison):
    client.force_login(liaison)
    return client


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def meet(group, *, on, officer, unit, **fields):
    return MeetingFactory(
        author=officer,
        unit=unit,
        area=group.area,
        groups=[group],
        officers=[officer],
        date=on,
        **fields,
    )


def row_of(html: str, name: str) -> str:
    """The table row that names `name`, to assert on what that row shows."""
    rows = re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", html, flags=re.S)
    matching = [row for row in rows if f">{name}</a>" in row]
    assert len(matching) == 1, f"expected one row for {name}"
    return matching[0]


def groups_annotated(user):
    return {g.name: g for g in queries.group_list(user=user, today=TODAY)}


# The groups list ------------------------------------------------------------------


def test_it_works(as_officer, group, other_group):
    response = as_officer.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert group.name in html and other_group.name in html
    assert "Faith · Northfield (high risk)" in row_of(html, group.name)


def test_it_requires_sign_in(client, group):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_a_liaison_sees_only_their_groups(as_liaison, group, second_group, other_group):
    html = as_liaison.get(LIST_URL).content.decode()
    assert group.name in html
    assert second_group.name not in html and other_group.name not in html


def test_last_engagement_is_the_latest_in_scope_meeting(as_officer, officer, unit, group):
    meet(group, on=days_ago(40), officer=officer, unit=unit)
    meet(group, on=days_ago(10), officer=officer, unit=unit, status=Meeting.Status.REVIEWED)
    # Drafts and withdrawn meetings are not engagement.
    meet(group, on=days_ago(2), officer=officer, unit=unit, status=Meeting.Status.DRAFT)
    meet(
        group,
        on=days_ago(1),
        officer=officer,
        unit=unit,
        status=Meeting.Status.WITHDRAWN,
        withdrawal_reason="Duplicate",
    )
    row = row_of(as_officer.get(LIST_URL).content.decode(), group.name)
    assert days_ago(10).strftime("%-d %b %Y") in row
    assert "Past agreed cadence" not in row


def test_a_group_never_met_is_past_its_cadence(as_officer, group):
    row = row_of(as_officer.get(LIST_URL).content.decode(), group.name)
    assert "Never" in row
    assert "Past agreed cadence" in row


@pytest.mark.parametrize(
    ("met_days_ago", "past"),
    [(89, False), (90, False), (91, True)],
    ids=["inside", "on-the-first-day", "a-day-too-long"],
)
def test_past_cadence_counts_the_agreed_days_before_today(officer, unit, group, met_days_ago, past):
    meet(group, on=days_ago(met_days_ago), officer=officer, unit=unit)
    assert group.contact_cadence_days == 90
    assert groups_annotated(officer)[group.name].is_past_cadence is past


def test_each_group_has_its_own_cadence(officer, unit, group, second_group):
    CommunityGroup.objects.filter(pk=group.pk).update(contact_cadence_days=30)
    meet(group, on=days_ago(45), officer=officer, unit=unit)
    meet(second_group, on=days_ago(45), officer=officer, unit=unit)
    annotated = groups_annotated(officer)
    assert annotated[group.name].is_past_cadence is True
    assert annotated[second_group.name].is_past_cadence is False


def test_past_cadence_is_marked_in_the_list(as_officer, officer, unit, group, second_group):
    meet(group, on=days_ago(120), officer=officer, unit=unit)
    meet(second_group, on=days_ago(5), officer=officer, unit=unit)
    html = as_officer.get(LIST_URL).content.decode()
    assert "Past agreed cadence" in row_of(html, group.name)
    assert "Past agreed cadence" not in row_of(html, second_group.name)


def test_a_group_that_declined_is_marked_from_that_day(as_officer, group, second_group):
    CommunityGroup.objects.filter(pk=group.pk).update(declined_engagement_from=TODAY)
    CommunityGroup.objects.filter(pk=second_group.pk).update(
        declined_engagement_from=TODAY + datetime.timedelta(days=1)
    )
    html = as_officer.get(LIST_URL).content.decode()
    assert "Declined CT engagement" in row_of(html, group.name)
    assert "Declined CT engagement" not in row_of(html, second_group.name)


def test_last_engagement_counts_only_meetings_the_viewer_may_see(
    client, officer, other_unit_officer, liaison, unit, other_unit, group
):
    """Another unit's meeting stays hidden from an officer, even as a date; the group's
    liaison sees every in-scope meeting of their group, whichever unit held it."""
    meet(group, on=days_ago(20), officer=other_unit_officer, unit=other_unit)
    assert groups_annotated(officer)[group.name].last_engagement is None
    assert groups_annotated(other_unit_officer)[group.name].last_engagement == days_ago(20)
    assert groups_annotated(liaison)[group.name].last_engagement == days_ago(20)

    client.force_login(officer)
    assert "Never" in row_of(client.get(LIST_URL).content.decode(), group.name)


def test_filters_by_area_kind_and_active(as_officer, group, second_group, other_group, area):
    CommunityGroup.objects.filter(pk=second_group.pk).update(active=False)

    def names(**params):
        html = as_officer.get(LIST_URL, params).content.decode()
        return {g.name for g in (group, second_group, other_group) if g.name in html}

    assert names(area=area.pk) == {group.name, second_group.name}
    assert names(kind="residents") == {other_group.name}
    assert names(active="yes") == {group.name, other_group.name}
    assert names(active="no") == {second_group.name}


def test_filters_by_cadence(as_officer, officer, unit, group, second_group):
    meet(second_group, on=days_ago(3), officer=officer, unit=unit)
    html = as_officer.get(LIST_URL, {"cadence": "yes"}).content.decode()
    assert group.name in html and second_group.name not in html
    html = as_officer.get(LIST_URL, {"cadence": "no"}).content.decode()
    assert second_group.name in html and group.name not in html


def test_officers_and_admins_filter_by_liaison(
    client, officer, admin_user, liaison, other_liaison, group, other_group
):
    for user in (officer, admin_user):
        client.force_login(user)
        html = client.get(LIST_URL, {"liaison": other_liaison.pk}).content.decode()
        assert other_group.name in html and group.name not in html
        assert f'<option value="{liaison.pk}">{liaison}</option>' in html


def test_a_liaison_is_not_offered_a_liaison_filter(as_liaison, liaison, other_liaison, group):
    html = as_liaison.get(LIST_URL, {"liaison": other_liaison.pk}).content.decode()
    assert 'name="liaison"' not in html
    assert group.name in html


@pytest.mark.parametrize(
    "params",
    [
        {"area": "abc"},
        {"kind": "secret"},
        {"liaison": "99999999"},
        {"active": "maybe"},
        {"cadence": "1 OR 1=1"},
        {"page": "-4"},
        {"page": "lots"},
    ],
)
def test_bad_filter_values_never_500(as_officer, group, params):
    response = as_officer.get(LIST_URL, params)
    assert response.status_code == 200
    assert group.name in response.content.decode()


def test_a_bad_filter_is_named_in_the_error_summary(as_officer, group):
    html = as_officer.get(LIST_URL, {"kind": "secret"}).content.decode()
    assert "There is a problem with the filters" in html
    assert 'href="#id_kind">Kind: Select a valid choice.' in html
    assert 'aria-describedby="id_kind-error"' in html


def test_pagination_splits_the_list(as_officer, area, settings):
    settings.PAGE_SIZE = 5
    CommunityGroupFactory.create_batch(12, area=area)
    html = as_officer.get(LIST_URL).content.decode()
    assert "12 groups" in html and "Page 1 of 3" in html
    assert "Page 3 of 3" in as_officer.get(LIST_URL, {"page": 3}).content.decode()


def test_the_list_is_a_filter_layout_with_a_scrolling_table(as_officer, group):
    html = as_officer.get(LIST_URL).content.decode()
    assert 'class="moj-filter-layout"' in html
    assert "data-app-filter-toggle" in html and 'class="moj-action-bar__filter"' in html
    assert re.search(r"<script type=\"module\" src=\"/static/js/filter-toggle\.js\"", html)
    assert (
        '<div class="app-table-container" tabindex="0" role="region" '
        'aria-label="Community groups table">' in html
    )


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_does_not_grow_with_rows(
    as_officer, officer, unit, area, rows, django_assert_max_num_queries
):
    for group in CommunityGroupFactory.create_batch(rows, area=area):
        meet(group, on=days_ago(5), officer=officer, unit=unit)
        make_liaison(group)
    with django_assert_max_num_queries(12):  # +1: the read log's insert
        response = as_officer.get(LIST_URL)
    assert response.status_code == 200


# A group's page -------------------------------------------------------------------


def test_detail_works_and_shows_the_group(as_officer, group, liaison):
    CommunityGroup.objects.filter(pk=group.pk).update(
        contact_cadence_days=60, declined_engagement_from=days_ago(30)
    )
    response = as_officer.get(detail_url(group))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{group.name}</h1>' in html
    assert "Northfield (high risk)" in html
    assert "Every 60 days" in html
    assert f"From {days_ago(30):%-d %B %Y}" in html
    assert "Amina Rahman" in html
    assert "Declined CT engagement" in html and "Past agreed cadence" in html


def test_detail_requires_sign_in(client, group):
    response = client.get(detail_url(group))
    assert response.status_code == 302


def test_detail_of_another_liaisons_group_is_404(as_liaison, other_group):
    assert as_liaison.get(detail_url(other_group)).status_code == 404


def test_detail_of_an_unknown_group_is_404(as_admin):
    url = reverse("meetings:group-detail", args=[uuid.uuid4()])
    assert as_admin.get(url).status_code == 404


def test_reading_a_group_is_audited(as_liaison, liaison, group):
    as_liaison.get(detail_url(group))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert event.actor == liaison
    assert (event.record_kind, event.record_id) == ("communitygroup", str(group.uuid))


def test_a_hidden_group_is_not_audited_as_read(as_liaison, other_group):
    as_liaison.get(detail_url(other_group))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_meetings_over_time_counts_in_scope_meetings_per_month(officer, unit, group, second_group):
    meet(group, on=datetime.date(2026, 3, 1), officer=officer, unit=unit)
    meet(group, on=datetime.date(2026, 3, 14), officer=officer, unit=unit)
    meet(group, on=datetime.date(2026, 1, 31), officer=officer, unit=unit)
    meet(group, on=datetime.date(2025, 4, 1), officer=officer, unit=unit)
    # Not counted: too long ago, a draft, withdrawn, another group.
    meet(group, on=datetime.date(2025, 3, 31), officer=officer, unit=unit)
    meet(group, on=datetime.date(2026, 2, 2), officer=officer, unit=unit, status="draft")
    meet(
        group,
        on=datetime.date(2026, 2, 3),
        officer=officer,
        unit=unit,
        status="withdrawn",
        withdrawal_reason="Logged twice",
    )
    meet(second_group, on=datetime.date(2026, 2, 4), officer=officer, unit=unit)

    months = queries.meetings_by_month(group=group, user=officer, today=TODAY)

    assert len(months) == 12
    assert (months[0].month, months[-1].month) == (
        datetime.date(2025, 4, 1),
        datetime.date(2026, 3, 1),
    )
    counts = {m.month: m.meetings for m in months if m.meetings}
    assert counts == {
        datetime.date(2025, 4, 1): 1,
        datetime.date(2026, 1, 1): 1,
        datetime.date(2026, 3, 1): 2,
    }


def test_meetings_over_time_counts_only_meetings_the_viewer_may_see(
    officer, other_unit_officer, liaison, other_unit, group
):
    meet(group, on=datetime.date(2026, 2, 10), officer=other_unit_officer, unit=other_unit)

    def february(user) -> int:
        months = queries.meetings_by_month(group=group, user=user, today=TODAY)
        return next(m.meetings for m in months if m.month == datetime.date(2026, 2, 1))

    assert february(officer) == 0
    assert february(other_unit_officer) == 1
    assert february(liaison) == 1


def test_meetings_over_time_is_a_table_on_the_page(as_officer, officer, unit, group):
    meet(group, on=datetime.date(2026, 2, 10), officer=officer, unit=unit)
    html = as_officer.get(detail_url(group)).content.decode()
    assert re.search(
        r'<th scope="row" class="govuk-table__header">February 2026</th>\s*'
        r'<td class="govuk-table__cell govuk-table__cell--numeric">1</td>',
        html,
    )
    assert re.search(
        r'<th scope="row" class="govuk-table__header">April 2025</th>\s*'
        r'<td class="govuk-table__cell govuk-table__cell--numeric">0</td>',
        html,
    )


def test_latest_meetings_are_only_those_the_viewer_may_see(
    client, officer, other_unit_officer, liaison, unit, other_unit, group
):
    ours = meet(group, on=days_ago(3), officer=officer, unit=unit, purpose="Visit by our unit")
    theirs = meet(
        group,
        on=days_ago(4),
        officer=other_unit_officer,
        unit=other_unit,
        purpose="Visit by the other unit",
    )
    draft = meet(group, on=days_ago(5), officer=officer, unit=unit, status="draft", purpose="")

    client.force_login(officer)
    html = client.get(detail_url(group)).content.decode()
    assert ours.get_absolute_url() in html and draft.get_absolute_url() in html
    assert theirs.purpose not in html
    assert "Untitled draft" in html

    client.force_login(liaison)
    html = client.get(detail_url(group)).content.decode()
    assert ours.purpose in html and theirs.purpose in html
    assert draft.get_absolute_url() not in html


def test_open_follow_ups_owed_to_the_group_are_listed(
    client, officer, other_unit_officer, liaison, unit, other_unit, group, second_group
):
    ours = meet(group, on=days_ago(3), officer=officer, unit=unit)
    theirs = meet(group, on=days_ago(3), officer=other_unit_officer, unit=other_unit)
    owed = FollowUpFactory(
        meeting=ours, owner=officer, owed_to=group, description="Send the leaflet"
    )
    FollowUpFactory(
        meeting=ours,
        owner=officer,
        owed_to=group,
        description="Already done",
        status=FollowUpAction.Status.DONE,
        completed_on=days_ago(1),
        outcome="Sent",
    )
    FollowUpFactory(meeting=ours, owner=officer, owed_to=second_group, description="Other group")
    FollowUpFactory(
        meeting=theirs, owner=other_unit_officer, owed_to=group, description="Their promise"
    )

    client.force_login(officer)
    html = client.get(detail_url(group)).content.decode()
    assert owed.get_absolute_url() in html
    assert "Already done" not in html and "Other group" not in html
    assert "Their promise" not in html

    client.force_login(liaison)
    html = client.get(detail_url(group)).content.decode()
    assert "Send the leaflet" in html and "Their promise" in html


@pytest.mark.parametrize("rows", [1, 20])
def test_detail_query_count_does_not_grow_with_rows(
    as_officer, officer, colleague, unit, group, rows, django_assert_max_num_queries
):
    for n in range(rows):
        meeting = meet(group, on=days_ago(n * 9), officer=officer, unit=unit)
        FollowUpFactory(meeting=meeting, owner=colleague, owed_to=group)
        make_liaison(group)
    with django_assert_max_num_queries(13):
        response = as_officer.get(detail_url(group))
    assert response.status_code == 200


def test_a_liaison_with_many_areas_still_sees_only_their_groups(client, db):
    mine = CommunityGroupFactory(area=AreaFactory())
    CommunityGroupFactory(area=AreaFactory())
    user = make_liaison(mine)
    client.force_login(user)
    html = client.get(LIST_URL).content.decode()
    assert "1 group<" in html
