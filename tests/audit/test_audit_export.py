"""The audit log as CSV: the log's own filters, through the one export flow (a reason and
a recipient, then one EXPORT event of kind "audit events"); admins only."""

import csv
import io

import pytest
from django.urls import reverse

from engagement.audit.models import AuditEvent, ExportedMeeting
from engagement.audit.queries import HELD_THE_MEETING
from engagement.audit.services import record_event
from engagement.audit.views import EXPORT_RECORD_KIND
from engagement.csv_export import BAD_FILTERS_TITLE, REASON_REQUIRED_ERROR

EXPORT_URL = reverse("audit:audit-export")
Action = AuditEvent.Action
ANSWER = {
    "reason_category": "oversight",
    "reason": "Annual check of who read the Northfield meetings",
    "recipient": "Information management unit",
}


@pytest.fixture
def signed_in(client, admin_user):
    client.force_login(admin_user)
    return client


def rows_of(response) -> list[dict[str, str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(record_kind=EXPORT_RECORD_KIND))


@pytest.fixture
def history(officer, liaison, admin_user, meeting, other_meeting):
    """A meeting read by a liaison, changed by an officer and held in one export; another
    meeting's read; and a failed sign-in."""
    record_event(actor=liaison, action=Action.VIEW, record=meeting, meeting=meeting)
    record_event(
        actor=officer,
        action=Action.UPDATE,
        record=meeting,
        meeting=meeting,
        changes={"purpose": ["Old", "=HYPERLINK(1)"]},
    )
    held = record_event(
        actor=admin_user,
        action=Action.EXPORT,
        record_kind="meetings",
        reason="Quarterly review",
        detail={"recipient": "Force lead", "rows": 2},
    )
    ExportedMeeting.objects.create(event=held, meeting=meeting)
    record_event(actor=officer, action=Action.VIEW, record=other_meeting, meeting=other_meeting)
    record_event(actor=None, action=Action.FAILED_SIGN_IN, detail={"username": "guess"})


def test_the_page_says_what_the_file_will_hold(signed_in, history, meeting):
    response = signed_in.get(EXPORT_URL, {"record": str(meeting.uuid), "action": Action.UPDATE})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Export audit events" in html
    assert f"Record: {meeting}" in html
    assert "Action: Updated" in html
    assert "Kind of record" not in html  # a meeting's search needs no kind
    assert '<dd class="govuk-summary-list__value" id="export-rows">1 event</dd>' in html
    assert exports() == []


def test_a_meetings_events_go_out_with_a_reason_and_are_audited(
    signed_in, history, meeting, admin_user
):
    response = signed_in.post(f"{EXPORT_URL}?record={meeting.uuid}", ANSWER)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = rows_of(response)
    assert [row["Action"] for row in rows] == ["Exported", "Updated", "Viewed"]
    exported, updated, viewed = rows
    assert exported["Record"] == f"Meetings export {HELD_THE_MEETING}"
    assert exported["Reason"] == "Quarterly review"
    assert "Sent to: Force lead" in exported["Detail"]
    assert updated["Person"] == "Sam Okafor"
    assert updated["Username"] == "officer"
    assert updated["Role at the time"] == "Officer"
    assert updated["Unit at the time"] == "Northfield Engagement Team"
    assert updated["Meeting reference"] == str(meeting.uuid)
    assert updated["Detail"] == "Purpose: Old → =HYPERLINK(1)"
    assert viewed["Role at the time"] == "Liaison"
    (event,) = exports()
    assert event.actor == admin_user
    assert event.action == Action.EXPORT
    assert event.reason == ANSWER["reason"]
    assert event.detail["recipient"] == ANSWER["recipient"]
    assert event.detail["rows"] == 3
    assert event.detail["filters"] == {"record": str(meeting.uuid)}


def test_no_reason_is_an_error_and_nothing_is_recorded(signed_in, history):
    response = signed_in.post(EXPORT_URL, {**ANSWER, "reason": ""})
    assert response.status_code == 400
    assert REASON_REQUIRED_ERROR in response.content.decode()
    assert exports() == []


def test_bad_filters_are_refused_and_nothing_is_recorded(signed_in, history):
    response = signed_in.post(f"{EXPORT_URL}?date_from=2026-13-01&person=nobody", ANSWER)
    html = response.content.decode()
    assert response.status_code == 400
    assert BAD_FILTERS_TITLE in html
    assert "From: Enter a valid date." in html
    assert exports() == []


def test_a_cell_that_starts_a_formula_is_neutralised(signed_in, officer):
    record_event(actor=officer, action=Action.WITHDRAW, reason="=cmd|' /C calc'!A0")
    rows = rows_of(signed_in.post(f"{EXPORT_URL}?action={Action.WITHDRAW}", ANSWER))
    assert [row["Reason"] for row in rows] == ["'=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("who", ["officer", "liaison"])
def test_only_admins_may_export_it(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(EXPORT_URL).status_code == 404
    assert client.post(EXPORT_URL, ANSWER).status_code == 404
    assert exports() == []


def test_it_requires_sign_in(client, db):
    response = client.get(EXPORT_URL)
    assert response.status_code == 302


def test_it_takes_only_get_and_post(signed_in):
    assert signed_in.put(EXPORT_URL).status_code == 405
    assert signed_in.delete(EXPORT_URL).status_code == 405


def test_the_list_links_to_the_export_with_its_filters(signed_in, history, meeting):
    html = signed_in.get(reverse("audit:audit-list"), {"record": str(meeting.uuid)})
    assert f'href="{EXPORT_URL}?record={meeting.uuid}">Export these events as CSV' in (
        html.content.decode()
    )


@pytest.mark.parametrize("rows", [1, 30])
def test_query_count_does_not_grow_with_rows(
    signed_in, officer, meeting, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        record_event(actor=officer, action=Action.VIEW, record=meeting, meeting=meeting)
    with django_assert_max_num_queries(16):
        response = signed_in.post(EXPORT_URL, ANSWER)
        assert len(rows_of(response)) >= rows
