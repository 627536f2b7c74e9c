import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.audit.models import AuditEvent
from engagement.meetings.models import SHORT_TEXT, Meeting, Review
from engagement.meetings.services import meeting as services
from tests.factories import CommunityGroupFactory, FollowUpFactory, make_officer
from tests.meetings.form_data import disclosure, management, meeting_data
from tests.meetings.form_page import (
    checkbox,
    errors_next_to,
    field_value,
    is_checked,
    page,
    summary,
)
from tests.meetings.review_steps import review


def edit_url(meeting) -> str:
    return reverse("meetings:meeting-edit", args=[meeting.uuid])


def edit_data(meeting, officer, area, group, **overrides):
    data = meeting_data(area=area, groups=[group], officers=[], submit=False, **overrides)
    existing = meeting.disclosures.get()
    data |= management("disclosures", 1, initial=1) | disclosure(0, officer)
    data |= {
        "disclosures-0-id": str(existing.pk),
        "disclosures-0-meeting": str(meeting.pk),
        "version": str(meeting.version),
    }
    data |= management("follow_ups", 0)
    return data


def test_edit_form_shows_saved_values(client, officer, meeting, group, second_group):
    client.force_login(officer)
    response = client.get(edit_url(meeting))

    assert response.status_code == 200
    document = page(response)
    assert field_value(document, "purpose") == meeting.purpose
    # The saved group's box is ticked, and only that one.
    assert is_checked(checkbox(document, "groups", str(group.pk)))
    assert not is_checked(checkbox(document, "groups", str(second_group.pk)))
    assert document.by_id("id_version").attrs["value"] == str(meeting.version)


def test_it_requires_sign_in(client, meeting):
    response = client.get(edit_url(meeting))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_it_hides_other_units_meetings(client, other_unit_officer, meeting):
    client.force_login(other_unit_officer)
    assert client.get(edit_url(meeting)).status_code == 404
    assert client.post(edit_url(meeting), {"save": "1"}).status_code == 404


def test_liaison_cannot_edit(client, liaison, meeting):
    client.force_login(liaison)
    assert client.get(edit_url(meeting)).status_code == 404


def test_edit_saves_and_is_audited(client, officer, meeting, area, group):
    client.force_login(officer)
    response = client.post(
        edit_url(meeting), edit_data(meeting, officer, area, group, purpose="New purpose")
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.purpose == "New purpose"
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.changes["purpose"][1] == "New purpose"
    assert "Changes saved." in client.get(response.url).content.decode()


def test_bad_input_is_refused_and_nothing_saved(client, officer, meeting, area, group):
    client.force_login(officer)
    data = edit_data(meeting, officer, area, group, purpose="Changed", attendee_count="lots")
    response = client.post(edit_url(meeting), data)

    assert response.status_code == 400
    document = page(response)
    assert errors_next_to(document, "id_attendee_count") == ["Enter a whole number."]
    assert "Community attendees: Enter a whole number." in summary(document)
    meeting.refresh_from_db()
    assert meeting.purpose != "Changed"


def test_submitting_an_edited_draft_ignores_the_blank_extra_officer_row(
    client, officer, colleague, meeting, area, group
):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.DRAFT)
    meeting.refresh_from_db()
    client.force_login(officer)
    data = edit_data(meeting, officer, area, group) | {"submit": "1"}
    data.pop("save")
    # The page shows one blank row after the saved officer; the browser sends it empty.
    data |= management("disclosures", 2, initial=1)
    data |= {"disclosures-1-meeting": str(meeting.pk), "disclosures-1-officer": ""}
    response = client.post(edit_url(meeting), data)

    assert response.status_code == 302, summary(page(response))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SUBMITTED


def test_reviewed_meeting_redirects_with_a_message(client, officer, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.REVIEWED)
    client.force_login(officer)
    response = client.get(edit_url(meeting), follow=True)
    assert services.NOT_EDITABLE_ERROR in response.content.decode()


def test_opening_the_edit_form_is_audited_as_a_read(client, officer, meeting):
    client.force_login(officer)
    client.get(edit_url(meeting))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.actor, event.meeting) == (officer, meeting)


def test_the_edit_form_queries_do_not_grow_with_its_rows(
    client, officer, colleague, meeting, area, django_assert_max_num_queries
):
    client.force_login(officer)

    def add_rows():
        group = CommunityGroupFactory(area=area)
        meeting.groups.add(group)
        due = timezone.localdate() + datetime.timedelta(days=7)
        FollowUpFactory(meeting=meeting, owner=officer, owed_to=group, due_date=due)

    add_rows()
    with django_assert_max_num_queries(40) as few:
        assert client.get(edit_url(meeting)).status_code == 200
    for _ in range(6):
        add_rows()
    make_officer(unit=officer.officer_profile.unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(edit_url(meeting)).status_code == 200


# A stale save: someone else saved first. Refused without loss, their changes listed,
# then saved over theirs deliberately.


@pytest.fixture
def stale_save(client, officer, colleague, meeting, area, group):
    """The officer opened the form; their colleague saved first; the officer saves."""
    url = edit_url(meeting)
    stale = edit_data(meeting, officer, area, group, purpose="My careful wording")
    client.force_login(colleague)
    theirs = edit_data(
        meeting, officer, area, group, purpose="Colleague got there first", attendee_count="31"
    )
    assert client.post(url, theirs).status_code == 302
    client.force_login(officer)
    return stale, client.post(url, stale)


def test_a_stale_save_is_refused_and_keeps_what_was_typed(stale_save, meeting):
    stale, response = stale_save

    assert response.status_code == 400
    document = page(response)
    assert services.STALE_EDIT_ERROR in summary(document)
    assert field_value(document, "purpose") == "My careful wording"
    assert field_value(document, "internal_notes") == stale["internal_notes"]
    meeting.refresh_from_db()
    assert meeting.purpose == "Colleague got there first"


def test_a_stale_save_lists_what_the_other_person_changed(stale_save, meeting):
    _, response = stale_save

    conflict = page(response).by_id("conflict")
    changes = [item.text for item in conflict.find_all("li")]
    assert changes == [
        "Purpose : Colleague got there first → My careful wording",
        "Community attendees : 31 → 20",
    ]


def test_after_a_stale_save_the_officer_saves_over_it_deliberately(
    stale_save, client, officer, colleague, meeting
):
    stale, response = stale_save
    document = page(response)
    (button,) = document.by_id("conflict").find_all("button")
    assert button.text == "Save my version over theirs"
    meeting.refresh_from_db()
    assert document.by_id("id_version").attrs["value"] == str(meeting.version)

    again = stale | {"version": document.by_id("id_version").attrs["value"]}
    response = client.post(edit_url(meeting), again)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.purpose == "My careful wording"
    assert meeting.attendee_count == 20
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).latest("pk")
    assert event.actor == officer
    assert event.changes["purpose"] == ["Colleague got there first", "My careful wording"]
    assert event.changes["attendee_count"] == ["31", "20"]


def test_a_third_save_in_between_is_refused_again(
    stale_save, client, officer, unit, meeting, area, group
):
    stale, response = stale_save
    version = page(response).by_id("id_version").attrs["value"]
    meeting.refresh_from_db()
    client.force_login(make_officer(unit=unit))
    third = edit_data(meeting, officer, area, group, purpose="A third view")
    assert client.post(edit_url(meeting), third).status_code == 302

    client.force_login(officer)
    response = client.post(edit_url(meeting), stale | {"version": version})

    assert response.status_code == 400
    document = page(response)
    assert "Purpose : A third view → My careful wording" in [
        item.text for item in document.by_id("conflict").find_all("li")
    ]
    meeting.refresh_from_db()
    assert meeting.purpose == "A third view"


def test_a_disputed_meeting_is_corrected_with_a_note(
    client, officer, liaison, meeting, area, group
):
    review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)
    meeting.refresh_from_db()
    client.force_login(officer)
    document = page(client.get(edit_url(meeting)))
    buttons = [button.text for button in document.by_id("meeting-form").find_all("button")]
    assert buttons[-2:] == ["Submit correction", "Save changes"]
    assert document.find_all(class_="govuk-character-count", data_maxlength=str(SHORT_TEXT))

    data = edit_data(meeting, officer, area, group, summary="The cameras came up.")
    data |= {"submit": "1"}
    data.pop("save")
    response = client.post(edit_url(meeting), data)
    assert response.status_code == 400
    assert errors_next_to(page(response), "id_correction_note") == [services.CORRECTION_NOTE_ERROR]

    note = "The summary now says the cameras came up."
    response = client.post(edit_url(meeting), data | {"correction_note": note})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SUBMITTED
    assert meeting.summary == "The cameras came up."
    assert AuditEvent.objects.get(action=AuditEvent.Action.CORRECT).reason == note
