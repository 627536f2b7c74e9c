"""A liaison sees how often their groups' records were opened and exported, by unit and
role, never by whom."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from engagement.audit.access import access_to
from engagement.audit.models import AuditEvent
from engagement.csv_export import ReasonCategory
from tests.factories import MeetingFactory, make_officer

EXPORT_URL = reverse("meetings:meeting-export")


def export(client, user, category=ReasonCategory.OVERSIGHT, **filters):
    client.force_login(user)
    answers = {"reason_category": category, "reason": "Checking", "recipient": "Force lead"}
    response = client.post(
        EXPORT_URL + "?" + "&".join(f"{k}={v}" for k, v in filters.items()), answers
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)


def open_page(client, user, meeting, times=1):
    client.force_login(user)
    for _ in range(times):
        assert client.get(meeting.get_absolute_url()).status_code == 200


def access_section(html: str) -> str:
    return html[html.index('id="access"') : html.index("History</h2>")]


def table_rows(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table class="govuk-table" id="{table_id}">(.*?)</table>', html, re.S)
    assert table, f"no table {table_id}"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table[1], re.S)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in rows]
    return [[cell.strip() for cell in row] for row in cells[1:]]


@pytest.fixture
def seen(client, officer, other_unit_officer, admin_user, meeting):
    """The meeting opened twice by its officer, once by an admin, exported by the officer
    and by an admin; and a meeting of another unit opened by its own officer."""
    open_page(client, officer, meeting, times=2)
    open_page(client, admin_user, meeting)
    export(client, officer)
    export(client, admin_user, category=ReasonCategory.STATISTICS)
    return meeting


def test_a_liaison_sees_opens_and_exports_of_a_meeting_by_role_and_unit(
    client, seen, liaison, officer, admin_user, unit
):
    client.force_login(liaison)
    html = client.get(seen.get_absolute_url()).content.decode()
    assert table_rows(html, "access-table") == [
        ["Police officers", unit.name, "2", "1"],
        ["Engagement admins", "No unit", "1", "1"],
        ["Total", "3", "2"],
    ]
    assert table_rows(html, "export-needs-table") == [
        ["Oversight, audit or a complaint", "1"],
        ["Statistics, research or reporting", "1"],
    ]
    # Never who by name: not the officer's, nor the admin's, nor the reasons' free text.
    section = access_section(html)
    for name in (str(officer), officer.username, str(admin_user), admin_user.username):
        assert not re.search(rf"\b{re.escape(name)}\b", section), name
    assert "Checking" not in section and "Force lead" not in section


def test_the_liaisons_home_counts_all_their_groups_meetings_over_the_period(
    client, seen, liaison, officer, unit, area, group, other_meeting, other_unit_officer
):
    later = MeetingFactory(author=officer, unit=unit, area=area, groups=[group])
    open_page(client, officer, later)
    open_page(client, other_unit_officer, other_meeting, times=5)  # not their group's
    client.force_login(liaison)
    html = client.get(reverse("home")).content.decode()
    assert table_rows(html, "access-table")[0] == ["Police officers", unit.name, "3", "1"]
    assert table_rows(html, "access-table")[-1] == ["Total", "4", "2"]


def test_the_period_leaves_older_reads_out(client, meeting, officer, liaison, unit):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=60)):
        open_page(client, officer, meeting, times=2)
    open_page(client, officer, meeting)
    client.force_login(liaison)
    last_month = client.get(reverse("home"), {"access": "30"}).content.decode()
    assert table_rows(last_month, "access-table")[-1] == ["Total", "1", "0"]
    quarter = client.get(reverse("home"), {"access": "90"}).content.decode()
    assert table_rows(quarter, "access-table")[-1] == ["Total", "3", "0"]
    assert 'value="90" selected' in quarter


@pytest.mark.parametrize("bad", ["7", "", "9" * 40, "<script>"])
def test_a_period_not_offered_is_the_default(client, liaison, bad):
    client.force_login(liaison)
    response = client.get(reverse("home"), {"access": bad})
    assert response.status_code == 200
    assert 'value="90" selected' in response.content.decode()


def test_nothing_read_says_so(client, liaison, meeting):
    client.force_login(liaison)
    html = client.get(reverse("home")).content.decode()
    assert "No one has opened or exported your groups' meetings since" in html


def test_a_reader_who_moved_unit_counts_for_the_unit_they_were_in(
    client, meeting, officer, unit, other_unit
):
    open_page(client, officer, meeting)
    profile = officer.officer_profile
    profile.unit = other_unit
    profile.save()
    make_officer(unit=unit)
    summary = access_to([meeting.pk])
    assert [(row.unit, row.opened) for row in summary.rows] == [(unit.name, 1)]


def test_old_events_without_a_role_are_counted_as_such(meeting, officer):
    AuditEvent.objects.create(actor=officer, action=AuditEvent.Action.VIEW, meeting=meeting)
    [row] = access_to([meeting.pk]).rows
    assert (row.role, row.unit, row.opened) == ("Role not recorded", "No unit", 1)
