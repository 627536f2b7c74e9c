from html import unescape

from django.urls import reverse

from engagement.audit.models import AuditEvent
from engagement.meetings.models import Meeting
from engagement.meetings.services import meeting as services
from tests.meetings.form_data import management, meeting_data


def edit_data(meeting, officer, area, group, **overrides):
    data = meeting_data(area=area, groups=[group], officers=[], submit=False, **overrides)
    disclosure = meeting.disclosures.get()
    data |= management("disclosures", 1, initial=1)
    data |= {
        "disclosures-0-id": str(disclosure.pk),
        "disclosures-0-meeting": str(meeting.pk),
        "disclosures-0-officer": str(officer.pk),
        "disclosures-0-level": "full",
        "disclosures-0-method": "verbal",
        "disclosures-0-timing": "start",
        "disclosures-0-reason": "",
        "version": str(meeting.version),
    }
    data |= management("follow_ups", 0)
    return data


def test_edit_form_shows_saved_values(client, officer, meeting, group):
    client.force_login(officer)
    response = client.get(reverse("meetings:meeting-edit", args=[meeting.uuid]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{meeting.purpose}"' in html
    assert f'value="{group.pk}"\n' in html or f'value="{group.pk}"' in html
    assert 'checked="checked"' in html


def test_edit_saves_and_is_audited(client, officer, meeting, area, group):
    client.force_login(officer)
    url = reverse("meetings:meeting-edit", args=[meeting.uuid])
    response = client.post(url, edit_data(meeting, officer, area, group, purpose="New purpose"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.purpose == "New purpose"
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.changes["purpose"][1] == "New purpose"


def test_second_save_of_the_same_version_is_refused_and_keeps_what_was_typed(
    client, officer, colleague, meeting, area, group
):
    url = reverse("meetings:meeting-edit", args=[meeting.uuid])
    stale = edit_data(meeting, officer, area, group, purpose="My careful wording")
    client.force_login(colleague)
    client.post(url, edit_data(meeting, officer, area, group, purpose="Colleague got there first"))

    client.force_login(officer)
    response = client.post(url, stale)

    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert services.STALE_EDIT_ERROR in html
    assert 'value="My careful wording"' in html
    meeting.refresh_from_db()
    assert meeting.purpose == "Colleague got there first"


def test_reviewed_meeting_redirects_with_a_message(client, officer, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.REVIEWED)
    client.force_login(officer)
    response = client.get(reverse("meetings:meeting-edit", args=[meeting.uuid]), follow=True)
    assert services.NOT_EDITABLE_ERROR in response.content.decode()


def test_withdraw_view_requires_a_reason(client, officer, meeting):
    client.force_login(officer)
    url = reverse("meetings:meeting-withdraw", args=[meeting.uuid])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Give a reason for withdrawing the meeting." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SUBMITTED

    response = client.post(url, {"reason": "Logged twice"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.WITHDRAWN


def test_colleague_who_is_not_the_author_cannot_withdraw(client, colleague, meeting):
    client.force_login(colleague)
    url = reverse("meetings:meeting-withdraw", args=[meeting.uuid])
    assert client.post(url, {"reason": "Mine now"}).status_code == 404


def test_admin_can_withdraw(client, admin_user, meeting):
    client.force_login(admin_user)
    url = reverse("meetings:meeting-withdraw", args=[meeting.uuid])
    assert client.post(url, {"reason": "Entered in error"}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.WITHDRAWN


def test_opening_the_edit_form_is_audited_as_a_read(client, officer, meeting):
    client.force_login(officer)
    client.get(reverse("meetings:meeting-edit", args=[meeting.uuid]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.actor, event.meeting) == (officer, meeting)
