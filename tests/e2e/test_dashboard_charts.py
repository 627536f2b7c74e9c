"""The admin's dashboard draws a chart above each breakdown's table, under the strict
Content-Security-Policy; with JavaScript off the tables alone carry the figures."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from engagement.meetings.models import Disclosure, DisclosureConfirmation, Meeting
from tests.e2e.journeys import nav_link, sign_in
from tests.factories import ConfirmationFactory, DisclosureFactory, MeetingFactory, ReviewFactory

# Every Content-Security-Policy violation the page reports, kept where the test can read
# it. Playwright injects this itself, so the policy does not apply to it.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample}`);
});
"""
# Every text the charts write on their canvases (the direct labels), in order.
RECORD_CANVAS_TEXT = """
window.canvasTexts = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  window.canvasTexts.push(String(text));
  return fillText.call(this, text, ...rest);
};
"""


def some_figures(*, officer, colleague, liaison, unit, area, group, other_unit, other_area,
                 other_group, other_unit_officer) -> None:  # fmt: skip
    """Meetings over two months in a high-risk and a standard area, one reviewed."""
    today = timezone.localdate()
    reviewed = MeetingFactory(
        unit=unit, area=area, groups=[group], officers=[officer, colleague],
        status=Meeting.Status.REVIEWED, date=today - datetime.timedelta(days=40),
    )  # fmt: skip
    review = ReviewFactory(meeting=reviewed, liaison=liaison)
    for disclosure in reviewed.disclosures.all():
        ConfirmationFactory(
            review=review, disclosure=disclosure, answer=DisclosureConfirmation.Answer.YES
        )
    second = MeetingFactory(unit=unit, area=area, groups=[group])
    DisclosureFactory(
        meeting=second, officer=officer, level=Disclosure.Level.PARTIAL, reason="Not asked."
    )
    MeetingFactory(
        unit=other_unit, area=other_area, groups=[other_group], officers=[other_unit_officer]
    )


def charts_of(page: Page):
    return page.locator("figure.app-chart")


@pytest.mark.e2e
def test_admin_reads_charts_above_the_tables_and_the_tables_without_javascript(
    page: Page,
    browser: Browser,
    live_server,
    check_page,
    admin_user,
    officer,
    colleague,
    liaison,
    other_unit_officer,
    unit,
    area,
    group,
    other_unit,
    other_area,
    other_group,
):
    some_figures(
        officer=officer, colleague=colleague, liaison=liaison, unit=unit, area=area, group=group,
        other_unit=other_unit, other_area=other_area, other_group=other_group,
        other_unit_officer=other_unit_officer,
    )  # fmt: skip
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.add_init_script(RECORD_CANVAS_TEXT)
    page.emulate_media(reduced_motion="reduce")

    page.goto(live_server.url)
    sign_in(page, "lead")
    nav_link(page, "Dashboards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    # The disclosure gap by month is drawn just above its table, as an image described
    # in words that point to the table.
    gap = page.locator('figure[data-chart="chart-disclosure_gap_by_month"]')
    expect(gap).to_be_visible()
    canvas = gap.get_by_role("img")
    expect(canvas).to_have_attribute(
        "aria-label",
        re.compile(
            r"^Line chart of disclosure gap by month in percent, from \w+ \d{4} to \w+ \d{4}, "
            r"with lines for recorded as full and confirmed by the community; "
            r"the table below gives the figures\.$"
        ),
    )
    assert gap.evaluate(
        "(figure) => figure.nextElementSibling.id === 'breakdown-disclosure_gap_by_month'"
    )
    assert page.evaluate("() => typeof window.Chart === 'function'")
    # Every chart on the page is drawn (shown, with a canvas of real size) and is Chart.js's.
    count = charts_of(page).count()
    assert count >= 5
    for index in range(count):
        figure = charts_of(page).nth(index)
        expect(figure).to_be_visible()
        box = figure.locator("canvas").bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
        # Drawn by Chart.js, without animation for someone who prefers reduced motion.
        assert figure.locator("canvas").evaluate(
            "(canvas) => window.Chart.getChart(canvas).options.animation === false"
        )

    # Told apart without colour: each line of the gap has its own dash and point shape,
    # and its name is written at its end; each bar has its value written at its end.
    styles = canvas.evaluate(
        "(canvas) => window.Chart.getChart(canvas).data.datasets"
        ".map((d) => JSON.stringify(d.borderDash) + ' ' + d.pointStyle)"
    )
    assert len(styles) == 2 and styles[0] != styles[1]
    written = page.evaluate("() => window.canvasTexts")
    assert "Recorded as full" in written
    assert "Confirmed by the" in written or "Confirmed by the community" in written
    # The high-risk area: both disclosures recorded full and confirmed yes, 2 / 2.
    assert "100.0%" in written
    assert "no data" in written  # the standard area's gap: nothing reviewed there

    check_page(page, "dashboard-with-charts")
    assert page.evaluate("() => window.cspViolations") == []

    # Without JavaScript: every table is there, and no chart leaves an empty box.
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    try:
        plain = context.new_page()
        plain.goto(live_server.url)
        sign_in(plain, "lead")
        plain.goto(f"{live_server.url}/dashboards/")
        expect(plain.get_by_role("heading", level=1)).to_have_text("Dashboard")
        expect(plain.get_by_role("table", name="Disclosure gap by month")).to_be_visible()
        expect(plain.get_by_role("table", name="Effect on trust by month")).to_be_visible()
        assert charts_of(plain).count() == count
        for index in range(count):
            expect(charts_of(plain).nth(index)).to_be_hidden()
    finally:
        context.close()


@pytest.mark.e2e
def test_officer_reads_their_own_record_beside_their_units_as_charts_and_tables(
    page: Page,
    live_server,
    check_page,
    officer,
    colleague,
    liaison,
    other_unit_officer,
    unit,
    area,
    group,
    other_unit,
    other_area,
    other_group,
):
    some_figures(
        officer=officer, colleague=colleague, liaison=liaison, unit=unit, area=area, group=group,
        other_unit=other_unit, other_area=other_area, other_group=other_group,
        other_unit_officer=other_unit_officer,
    )  # fmt: skip
    page.add_init_script(RECORD_CSP_VIOLATIONS)

    page.goto(live_server.url)
    sign_in(page, "officer")
    expect(page.get_by_role("heading", name="Your record", level=2)).to_be_visible()
    # The officer: full (reviewed, confirmed) and partial, 1 of 2 each; confirmed 1 of 1.
    summary = page.get_by_role("table", name=re.compile("^Disclosures from"))
    expect(summary.get_by_role("row", name=re.compile("^You ")).get_by_role("cell")).to_have_text(
        ["50.0% 1 of 2", "50.0% 1 of 2", "0.0% 0 of 2", "100.0% 1 of 1"]
    )
    for chart_id, table in (
        ("chart-own-disclosures", "Your disclosures by month"),
        ("chart-unit-disclosures", "Your unit’s disclosures by month"),
        ("chart-own-confirmed", "Full disclosures the community confirmed, by month"),
    ):
        figure = page.locator(f'figure[data-chart="{chart_id}"]')
        expect(figure).to_be_visible()
        box = figure.locator("canvas").bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
        expect(page.get_by_role("table", name=table)).to_be_visible()
    check_page(page, "officer-home-with-own-record")
    assert page.evaluate("() => window.cspViolations") == []
