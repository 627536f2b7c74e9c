"""The follow-ups list: whose, status (overdue included), owed to, due dates, sort, pages."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.html import escape

from engagement.meetings.follow_up_filters import DUE_RANGE_ERROR
from engagement.meetings.models import FollowUpAction, ReportBackConfirmation
from engagement.meetings.services.meeting import meeting_withdraw
from tests.factories import FollowUpFactory, MeetingFactory, make_liaison

LIST_URL = reverse("meetings:follow-up-list")
TODAY = datetime.date(2025, 6, 16)
FS = FollowUpAction.Status


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(datetime.datetime(2025, 6, 16, 10, tzinfo=ZoneInfo("Europe/London")))


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def make_action(meeting, owner, group, description, **fields) -> FollowUpAction:
    return FollowUpFactory(
        meeting=meeting, owner=owner, owed_to=group, description=description, **fields
    )


def shown(html: str, *actions: FollowUpAction) -> list[str]:
    """Which of `actions` the page lists, in the order it lists them."""
    found = [
        (html.index(a.get_absolute_url()), a.description)
        for a in actions
        if a.get_absolute_url() in html
    ]
    return [description for _, description in sorted(found)]


def test_it_works(client, officer, meeting, group):
    action = make_action(meeting, officer, group, "Send the leaflet")
    client.force_login(officer)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert action.get_absolute_url() in html
    assert "Send the leaflet" in html
    assert meeting.date.strftime("%-d %b %Y") in html


def test_it_requires_sign_in(client, db):
    assert client.get(LIST_URL).status_code == 302


def test_an_officer_sees_their_own_by_default_and_can_see_their_units(
    client, officer, colleague, meeting, group, other_meeting, other_unit_officer, other_group
):
    mine = make_action(meeting, officer, group, "Mine")
    colleagues = make_action(meeting, colleague, group, "My colleague's")
    other_units = make_action(other_meeting, other_unit_officer, other_group, "Other unit's")
    client.force_login(officer)
    everyone = (mine, colleagues, other_units)
    assert shown(client.get(LIST_URL).content.decode(), *everyone) == ["Mine"]
    assert shown(client.get(LIST_URL, {"whose": "mine"}).content.decode(), *everyone) == ["Mine"]
    html = client.get(LIST_URL, {"whose": "unit"}).content.decode()
    assert sorted(shown(html, *everyone)) == ["Mine", "My colleague's"]
    html = client.get(LIST_URL, {"whose": ""}).content.decode()
    assert sorted(shown(html, *everyone)) == ["Mine", "My colleague's"]


def test_my_units_means_my_units_meetings(
    client, officer, unit, area, group, other_meeting, other_group
):
    # The officer attended another unit's meeting and owns an action from it: it is
    # theirs, and visible, but not one of their unit's.
    other_meeting.disclosures.create(officer=officer, level="full", method="verbal", timing="start")
    attended = make_action(other_meeting, officer, other_group, "From another unit's meeting")
    own_unit = make_action(
        MeetingFactory(author=officer, unit=unit, area=area, groups=[group]),
        officer,
        group,
        "From my unit's meeting",
    )
    client.force_login(officer)
    html = client.get(LIST_URL, {"whose": "unit"}).content.decode()
    assert shown(html, attended, own_unit) == ["From my unit's meeting"]
    html = client.get(LIST_URL, {"whose": "mine"}).content.decode()
    assert sorted(shown(html, attended, own_unit)) == [
        "From another unit's meeting",
        "From my unit's meeting",
    ]


def test_a_liaison_sees_only_what_is_owed_to_their_groups(
    client, officer, liaison, meeting, group, second_group
):
    meeting.groups.add(second_group)
    ours = make_action(meeting, officer, group, "Owed to my group")
    theirs = make_action(meeting, officer, second_group, "Owed to the other group there")
    client.force_login(liaison)
    response = client.get(LIST_URL)
    html = response.content.decode()
    assert shown(html, ours, theirs) == ["Owed to my group"]
    assert 'name="whose"' not in html
    # The owed-to filter offers only the liaison's groups.
    assert f'<option value="{group.pk}"' in html
    assert f'<option value="{second_group.pk}"' not in html
    response = client.get(LIST_URL, {"owed_to": second_group.pk})
    assert "Select a valid choice" in response.content.decode()


def test_an_admin_sees_everything(
    client, admin_user, officer, meeting, group, other_meeting, other_unit_officer, other_group
):
    one = make_action(meeting, officer, group, "One")
    two = make_action(other_meeting, other_unit_officer, other_group, "Two")
    client.force_login(admin_user)
    html = client.get(LIST_URL).content.decode()
    assert shown(html, one, two) == ["One", "Two"]
    assert 'name="whose"' not in html


def test_filters_by_status_with_overdue_meaning_outstanding_and_past_due(
    client, officer, meeting, group
):
    open_late = make_action(meeting, officer, group, "Open and late", due_date=days(-1))
    open_in_time = make_action(meeting, officer, group, "Open in time", due_date=days(0))
    partly_late = make_action(
        meeting, officer, group, "Partly done and late", due_date=days(-2),
        status=FS.PARTLY_DONE, remaining="Half",
    )  # fmt: skip
    done_late = make_action(
        meeting, officer, group, "Done after its date", due_date=days(-3),
        status=FS.DONE, completed_on=days(0), outcome="Done",
    )  # fmt: skip
    cancelled = make_action(
        meeting, officer, group, "Cancelled", status=FS.CANCELLED, cancellation_reason="No"
    )
    everyone = (open_late, open_in_time, partly_late, done_late, cancelled)
    client.force_login(officer)

    def listed(status):
        return shown(client.get(LIST_URL, {"status": status}).content.decode(), *everyone)

    assert listed("overdue") == ["Partly done and late", "Open and late"]
    assert listed("open") == ["Open and late", "Open in time"]
    assert listed("partly_done") == ["Partly done and late"]
    assert listed("done") == ["Done after its date"]
    assert listed("cancelled") == ["Cancelled"]
    assert len(listed("")) == 5


def test_filters_by_due_date_range(client, officer, meeting, group):
    early = make_action(meeting, officer, group, "Early", due_date=days(1))
    middle = make_action(meeting, officer, group, "Middle", due_date=days(5))
    late = make_action(meeting, officer, group, "Late", due_date=days(9))
    client.force_login(officer)
    query = {"due_from": days(1).isoformat(), "due_to": days(5).isoformat()}
    html = client.get(LIST_URL, query).content.decode()
    assert shown(html, early, middle, late) == ["Early", "Middle"]


def test_from_after_to_says_so(client, officer, meeting, group):
    action = make_action(meeting, officer, group, "Anything", due_date=days(3))
    client.force_login(officer)
    query = {"due_from": days(5).isoformat(), "due_to": days(1).isoformat()}
    html = client.get(LIST_URL, query).content.decode()
    assert escape(DUE_RANGE_ERROR) in html
    assert "govuk-error-summary" in html
    assert "<title>Error: " in html
    assert 'aria-describedby="id_due_to-error"' in html
    # Neither date applies until the range makes sense.
    assert shown(html, action) == ["Anything"]


def test_filters_by_group_owed_to(client, officer, meeting, group, second_group):
    meeting.groups.add(second_group)
    first = make_action(meeting, officer, group, "To the first")
    second = make_action(meeting, officer, second_group, "To the second")
    client.force_login(officer)
    html = client.get(LIST_URL, {"owed_to": second_group.pk}).content.decode()
    assert shown(html, first, second) == ["To the second"]


def test_sorts_by_due_date_either_way(client, officer, meeting, group):
    later = make_action(meeting, officer, group, "Later", due_date=days(9))
    sooner = make_action(meeting, officer, group, "Sooner", due_date=days(2))
    client.force_login(officer)
    assert shown(client.get(LIST_URL).content.decode(), later, sooner) == ["Sooner", "Later"]
    html = client.get(LIST_URL, {"sort": "-due_date"}).content.decode()
    assert shown(html, later, sooner) == ["Later", "Sooner"]


def test_actions_of_withdrawn_meetings_are_left_out(client, officer, meeting, group):
    action = make_action(meeting, officer, group, "From a withdrawn meeting")
    meeting_withdraw(meeting=meeting, by=officer, reason="Logged twice")
    client.force_login(officer)
    assert shown(client.get(LIST_URL, {"whose": ""}).content.decode(), action) == []


def test_shows_the_report_back_and_the_communitys_answer_never_a_default_yes(
    client, officer, liaison, meeting, group
):
    done = {"status": FS.DONE, "completed_on": days(-2), "outcome": "Done"}
    make_action(meeting, officer, group, "Not reported", **done)
    unanswered = make_action(
        meeting, officer, group, "Reported, unanswered", reported_back_on=days(-1), **done
    )
    answered = make_action(
        meeting, officer, group, "Reported, answered", reported_back_on=days(-1), **done
    )
    ReportBackConfirmation.objects.create(
        follow_up=answered,
        liaison=liaison,
        follow_up_version=answered.version,
        reported_back_on=days(-1),
        answer="partly",
    )
    # An answer about an earlier report-back is not an answer about this one.
    ReportBackConfirmation.objects.create(
        follow_up=unanswered,
        liaison=liaison,
        follow_up_version=unanswered.version - 1,
        reported_back_on=days(-2),
        answer="yes",
    )
    names = ["Not reported", "Reported, unanswered", "Reported, answered"]
    client.force_login(officer)
    html = client.get(LIST_URL).content.decode()
    rows = html.split('<tr class="govuk-table__row">')[2:]
    cells = {name: row for row in rows for name in names if f">{name}</a>" in row}
    assert "Not reported back" in cells["Not reported"]
    assert "Not answered yet" in cells["Reported, unanswered"]
    assert "Yes" not in cells["Reported, unanswered"]
    assert "Partly" in cells["Reported, answered"]
    assert days(-1).strftime("%-d %b %Y") in cells["Reported, answered"]


def test_it_is_paginated(client, officer, meeting, group, settings):
    settings.PAGE_SIZE = 2
    for n in range(3):
        make_action(meeting, officer, group, f"Action {n}", due_date=days(n + 1))
    client.force_login(officer)
    first = client.get(LIST_URL).content.decode()
    assert "Action 0" in first and "Action 2" not in first
    assert "Page 1 of 2" in first
    second = client.get(LIST_URL, {"page": 2}).content.decode()
    assert "Action 2" in second and "Action 0" not in second


@pytest.mark.parametrize("rows", [1, 12])
def test_query_count_is_bounded(
    client, officer, liaison, meeting, group, rows, django_assert_max_num_queries
):
    for n in range(rows):
        action = make_action(
            meeting, officer, group, f"Action {n}", status=FS.DONE, completed_on=days(-1),
            outcome="Done", reported_back_on=days(0),
        )  # fmt: skip
        ReportBackConfirmation.objects.create(
            follow_up=action,
            liaison=make_liaison(group),
            follow_up_version=action.version,
            reported_back_on=days(0),
            answer="yes",
        )
    # An officer's page also reads the meetings they attended outside their unit.
    for user, ceiling in ((officer, 12), (liaison, 11)):  # +1: the read log's insert
        client.force_login(user)
        with django_assert_max_num_queries(ceiling):
            assert client.get(LIST_URL, {"whose": ""}).status_code == 200
