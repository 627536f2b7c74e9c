import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.audit.models import AuditEvent
from engagement.meetings import rules
from engagement.meetings.models import (
    DISCLOSURE_REASON_ERROR,
    FUTURE_DATE_ERROR,
    UNDER_25_ERROR,
    Meeting,
)
from tests.meetings.form_data import meeting_data

CREATE_URL = reverse("meetings:meeting-create")


@pytest.fixture
def signed_in_officer(client, officer):
    client.force_login(officer)
    return client


def test_it_shows_the_form(signed_in_officer):
    response = signed_in_officer.get(CREATE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Log a meeting" in html
    assert "Seen by the community liaisons." in html
    assert "Police only" in html
    assert "---------" not in html


def test_it_requires_sign_in(client, db):
    response = client.get(CREATE_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_liaison_cannot_log_a_meeting(client, liaison):
    client.force_login(liaison)
    assert client.get(CREATE_URL).status_code == 404


def test_officer_logs_meeting_with_two_disclosures_and_a_follow_up(
    signed_in_officer, officer, colleague, area, group
):
    due = timezone.localdate() + datetime.timedelta(days=14)
    data = meeting_data(
        area=area,
        groups=[group],
        officers=[officer, (colleague, "partial", "Joined late, introduced as police.")],
        follow_ups=[(officer, group, due)],
    )
    response = signed_in_officer.post(CREATE_URL, data)

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    assert meeting.status == Meeting.Status.SUBMITTED
    assert meeting.first_submitted_at is not None
    assert meeting.unit == officer.officer_profile.unit
    assert meeting.concern_surveillance and meeting.concern_hate_crime
    assert not meeting.concern_prevent
    levels = {d.officer: (d.level, d.reason) for d in meeting.disclosures.all()}
    assert levels == {
        officer: ("full", ""),
        colleague: ("partial", "Joined late, introduced as police."),
    }
    action = meeting.follow_ups.get()
    assert (action.owner, action.owed_to, action.due_date) == (officer, group, due)
    actions = list(AuditEvent.objects.filter(meeting=meeting).values_list("action", flat=True))
    assert sorted(actions) == ["create", "submit"]


def test_save_as_draft_keeps_it_a_draft(signed_in_officer, officer, area, group):
    signed_in_officer.post(
        CREATE_URL, meeting_data(area=area, groups=[group], officers=[officer], submit=False)
    )
    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.first_submitted_at is None


def assert_rejected(response, *messages, kept=()):
    """Re-displayed with the errors in the summary and by the fields; nothing saved."""
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "There is a problem" in html
    for message in messages:
        # Once in the summary, once next to the field.
        assert html.count(message) >= 2, message
    for value in kept:
        assert value in html, value
    assert Meeting.objects.count() == 0


def test_future_date_is_rejected_and_the_rest_kept(signed_in_officer, officer, area, group):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = meeting_data(area=area, groups=[group], officers=[officer], date=tomorrow.isoformat())
    response = signed_in_officer.post(CREATE_URL, data)
    assert_rejected(
        response,
        FUTURE_DATE_ERROR,
        kept=[
            tomorrow.isoformat(),
            "Reassurance after the bridge incident",
            "Keep the same officers.",
        ],
    )


def test_reason_required_when_disclosure_partial(
    signed_in_officer, officer, colleague, area, group
):
    data = meeting_data(area=area, groups=[group], officers=[officer, (colleague, "partial", "")])
    response = signed_in_officer.post(CREATE_URL, data)
    assert_rejected(response, DISCLOSURE_REASON_ERROR)
    assert 'href="#id_disclosures-1-reason"' in response.content.decode()


def test_due_date_before_the_meeting_is_rejected(signed_in_officer, officer, area, group):
    too_early = timezone.localdate() - datetime.timedelta(days=10)
    data = meeting_data(
        area=area, groups=[group], officers=[officer], follow_ups=[(officer, group, too_early)]
    )
    response = signed_in_officer.post(CREATE_URL, data)
    assert_rejected(response, rules.DUE_BEFORE_MEETING_ERROR, kept=[too_early.isoformat()])


def test_follow_up_must_be_owed_to_a_group_at_the_meeting(
    signed_in_officer, officer, area, group, second_group
):
    due = timezone.localdate() + datetime.timedelta(days=3)
    data = meeting_data(
        area=area, groups=[group], officers=[officer], follow_ups=[(officer, second_group, due)]
    )
    assert_rejected(signed_in_officer.post(CREATE_URL, data), rules.OWED_TO_NOT_AT_MEETING_ERROR)


def test_at_least_one_group_is_required(signed_in_officer, officer, area, group):
    data = meeting_data(area=area, groups=[group], officers=[officer], groups_=None)
    data.pop("groups")
    response = signed_in_officer.post(CREATE_URL, data)
    assert_rejected(response, rules.NO_GROUP_ERROR)
    assert 'href="#id_groups_1"' in response.content.decode()


def test_at_least_one_officer_is_required_on_submit(signed_in_officer, officer, area, group):
    data = meeting_data(area=area, groups=[group], officers=[officer])
    for key in [k for k in data if k.startswith("disclosures-0-")]:
        data[key] = ""
    response = signed_in_officer.post(CREATE_URL, data)
    assert_rejected(response, rules.NO_OFFICER_ERROR)


def test_the_same_officer_twice_is_rejected(signed_in_officer, officer, area, group):
    data = meeting_data(area=area, groups=[group], officers=[officer, officer])
    assert_rejected(signed_in_officer.post(CREATE_URL, data), rules.SAME_OFFICER_ERROR)


def test_under_25s_cannot_outnumber_attendees(signed_in_officer, officer, area, group):
    data = meeting_data(
        area=area, groups=[group], officers=[officer], attendee_count="4", under_25_count="9"
    )
    assert_rejected(signed_in_officer.post(CREATE_URL, data), UNDER_25_ERROR, kept=['value="9"'])


def test_responsible_adult_answer_required_with_under_18s(signed_in_officer, officer, area, group):
    data = meeting_data(area=area, groups=[group], officers=[officer], under_18_count="2")
    response = signed_in_officer.post(CREATE_URL, data)
    assert_rejected(response, "Say whether a responsible adult from the group was there.")


def test_passed_on_needs_kind_reason_and_whether_told(signed_in_officer, officer, area, group):
    data = meeting_data(area=area, groups=[group], officers=[officer], passed_on="True")
    response = signed_in_officer.post(CREATE_URL, data)
    assert_rejected(
        response,
        "Say whether the community was told at the meeting that it would be passed on.",
        "Say what kind of information was passed on.",
        "Say why it was passed on.",
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("attendee_count", "lots"),
        ("attendee_count", "-3"),
        ("duration_minutes", "0"),
        ("date", "31/02/2026"),
        ("start_time", "25:99"),
        ("area", "999999"),
        ("venue_kind", "spaceship"),
        ("purpose", "x" * 5000),
        ("disclosures-0-officer", "not-a-number"),
        ("disclosures-0-level", "total"),
    ],
)
def test_bad_values_get_a_message_not_a_500(signed_in_officer, officer, area, group, field, value):
    data = meeting_data(area=area, groups=[group], officers=[officer])
    data[field] = value
    response = signed_in_officer.post(CREATE_URL, data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_a_tampered_formset_gets_a_message_not_a_500(signed_in_officer, officer, area, group):
    data = meeting_data(area=area, groups=[group], officers=[officer])
    data["disclosures-TOTAL_FORMS"] = "many"
    response = signed_in_officer.post(CREATE_URL, data)
    assert response.status_code == 400
    assert Meeting.objects.count() == 0


def test_add_another_officer_keeps_what_was_typed_and_saves_nothing(
    signed_in_officer, officer, colleague, area, group
):
    data = meeting_data(area=area, groups=[group], officers=[officer, colleague], submit=False)
    data.pop("save")
    data["add_officer"] = "1"
    data["purpose"] = ""  # half-finished: no error is shown for it yet
    response = signed_in_officer.post(CREATE_URL, data)

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert 'id="officer-3"' in html
    assert 'name="disclosures-2-officer"' in html
    assert 'value="Keep the same officers."' not in html  # a textarea: typed text is its body
    assert "Keep the same officers." in html
    assert "There is a problem" not in html
    assert Meeting.objects.count() == 0


def test_a_meeting_with_three_officers_saves_all_three(
    signed_in_officer, officer, colleague, unit, area, group
):
    from tests.factories import make_officer

    third = make_officer(unit=unit)
    data = meeting_data(
        area=area, groups=[group], officers=[officer, colleague, (third, "none", "Arrived late")]
    )
    response = signed_in_officer.post(CREATE_URL, data)
    assert response.status_code == 302
    assert Meeting.objects.get().disclosures.count() == 3
