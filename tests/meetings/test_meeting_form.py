import datetime
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from engagement.audit.models import AuditEvent
from engagement.gds import too_long_message
from engagement.meetings import rules
from engagement.meetings.forms.group_picker import (
    CONFIRM_GROUPS_ERROR,
    DECLINED_WARNING,
)
from engagement.meetings.models import (
    DISCLOSURE_REASON_ERROR,
    FUTURE_DATE_ERROR,
    LONG_TEXT,
    NO_PERSONAL_DETAILS,
    SHORT_TEXT,
    UNDER_25_ERROR,
    Meeting,
)
from tests.factories import CommunityGroupFactory, MeetingFactory
from tests.meetings.form_data import disclosure, follow_up, management, meeting_data
from tests.meetings.form_page import (
    checkbox,
    errors_next_to,
    field_value,
    is_checked,
    page,
    summary,
    summary_links,
)

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


# Errors name their field, and in the inline rows which officer or follow-up.


def test_errors_in_the_rows_name_the_officer_and_the_follow_up(
    signed_in_officer, officer, colleague, area, group
):
    too_early = timezone.localdate() - datetime.timedelta(days=10)
    data = meeting_data(
        area=area,
        groups=[group],
        officers=[officer, (colleague, "partial", "")],
        follow_ups=[(officer, group, too_early)],
    )
    messages = summary(page(signed_in_officer.post(CREATE_URL, data)))
    assert f"Officer 2: Reason, if not full: {DISCLOSURE_REASON_ERROR}" in messages
    assert f"Follow-up 1: Due date: {rules.DUE_BEFORE_MEETING_ERROR}" in messages


def test_each_whole_number_error_names_its_field(signed_in_officer, officer, area, group):
    data = meeting_data(
        area=area,
        groups=[group],
        officers=[officer],
        attendee_count="lots",
        duration_minutes="an hour",
    )
    document = page(signed_in_officer.post(CREATE_URL, data))
    messages = summary(document)
    assert "Length in minutes: Enter a whole number." in messages
    assert "Community attendees: Enter a whole number." in messages
    assert errors_next_to(document, "id_attendee_count") == ["Enter a whole number."]
    assert summary_links(document)["Community attendees: Enter a whole number."] == (
        "#id_attendee_count"
    )


# Free text: a limit each, with a GOV.UK character count.

FREE_TEXT_LIMITS = {
    "purpose": 300,
    "topics": 300,
    "information_shared": LONG_TEXT,
    "concerns_raised": LONG_TEXT,
    "summary": LONG_TEXT,
    "passed_on_reason": SHORT_TEXT,
    "internal_notes": LONG_TEXT,
    "disclosures-0-reason": SHORT_TEXT,
    "follow_ups-0-description": 300,
}


def test_every_free_text_field_has_a_character_count(signed_in_officer):
    document = page(signed_in_officer.get(CREATE_URL))
    for name, limit in FREE_TEXT_LIMITS.items():
        (count,) = [
            block
            for block in document.find_all(class_="govuk-character-count")
            if block.find_all(name=name)
        ]
        assert count.attrs["data-module"] == "govuk-character-count", name
        assert count.attrs["data-maxlength"] == str(limit), name
        (element,) = count.find_all(name=name)
        # No maxlength: the browser would cut a paste short without a word.
        assert "maxlength" not in element.attrs, name
        assert f"id_{name}-info" in element.attrs["aria-describedby"].split(), name
        assert f"You can enter up to {limit} characters" in count.text, name


def test_a_100000_character_summary_is_refused_next_to_the_field_and_kept(
    signed_in_officer, officer, area, group
):
    typed = "The committee talked at length. " * 3125  # 100,000 characters
    data = meeting_data(area=area, groups=[group], officers=[officer], summary=typed)
    response = signed_in_officer.post(CREATE_URL, data)

    assert response.status_code == 400
    document = page(response)
    message = too_long_message(LONG_TEXT)
    assert message == "Enter no more than 5,000 characters: shorten what you typed."
    assert errors_next_to(document, "id_summary") == [message]
    assert f"Summary for the community liaisons: {message}" in summary(document)
    assert field_value(document, "summary") == typed
    assert Meeting.objects.count() == 0


def test_a_long_follow_up_is_refused_and_names_its_row(signed_in_officer, officer, area, group):
    due = timezone.localdate() + datetime.timedelta(days=7)
    data = meeting_data(
        area=area, groups=[group], officers=[officer], follow_ups=[(officer, group, due)]
    )
    data["follow_ups-0-description"] = "x" * 301
    messages = summary(page(signed_in_officer.post(CREATE_URL, data)))
    assert f"Follow-up 1: What was promised: {too_long_message(300)}" in messages


def test_the_no_personal_details_hint_is_shown_where_people_write(signed_in_officer):
    document = page(signed_in_officer.get(CREATE_URL))
    for name in ("purpose", "topics", "disclosures-0-reason", "follow_ups-0-description"):
        hint = document.by_id(f"id_{name}_hint")
        assert NO_PERSONAL_DETAILS in hint.text, name
        (element,) = [e for e in document.find_all(name=name) if e.tag in ("input", "textarea")]
        assert f"id_{name}_hint" in element.attrs["aria-describedby"].split(), name


# The group picker: the officer's area first, groups under their area, warnings before
# saving a group that declined counter-terrorism engagement or is from another area.


def test_a_new_meeting_starts_in_the_area_of_the_officers_unit(signed_in_officer, area, other_area):
    document = page(signed_in_officer.get(CREATE_URL))
    (chosen,) = document.by_id("id_area").find_all("option", selected=True)
    assert chosen.attrs["value"] == str(area.pk)


def test_groups_are_listed_under_their_area(signed_in_officer, group, second_group, other_group):
    document = page(signed_in_officer.get(CREATE_URL))
    picker = document.by_id("div_id_groups")
    (northfield,) = picker.find_all(data_area=str(group.area_id))
    (southmoor,) = picker.find_all(data_area=str(other_group.area_id))
    assert northfield.attrs["data-area-name"] == "Northfield"
    names = [label.text for label in northfield.find_all("label")]
    assert names == ["Northfield Mosque Committee", "Northfield Youth Forum"]
    assert [label.text for label in southmoor.find_all("label")] == ["Southmoor Residents"]
    # Without JavaScript every group can be ticked; the first box is where errors link.
    assert len(picker.find_all("input", name="groups")) == 3
    assert picker.find_all("input", id="id_groups_1")[0].attrs["value"] == str(group.pk)


@pytest.fixture
def declined_group(area):
    return CommunityGroupFactory(
        name="Eastgate Youth Project", area=area, declined_engagement_from=datetime.date(2026, 5, 3)
    )


@time_machine.travel(datetime.date(2026, 6, 1))
def test_a_group_that_declined_is_marked_in_the_picker(signed_in_officer, declined_group):
    document = page(signed_in_officer.get(CREATE_URL))
    box = checkbox(document, "groups", str(declined_group.pk))
    hint = document.by_id(box.attrs["aria-describedby"])
    assert hint.text == "Declined counter-terrorism engagement from 3 May 2026"
    assert box.attrs["data-declined-from"] == "2026-05-03"


@time_machine.travel(datetime.date(2026, 6, 1))
def test_a_group_that_declined_needs_confirming_before_saving(
    signed_in_officer, officer, area, declined_group
):
    data = meeting_data(
        area=area, groups=[declined_group], officers=[officer], date="2026-05-20", submit=False
    )
    response = signed_in_officer.post(CREATE_URL, data)

    assert response.status_code == 400
    assert Meeting.objects.count() == 0
    document = page(response)
    warnings = document.by_id("div_id_confirm_groups")
    assert "hidden" not in warnings.attrs
    assert [item.text for item in warnings.find_all("li")] == [
        DECLINED_WARNING.format(group="Eastgate Youth Project", date="3 May 2026")
    ]
    assert errors_next_to(document, "id_confirm_groups") == [CONFIRM_GROUPS_ERROR]
    assert summary_links(document)[f"Community groups: {CONFIRM_GROUPS_ERROR}"] == (
        "#id_confirm_groups"
    )
    assert is_checked(checkbox(document, "groups", str(declined_group.pk)))

    response = signed_in_officer.post(CREATE_URL, data | {"confirm_groups": "on"})
    assert response.status_code == 302
    assert list(Meeting.objects.get().groups.all()) == [declined_group]


@time_machine.travel(datetime.date(2026, 6, 1))
def test_a_meeting_before_the_group_declined_needs_no_confirming(
    signed_in_officer, officer, area, declined_group
):
    data = meeting_data(
        area=area, groups=[declined_group], officers=[officer], date="2026-05-02", submit=False
    )
    assert signed_in_officer.post(CREATE_URL, data).status_code == 302


def test_a_group_from_another_area_needs_confirming(
    signed_in_officer, officer, area, group, other_group
):
    data = meeting_data(area=area, groups=[group, other_group], officers=[officer])
    response = signed_in_officer.post(CREATE_URL, data)

    assert response.status_code == 400
    document = page(response)
    assert [item.text for item in document.by_id("div_id_confirm_groups").find_all("li")] == [
        "Southmoor Residents is in Southmoor, not Northfield, the area of this meeting."
    ]
    assert errors_next_to(document, "id_confirm_groups") == [CONFIRM_GROUPS_ERROR]

    response = signed_in_officer.post(CREATE_URL, data | {"confirm_groups": "on"})
    assert response.status_code == 302


def test_nothing_to_confirm_keeps_the_warning_hidden(signed_in_officer, officer, area, group):
    data = meeting_data(area=area, groups=[group], officers=[officer], purpose="")
    document = page(signed_in_officer.post(CREATE_URL, data))
    warnings = document.by_id("div_id_confirm_groups")
    assert "hidden" in warnings.attrs
    assert warnings.find_all("li") == []


@time_machine.travel(datetime.date(2026, 6, 1))
def test_groups_confirmed_when_saved_are_not_asked_about_again(
    client, officer, unit, area, declined_group
):
    meeting = MeetingFactory(
        author=officer,
        unit=unit,
        area=area,
        groups=[declined_group],
        officers=[officer],
        date=datetime.date(2026, 5, 20),
        status=Meeting.Status.DRAFT,
    )
    client.force_login(officer)
    data = meeting_data(
        area=area, groups=[declined_group], officers=[], date="2026-05-20", submit=False
    )
    data |= management("disclosures", 1, initial=1) | disclosure(0, officer)
    data |= {"disclosures-0-id": str(meeting.disclosures.get().pk), "version": "1"}
    response = client.post(reverse("meetings:meeting-edit", args=[meeting.uuid]), data)
    assert response.status_code == 302


# Concerns that need a response are answered by a follow-up.


def concern_data(officer, area, group, *, answers="", submit=True, **overrides) -> dict:
    due = timezone.localdate() + datetime.timedelta(days=14)
    data = meeting_data(
        area=area,
        groups=[group],
        officers=[officer],
        submit=submit,
        concerns_needing_response=["concern_surveillance"],
        **overrides,
    )
    return data | follow_up(0, officer, group, due, answers_concern=answers)


def test_a_concern_needing_a_response_must_be_answered_on_submit(
    signed_in_officer, officer, area, group
):
    response = signed_in_officer.post(CREATE_URL, concern_data(officer, area, group))

    assert response.status_code == 400
    document = page(response)
    message = rules.unanswered_concern_message("Surveillance or covert observation")
    assert errors_next_to(document, "id_concerns_needing_response") == [message]
    assert summary_links(document)[
        f"Which of these concerns need a response from the police?: {message}"
    ] == ("#id_concerns_needing_response_1")
    assert Meeting.objects.count() == 0


def test_a_concern_answered_by_a_follow_up_is_saved_with_it(
    signed_in_officer, officer, area, group
):
    data = concern_data(officer, area, group, answers="concern_surveillance")
    assert signed_in_officer.post(CREATE_URL, data).status_code == 302

    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.SUBMITTED
    assert meeting.concerns_needing_response == ["concern_surveillance"]
    assert meeting.follow_ups.get().answers_concern == "concern_surveillance"


def test_a_draft_may_leave_a_concern_unanswered_for_now(signed_in_officer, officer, area, group):
    data = concern_data(officer, area, group, submit=False)
    assert signed_in_officer.post(CREATE_URL, data).status_code == 302


def test_only_a_concern_raised_can_need_a_response(signed_in_officer, officer, area, group):
    data = concern_data(officer, area, group, submit=False, concern_topics=["concern_hate_crime"])
    document = page(signed_in_officer.post(CREATE_URL, data))
    assert errors_next_to(document, "id_concerns_needing_response") == [
        rules.CONCERN_NOT_RAISED_ERROR
    ]


def test_a_follow_up_cannot_answer_a_concern_not_marked_as_needing_one(
    signed_in_officer, officer, area, group
):
    data = concern_data(officer, area, group, answers="concern_hate_crime")
    data["concerns_needing_response"] = []
    document = page(signed_in_officer.post(CREATE_URL, data))
    assert errors_next_to(document, "id_follow_ups-0-answers_concern") == [
        rules.ANSWERS_CONCERN_NOT_NEEDED_ERROR
    ]


def test_the_form_queries_do_not_grow_with_the_groups(
    signed_in_officer, area, other_area, django_assert_max_num_queries
):
    CommunityGroupFactory(area=area)
    with django_assert_max_num_queries(30) as few:
        assert signed_in_officer.get(CREATE_URL).status_code == 200
    for index in range(20):
        CommunityGroupFactory(area=area if index % 2 else other_area)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert signed_in_officer.get(CREATE_URL).status_code == 200
