"""What every page shares, checked once on the sign-in page."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.keyboard import focused, press, tab_to


@pytest.mark.e2e
def test_sign_in_page_has_language_one_heading_title_and_working_skip_link(page: Page, live_server):
    page.goto(live_server.url)

    assert page.locator("html").get_attribute("lang") == "en-GB"
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert page.title().endswith("– Engagement Log")

    skip_link = tab_to(page, "Skip to main content")
    assert skip_link["tag"] == "a"
    # GOV.UK's skip link focuses <main> itself, deliberately with no outline: it is
    # not a control. What matters is where the next Tab goes.
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    # Focus carries on from the main content: the next Tab is inside the form.
    assert press(page, "Tab")["name"] == "Username"
    assert focused(page)["tag"] == "input"
