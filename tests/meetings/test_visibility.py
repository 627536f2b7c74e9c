"""Who may see which meeting: the rule lives in meetings_visible_to, and every page obeys it."""

import datetime

import pytest
from django.urls import reverse

from engagement.accounts.models import Role, User
from engagement.meetings.models import Meeting
from engagement.meetings.queries.meeting import follow_ups_visible_to, meetings_visible_to
from tests.factories import DisclosureFactory, FollowUpFactory, MeetingFactory, UserFactory


def test_officer_sees_own_units_meetings_only(officer, colleague, meeting, other_meeting):
    assert list(meetings_visible_to(officer)) == [meeting]
    # A colleague in the same unit sees it too, without having attended.
    assert list(meetings_visible_to(colleague)) == [meeting]


def test_officer_sees_another_units_meeting_they_attended(officer, other_meeting):
    DisclosureFactory(meeting=other_meeting, officer=officer)
    assert other_meeting in meetings_visible_to(officer)


def test_the_list_interleaves_a_meeting_attended_elsewhere_by_date(
    client, officer, unit, area, group, other_meeting
):
    older = MeetingFactory(unit=unit, area=area, groups=[group], date=datetime.date(2026, 1, 5))
    newer = MeetingFactory(unit=unit, area=area, groups=[group], date=datetime.date(2026, 3, 5))
    other_meeting.date = datetime.date(2026, 2, 5)
    other_meeting.save()
    DisclosureFactory(meeting=other_meeting, officer=officer)
    client.force_login(officer)
    html = client.get(reverse("meetings:meeting-list")).content.decode()
    positions = [html.index(str(m.get_absolute_url())) for m in (newer, other_meeting, older)]
    assert positions == sorted(positions)


def test_officer_without_a_unit_sees_only_what_they_attended(db, meeting, other_meeting):
    unassigned = UserFactory(role=Role.OFFICER)
    assert not meetings_visible_to(unassigned).exists()
    DisclosureFactory(meeting=other_meeting, officer=unassigned)
    next_request = User.objects.get(pk=unassigned.pk)  # the account is loaded per request
    assert list(meetings_visible_to(next_request)) == [other_meeting]


def test_liaison_sees_meetings_of_their_groups_only(liaison, meeting, other_meeting):
    assert list(meetings_visible_to(liaison)) == [meeting]


def test_liaison_never_sees_drafts_or_withdrawn_meetings(liaison, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.DRAFT)
    assert not meetings_visible_to(liaison).exists()
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.WITHDRAWN, withdrawal_reason="Duplicate"
    )
    assert not meetings_visible_to(liaison).exists()


def test_admin_sees_everything(admin_user, meeting, other_meeting):
    assert set(meetings_visible_to(admin_user)) == {meeting, other_meeting}


def test_account_without_role_sees_nothing(db, meeting):
    assert not meetings_visible_to(UserFactory()).exists()


def test_follow_ups_follow_the_meeting_and_the_group(
    officer, liaison, other_liaison, meeting, group, other_group
):
    owed_to_group = FollowUpFactory(meeting=meeting, owner=officer, owed_to=group)
    assert list(follow_ups_visible_to(officer)) == [owed_to_group]
    assert list(follow_ups_visible_to(liaison)) == [owed_to_group]
    assert not follow_ups_visible_to(other_liaison).exists()


@pytest.mark.parametrize("view", ["meetings:meeting-detail", "meetings:meeting-edit"])
def test_it_hides_other_units_meetings(client, other_unit_officer, meeting, view):
    client.force_login(other_unit_officer)
    response = client.get(reverse(view, args=[meeting.uuid]))
    assert response.status_code == 404
    assert meeting.purpose not in response.content.decode()


def test_liaison_of_other_group_gets_404(client, other_liaison, meeting):
    client.force_login(other_liaison)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert meeting.purpose not in html


def test_liaison_cannot_edit_or_withdraw(client, liaison, meeting):
    client.force_login(liaison)
    assert client.get(reverse("meetings:meeting-edit", args=[meeting.uuid])).status_code == 404
    withdraw = reverse("meetings:meeting-withdraw", args=[meeting.uuid])
    assert client.post(withdraw, {"reason": "x"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SUBMITTED


def test_liaison_never_sees_internal_notes(client, liaison, officer, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(
        passed_on=True,
        passed_on_kind=Meeting.PassedOnKind.SAFEGUARDING,
        passed_on_reason="Police-only reason for passing it on",
        community_told_passed_on=True,
    )
    client.force_login(liaison)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert meeting.summary in html
    assert "Secret internal note" not in html
    assert "Police-only reason" not in html
    assert "Safeguarding referral" not in html
    # The community does see that something was passed on, and that they were told.
    assert "Passed to other police systems" in html


def test_liaison_history_hides_changes_to_internal_notes(client, liaison, officer, meeting):
    from engagement.audit.models import AuditEvent
    from engagement.audit.services import record_event

    record_event(
        actor=officer,
        action=AuditEvent.Action.UPDATE,
        record=meeting,
        meeting=meeting,
        changes={
            "internal_notes": ["old secret", "new secret"],
            "summary": ["Old summary", "New summary"],
        },
    )
    client.force_login(liaison)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "New summary" in html
    assert "new secret" not in html
    client.force_login(officer)
    assert "new secret" in client.get(meeting.get_absolute_url()).content.decode()


def test_other_units_meeting_absent_from_list(client, officer, meeting, other_meeting):
    client.force_login(officer)
    html = client.get(reverse("meetings:meeting-list")).content.decode()
    assert meeting.purpose in html
    assert other_meeting.purpose not in html


def test_meetings_are_addressed_by_uuid(meeting):
    assert str(meeting.uuid) in meeting.get_absolute_url()
    assert f"/{meeting.pk}/" not in meeting.get_absolute_url()


def test_a_draft_is_seen_by_its_unit(client, colleague, officer, unit, area, group):
    draft = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], status=Meeting.Status.DRAFT
    )
    client.force_login(colleague)
    assert client.get(draft.get_absolute_url()).status_code == 200
