"""Liaisons see meetings with their own groups only, and never the police-only notes."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.journeys import nav_link, sign_in, sign_out

INTERNAL_NOTE = "Secret internal note for police eyes only."  # MeetingFactory's default


@pytest.mark.e2e
def test_liaison_gets_404_for_other_groups_and_never_sees_internal_notes(
    page: Page, live_server, check_page, meeting, group, officer, liaison, other_liaison
):
    assert meeting.internal_notes == INTERNAL_NOTE

    # The liaison for another group follows a shared link to this meeting.
    page.goto(live_server.url)
    sign_in(page, "other-liaison")
    expect(page.get_by_role("main")).to_contain_text("No meeting of your groups is waiting")
    check_page(page, "other-liaison-home")

    response = page.goto(live_server.url + meeting.get_absolute_url())
    assert response.status == 404
    expect(page).to_have_title("Page not found – Engagement Log")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("banner").get_by_role("link", name="Engagement Log")).to_be_visible()
    expect(nav_link(page, "Meetings")).to_be_visible()
    html = page.content()
    for secret in (meeting.purpose, meeting.summary, INTERNAL_NOTE, group.name, "Okafor"):
        assert secret not in html, f"the 404 page leaks {secret!r}"
    check_page(page, "not-found")
    sign_out(page)

    # The liaison for the meeting's own group finds it in the list.
    sign_in(page, "liaison")
    expect(page.get_by_role("link", name=meeting.purpose)).to_be_visible()
    check_page(page, "liaison-home")
    nav_link(page, "Meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    check_page(page, "liaison-meetings-list")
    page.get_by_role("table", name="Meetings").get_by_role("link", name=meeting.purpose).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(meeting.purpose)
    expect(page.get_by_role("main")).to_contain_text(meeting.summary)
    expect(page.get_by_role("heading", name="Police only")).to_have_count(0)
    assert INTERNAL_NOTE not in page.content()
    check_page(page, "liaison-meeting-detail")
