"""A promise kept and checked: the officer completes a follow-up and records it reported
back; the liaison of the group owed it says whether it really reached the group."""

import pytest
from playwright.sync_api import Page, expect

from engagement.meetings.models import FollowUpAction, ReportBackConfirmation
from tests.e2e.journeys import nav_link, sign_in, sign_out, status_tag, success_banner
from tests.factories import FollowUpFactory

PROMISE = "Send the hate crime reporting leaflet to the committee"
OUTCOME = "Forty leaflets handed to the committee secretary"


@pytest.mark.e2e
def test_officer_completes_and_reports_back_and_the_liaison_confirms_it_reached_the_group(
    page: Page, live_server, check_page, meeting, officer, liaison, group
):
    action = FollowUpFactory(meeting=meeting, owner=officer, owed_to=group, description=PROMISE)

    page.goto(live_server.url)
    sign_in(page, "officer")
    nav_link(page, "Follow-ups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up actions")
    table = page.get_by_role("region", name="Follow-up actions table")
    expect(table.get_by_role("link", name=PROMISE)).to_be_visible()
    check_page(page, "officer-follow-ups")

    table.get_by_role("link", name=PROMISE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROMISE)
    expect(status_tag(page, "Open").first).to_be_visible()
    check_page(page, "action-open")

    page.get_by_role("link", name="Mark as done").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark this action as done")
    check_page(page, "mark-as-done")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what the outcome was.")
    expect(page).to_have_title("Error: Mark this action as done – Engagement Log")
    check_page(page, "mark-as-done-with-error")

    page.get_by_label("What was the outcome?").fill(OUTCOME)
    page.get_by_role("button", name="Mark as done").click()
    expect(success_banner(page)).to_contain_text("Marked as done.")
    expect(status_tag(page, "Done").first).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(OUTCOME)

    page.get_by_role("link", name="Record that it was reported back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record that the outcome was reported back"
    )
    check_page(page, "record-report-back")
    page.get_by_role("button", name="Record the report-back").click()
    expect(success_banner(page)).to_contain_text("Recorded as reported back.")
    expect(page.get_by_role("main")).to_contain_text("Not answered yet")
    check_page(page, "action-reported-back")
    assert FollowUpAction.objects.get(pk=action.pk).reported_back_on is not None
    sign_out(page)

    sign_in(page, "liaison")
    nav_link(page, "Follow-ups").click()
    page.get_by_role("region", name="Follow-up actions table").get_by_role(
        "link", name=PROMISE
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROMISE)
    expect(page.get_by_role("link", name="Mark as done")).to_have_count(0)
    check_page(page, "liaison-action")

    page.get_by_role("link", name="Did the outcome reach the group?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm the report-back")
    check_page(page, "confirm-report-back")
    page.get_by_label("Yes, it reached the group").check()
    page.get_by_label("Comment (optional)").fill("Read out at the committee meeting")
    page.get_by_role("button", name="Send your answer").click()

    expect(success_banner(page)).to_contain_text("your answer is recorded")
    answers = page.get_by_role("region", name="The group’s answers table")
    expect(answers).to_contain_text("Yes, it reached the group")
    expect(answers).to_contain_text("Read out at the committee meeting")
    expect(page.get_by_role("link", name="Did the outcome reach the group?")).to_have_count(0)
    check_page(page, "liaison-answered")
    assert ReportBackConfirmation.objects.get(follow_up=action).answer == "yes"
