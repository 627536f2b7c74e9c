"""Steps shared by the journeys, done the way a person does them: by visible labels."""

import re

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def sign_in(page: Page, username: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def nav_link(page: Page, name: str):
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True)


def success_banner(page: Page):
    return page.get_by_role("alert").filter(has_text="Success")


def status_tag(page: Page, status: str):
    """The meeting's status, shown as a GOV.UK tag (a <strong>) near the heading."""
    return page.get_by_role("main").get_by_role("strong").filter(has_text=re.compile(f"^{status}$"))
