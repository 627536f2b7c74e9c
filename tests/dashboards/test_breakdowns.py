"""A measure broken down by month, area risk level, area, unit or group: its own page,
its JSON, and the rows each a narrower scope of the same measure."""

import csv
import datetime
import io
import json
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse

from engagement.community.models import Area
from engagement.dashboards import registry
from engagement.dashboards.queries.base import Breakdown, Filters, Period, Rate, Scope
from engagement.dashboards.queries.breakdowns import (
    AREA,
    GROUP,
    MONTH,
    RISK_LEVEL,
    ROWS_PER_PAGE,
    UNIT,
    broken_down,
    dimensions_for,
)
from engagement.meetings.models import Disclosure, Meeting
from tests.factories import (
    AreaFactory,
    CommunityGroupFactory,
    DisclosureFactory,
    MeetingFactory,
    UnitFactory,
    make_admin,
    make_liaison,
    make_officer,
)

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
FULL, PARTIAL = Disclosure.Level.FULL, Disclosure.Level.PARTIAL
FULL_RATE = registry.measure_by_key("disclosure_rate_full")


def url(key: str) -> str:
    return reverse("dashboards:measure", args=[key])


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def places(db):
    """Two areas of different risk, a unit in each, a group in each."""
    high = AreaFactory(name="Northfield", code="NF", risk_level=Area.RiskLevel.HIGH)
    standard = AreaFactory(name="Southmoor", code="SM", risk_level=Area.RiskLevel.STANDARD)
    return {
        "high": high,
        "standard": standard,
        "north_unit": UnitFactory(name="North team", area=high),
        "south_unit": UnitFactory(name="South team", area=standard),
        "north_group": CommunityGroupFactory(name="North mosque", area=high),
        "south_group": CommunityGroupFactory(name="South church", area=standard),
    }


def meeting_with(places, side: str, levels: list[str], *, date, status=Meeting.Status.SUBMITTED):
    area = places["high" if side == "north" else "standard"]
    meeting = MeetingFactory(
        date=date,
        area=area,
        unit=places[f"{side}_unit"],
        groups=[places[f"{side}_group"]],
        status=status,
    )
    for level in levels:
        DisclosureFactory(
            meeting=meeting, level=level, reason="" if level == FULL else "Not the moment"
        )
    return meeting


@pytest.fixture
def data(places):
    # North (high risk): March, 2 disclosures, 1 full; May, 1 disclosure, full.
    # South (standard): March, 3 disclosures, 1 full. A draft in May that never counts.
    meeting_with(places, "north", [FULL, PARTIAL], date=datetime.date(2026, 3, 10))
    meeting_with(places, "north", [FULL], date=datetime.date(2026, 5, 2))
    meeting_with(places, "south", [FULL, PARTIAL, PARTIAL], date=datetime.date(2026, 3, 20))
    meeting_with(places, "south", [FULL], date=datetime.date(2026, 5, 3), status="draft")
    return places


def scope_for(user, **filters) -> Scope:
    return Scope(
        user=user,
        period=Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 15)),
        filters=Filters(**filters),
    )


def rows(breakdown: Breakdown) -> dict:
    return dict(breakdown.rows)


def test_rows_by_risk_level_add_up_to_the_headline(data):
    scope = scope_for(make_admin())
    by_level = rows(broken_down(FULL_RATE, scope, RISK_LEVEL).breakdown)
    # High: 2 full of 3; standard: 1 full of 3 (the draft's disclosure never counts);
    # elevated: nothing. Headline: 3 full of 6.
    assert by_level == {"Standard": Rate(1, 3), "Elevated": Rate(0, 0), "High": Rate(2, 3)}
    assert FULL_RATE.compute(scope) == Rate(3, 6)


def test_rows_by_month_each_cover_one_month_and_empty_months_show_no_data(data):
    by_month = rows(broken_down(FULL_RATE, scope_for(make_admin()), MONTH).breakdown)
    # January to June 2026. March: 1 + 1 full of 2 + 3; May: 1 of 1 (the draft excluded).
    assert by_month == {
        "2026-01": Rate(0, 0),
        "2026-02": Rate(0, 0),
        "2026-03": Rate(2, 5),
        "2026-04": Rate(0, 0),
        "2026-05": Rate(1, 1),
        "2026-06": Rate(0, 0),
    }
    assert by_month["2026-01"].percent is None


def test_a_month_is_cut_to_the_period(data):
    # The period starts on 15 March: the meeting of 10 March is outside it.
    scope = Scope(
        user=make_admin(), period=Period(datetime.date(2026, 3, 15), datetime.date(2026, 5, 2))
    )
    by_month = rows(broken_down(FULL_RATE, scope, MONTH).breakdown)
    assert by_month == {"2026-03": Rate(1, 3), "2026-04": Rate(0, 0), "2026-05": Rate(1, 1)}


def test_rows_by_area_unit_and_group(data):
    scope = scope_for(make_admin())
    assert rows(broken_down(FULL_RATE, scope, AREA).breakdown) == {
        "Northfield": Rate(2, 3),
        "Southmoor": Rate(1, 3),
    }
    assert rows(broken_down(FULL_RATE, scope, UNIT).breakdown) == {
        "North team": Rate(2, 3),
        "South team": Rate(1, 3),
    }
    assert rows(broken_down(FULL_RATE, scope, GROUP).breakdown) == {
        "North mosque": Rate(2, 3),
        "South church": Rate(1, 3),
    }


def test_a_chosen_filter_narrows_the_rows_of_every_dimension(data):
    scope = scope_for(make_admin(), risk_level=Area.RiskLevel.HIGH)
    assert rows(broken_down(FULL_RATE, scope, RISK_LEVEL).breakdown) == {"High": Rate(2, 3)}
    assert rows(broken_down(FULL_RATE, scope, AREA).breakdown) == {"Northfield": Rate(2, 3)}
    assert rows(broken_down(FULL_RATE, scope, GROUP).breakdown) == {"North mosque": Rate(2, 3)}
    # Units are not tied to a risk level: the southern unit's row counts nothing.
    assert rows(broken_down(FULL_RATE, scope, UNIT).breakdown) == {
        "North team": Rate(2, 3),
        "South team": Rate(0, 0),
    }


def test_a_liaison_gets_rows_for_their_own_groups_only_and_no_units(data):
    liaison = make_liaison(data["north_group"])
    scope = scope_for(liaison)
    assert rows(broken_down(FULL_RATE, scope, GROUP).breakdown) == {"North mosque": Rate(2, 3)}
    # Another area's row counts none of that area's meetings: they are not the liaison's.
    assert rows(broken_down(FULL_RATE, scope, AREA).breakdown) == {
        "Northfield": Rate(2, 3),
        "Southmoor": Rate(0, 0),
    }
    assert UNIT not in dimensions_for(FULL_RATE, liaison)


def test_an_officer_breaks_down_by_their_own_unit_only(data):
    officer = make_officer(unit=data["north_unit"])
    assert rows(broken_down(FULL_RATE, scope_for(officer), UNIT).breakdown) == {
        "North team": Rate(2, 3)
    }


def test_a_figure_of_this_moment_is_not_broken_down_by_month(db):
    awaiting = registry.measure_by_key("awaiting_review_now")
    assert MONTH not in dimensions_for(awaiting, make_admin())
    assert RISK_LEVEL in dimensions_for(awaiting, make_admin())


def test_every_measure_knows_whether_it_is_a_table(db):
    scope = scope_for(make_admin())
    for measure in registry.ALL_MEASURES:
        assert measure.is_table == isinstance(measure.compute(scope), Breakdown), measure.key
    tables = [measure for measure in registry.ALL_MEASURES if measure.is_table]
    assert tables and all(not dimensions_for(measure, make_admin()) for measure in tables)


# --- the page -------------------------------------------------------------------------


def test_the_page_shows_the_headline_and_the_rows_by_the_chosen_dimension(client, data):
    client.force_login(make_admin())
    response = client.get(url("disclosure_rate_full"), {"start": "2026-01-01", "by": "area"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Disclosure rate: full by area" in page
    headline = page[page.index('id="headline"') : page.index("By area")]
    assert "50.0%" in headline  # 3 of 6
    table = page[page.index('id="breakdown-disclosure_rate_full"') :]
    assert table.index("Northfield") < table.index("66.7%") < table.index("Southmoor")
    assert table.index("Southmoor") < table.index("33.3%")


def test_the_json_gives_the_same_rows(client, data):
    client.force_login(make_admin())
    response = client.get(
        url("disclosure_rate_full"), {"start": "2026-01-01", "by": "risk_level", "format": "json"}
    )
    answer = response.json()
    assert answer["measure"] == {"key": "disclosure_rate_full", "label": "Disclosure rate: full"}
    assert answer["figure"] == {"numerator": 3, "denominator": 6, "value": 50.0}
    assert answer["by"] == "risk_level"
    assert answer["rows"]["High"] == {"numerator": 2, "denominator": 3, "value": 66.7}
    assert answer["rows"]["Elevated"] == {"numerator": 0, "denominator": 0, "value": None}


def test_a_measure_that_is_a_table_shows_its_own_rows(client, data):
    client.force_login(make_admin())
    response = client.get(url("disclosure_gap_by_risk_level"))
    assert response.status_code == 200
    assert 'aria-label="Break down by"' not in response.content.decode()
    assert "Break down by" not in response.content.decode()


def test_a_dimension_the_viewer_may_not_use_is_a_clear_error(client, data):
    client.force_login(make_liaison(data["north_group"]))
    response = client.get(url("disclosure_rate_full"), {"by": "unit"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert response.context["form"].data["by"] == "unit"


def test_a_group_the_viewer_may_not_see_is_an_error_not_a_figure(client, data):
    client.force_login(make_liaison(data["north_group"]))
    response = client.get(
        url("disclosure_rate_full"), {"group": data["south_group"].uuid, "format": "json"}
    )
    assert response.status_code == 400
    assert "group" in response.json()["errors"]


def test_an_unknown_measure_is_not_found_and_the_page_needs_sign_in(client, db):
    assert client.get(url("disclosure_rate_full")).status_code == 302
    client.force_login(make_admin())
    assert client.get(url("no_such_measure")).status_code == 404


def test_rows_come_a_page_at_a_time_and_the_queries_are_bounded_by_the_page(
    client, places, django_assert_max_num_queries
):
    for number in range(ROWS_PER_PAGE + 3):
        group = CommunityGroupFactory(name=f"Group {number:02d}", area=places["high"])
        MeetingFactory(date=datetime.date(2026, 4, 1), area=places["high"], groups=[group])
    client.force_login(make_admin())
    # A page of 25 rows, each one count query for the rate, plus the page's own.
    with django_assert_max_num_queries(ROWS_PER_PAGE + 15):
        first = client.get(url("disclosure_rate_full"), {"by": "group"})
    assert len(first.context["rows"].breakdown.rows) == ROWS_PER_PAGE
    second = client.get(url("disclosure_rate_full"), {"by": "group", "page": 2})
    # 28 meeting groups and the two of `places`: 30 in all, 5 on the second page.
    assert len(second.context["rows"].breakdown.rows) == 5
    assert "Page 2 of 2" in second.content.decode()


# --- the export of a breakdown --------------------------------------------------------

EXPORT_URL = reverse("dashboards:dashboard-export")
REASON = {
    "reason_category": "statistics",
    "reason": "Quarterly board paper",
    "recipient": "Force engagement board",
}


def exported(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_of_a_breakdown_has_every_row_not_just_a_page(client, places):
    for number in range(ROWS_PER_PAGE + 2):
        group = CommunityGroupFactory(name=f"Group {number:02d}", area=places["high"])
        MeetingFactory(date=datetime.date(2026, 4, 1), area=places["high"], groups=[group])
    client.force_login(make_admin())
    query = "?measure=review_coverage&by=group&start=2026-01-01"
    response = client.post(EXPORT_URL + query, REASON)
    rows = exported(response)
    # The 27 groups met and the two of `places` that were not.
    assert len(rows) == ROWS_PER_PAGE + 4
    assert {row["measure_key"] for row in rows} == {"review_coverage"}
    met = next(row for row in rows if row["row"] == "Group 00")
    assert (met["numerator"], met["denominator"]) == ("0", "1")


def test_the_export_of_a_breakdown_matches_the_page_json(client, data):
    client.force_login(make_admin())
    query = {"measure": "disclosure_rate_full", "by": "risk_level", "start": "2026-01-01"}
    page = client.get(url("disclosure_rate_full"), {**query, "format": "json"}).json()
    rows = exported(client.post(EXPORT_URL + "?" + urlencode(query), REASON))
    assert {row["row"]: (int(row["numerator"]), int(row["denominator"])) for row in rows} == {
        label: (figure["numerator"], figure["denominator"])
        for label, figure in page["rows"].items()
    }


@pytest.mark.parametrize(
    "query, message",
    [
        ({"by": "group"}, "Choose the measure to break down"),
        ({"measure": "disclosure_gap_by_month", "by": "group"}, "is not a way to break down"),
        ({"measure": "awaiting_review_now", "by": "month"}, "is not a way to break down"),
    ],
)
def test_a_breakdown_export_that_cannot_be_made_says_why(client, data, query, message):
    client.force_login(make_admin())
    response = client.get(EXPORT_URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_liaison_cannot_export_by_unit(client, data):
    client.force_login(make_liaison(data["north_group"]))
    response = client.get(EXPORT_URL, {"measure": "disclosure_rate_full", "by": "unit"})
    assert response.status_code == 400


def test_the_page_draws_its_rows_as_a_chart_above_the_table_and_links_the_export(client, data):
    client.force_login(make_admin())
    response = client.get(url("disclosure_rate_full"), {"start": "2026-01-01", "by": "area"})
    page = response.content.decode()
    chart = re.search(
        r'<script id="chart-disclosure_rate_full" type="application/json">(.*?)</script>', page
    )
    assert chart is not None
    spec = json.loads(chart[1])
    assert spec["labels"] == ["Northfield", "Southmoor"]
    assert spec["series"][0]["values"] == [66.7, 33.3]
    assert page.index("chart-disclosure_rate_full") < page.index("breakdown-disclosure_rate_full")
    export = re.search(r'href="([^"]*)">Export every row of this table as CSV', page)
    assert export is not None
    assert "measure=disclosure_rate_full" in export[1] and "by=area" in export[1]
