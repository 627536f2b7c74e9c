"""In a real browser: five wrong passwords lock the account, and the page that says so
passes axe and fits a phone; an admin finds the account locked and unlocks it, and the
officer signs in. (The browser fixtures are the journeys' own, tests/e2e.)"""

import pytest
from playwright.sync_api import Page, expect

from engagement.accounts.services import UNLOCKED_MESSAGE
from engagement.accounts.views import LOCKED_OUT_ASK_ADMIN
from tests.e2e import conftest as journeys
from tests.e2e.journeys import sign_in as sign_in_as
from tests.e2e.journeys import sign_out, success_banner
from tests.factories import PASSWORD

# The journeys' browser fixtures (tests/e2e/conftest.py), for this one journey here.
browser_type_launch_args = journeys.browser_type_launch_args
browser_context_args = journeys.browser_context_args
base_url = journeys.base_url
page = journeys.page
check_page = journeys.check_page


@pytest.mark.e2e
def test_a_locked_out_officer_is_told_until_when_and_what_to_do(
    page: Page, live_server, check_page, officer, admin_user
):
    page.goto(live_server.url)
    for _ in range(4):
        sign_in(page, "not-the-password")
        expect(page).to_have_title("Error: Sign in – Engagement Log")
    sign_in(page, "not-the-password")

    expect(page).to_have_title("Sign-in locked – Engagement Log")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in for 15 minutes")
    expect(page.locator("#locked-until")).to_contain_text("You can sign in again at")
    expect(page.get_by_text(LOCKED_OUT_ASK_ADMIN)).to_be_visible()
    check_page(page, "locked-out")

    page.get_by_role("link", name="Back to sign in").click()
    expect(page).to_have_title("Sign in – Engagement Log")
    sign_in(page, PASSWORD)
    expect(page).to_have_title("Sign-in locked – Engagement Log")

    # An admin finds the account among the locked ones and unlocks it.
    page.goto(live_server.url)
    sign_in_as(page, admin_user.username)
    page.get_by_role("link", name="Locked accounts: unlock a sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Locked accounts")
    expect(page.get_by_role("row", name="officer")).to_contain_text("5")
    check_page(page, "locked-accounts")
    page.get_by_role("button", name="Unlock officer").click()
    expect(success_banner(page)).to_contain_text(UNLOCKED_MESSAGE.format(names="officer"))
    expect(page.get_by_text("No account is locked.")).to_be_visible()
    sign_out(page)
    sign_in_as(page, "officer")


def sign_in(page: Page, password: str) -> None:
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
