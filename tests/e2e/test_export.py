"""An officer exports the meetings they filtered, with a reason and a recipient; an admin
exports a table of the dashboard. Each file is what the screen showed, and audited."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engagement.audit.models import AuditEvent
from engagement.csv_export import REASON_REQUIRED_ERROR
from engagement.meetings.models import Disclosure, Meeting
from tests.e2e.journeys import nav_link, sign_in, sign_out
from tests.factories import DisclosureFactory, MeetingFactory

REASON = "Monthly check of targeted engagement"
RECIPIENT = "Force engagement lead"


def rows_of(path: Path) -> list[dict[str, str]]:
    content = path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def download(page: Page) -> list[dict[str, str]]:
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download CSV").click()
    return rows_of(Path(waiting.value.path()))


@pytest.mark.e2e
def test_an_officer_exports_the_meetings_they_filtered_and_an_admin_a_dashboard_table(
    page: Page, live_server, check_page, officer, admin_user, unit, area, group
):
    targeted = [
        MeetingFactory(
            author=officer,
            unit=unit,
            area=area,
            groups=[group],
            officers=[officer],
            focus=Meeting.Focus.TARGETED,
            purpose=f"Targeted visit {number}",
        )
        for number in (1, 2)
    ]
    community = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], purpose="Open community evening"
    )
    DisclosureFactory(
        meeting=community, officer=officer, level=Disclosure.Level.PARTIAL, reason="Not asked."
    )

    page.goto(live_server.url)
    sign_in(page, "officer")
    nav_link(page, "Meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    page.get_by_label("Focus", exact=True).select_option(label="Targeted")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_have_text("2 meetings")
    table = page.get_by_role("table", name=re.compile("^Meetings"))
    listed = [
        re.search(r"/meetings/([0-9a-f-]{36})/", href)[1]
        for href in table.get_by_role("link").evaluate_all("links => links.map(a => a.href)")
    ]
    assert sorted(listed) == sorted(str(m.uuid) for m in targeted)

    page.get_by_role("link", name="Export these meetings as CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export meetings")
    expect(page.locator("#export-rows")).to_have_text("2 meetings")
    expect(page.get_by_text("Focus: Targeted")).to_be_visible()
    check_page(page, "export-meetings")

    # No reason: the page says so, by the field too, and keeps what was chosen and typed.
    page.get_by_label("Oversight, audit or a complaint").check()
    page.get_by_label("Recipient").fill(RECIPIENT)
    page.get_by_role("button", name="Download CSV").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(REASON_REQUIRED_ERROR)
    expect(page.locator(".govuk-form-group--error")).to_contain_text(REASON_REQUIRED_ERROR)
    expect(page.get_by_label("Recipient")).to_have_value(RECIPIENT)
    expect(page.get_by_label("Oversight, audit or a complaint")).to_be_checked()
    check_page(page, "export-meetings-no-reason")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()

    page.get_by_label("Reason for this export").fill(REASON)
    rows = download(page)
    # The file's rows are the list's, in the list's order, in the police view.
    assert [row["Meeting id"] for row in rows] == listed
    assert {row["Focus"] for row in rows} == {"Targeted"}
    assert {row["Internal notes"] for row in rows} == {targeted[0].internal_notes}
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.reason) == (officer, REASON)
    assert event.detail["recipient"] == RECIPIENT
    assert event.detail["reason_category"] == "oversight"
    assert event.detail["filters"] == {"focus": "targeted", "sort": "-date"}
    assert event.detail["rows"] == 2

    # The admin exports the dashboard's transparency table for high-risk areas.
    sign_out(page)
    sign_in(page, "lead")
    nav_link(page, "Dashboards").click()
    page.get_by_label("Area risk level", exact=True).select_option(label="High")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_label("Area risk level", exact=True)).to_have_value("high")
    page.get_by_role("link", name="Export the transparency figures as CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export dashboard figures")
    expect(page.get_by_text("Area risk level: High")).to_be_visible()
    expect(page.get_by_text("Section: Transparency")).to_be_visible()
    check_page(page, "export-dashboard")
    page.get_by_label("Statistics, research or reporting").check()
    page.get_by_label("Reason for this export").fill("Transparency board paper")
    page.get_by_label("Recipient").fill("Police and crime panel")
    rows = download(page)
    full = next(row for row in rows if row["measure_key"] == "disclosure_rate_full")
    # In the high-risk area: full, full, partial: 2 of 3.
    assert (full["value"], full["numerator"], full["denominator"]) == ("66.7", "2", "3")
    assert {row["section"] for row in rows} == {"transparency"}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 2
