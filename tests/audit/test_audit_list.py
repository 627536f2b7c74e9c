"""The audit log page: admins only; searched by person, record, action and dates; a
meeting's search finds its reads, changes and the exports that held it; keyset pages and
a count that stops; each row in words; bad filters shown as errors, never a 500."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement import pagination
from engagement.accounts.models import Role
from engagement.audit.filters import PERSON_HINT
from engagement.audit.forms import (
    DATE_RANGE_ERROR,
    MEETING_NOT_FOUND,
    PERSON_NOT_FOUND,
    PERSON_SEVERAL,
    RECORD_NEEDED,
)
from engagement.audit.models import AuditEvent, ExportedMeeting
from engagement.audit.queries import HELD_THE_MEETING
from engagement.audit.services import record_event
from engagement.retention.services import retention_dispose
from tests.factories import FollowUpFactory, make_officer

LIST_URL = reverse("audit:audit-list")
Action = AuditEvent.Action


@pytest.fixture
def signed_in(client, admin_user):
    client.force_login(admin_user)
    return client


def event_at(moment: datetime.datetime, **fields) -> AuditEvent:
    """An event as record_event writes it, at a chosen moment."""
    return AuditEvent.objects.create(at=moment, **fields)


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def table_of(html: str) -> str:
    """The rows of the log, without the filters (whose selects name every action)."""
    found = re.search(r'<tbody class="govuk-table__body">(.*)</tbody>', html, re.S)
    return found[1] if found else ""


def listed_ids(html: str) -> list[str]:
    """The event of each row, by its time (to the second, unique in these tests)."""
    return re.findall(r'<time datetime="([^"]+)">', html)


def test_it_works(signed_in, officer, meeting, unit):
    record_event(
        actor=officer,
        action=Action.WITHDRAW,
        record=meeting,
        meeting=meeting,
        reason="Logged twice by mistake",
    )
    html = html_of(signed_in.get(LIST_URL))
    assert '<h1 class="govuk-heading-l">Audit log</h1>' in html
    assert "Sam Okafor" in html
    assert f"Officer, {unit.name}" in html  # role and unit at the time
    assert "Withdrew" in html
    assert f'href="{meeting.get_absolute_url()}">{meeting}</a>' in html
    assert "Logged twice by mistake" in html


def test_it_requires_sign_in(client, db):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize("who", ["officer", "liaison"])
def test_only_admins_may_read_it(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST_URL).status_code == 404


def test_it_rejects_post(signed_in):
    assert signed_in.post(LIST_URL).status_code == 405


def test_the_role_and_unit_are_those_at_the_time(signed_in, officer, other_unit, meeting):
    record_event(actor=officer, action=Action.VIEW, record=meeting, meeting=meeting)
    officer.officer_profile.unit = other_unit
    officer.officer_profile.save()
    html = html_of(signed_in.get(LIST_URL, {"action": Action.VIEW}))
    assert "Officer, Northfield Engagement Team" in html
    assert other_unit.name not in html


# --- by person ----------------------------------------------------------------------------


def test_a_name_finds_that_persons_events_only(signed_in, officer, colleague, meeting):
    record_event(actor=officer, action=Action.UPDATE, record=meeting, meeting=meeting)
    record_event(actor=colleague, action=Action.SUBMIT, record=meeting, meeting=meeting)
    html = html_of(signed_in.get(LIST_URL, {"person": "sam okaf", "action": ""}))
    assert "Events by Sam Okafor (officer, Officer)." in html
    assert "Updated" in table_of(html)
    assert "Submitted" not in table_of(html)


def test_a_username_finds_its_account_even_when_names_match_others(signed_in, unit, meeting):
    exact = make_officer(unit=unit, username="sam", first_name="Sam", last_name="Smith")
    make_officer(unit=unit, username="samuel", first_name="Samuel", last_name="Jones")
    record_event(actor=exact, action=Action.REVIEW, record=meeting, meeting=meeting)
    html = html_of(signed_in.get(LIST_URL, {"person": "SAM"}))
    assert "Events by Sam Smith (sam, Officer)." in html
    assert "Reviewed" in table_of(html)


def test_a_name_of_several_people_asks_which_with_links(signed_in, officer, unit, meeting):
    make_officer(unit=unit, username="sam2", first_name="Sam", last_name="Okafor-Reid")
    html = html_of(signed_in.get(LIST_URL, {"person": "okafor", "action": Action.VIEW}))
    message = PERSON_SEVERAL.format(count=2, text="okafor")
    assert f'href="#id_person">Person: {message}' in unescape(html)
    links = re.findall(r'<a class="govuk-link" href="\?([^"]+)">([^<]+)</a>', html)
    assert ("person=officer&amp;action=view", "Sam Okafor (officer, Officer)") in links
    assert ("person=sam2&amp;action=view", "Sam Okafor-Reid (sam2, Officer)") in links


def test_a_name_of_no_one_is_an_error_beside_the_field(signed_in, officer):
    html = html_of(signed_in.get(LIST_URL, {"person": "Nobody"}))
    assert PERSON_NOT_FOUND.format(text="Nobody") in unescape(html)
    assert 'id="id_person-error"' in html


def test_the_person_box_is_described_by_its_hint(signed_in):
    html = html_of(signed_in.get(LIST_URL))
    assert 'aria-describedby="id_person-hint"' in html
    assert PERSON_HINT in html


# --- by record ----------------------------------------------------------------------------


def test_a_meetings_search_finds_its_reads_changes_and_the_exports_that_held_it(
    signed_in, officer, liaison, admin_user, meeting, other_meeting
):
    base = local(2026, 3, 1, 9)
    read = event_at(base, actor=liaison, action=Action.VIEW, record_kind="meeting",
                    record_id=str(meeting.uuid), meeting=meeting)  # fmt: skip
    changed = event_at(base + datetime.timedelta(minutes=1), actor=officer, action=Action.UPDATE,
                       record_kind="meeting", record_id=str(meeting.uuid), meeting=meeting)  # fmt: skip
    held = event_at(base + datetime.timedelta(minutes=2), actor=admin_user, action=Action.EXPORT,
                    record_kind="meetings", reason="Quarterly review",
                    detail={"recipient": "Force lead", "rows": 2})  # fmt: skip
    ExportedMeeting.objects.create(event=held, meeting=meeting)
    ExportedMeeting.objects.create(event=held, meeting=other_meeting)
    not_held = event_at(base + datetime.timedelta(minutes=3), actor=admin_user,
                        action=Action.EXPORT, record_kind="meetings")  # fmt: skip
    ExportedMeeting.objects.create(event=not_held, meeting=other_meeting)
    event_at(base + datetime.timedelta(minutes=4), actor=officer, action=Action.VIEW,
             record_kind="meeting", record_id=str(other_meeting.uuid), meeting=other_meeting)  # fmt: skip

    # Pasted as the link to the meeting's page.
    link = f"https://engagement.example{meeting.get_absolute_url()}"
    html = html_of(signed_in.get(LIST_URL, {"record": link}))
    assert 'id="meeting-searched"' in html
    assert "each export that held it" in html
    assert listed_ids(html) == [e.at.isoformat() for e in (held, changed, read)]
    assert HELD_THE_MEETING in html
    assert "Sent to: Force lead" in html
    assert "3 events" in html


def test_the_meeting_is_found_by_its_reference_in_capitals(signed_in, officer, meeting):
    record_event(actor=officer, action=Action.UPDATE, record=meeting, meeting=meeting)
    html = html_of(signed_in.get(LIST_URL, {"record": str(meeting.uuid).upper()}))
    assert "1 event" in html


def test_an_unknown_meeting_reference_is_an_error(signed_in, meeting):
    html = html_of(signed_in.get(LIST_URL, {"record": "not-a-meeting"}))
    assert MEETING_NOT_FOUND.format(text="not-a-meeting") in unescape(html)
    assert 'id="id_record-error"' in html


def test_a_record_of_another_kind_is_found_by_kind_and_id(signed_in, officer, meeting):
    action = FollowUpFactory(meeting=meeting, owner=officer, owed_to=meeting.groups.first())
    other = FollowUpFactory(meeting=meeting, owner=officer, owed_to=meeting.groups.first())
    for follow_up in (action, other):
        record_event(
            actor=officer,
            action=Action.COMPLETE,
            record=follow_up,
            record_kind="followupaction",
            meeting=meeting,
        )
    html = html_of(
        signed_in.get(
            LIST_URL,
            {"record": f"/follow-ups/{action.uuid}/", "record_kind": "followupaction"},
        )
    )
    assert "1 event" in html
    assert "Follow-up action of <a" in html


def test_a_kind_without_a_reference_is_an_error(signed_in):
    html = html_of(signed_in.get(LIST_URL, {"record_kind": "communitygroup"}))
    assert RECORD_NEEDED.format(kind="community group") in unescape(html)


# --- by action and dates ------------------------------------------------------------------


def test_an_action_finds_those_events_only(signed_in, officer, meeting):
    record_event(actor=officer, action=Action.UPDATE, record=meeting, meeting=meeting)
    record_event(actor=None, action=Action.FAILED_SIGN_IN, detail={"username": "guess"})
    html = html_of(signed_in.get(LIST_URL, {"action": Action.FAILED_SIGN_IN}))
    assert "1 event" in html
    assert "No one signed in" in html
    assert "Username tried: guess" in html


def test_dates_are_whole_days_where_the_service_is(signed_in, officer):
    # 23:30 on 31 March in London is 22:30 UTC: it belongs to 31 March.
    late = event_at(local(2026, 3, 31, 23, 30), actor=officer, action=Action.SIGN_IN)
    event_at(local(2026, 4, 1, 0, 0, 1), actor=officer, action=Action.SIGN_OUT)
    event_at(local(2026, 3, 30, 23, 59, 59), actor=officer, action=Action.SIGN_OUT)
    html = html_of(signed_in.get(LIST_URL, {"date_from": "2026-03-31", "date_to": "2026-03-31"}))
    assert listed_ids(html) == [late.at.isoformat()]


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "31/31/2026"},
        {"date_to": "9999-12-31", "date_from": "0001-01-01"},
        {"date_to": "99999-01-01"},
        {"action": "delete_everything"},
        {"record_kind": "auth_user"},
        {"cursor": "not-a-cursor"},
        {"cursor": "W1s"},
        {"person": "x" * 5_000},
        {"record": "' OR 1=1 --"},
        {"person": "\u202e\u200b<script>alert(1)</script>"},
        {"record": "<script>alert(1)</script>", "record_kind": "user"},
    ],
)
def test_bad_filter_values_never_500(signed_in, meeting, params):
    response = signed_in.get(LIST_URL, params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("name", ["person", "record", "date_from", "action"])
def test_a_nul_byte_is_refused_never_500(signed_in, name):
    response = signed_in.get(LIST_URL, {name: "a\x00b"})
    assert response.status_code == 200
    assert "There is a problem with the filters" in response.content.decode()


def test_a_bad_date_is_named_in_the_error_summary(signed_in, officer):
    record_event(actor=officer, action=Action.SIGN_IN)
    html = html_of(signed_in.get(LIST_URL, {"date_to": "31/31/2026"}))
    assert "There is a problem with the filters" in html
    assert 'href="#id_date_to">To: Enter a valid date.' in html
    assert "Signed in" in table_of(html)  # the other filters still apply and the log still shows


def test_a_from_date_after_the_to_date_is_an_error(signed_in):
    html = html_of(signed_in.get(LIST_URL, {"date_from": "2026-05-02", "date_to": "2026-05-01"}))
    assert f'href="#id_date_to">To: {DATE_RANGE_ERROR}</a>' in unescape(html)


# --- each row in words --------------------------------------------------------------------


def test_a_list_read_shows_its_filters_and_an_export_its_recipient(signed_in, officer, meeting):
    record_event(
        actor=officer,
        action=Action.VIEW,
        record_kind="page",
        detail={
            "page": "meetings:meeting-list",
            "path": "/meetings/",
            "query": {"status": ["submitted"], "q": ["hate crime"]},
        },
    )
    record_event(
        actor=officer,
        action=Action.EXPORT,
        record_kind="meetings",
        reason="For the force's monthly review",
        detail={
            "reason_category": "statistics",
            "recipient": "Force engagement lead",
            "rows": 1250,
            "filters": {"focus": "x"},
        },
    )
    record_event(
        actor=officer,
        action=Action.UPDATE,
        record=meeting,
        meeting=meeting,
        changes={"venue_kind": ["Online", "Place of worship"], "internal_notes": ["", "Noted"]},
    )
    html = unescape(html_of(signed_in.get(LIST_URL)))
    # In the order the database keeps them (PostgreSQL's JSON sorts the keys).
    assert re.search(
        r"Filters: (status = submitted; q = hate crime|q = hate crime; status = submitted)", html
    )
    assert "Page: /meetings/" in html
    assert "Sent to: Force engagement lead" in html
    assert "Rows: 1,250" in html
    assert "Kind of need: Statistics, research or reporting" in html
    assert "Reason:</strong> For the force's monthly review" in html
    assert "Venue: Online → Place of worship" in html
    assert "Internal notes: (empty) → Noted" in html  # an admin sees police-only changes


# --- pages --------------------------------------------------------------------------------


def _follow(client, html: str, rel: str) -> str | None:
    link = re.search(rf'href="\?([^"]*)" rel="{rel}"', html)
    if link is None:
        return None
    return html_of(client.get(f"{LIST_URL}?{unescape(link[1])}"))


def test_pages_walk_every_event_once_newest_first_and_back(signed_in, officer, settings):
    settings.PAGE_SIZE = 5
    base = local(2026, 1, 1, 12)
    # Two events at the same moment: the id decides, so none is lost between pages.
    moments = [base + datetime.timedelta(minutes=n) for n in range(11)] + [base]
    events = [event_at(m, actor=officer, action=Action.SIGN_IN) for m in moments]
    newest_first = sorted(events, key=lambda e: (e.at, e.pk), reverse=True)
    query = {"person": "officer", "action": Action.SIGN_IN}
    pages = [html_of(signed_in.get(LIST_URL, query))]
    assert "12 events" in pages[0]
    while (following := _follow(signed_in, pages[-1], "next")) is not None:
        pages.append(following)
    assert [f"Page {n} of 3" in page for n, page in enumerate(pages, 1)] == [True] * 3
    shown = [moment for page in pages for moment in listed_ids(page)]
    assert shown == [e.at.isoformat() for e in newest_first]
    back = [pages[-1]]
    while (previous := _follow(signed_in, back[-1], "prev")) is not None:
        back.append(previous)
    assert [listed_ids(page) for page in reversed(back)] == [listed_ids(page) for page in pages]


def test_the_count_stops_at_the_cap(signed_in, officer, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    for _ in range(5):
        record_event(actor=officer, action=Action.SIGN_IN)
    html = html_of(signed_in.get(LIST_URL, {"action": Action.SIGN_IN}))
    assert "More than 3 events" in html


@pytest.mark.parametrize("rows", [1, 30])
def test_query_count_does_not_grow_with_rows(
    signed_in, officer, liaison, meeting, rows, django_assert_max_num_queries
):
    for number in range(rows):
        record_event(
            actor=officer if number % 2 else liaison,
            action=Action.VIEW,
            record=meeting,
            meeting=meeting,
        )
    with django_assert_max_num_queries(14):
        signed_in.get(LIST_URL)
    with django_assert_max_num_queries(16):
        signed_in.get(LIST_URL, {"person": "officer", "record": str(meeting.uuid)})


# --- where it is linked from --------------------------------------------------------------


def test_an_admin_reaches_it_from_the_header_and_a_meetings_page(signed_in, meeting):
    html = html_of(signed_in.get(meeting.get_absolute_url()))
    assert f'href="{LIST_URL}">Audit log</a>' in html
    assert f'href="{LIST_URL}?record={meeting.uuid}">Who has read this meeting</a>' in html
    listed = html_of(signed_in.get(LIST_URL))
    assert f'href="{LIST_URL}" aria-current="page"' in listed


@pytest.mark.parametrize("who", ["officer", "liaison"])
def test_others_are_not_offered_it(client, request, meeting, who):
    user = request.getfixturevalue(who)
    assert user.role in (Role.OFFICER, Role.LIAISON)
    client.force_login(user)
    html = html_of(client.get(meeting.get_absolute_url()))
    assert LIST_URL not in html
    assert "Who has read this meeting" not in html


def test_a_meetings_pages_interleave_its_events_and_exports_and_walk_back(
    signed_in, officer, admin_user, meeting, other_meeting, settings
):
    """Its own events and the exports that held it are paged as two lists (see
    queries.log_page): together, in order, each once, forwards and back."""
    settings.PAGE_SIZE = 3
    base = local(2026, 2, 1, 9)
    own, held = [], []
    for minute in range(14):
        at = base + datetime.timedelta(minutes=minute)
        if minute % 3 == 1:
            export = event_at(at, actor=admin_user, action=Action.EXPORT, record_kind="meetings")
            ExportedMeeting.objects.create(event=export, meeting=meeting)
            held.append(export)
        elif minute % 5 == 4:
            other = event_at(at, actor=officer, action=Action.VIEW, meeting=other_meeting)
            ExportedMeeting.objects.create(event=other, meeting=other_meeting)
        else:
            own.append(event_at(at, actor=officer, action=Action.VIEW, meeting=meeting))
    expected = [e.at.isoformat() for e in sorted(own + held, key=lambda e: e.at, reverse=True)]
    pages = [html_of(signed_in.get(LIST_URL, {"record": str(meeting.uuid)}))]
    assert f"{len(expected)} events" in pages[0]
    while (following := _follow(signed_in, pages[-1], "next")) is not None:
        pages.append(following)
    assert [moment for page in pages for moment in listed_ids(page)] == expected
    assert all(len(listed_ids(page)) == 3 for page in pages[:-1])
    back = [pages[-1]]
    while (previous := _follow(signed_in, back[-1], "prev")) is not None:
        back.append(previous)
    assert [listed_ids(page) for page in reversed(back)] == [listed_ids(page) for page in pages]


def test_a_records_read_names_the_record_not_its_pages_address(signed_in, liaison, meeting):
    path = meeting.get_absolute_url()
    record_event(
        actor=liaison,
        action=Action.VIEW,
        record=meeting,
        meeting=meeting,
        detail={"page": "meetings:meeting-detail", "path": path},
    )
    rows = table_of(html_of(signed_in.get(LIST_URL, {"person": "liaison"})))
    assert f'href="{path}">{meeting}</a>' in rows
    assert "Page:" not in rows


def test_a_disposed_meetings_events_no_longer_show_the_text_removed(
    signed_in, officer, meeting, admin_user
):
    record_event(
        actor=officer,
        action=Action.UPDATE,
        record=meeting,
        meeting=meeting,
        changes={"summary": ["Met Mr Khan at the mosque", "Met the committee"]},
    )
    record_event(
        actor=officer,
        action=Action.WITHDRAW,
        record=meeting,
        meeting=meeting,
        reason="Logged twice by Mr Khan's request",
    )
    meeting.date = timezone.localdate() - datetime.timedelta(days=7 * 366)
    meeting.save()
    retention_dispose(
        meeting=meeting,
        by=admin_user,
        rationale="Past its review date; no continuing need.",
        expected_version=meeting.version,
        expected_decision=None,
    )
    html = html_of(signed_in.get(LIST_URL, {"record": str(meeting.uuid)}))
    assert "Khan" not in html and "committee" not in html
    assert "Summary: changed (values removed at retention review)" in html
    assert "Values removed at retention review" in html
    assert "Past its review date; no continuing need." in html
