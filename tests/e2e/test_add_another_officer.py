"""More officers than the form shows: one more row, without JavaScript, nothing lost."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.journeys import sign_in


@pytest.mark.e2e
def test_add_another_officer_row_keeps_what_was_typed(
    page: Page, live_server, check_page, officer, group
):
    page.goto(live_server.url)
    sign_in(page, "officer")
    page.get_by_role("link", name="Log a meeting").click()
    page.get_by_label("Purpose").fill("Festival safety walk-through")
    page.get_by_label("Northfield Mosque Committee").check()
    expect(page.get_by_role("group", name="Officer 4")).to_have_count(0)

    page.get_by_role("button", name="Add another officer").click()

    expect(
        page.get_by_role("group", name="Officer 4 (leave blank if no other officer attended)")
    ).to_be_visible()
    expect(page.get_by_label("Purpose")).to_have_value("Festival safety walk-through")
    expect(page.get_by_label("Northfield Mosque Committee")).to_be_checked()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert page.url.endswith("#officer-4")
    check_page(page, "form-with-fourth-officer")
