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


@pytest.mark.e2e
def test_a_wrong_password_is_explained_and_the_username_kept(
    page: Page, live_server, check_page, officer
):
    page.goto(live_server.url)
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title("Error: Sign in – Engagement Log")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value("officer")
    check_page(page, "sign-in-with-error")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Username")).to_be_focused()
