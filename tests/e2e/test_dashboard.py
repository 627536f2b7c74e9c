"""The admin reads how open the engagement is in the high-risk areas."""

import re

import pytest
from playwright.sync_api import Page, expect

from engagement.dashboards import registry
from engagement.meetings.models import Disclosure
from tests.e2e.journeys import nav_link, sign_in
from tests.factories import DisclosureFactory, MeetingFactory


@pytest.mark.e2e
def test_admin_filters_the_dashboard_to_high_risk_areas_and_reads_the_disclosure_rate(
    page: Page,
    live_server,
    check_page,
    admin_user,
    officer,
    colleague,
    other_unit_officer,
    unit,
    area,
    group,
    other_unit,
    other_area,
    other_group,
):
    # `area` is high risk, `other_area` standard. In the high-risk area: disclosures
    # full and full at one meeting, partial at another; in the standard area: none.
    first = MeetingFactory(unit=unit, area=area, groups=[group], officers=[officer, colleague])
    second = MeetingFactory(unit=unit, area=area, groups=[group])
    DisclosureFactory(
        meeting=second, officer=officer, level=Disclosure.Level.PARTIAL, reason="Not asked."
    )
    standard = MeetingFactory(unit=other_unit, area=other_area, groups=[other_group])
    DisclosureFactory(
        meeting=standard, officer=other_unit_officer, level=Disclosure.Level.NONE, reason="No."
    )
    assert first.disclosures.count() == 2
    full_rate = registry.measure_by_key("disclosure_rate_full").label

    page.goto(live_server.url)
    sign_in(page, "lead")
    nav_link(page, "Dashboards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    transparency = page.get_by_role("table", name="Transparency measures")

    def full_rate_cells():
        row = transparency.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=re.compile(f"^{re.escape(full_rate)}"))
        )
        return row.get_by_role("cell")

    # Everywhere: 2 full of 4 disclosures = 50.0 %.
    expect(full_rate_cells()).to_have_text(["50.0%", "2", "4"])
    check_page(page, "dashboard")

    page.get_by_label("Area risk level", exact=True).select_option(label="High")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_contain_text("Figures for")
    expect(page.get_by_label("Area risk level", exact=True)).to_have_value("high")
    # High-risk areas only: 2 full of 3 disclosures = 66.7 %.
    expect(full_rate_cells()).to_have_text(["66.7%", "2", "3"])
    assert "risk_level=high" in page.url
    check_page(page, "dashboard-high-risk")

    # The measure's own page keeps the filter, and breaks it down by area.
    transparency.get_by_role("link", name=full_rate, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(full_rate)
    page.get_by_role("navigation", name="Break down by").get_by_role(
        "link", name="Area", exact=True
    ).click()
    by_area = page.get_by_role("table", name=f"{full_rate} by area")
    northfield = by_area.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Northfield")
    )
    expect(northfield.get_by_role("cell")).to_have_text(["66.7%", "2", "3"])
    # The standard-risk area is not a row of a view filtered to high risk.
    expect(by_area.get_by_role("rowheader", name="Southmoor")).to_have_count(0)
    check_page(page, "measure-by-area")
