"""Retention review: an admin finds a meeting due for review in the queue, disposes of it
with a rationale, and sees its tombstone; nothing is disposed of without them."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from engagement.meetings.models import Meeting
from engagement.retention.forms import CONFIRM_DISPOSAL_ERROR, DECISION_ERROR
from engagement.retention.models import RATIONALE_ERROR
from engagement.retention.services import REMOVED_TEXT
from tests.e2e.journeys import sign_in, success_banner
from tests.factories import MeetingFactory


@pytest.mark.e2e
def test_admin_disposes_of_a_due_meeting_and_sees_its_tombstone(
    page: Page, live_server, check_page, officer, unit, area, group, admin_user
):
    today = timezone.localdate()
    meeting = MeetingFactory(
        date=today.replace(year=today.year - 7, day=min(today.day, 28)),
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        officers=[officer],
        purpose="Open evening at the community centre",
    )
    MeetingFactory(date=today - datetime.timedelta(days=30), unit=unit, groups=[group])

    page.goto(live_server.url)
    sign_in(page, "lead")
    page.goto(f"{live_server.url}/retention/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention review")
    expect(page.get_by_role("status")).to_have_text("1 meeting due for review")
    check_page(page, "retention-queue")

    page.get_by_role("link", name="Open evening at the community centre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention decision")
    check_page(page, "retention-decision")

    page.get_by_role("button", name="Record the decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(DECISION_ERROR)
    expect(summary).to_contain_text(RATIONALE_ERROR)
    check_page(page, "retention-decision-with-errors")

    page.get_by_label("Dispose").check()
    page.get_by_label("Rationale").fill("Past its retention period; no policing purpose.")
    page.get_by_role("button", name="Record the decision").click()
    expect(summary).to_contain_text(CONFIRM_DISPOSAL_ERROR)
    expect(page.get_by_label("Rationale")).to_have_value(
        "Past its retention period; no policing purpose."
    )
    assert Meeting.objects.get(pk=meeting.pk).disposed_at is None

    page.get_by_label("I understand that disposing").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(success_banner(page)).to_contain_text("the meeting has been disposed of")
    main = page.get_by_role("main")
    expect(main).to_contain_text("This meeting was disposed of at retention review")
    expect(main).to_contain_text(REMOVED_TEXT)
    expect(main).not_to_contain_text("A friendly meeting about reporting hate crime.")
    check_page(page, "tombstone")

    page.goto(f"{live_server.url}/retention/")
    expect(page.get_by_role("status")).to_have_text("0 meetings due for review")
