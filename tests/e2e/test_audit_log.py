"""An admin finds every read of a meeting in the audit log: from the meeting's page to
the log narrowed to it, its reads, changes and the export that held it, page after page;
then narrows it to one person by name."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from engagement.audit.models import AuditEvent, ExportedMeeting
from tests.e2e.journeys import nav_link, sign_in

Action = AuditEvent.Action


@pytest.mark.e2e
def test_an_admin_finds_every_read_of_a_meeting(
    page: Page, live_server, check_page, settings, officer, liaison, admin_user, meeting
):
    settings.PAGE_SIZE = 10
    start = timezone.now() - datetime.timedelta(days=30)
    for day in range(24):
        reader = liaison if day % 2 else officer
        AuditEvent.objects.create(
            at=start + datetime.timedelta(days=day),
            actor=reader,
            actor_role=reader.role,
            action=Action.VIEW,
            record_kind="meeting",
            record_id=str(meeting.uuid),
            meeting=meeting,
            detail={"page": "meetings:meeting-detail", "path": meeting.get_absolute_url()},
        )
    export = AuditEvent.objects.create(
        at=start + datetime.timedelta(days=24, hours=1),
        actor=admin_user,
        actor_role=admin_user.role,
        action=Action.EXPORT,
        record_kind="meetings",
        reason="Quarterly oversight",
        detail={"recipient": "Force engagement lead", "rows": 40},
    )
    ExportedMeeting.objects.create(event=export, meeting=meeting)

    page.goto(live_server.url)
    sign_in(page, "lead")
    page.goto(live_server.url + meeting.get_absolute_url())
    page.get_by_role("link", name="Who has read this meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.locator("#meeting-searched")).to_contain_text("each export that held it")
    # 24 reads, the export, and the admin's own opening of the meeting's page just now.
    expect(page.get_by_role("status")).to_have_text("26 events")
    table = page.get_by_role("table", name=re.compile("^Audit events"))
    first = table.get_by_role("row").nth(1)
    expect(first).to_contain_text("Viewed")
    expect(first).to_contain_text(str(admin_user))  # the admin, a moment ago
    expect(table).to_contain_text("Sent to: Force engagement lead")
    expect(table).to_contain_text("Quarterly oversight")
    expect(table.get_by_role("row").filter(has_text="Amina Rahman").first).to_contain_text(
        "Liaison"
    )
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    check_page(page, "audit-log-of-a-meeting")

    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(11)  # a header and ten events
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(7)
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)

    # Narrowed to one person as well, by name.
    page.get_by_label("Person", exact=True).fill("amina")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_have_text("12 events")
    expect(page.get_by_text("Events by Amina Rahman (liaison, Liaison).")).to_be_visible()
    expect(table).not_to_contain_text("Sam Okafor")
    expect(nav_link(page, "Audit log")).to_have_attribute("aria-current", "page")
    check_page(page, "audit-log-of-a-person")

    # A date that is not one is named beside its field, and the log still shows.
    page.goto(f"{page.url}&date_from=2026-02-30")
    expect(page.locator(".govuk-error-summary")).to_contain_text("From: Enter a valid date.")
