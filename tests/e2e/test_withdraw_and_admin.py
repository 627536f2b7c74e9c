"""A meeting is withdrawn, never deleted: a reason is required and the history keeps it."""

import pytest
from playwright.sync_api import Page, expect

from engagement.meetings.models import Meeting
from tests.e2e.journeys import nav_link, sign_in, sign_out, status_tag, success_banner


@pytest.mark.e2e
def test_officer_withdraws_a_meeting_with_a_reason_and_the_admin_still_finds_it(
    page: Page, live_server, check_page, meeting, officer, admin_user
):
    page.goto(live_server.url)
    sign_in(page, "officer")
    nav_link(page, "Meetings").click()
    page.get_by_role("link", name=meeting.purpose).click()
    check_page(page, "meeting-detail")

    page.get_by_role("link", name="Withdraw meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw this meeting")
    check_page(page, "withdraw")
    page.get_by_role("button", name="Withdraw meeting").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Give a reason for withdrawing the meeting.")
    expect(page).to_have_title("Error: Withdraw meeting – Engagement Log")
    check_page(page, "withdraw-with-error")

    page.get_by_label("Why is this meeting being withdrawn?").fill("Logged twice by mistake")
    page.get_by_role("button", name="Withdraw meeting").click()
    expect(success_banner(page)).to_contain_text("Meeting withdrawn.")
    expect(status_tag(page, "Withdrawn")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Reason: Logged twice by mistake")
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.WITHDRAWN

    nav_link(page, "Meetings").click()
    expect(page.get_by_role("main")).to_contain_text("No meetings match these filters.")
    sign_out(page)

    sign_in(page, "lead")
    check_page(page, "admin-home")
    nav_link(page, "Meetings").click()
    page.get_by_label("Status").select_option(label="Withdrawn")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name=meeting.purpose).click()
    expect(status_tag(page, "Withdrawn")).to_be_visible()
    check_page(page, "admin-sees-withdrawn-meeting")
