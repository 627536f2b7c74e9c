"""An interrupted officer parks their work: a draft needs only a date and one group.

Every other rule applies on submit, each message next to its field and named in the
error summary, and nothing typed is lost.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.audit.models import AuditEvent
from engagement.meetings import rules
from engagement.meetings.models import Meeting
from tests.meetings.form_data import disclosure, management, meeting_data, partial_draft
from tests.meetings.form_page import errors_next_to, field_value, page, summary

CREATE_URL = reverse("meetings:meeting-create")

# The field each submit rule is told next to, and the label the summary names it by.
SUBMIT_FIELDS = {
    "start_time": "Start time",
    "duration_minutes": "Length in minutes",
    "venue_kind": "Venue",
    "area": "Area",
    "initiated_by": "Who asked for the meeting",
    "focus": "Focus",
    "purpose": "Purpose",
    "attendee_count": "Community attendees",
    "information_shared": "What the police shared",
    "passed_on": "Was anything from the meeting passed to other police systems?",
    "summary": "Summary for the community liaisons",
}


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def test_every_submit_rule_has_a_field_here():
    assert set(SUBMIT_FIELDS) == set(rules.SUBMIT_REQUIRED)


def test_a_draft_with_only_a_date_and_a_group_is_saved(signed_in, officer, group):
    day = timezone.localdate() - datetime.timedelta(days=2)
    response = signed_in.post(CREATE_URL, partial_draft(group=group, officer=officer, day=day))

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.date == day
    assert list(meeting.groups.all()) == [group]
    assert meeting.purpose == "" and meeting.attendee_count is None and meeting.passed_on is None
    assert meeting.area is None
    assert not meeting.disclosures.exists()
    assert not meeting.follow_ups.exists()
    assert AuditEvent.objects.filter(meeting=meeting, action=AuditEvent.Action.CREATE).exists()
    assert "Draft saved." in signed_in.get(response.url).content.decode()


def test_a_draft_still_needs_its_date_and_a_group(signed_in, officer, group):
    data = partial_draft(group=group, officer=officer, date="")
    data.pop("groups")
    response = signed_in.post(CREATE_URL, data)

    assert response.status_code == 400
    document = page(response)
    assert errors_next_to(document, "id_date") == ["Enter the date of the meeting."]
    assert errors_next_to(document, "id_groups") == [rules.NO_GROUP_ERROR]
    assert Meeting.objects.count() == 0


def test_the_same_form_is_refused_on_submit_each_message_next_to_its_field(
    signed_in, officer, group
):
    typed = "Half-written: the chair wants a follow-up"
    data = partial_draft(group=group, officer=officer, submit=True, internal_notes=typed)
    data["area"] = ""  # the officer cleared the area their unit offered
    response = signed_in.post(CREATE_URL, data)

    assert response.status_code == 400
    assert Meeting.objects.count() == 0
    document = page(response)
    messages = summary(document)
    for name, label in SUBMIT_FIELDS.items():
        message = rules.SUBMIT_REQUIRED[name]
        assert errors_next_to(document, f"id_{name}") == [message], name
        assert f"{label}: {message}" in messages, name
    # The officer offered in the first row needs what they disclosed, named by row.
    assert errors_next_to(document, "id_disclosures-0-level")
    assert any(m.startswith("Officer 1: How much of their role") for m in messages)
    # Everything typed is kept.
    assert field_value(document, "internal_notes") == typed
    assert field_value(document, "date") == data["date"]


def test_submitting_with_no_officer_at_all_says_so(signed_in, officer, area, group):
    data = meeting_data(area=area, groups=[group], officers=[officer])
    data |= {key: "" for key in data if key.startswith("disclosures-0-")}
    response = signed_in.post(CREATE_URL, data)

    assert response.status_code == 400
    assert rules.NO_OFFICER_ERROR in summary(page(response))
    assert Meeting.objects.count() == 0


def test_the_draft_is_finished_later_and_submitted(signed_in, officer, area, group):
    signed_in.post(CREATE_URL, partial_draft(group=group, officer=officer))
    draft = Meeting.objects.get()
    url = reverse("meetings:meeting-edit", args=[draft.uuid])

    form = page(signed_in.get(url))
    # Nothing saved for the officers yet: the first row offers the signed-in officer again.
    (offered,) = form.by_id("id_disclosures-0-officer").find_all("option", selected=True)
    assert offered.attrs["value"] == str(officer.pk)

    data = meeting_data(area=area, groups=[group], officers=[officer], date=draft.date.isoformat())
    data |= {"version": str(draft.version)}
    response = signed_in.post(url, data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.SUBMITTED
    assert draft.first_submitted_at is not None
    assert draft.purpose == "Reassurance after the bridge incident"
    assert draft.disclosures.get().officer == officer
    actions = set(AuditEvent.objects.filter(meeting=draft).values_list("action", flat=True))
    assert {"create", "update", "submit"} <= actions


def test_a_saved_draft_refused_on_submit_stays_as_it_was(signed_in, officer, group):
    signed_in.post(CREATE_URL, partial_draft(group=group, officer=officer))
    draft = Meeting.objects.get()
    url = reverse("meetings:meeting-edit", args=[draft.uuid])
    data = partial_draft(
        group=group, officer=officer, submit=True, purpose="Typed on the bus", day=draft.date
    )
    data |= management("disclosures", 1) | disclosure(0, officer)
    data["version"] = str(draft.version)
    response = signed_in.post(url, data)

    assert response.status_code == 400
    document = page(response)
    assert field_value(document, "purpose") == "Typed on the bus"
    assert errors_next_to(document, "id_summary") == [rules.SUBMIT_REQUIRED["summary"]]
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.DRAFT
    assert draft.purpose == ""


def test_saving_a_submitted_meeting_applies_every_rule(signed_in, officer, meeting, area, group):
    """Only a draft may be incomplete: a submitted meeting saved without its summary is
    refused as a submit would be."""
    url = reverse("meetings:meeting-edit", args=[meeting.uuid])
    data = meeting_data(area=area, groups=[group], officers=[], submit=False, summary="")
    disclosure_row = meeting.disclosures.get()
    data |= management("disclosures", 1, initial=1) | disclosure(0, officer)
    data |= {"disclosures-0-id": str(disclosure_row.pk), "version": str(meeting.version)}
    data |= management("follow_ups", 0)
    response = signed_in.post(url, data)

    assert response.status_code == 400
    assert errors_next_to(page(response), "id_summary") == [rules.SUBMIT_REQUIRED["summary"]]
