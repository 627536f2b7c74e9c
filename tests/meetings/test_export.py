"""The meetings list as a CSV file: the list's filters, the list's visibility, a reason
and a recipient recorded in one audit event, a liaison's file without police-only
fields, streamed in pieces with a bounded number of queries."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagement import pagination
from engagement.audit.models import AuditEvent, ExportedMeeting
from engagement.csv_export import BAD_FILTERS_TITLE, REASON_REQUIRED_ERROR
from engagement.meetings.filters import DATE_RANGE_ERROR
from engagement.meetings.models import Disclosure, Meeting
from engagement.meetings.queries import export as export_queries
from engagement.meetings.queries.export import LIAISON_COLUMNS, POLICE_COLUMNS
from engagement.replica import replica_configured
from tests.factories import DisclosureFactory, MeetingFactory

URL = reverse("meetings:meeting-export")
LIST_URL = reverse("meetings:meeting-list")
ANSWERS = {
    "reason_category": "oversight",
    "reason": "Quarterly review with the force lead",
    "recipient": "Force engagement team",
}
POLICE_HEADERS = [column.header for column in POLICE_COLUMNS]
LIAISON_HEADERS = [column.header for column in LIAISON_COLUMNS]
SECRET = "Secret internal note for police eyes only."


def exports():
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)


def parsed(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def header_of(response) -> list[str]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(content)))


def export(client, user, params=None, **answers):
    client.force_login(user)
    query = f"?{'&'.join(f'{k}={v}' for k, v in (params or {}).items())}" if params else ""
    return client.post(
        URL + query, {"reason_category": "oversight", **answers} if answers else ANSWERS
    )


def ids(rows) -> list[str]:
    return [row["Meeting id"] for row in rows]


def list_ids(client, params) -> list[str]:
    html = client.get(LIST_URL, params).content.decode()
    return re.findall(r'href="/meetings/([0-9a-f-]{36})/"', html)


@pytest.fixture
def passed_on_meeting(officer, unit, area, group):
    return MeetingFactory(
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        officers=[officer],
        purpose="Passed on with the community told",
        passed_on=True,
        passed_on_kind=Meeting.PassedOnKind.INTELLIGENCE,
        passed_on_reason="A reason only the police read.",
        community_told_passed_on=True,
    )


# Healthchecks pattern


def test_it_works(client, officer, meeting):
    client.force_login(officer)
    response = client.get(URL, {"status": "submitted"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Export meetings</h1>' in html
    assert '<dd class="govuk-summary-list__value" id="export-rows">1 meeting</dd>' in html
    assert "<li>Status: Submitted</li>" in html
    for header in POLICE_HEADERS:
        assert f"<li>{header}</li>" in html
    assert 'name="reason"' in html and 'name="recipient"' in html
    # Going back keeps the filters.
    assert f'href="{LIST_URL}?status=submitted" class="govuk-back-link"' in html
    assert not exports().exists()


def test_it_requires_sign_in(client, meeting):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))
    assert client.post(URL, ANSWERS).status_code == 302
    assert not exports().exists()


def test_it_answers_only_get_and_post(client, officer, meeting):
    client.force_login(officer)
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405
    assert not exports().exists()


def test_the_export_is_a_csv_of_the_meetings_and_one_audit_event(
    client, officer, colleague, meeting
):
    DisclosureFactory(
        meeting=meeting,
        officer=colleague,
        level=Disclosure.Level.PARTIAL,
        reason="The chair asked us not to.",
    )
    response = export(client, officer, {"status": "submitted", "q": "Community"})
    assert response["Content-Disposition"].startswith('attachment; filename="meetings-')
    rows = parsed(response)
    assert ids(rows) == [str(meeting.uuid)]
    row = rows[0]
    assert list(row) == POLICE_HEADERS
    assert row["Date of the meeting"] == meeting.date.isoformat()
    assert row["Start time"] == "18:30"
    assert row["Length in minutes"] == "60"
    assert row["Community groups"] == "Northfield Mosque Committee"
    assert row["Area"] == "Northfield" and row["Area risk level"] == "High"
    assert row["Unit"] == "Northfield Engagement Team" and row["Logged by"] == "Sam Okafor"
    assert row["Status"] == "Submitted" and row["Focus"] == "Community-focused"
    assert row["Purpose"] == meeting.purpose
    assert row["Attendees under 25"] == "3"
    assert row["Internal notes"] == SECRET
    assert row["Officers and what they disclosed"] == (
        "Sam Okafor: Full – stated their counter-terrorism role plainly "
        "(Said it out loud, at the start)\n"
        "Priya Shah: Partial – said they were police, not counter-terrorism "
        "(Said it out loud, at the start). Reason: The chair asked us not to."
    )

    event = exports().get()
    assert event.actor == officer
    assert event.record_kind == "meetings"
    assert event.reason == ANSWERS["reason"]
    assert event.detail == {
        "reason_category": "oversight",
        "recipient": ANSWERS["recipient"],
        "filters": {"status": "submitted", "q": "Community"},
        "rows": 1,
        "columns": POLICE_HEADERS,
    }


def test_each_meeting_that_went_out_is_linked_to_its_export(
    client, officer, unit, area, second_group, meeting, other_meeting
):
    elsewhere = MeetingFactory(author=officer, unit=unit, area=area, groups=[second_group])
    parsed(export(client, officer, {"group": second_group.pk}))
    parsed(export(client, officer))
    narrow, everything = exports().order_by("pk")
    linked = ExportedMeeting.objects.values_list("event", "meeting")
    assert sorted(linked) == sorted(
        [(narrow.pk, elsewhere.pk), (everything.pk, elsewhere.pk), (everything.pk, meeting.pk)]
    )
    # Never a meeting the exporter may not see, nor any for an export refused.
    assert not ExportedMeeting.objects.filter(meeting=other_meeting).exists()
    export(client, officer, reason="")
    assert ExportedMeeting.objects.count() == 3


def test_each_export_is_one_audit_event(client, officer, meeting):
    parsed(export(client, officer))
    parsed(export(client, officer))
    assert exports().count() == 2


def test_no_reason_re_displays_the_form_with_what_was_typed_and_records_nothing(
    client, officer, meeting
):
    response = export(client, officer, {"status": "submitted"}, reason="", recipient="A. N. Other")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Export meetings" in html
    assert f'<a href="#id_reason">{REASON_REQUIRED_ERROR}</a>' in html
    # By the field too, and the field is marked as wrong.
    assert re.search(
        r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">'
        rf"Error:</span> {REASON_REQUIRED_ERROR}",
        html,
    )
    assert 'aria-invalid="true" id="id_reason"' in html
    assert 'value="A. N. Other"' in html
    # Still the same export, with its filters.
    assert "<li>Status: Submitted</li>" in html
    assert not exports().exists()


def test_a_reason_too_long_keeps_what_was_typed(client, officer, meeting):
    reason = "Because " * 100
    response = export(client, officer, reason=reason, recipient="Someone")
    assert response.status_code == 400
    assert reason.strip() in response.content.decode()
    assert not exports().exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "31/31/2026"}, "From: Enter a valid date."),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, f"To: {DATE_RANGE_ERROR}"),
        ({"status": "lost"}, "Status: Select a valid choice."),
        ({"area": "99999"}, "Area: Select a valid choice."),
        ({"sort": "random"}, "Sort by: Select a valid choice."),
    ],
)
def test_bad_filters_are_a_400_naming_them_and_nothing_is_recorded(
    client, officer, meeting, params, message
):
    client.force_login(officer)
    for response in (client.get(URL, params), client.post(URL + "?" + _qs(params), ANSWERS)):
        assert response.status_code == 400
        html = response.content.decode()
        assert BAD_FILTERS_TITLE in html
        assert message in html
        # Each problem links back to the list, which shows it by its filter.
        assert f'href="{LIST_URL}?' in html
    assert not exports().exists()


def _qs(params) -> str:
    return "&".join(f"{name}={value}" for name, value in params.items())


def test_a_liaison_may_not_filter_by_a_group_not_theirs(client, liaison, other_group, meeting):
    client.force_login(liaison)
    response = client.post(f"{URL}?group={other_group.pk}", ANSWERS)
    assert response.status_code == 400
    assert "Community groups: Select a valid choice." in response.content.decode()
    assert not exports().exists()


# Who sees what


def test_a_liaisons_file_has_only_what_a_liaison_sees(
    client, liaison, officer, unit, area, group, meeting, other_meeting, passed_on_meeting
):
    draft = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], status=Meeting.Status.DRAFT
    )
    withdrawn = MeetingFactory(
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        status=Meeting.Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_reason="Logged twice.",
    )
    response = export(client, liaison)
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content, newline="")))
    assert sorted(ids(rows)) == sorted([str(meeting.uuid), str(passed_on_meeting.uuid)])
    assert list(rows[0]) == LIAISON_HEADERS
    for police_only in (SECRET, "A reason only the police read.", "Intelligence report"):
        assert police_only not in content
    for hidden in (draft, withdrawn, other_meeting):
        assert str(hidden.uuid) not in content
    told = next(row for row in rows if row["Meeting id"] == str(passed_on_meeting.uuid))
    assert told["Was anything from the meeting passed to other police systems?"] == "Yes"
    assert told["Was the community told at the meeting that it would be passed on?"] == "Yes"
    assert exports().get().detail["columns"] == LIAISON_HEADERS

    # Asking for drafts or withdrawn meetings finds none.
    assert parsed(export(client, liaison, {"status": "draft"})) == []
    assert parsed(export(client, liaison, {"status": "withdrawn"})) == []


def test_no_liaison_column_reads_a_police_only_field():
    for column in LIAISON_COLUMNS:
        assert not column.reads & Meeting.POLICE_ONLY_FIELDS, column.header
    police_reads = set().union(*(column.reads for column in POLICE_COLUMNS))
    assert police_reads >= Meeting.POLICE_ONLY_FIELDS
    assert POLICE_COLUMNS[: len(LIAISON_COLUMNS)] == LIAISON_COLUMNS


def test_an_officers_file_has_the_police_view_of_their_units_meetings(
    client, officer, meeting, other_meeting, passed_on_meeting
):
    rows = parsed(export(client, officer))
    assert sorted(ids(rows)) == sorted([str(meeting.uuid), str(passed_on_meeting.uuid)])
    told = next(row for row in rows if row["Meeting id"] == str(passed_on_meeting.uuid))
    assert told["What kind was passed on"] == "Intelligence report"
    assert told["Why it was passed on"] == "A reason only the police read."
    assert told["Internal notes"] == SECRET


def test_an_admins_file_has_every_meeting(client, admin_user, meeting, other_meeting):
    rows = parsed(export(client, admin_user))
    assert sorted(ids(rows)) == sorted([str(meeting.uuid), str(other_meeting.uuid)])
    assert list(rows[0]) == POLICE_HEADERS


# The list's filters


def test_the_file_has_the_same_meetings_as_the_list_for_the_same_filters(
    client, officer, unit, area, other_area, group, second_group
):
    today = timezone.localdate()
    MeetingFactory.reset_sequence(0)
    for days, focus, groups, purpose in [
        (3, Meeting.Focus.COMMUNITY_FOCUSED, [group], "After the bridge incident"),
        (10, Meeting.Focus.TARGETED, [second_group], "Youth forum on stop and search"),
        (40, Meeting.Focus.COMMUNITY_FOCUSED, [group, second_group], "Joint session"),
        (200, Meeting.Focus.TARGETED, [group], "Bridge follow-up"),
    ]:
        MeetingFactory(
            author=officer,
            unit=unit,
            area=area,
            groups=groups,
            date=today - datetime.timedelta(days=days),
            focus=focus,
            purpose=purpose,
        )
    MeetingFactory(author=officer, unit=unit, area=other_area, groups=[group], purpose="Away")
    MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], status=Meeting.Status.DRAFT
    )
    MeetingFactory(
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        status=Meeting.Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_reason="Logged twice.",
    )
    client.force_login(officer)
    for params in [
        {},
        {"q": "bridge"},
        {"status": "draft"},
        {"status": "withdrawn"},
        {"focus": "targeted"},
        {"group": str(second_group.pk)},
        {"area": str(other_area.pk)},
        {"date_from": str(today - datetime.timedelta(days=50)), "date_to": str(today)},
        {"sort": "purpose"},
        {"sort": "date", "focus": "community"},
    ]:
        expected = list_ids(client, params)
        rows = parsed(client.post(URL + ("?" + _qs(params) if params else ""), ANSWERS))
        assert ids(rows) == expected, params
        assert exports().first().detail["rows"] == len(expected)


def test_the_list_links_to_the_export_with_its_filters(client, officer, meeting):
    client.force_login(officer)
    html = client.get(LIST_URL, {"status": "submitted", "q": "meeting", "page": "1"}).content
    assert (
        f'<a class="govuk-link" href="{URL}?status=submitted&amp;q=meeting">'
        "Export these meetings as CSV</a>"
    ) in html.decode()


def test_the_list_offers_no_export_when_its_filters_are_wrong(client, officer, meeting):
    client.force_login(officer)
    html = client.get(LIST_URL, {"date_from": "nonsense"}).content.decode()
    assert "Export these meetings as CSV" not in html


# The injection guard, in a real file


def test_text_a_spreadsheet_would_run_is_neutralised_in_the_file(
    client, officer, unit, area, group
):
    MeetingFactory(
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        purpose='=HYPERLINK("http://evil.example","Click")',
        topics="-2+3",
        summary="@SUM(1+1)",
        internal_notes="+1",
    )
    row = parsed(export(client, officer))[0]
    assert row["Purpose"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["Topics discussed"] == "'-2+3"
    assert row["Summary for the community liaisons"] == "'@SUM(1+1)"
    assert row["Internal notes"] == "'+1"


# Streaming and queries


def bulk_meetings(count, *, officer, unit, area, group) -> None:
    """Many meetings fast: straight into the tables, each as the factory would make it."""
    meetings = Meeting.objects.bulk_create(
        MeetingFactory.build(author=officer, unit=unit, area=area) for _ in range(count)
    )
    Meeting.groups.through.objects.bulk_create(
        Meeting.groups.through(meeting_id=m.pk, communitygroup_id=group.pk) for m in meetings
    )
    Disclosure.objects.bulk_create(
        Disclosure(meeting=m, officer=officer, level="full", method="verbal", timing="start")
        for m in meetings
    )


def queries_to_export(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        parsed(client.post(URL, ANSWERS))
    return len(captured)


def test_the_query_count_does_not_grow_with_meetings(
    client, officer, unit, area, group, django_assert_max_num_queries
):
    client.force_login(officer)
    bulk_meetings(3, officer=officer, unit=unit, area=area, group=group)
    few = queries_to_export(client)
    bulk_meetings(40, officer=officer, unit=unit, area=area, group=group)
    many = queries_to_export(client)
    assert few == many
    # Session and account (3), the count, the audit event and its meetings linked in one
    # insert, the meetings and, per batch of CHUNK_SIZE, their groups and disclosures;
    # saving the session (and, with a replica, where the write ended in the primary's
    # log). The page before: the same, and the read log's insert.
    with django_assert_max_num_queries(11):
        client.get(URL)
    assert many <= 13 + (1 if replica_configured() else 0)


def test_a_large_export_is_streamed_in_pieces_read_batch_by_batch(
    client, admin_user, officer, unit, area, group
):
    total = 3000
    bulk_meetings(total, officer=officer, unit=unit, area=area, group=group)
    client.force_login(admin_user)
    response = client.post(URL, ANSWERS)
    assert isinstance(response, StreamingHttpResponse)
    pieces = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as captured:
        first = next(pieces)
        after_first = len(captured)
        rest = list(pieces)
        after_all = len(captured)
    # The first piece left after one batch was read, before the rest were fetched.
    batches = -(-total // export_queries.CHUNK_SIZE)
    assert batches > 1
    assert after_first < after_all
    assert len(rest) >= 10
    content = b"".join([first, *rest]).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content, newline="")))
    assert len(rows) == total
    assert len({row["Meeting id"] for row in rows}) == total
    assert exports().get().detail["rows"] == total


def test_the_page_counts_no_further_than_the_cap_but_the_audit_counts_every_row(
    client, monkeypatch, admin_user, unit, area, group
):
    MeetingFactory.create_batch(3, unit=unit, area=area, groups=[group])
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    client.force_login(admin_user)
    html = client.get(URL).content.decode()
    assert (
        '<dd class="govuk-summary-list__value" id="export-rows">more than 2 meetings</dd>' in html
    )
    response = client.post(URL, ANSWERS)
    b"".join(response.streaming_content)
    assert exports().get().detail["rows"] == 3
