"""The retention pages: the queue and a meeting's decision page, for admins only; and what
the meeting page shows of retention."""

import datetime

import pytest
from django.urls import reverse

from engagement.meetings.models import Meeting
from engagement.meetings.services.meeting import meeting_update
from engagement.retention.forms import CONFIRM_DISPOSAL_ERROR, DECISION_ERROR
from engagement.retention.models import (
    NEXT_REVIEW_IN_FUTURE_ERROR,
    NEXT_REVIEW_REQUIRED_ERROR,
    RATIONALE_ERROR,
    RetentionDecision,
)
from engagement.retention.services import REMOVED_TEXT, STALE_DECISION_ERROR
from engagement.retention.views import DISPOSED_MESSAGE
from tests.factories import FollowUpFactory, MeetingFactory
from tests.meetings.review_steps import parts_of
from tests.retention.conftest import DUE_DATE, NOT_YET_DUE_DATE

QUEUE = reverse("retention:retention-queue")


def decide_url(meeting: Meeting) -> str:
    return reverse("retention:retention-decide", args=[meeting.uuid])


def page(response) -> str:
    return response.content.decode()


def keep_form(meeting: Meeting, **fields) -> dict:
    return {
        "decision": "keep",
        "next_review_on": "2027-06-15",
        "rationale": "Part of a pattern the area still reviews.",
        "version": meeting.version,
        "latest_decision": 0,
    } | fields


def dispose_form(meeting: Meeting, **fields) -> dict:
    return {
        "decision": "dispose",
        "rationale": "No longer needed for a policing purpose.",
        "confirm_disposal": "on",
        "version": meeting.version,
        "latest_decision": 0,
    } | fields


# --- the queue ------------------------------------------------------------------------------


def test_the_queue_lists_due_meetings_oldest_first(client, admin_user, unit, area, group):
    newer = MeetingFactory(date=DUE_DATE, unit=unit, area=area, groups=[group], purpose="Newer")
    older = MeetingFactory(
        date=datetime.date(2019, 1, 5), unit=unit, area=area, groups=[group], purpose="Older"
    )
    MeetingFactory(date=NOT_YET_DUE_DATE, unit=unit, area=area, groups=[group], purpose="Later")
    client.force_login(admin_user)
    response = client.get(QUEUE)
    assert response.status_code == 200
    html = page(response)
    assert "2 meetings due for review" in html
    assert html.index("Older") < html.index("Newer")
    assert "Later" not in html
    assert decide_url(older) in html and decide_url(newer) in html
    assert "5 Jan 2025" in html  # older's review-by date


def test_the_queue_filters_by_unit(client, admin_user, unit, other_unit, area, group):
    MeetingFactory(date=DUE_DATE, unit=unit, area=area, groups=[group], purpose="Ours")
    MeetingFactory(date=DUE_DATE, unit=other_unit, area=area, groups=[group], purpose="Theirs")
    client.force_login(admin_user)
    html = page(client.get(QUEUE, {"unit": other_unit.pk}))
    assert "Theirs" in html and "Ours" not in html
    assert "1 meeting due for review" in html


def test_a_filter_that_is_not_one_is_said_and_ignored(client, admin_user, due_meeting):
    client.force_login(admin_user)
    response = client.get(QUEUE, {"area": "not-an-area"})
    assert response.status_code == 200
    html = page(response)
    assert "There is a problem with the filters" in html
    assert due_meeting.purpose in html


def test_the_queue_requires_sign_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize("role", ["officer", "liaison"])
def test_the_queue_is_hidden_from_everyone_but_admins(client, request, role, due_meeting):
    client.force_login(request.getfixturevalue(role))
    assert client.get(QUEUE).status_code == 404


def test_the_queue_takes_no_post(client, admin_user):
    client.force_login(admin_user)
    assert client.post(QUEUE).status_code == 405


def test_the_queue_reads_a_fixed_number_of_queries(
    client, admin_user, unit, area, group, second_group, django_assert_max_num_queries, settings
):
    settings.PAGE_SIZE = 5
    for day in range(12):
        MeetingFactory(
            date=DUE_DATE - datetime.timedelta(days=day),
            unit=unit,
            area=area,
            groups=[group, second_group],
        )
    Meeting.objects.filter(pk__in=Meeting.objects.values("pk")[:3]).update(
        retention_kept_until=datetime.date(2026, 1, 1)
    )
    client.force_login(admin_user)
    # Session, user and role; rows of both kinds, two counts, their groups; the filters'
    # areas and units; the read's audit event; the session's save (3): whatever the rows.
    with django_assert_max_num_queries(14):
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert "12 meetings due for review" in page(response)


# --- the decision page ----------------------------------------------------------------------


def test_the_decision_page_shows_what_the_meeting_is(client, admin_user, due_meeting, officer):
    FollowUpFactory(meeting=due_meeting, owner=officer, due_date=DUE_DATE)
    RetentionDecision.objects.create(
        meeting=due_meeting,
        decision="keep",
        rationale="Kept for the area's review last year.",
        decided_by=admin_user,
        next_review_on=datetime.date(2026, 6, 1),
    )
    Meeting.objects.filter(pk=due_meeting.pk).update(retention_kept_until=datetime.date(2026, 6, 1))
    client.force_login(admin_user)
    response = client.get(decide_url(due_meeting))
    assert response.status_code == 200
    html = page(response)
    for text in (
        due_meeting.purpose,
        "14 June 2020",
        "Northfield Mosque Committee",
        "Northfield Engagement Team",
        "Submitted",
        "1 disclosure, 1 follow-up action, 0 reviews",
        "Kept for the area&#x27;s review last year.",
        "due for review by 1 June 2026",
        "Record the decision",
    ):
        assert text in html, text


def test_the_decision_page_requires_sign_in(client, due_meeting):
    response = client.get(decide_url(due_meeting))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize("role", ["officer", "liaison"])
def test_the_decision_page_is_hidden_from_everyone_but_admins(client, request, role, due_meeting):
    client.force_login(request.getfixturevalue(role))
    assert client.get(decide_url(due_meeting)).status_code == 404
    assert client.post(decide_url(due_meeting), dispose_form(due_meeting)).status_code == 404
    due_meeting.refresh_from_db()
    assert due_meeting.disposed_at is None


def test_the_decision_page_takes_no_put(client, admin_user, due_meeting):
    client.force_login(admin_user)
    assert client.put(decide_url(due_meeting)).status_code == 405


def test_an_unknown_meeting_is_404(client, admin_user):
    client.force_login(admin_user)
    url = reverse("retention:retention-decide", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_the_decision_page_reads_a_fixed_number_of_queries(
    client, admin_user, due_meeting, django_assert_max_num_queries
):
    client.force_login(admin_user)
    for _ in range(3):
        RetentionDecision.objects.create(
            meeting=due_meeting,
            decision="keep",
            rationale="Kept.",
            decided_by=admin_user,
            next_review_on=datetime.date(2026, 6, 1),
        )
    # Session, user and role; the meeting with its counts, its groups, its decisions; the
    # read's audit event; the session's save (3): however many decisions.
    with django_assert_max_num_queries(10):
        assert client.get(decide_url(due_meeting)).status_code == 200


def test_keep_records_the_decision_and_returns_to_the_queue(client, admin_user, due_meeting):
    client.force_login(admin_user)
    response = client.post(decide_url(due_meeting), keep_form(due_meeting))
    assert response.status_code == 302
    assert response.url == QUEUE
    decision = RetentionDecision.objects.get()
    assert (decision.decision, decision.next_review_on) == ("keep", datetime.date(2027, 6, 15))
    html = page(client.get(QUEUE))
    assert "kept until its next review on 15 June 2027" in html
    assert due_meeting.purpose not in html  # out of the queue until then


def test_dispose_records_the_decision_and_shows_the_tombstone(client, admin_user, due_meeting):
    client.force_login(admin_user)
    response = client.post(decide_url(due_meeting), dispose_form(due_meeting))
    assert response.status_code == 302
    assert response.url == due_meeting.get_absolute_url()
    html = page(client.get(response.url))
    assert DISPOSED_MESSAGE in html
    assert "This meeting was disposed of at retention review on 15 June 2026." in html
    assert "A friendly meeting about reporting hate crime." not in html
    assert REMOVED_TEXT in html
    assert "Edit meeting" not in html and "Withdraw meeting" not in html
    # The decision page of a disposed meeting has no form any more.
    html = page(client.get(decide_url(due_meeting)))
    assert "Record the decision" not in html
    assert "No longer needed for a policing purpose." in html


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"decision": ""}, "decision", DECISION_ERROR),
        ({"decision": "delete"}, "decision", DECISION_ERROR),
        ({"next_review_on": ""}, "next_review_on", NEXT_REVIEW_REQUIRED_ERROR),
        ({"next_review_on": "2026-06-15"}, "next_review_on", NEXT_REVIEW_IN_FUTURE_ERROR),
        ({"next_review_on": "2027-02-30"}, "next_review_on", "Enter a real date"),
        ({"rationale": "   "}, "rationale", RATIONALE_ERROR),
        ({"rationale": "x" * 2001}, "rationale", "Enter no more than 2,000 characters"),
        (
            {"decision": "dispose", "confirm_disposal": ""},
            "confirm_disposal",
            CONFIRM_DISPOSAL_ERROR,
        ),
    ],
)
def test_bad_input_is_400_with_the_error_by_its_field_and_nothing_saved(
    client, admin_user, due_meeting, form, field, message
):
    client.force_login(admin_user)
    typed = keep_form(due_meeting, rationale="My careful reasoning.") | form
    response = client.post(decide_url(due_meeting), typed)
    assert response.status_code == 400
    html = page(response)
    assert f'href="#id_{field}' in html  # in the summary, linked to its field
    assert f'id="id_{field}_1_error"' in html  # next to the field
    assert message in html
    if form.get("rationale") is None:
        assert "My careful reasoning." in html  # what was typed is kept
    assert not RetentionDecision.objects.exists()
    due_meeting.refresh_from_db()
    assert due_meeting.disposed_at is None and due_meeting.retention_kept_until is None


def test_a_second_admin_deciding_meanwhile_is_told_and_loses_nothing(
    client, admin_user, due_meeting
):
    seen = keep_form(due_meeting)  # the second admin's page, loaded before the first decided
    client.force_login(admin_user)
    assert client.post(decide_url(due_meeting), dispose_form(due_meeting)).status_code == 302
    typed = seen | {"rationale": "My own reasoning, typed at length."}
    response = client.post(decide_url(due_meeting), typed)
    assert response.status_code == 400
    html = page(response)
    assert STALE_DECISION_ERROR in html
    assert "My own reasoning, typed at length." in html
    assert "No longer needed for a policing purpose." in html  # the first, now in view
    assert RetentionDecision.objects.count() == 1


# --- the meeting page -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "admin_user"])
def test_the_meeting_page_shows_the_police_and_admins_its_review_by_date(
    client, request, role, due_meeting
):
    client.force_login(request.getfixturevalue(role))
    html = page(client.get(due_meeting.get_absolute_url()))
    assert "Retention review by" in html
    assert "14 June 2026 (due)" in html
    assert (decide_url(due_meeting) in html) == (role == "admin_user")


def test_the_meeting_page_shows_liaisons_no_review_by_date(client, liaison, due_meeting):
    client.force_login(liaison)
    html = page(client.get(due_meeting.get_absolute_url()))
    assert due_meeting.purpose in html
    assert "Retention review by" not in html


def test_a_liaison_sees_the_tombstone_and_no_review_button(
    client, liaison, admin_user, due_meeting
):
    client.force_login(admin_user)
    client.post(decide_url(due_meeting), dispose_form(due_meeting))
    client.force_login(liaison)
    html = page(client.get(due_meeting.get_absolute_url()))
    assert "This meeting was disposed of at retention review" in html
    assert "Review this meeting" not in html
    assert reverse("meetings:review-create", args=[due_meeting.uuid]) not in html


def test_a_disposed_meetings_history_shows_no_removed_text(
    client, officer, admin_user, due_meeting
):
    meeting_update(
        meeting=due_meeting,
        by=officer,
        parts=parts_of(due_meeting, summary="Talked about the new youth club."),
        expected_version=due_meeting.version,
    )
    due_meeting.refresh_from_db()
    client.force_login(admin_user)
    html = page(client.get(due_meeting.get_absolute_url()))
    assert "A friendly meeting about reporting hate crime." in html  # the history's change
    client.post(decide_url(due_meeting), dispose_form(due_meeting))
    html = page(client.get(due_meeting.get_absolute_url()))
    assert "A friendly meeting about reporting hate crime." not in html
    assert "Talked about the new youth club." not in html
    assert "Disposed at retention review" in html  # the history's entry for it
    assert "Updated" in html  # earlier entries stay, without their text


def test_the_edit_page_of_a_disposed_meeting_sends_the_officer_back(
    client, officer, admin_user, due_meeting
):
    client.force_login(admin_user)
    client.post(decide_url(due_meeting), dispose_form(due_meeting))
    client.force_login(officer)
    response = client.get(reverse("meetings:meeting-edit", args=[due_meeting.uuid]))
    assert response.status_code == 302
    assert response.url == due_meeting.get_absolute_url()
