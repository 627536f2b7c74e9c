"""A liaison finds their group's record; on a phone the list filters fold away."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from engagement.meetings.filters import DATE_RANGE_ERROR
from tests.e2e.axe import PHONE
from tests.e2e.journeys import nav_link, sign_in


@pytest.mark.e2e
def test_liaison_finds_their_group_its_meetings_and_what_is_owed(
    page: Page, live_server, check_page, meeting, group, second_group, liaison
):
    page.goto(live_server.url)
    sign_in(page, "liaison")
    nav_link(page, "Groups").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Community groups")
    groups = page.get_by_role("table", name=re.compile("^Community groups"))
    expect(groups.get_by_role("link", name=group.name)).to_be_visible()
    expect(page.get_by_role("link", name=second_group.name)).to_have_count(0)
    # A liaison has only their own groups: no filter by liaison.
    expect(page.get_by_label("Liaison", exact=True)).to_have_count(0)
    check_page(page, "liaison-groups-list")

    groups.get_by_role("link", name=group.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(group.name)
    by_month = page.get_by_role("table", name=re.compile("by month"))
    this_month = timezone.localdate().strftime("%B %Y")
    expect(by_month.get_by_role("rowheader", name=this_month)).to_be_visible()
    latest = page.get_by_role("table", name=re.compile("^The latest meetings"))
    expect(latest.get_by_role("link", name=meeting.purpose)).to_be_visible()
    check_page(page, "liaison-group-page")


@pytest.mark.e2e
def test_on_a_phone_the_meeting_filters_fold_away_and_a_backwards_range_is_explained(
    page: Page, live_server, check_page, meeting, officer
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url)
    sign_in(page, "officer")
    page.goto(live_server.url + "/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")

    # The list comes first: the filters wait behind a button, and a row fits the screen.
    show = page.get_by_role("button", name="Show filters")
    expect(show).to_be_visible()
    expect(page.get_by_label("Search")).to_be_hidden()
    table = page.get_by_role("table", name=re.compile("^Meetings"))
    expect(table.get_by_text("Submitted", exact=True)).to_be_in_viewport(ratio=0.95)

    show.click()
    today = timezone.localdate()
    page.get_by_label("From", exact=True).fill(today.isoformat())
    page.get_by_label("To", exact=True).fill((today - datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Apply filters").click()

    # The panel opens again to show what is wrong, beside the field and in the summary.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(f"To: {DATE_RANGE_ERROR}")
    expect(page.locator("#id_date_to-error")).to_contain_text(DATE_RANGE_ERROR)
    expect(page.get_by_role("button", name="Close")).to_be_visible()
    page.get_by_role("button", name="Close").click()
    expect(table.get_by_role("link", name=meeting.purpose)).to_be_visible()
    check_page(page, "meetings-list-backwards-dates")
