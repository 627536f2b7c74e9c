"""The admin approves the transparency report and it prints without the site around it."""

import pytest
from playwright.sync_api import Page, expect

from engagement.dashboards.report_views import APPROVED_MESSAGE
from engagement.dashboards.suppression import FEWER_THAN_THRESHOLD
from tests.e2e.journeys import sign_in, success_banner
from tests.factories import MeetingFactory

# The site around a report, and every button, found by their markup: once printed they
# are hidden, and Playwright's roles skip hidden elements.
SITE = {
    "header": "header.govuk-template__header",
    "navigation": "nav[aria-label=Menu]",
    "footer": "footer.govuk-template__footer",
    "back link": ".govuk-back-link",
    "button": "button.govuk-button, button.app-service-navigation__button",
}


def expect_printed_without_the_site(page: Page, **also: str) -> None:
    """On screen the site is there; printed, only the report: no header, navigation,
    footer, back link or button (nor what `also` names), and the tables and the
    dictionary all there."""
    tables = [
        page.get_by_role("table", name="Meetings by area risk level"),
        page.get_by_role("table", name="Meetings by month"),
        page.get_by_role("heading", name="Data dictionary"),
    ]
    around = SITE | also
    for selector in around.values():
        expect(page.locator(selector).first).to_be_visible()
    page.emulate_media(media="print")
    for name, selector in around.items():
        for element in page.locator(selector).all():
            expect(element, f"the {name} prints").to_be_hidden()
    for table in tables:
        expect(table).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator(SITE["navigation"])).to_be_visible()


@pytest.mark.e2e
def test_admin_approves_the_transparency_report_and_prints_it(
    page: Page,
    live_server,
    check_page,
    admin_user,
    officer,
    other_unit_officer,
    unit,
    area,
    group,
    other_unit,
    other_area,
    other_group,
):
    # Three days ago: 12 meetings in the standard-risk area, 3 in the high-risk one
    # (`area`). Published: 15 in total, 10 standard, the 3 "fewer than 5", and
    # elevated (0, small too) beside it, so nothing more needs withholding; the
    # months: all 15 in one month, the other months none.
    for _ in range(12):
        MeetingFactory(
            unit=other_unit, area=other_area, groups=[other_group], officers=[other_unit_officer]
        )
    for _ in range(3):
        MeetingFactory(unit=unit, area=area, groups=[group], officers=[officer])

    page.goto(live_server.url)
    sign_in(page, "lead")
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Transparency reports")
    page.get_by_role("link", name="Prepare a report for approval").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Draft transparency report")
    by_risk = page.get_by_role("table", name="Meetings by area risk level")
    high = by_risk.get_by_role("row").filter(has=page.get_by_role("rowheader", name="High"))
    expect(high.get_by_role("cell")).to_have_text([FEWER_THAN_THRESHOLD] * 3)
    total = by_risk.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Total"))
    expect(total.get_by_role("cell").first).to_have_text("15")
    approve = page.get_by_role("button", name="Approve and publish as version 1")
    expect(approve).to_be_visible()
    check_page(page, "report-draft")
    expect_printed_without_the_site(page)

    approve.click()
    expect(success_banner(page)).to_contain_text(APPROVED_MESSAGE.format(version=1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Transparency report")
    expect(page.get_by_text("Version 1. Approved by an administrator on")).to_be_visible()
    assert page.url.endswith("/v1/")
    by_risk = page.get_by_role("table", name="Meetings by area risk level")
    high = by_risk.get_by_role("row").filter(has=page.get_by_role("rowheader", name="High"))
    expect(high.get_by_role("cell")).to_have_text([FEWER_THAN_THRESHOLD] * 3)
    check_page(page, "report-published")
    expect_printed_without_the_site(page, banner=".govuk-notification-banner")
