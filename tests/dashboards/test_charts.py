"""Chart specs from hand-made breakdowns, the include that embeds them, and the tags."""

import json
import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from engagement.dashboards.charts import chart_for, series_over_months
from engagement.dashboards.queries.base import Breakdown, Count, Figure, Gap, MedianDays, Rate
from engagement.dashboards.templatetags.dashboard_charts import month_table, rate_cells_of
from engagement.dashboards.templatetags.dashboard_figures import NO_DATA

NO_DATA_RATE = Rate(0, 0)


def by_month(*figures: Figure) -> Breakdown:
    return Breakdown(rows=[(f"2026-{n:02}", figure) for n, figure in enumerate(figures, start=1)])


# --- kind, labels, values --------------------------------------------------------------


def test_months_make_a_line_with_no_data_as_a_gap_never_zero():
    chart = chart_for(
        key="follow_ups_by_month",
        title="Follow-ups done on time by month",
        breakdown=by_month(Rate(1, 2), NO_DATA_RATE, Rate(0, 3)),
    )
    assert chart["kind"] == "line"
    assert chart["unit"] == "%"
    assert chart["category"] == "Month"
    assert chart["labels"] == ["January 2026", "February 2026", "March 2026"]
    # 1 / 2 = 50.0 %; nothing due in February is no data (null), 0 / 3 is a real 0.0 %.
    assert chart["series"] == [{"label": "", "values": [50.0, None, 0.0]}]
    assert chart["has_data"] is True
    assert chart["key"] == "follow_ups_by_month"
    assert chart["title"] == "Follow-ups done on time by month"


def test_other_rows_make_bars_labelled_as_the_table_reads_them():
    chart = chart_for(
        key="focus_by_risk_level",
        title="Community-focused meetings by area risk level",
        breakdown=Breakdown(
            rows=[("Standard", Rate(1, 3)), ("Elevated", NO_DATA_RATE), ("High", Rate(2, 2))]
        ),
    )
    assert chart["kind"] == "bar"
    assert chart["category"] == "Area risk level"
    assert chart["labels"] == ["Standard", "Elevated", "High"]
    # 1 / 3 = 33.3 %, no data, 2 / 2 = 100.0 %.
    assert chart["series"] == [{"label": "", "values": [33.3, None, 100.0]}]


def test_a_gap_is_two_series_recorded_and_confirmed():
    # Three answered disclosures, two recorded as full, one confirmed: 66.7 % and 33.3 %.
    chart = chart_for(
        key="disclosure_gap_by_month",
        title="Disclosure gap by month",
        breakdown=Breakdown(
            rows=[
                ("2026-01", Gap(recorded=Rate(2, 3), confirmed=Rate(1, 3))),
                ("2026-02", Gap(recorded=NO_DATA_RATE, confirmed=NO_DATA_RATE)),
            ]
        ),
    )
    assert chart["kind"] == "line"
    assert chart["unit"] == "%"
    assert chart["series"] == [
        {"label": "Recorded as full", "values": [66.7, None]},
        {"label": "Confirmed by the community", "values": [33.3, None]},
    ]


def test_a_gap_by_risk_level_is_two_sets_of_bars():
    chart = chart_for(
        key="disclosure_gap_by_risk_level",
        title="Disclosure gap by area risk level",
        breakdown=Breakdown(rows=[("High", Gap(recorded=Rate(1, 1), confirmed=Rate(0, 1)))]),
    )
    assert chart["kind"] == "bar"
    assert [series["values"] for series in chart["series"]] == [[100.0], [0.0]]


def test_trust_by_month_is_three_series_over_the_months():
    rows = []
    # January: 4 reviews, 2 improved, 1 unchanged, 1 worsened. February: none.
    for month, counts in (("2026-01", (2, 1, 1)), ("2026-02", (0, 0, 0))):
        total = sum(counts)
        for effect, count in zip(("improved", "unchanged", "worsened"), counts, strict=True):
            rows.append((f"{month} {effect}", Rate(count, total)))
    chart = chart_for(
        key="trust_by_month", title="Effect on trust by month", breakdown=Breakdown(rows=rows)
    )
    assert chart["kind"] == "line"
    assert chart["labels"] == ["January 2026", "February 2026"]
    assert chart["series"] == [
        {"label": "Improved", "values": [50.0, None]},
        {"label": "Unchanged", "values": [25.0, None]},
        {"label": "Worsened", "values": [25.0, None]},
    ]


def test_a_month_a_series_has_no_row_for_is_no_data():
    breakdown = Breakdown(
        rows=[
            ("2026-01 you", Rate(1, 1)),
            ("2026-01 others", Rate(0, 1)),
            ("2026-02 you", Rate(1, 2)),
        ]
    )
    chart = chart_for(key="x_by_month", title="X", breakdown=breakdown)
    assert chart["series"] == [
        {"label": "You", "values": [100.0, 50.0]},
        {"label": "Others", "values": [0.0, None]},
    ]


def test_medians_are_in_days_and_counts_are_numbers():
    days = chart_for(
        key="days_by_month",
        title="Median days",
        breakdown=by_month(MedianDays(2.5, 4), MedianDays(None, 0)),
    )
    assert days["unit"] == "days"
    assert days["series"][0]["values"] == [2.5, None]
    counts = chart_for(
        key="distinct_officers_per_group",
        title="Officers meeting each group",
        breakdown=Breakdown(rows=[("Mosque", Count(3)), ("Youth forum", Count(0))]),
    )
    assert counts["unit"] == ""
    assert counts["category"] == "Group"
    # A count of 0 is a real 0, not no data.
    assert counts["series"][0]["values"] == [3, 0]


def test_figures_of_different_kinds_are_refused():
    with pytest.raises(TypeError, match="figures of one kind"):
        chart_for(
            key="mixed",
            title="Mixed",
            breakdown=Breakdown(rows=[("A", Rate(1, 2)), ("B", Count(3))]),
        )


def test_nothing_to_draw_when_every_value_is_no_data_or_there_are_no_rows():
    assert chart_for(key="k", title="T", breakdown=by_month(NO_DATA_RATE))["has_data"] is False
    empty = chart_for(key="coverage_gap_groups", title="T", breakdown=Breakdown(rows=[]))
    assert empty["has_data"] is False
    assert empty["labels"] == [] and empty["series"] == [{"label": "", "values": []}]


def test_not_a_month_is_not_a_line():
    # A group named like a month with words after it is still a month row only if the
    # month is real: "2026-13" is not.
    chart = chart_for(
        key="k_groups", title="T", breakdown=Breakdown(rows=[("2026-13 Club", Count(1))])
    )
    assert chart["kind"] == "bar"
    assert chart["labels"] == ["2026-13 Club"]


def test_the_spec_is_json():
    chart = chart_for(key="k", title="T", breakdown=by_month(Rate(1, 3)))
    assert json.loads(json.dumps(chart)) == chart


# --- the text alternative --------------------------------------------------------------


def test_the_description_says_what_the_line_shows_and_points_to_the_table():
    chart = chart_for(
        key="disclosure_gap_by_month",
        title="Disclosure gap by month",
        breakdown=Breakdown(
            rows=[
                ("2025-06", Gap(recorded=Rate(2, 3), confirmed=Rate(1, 3))),
                ("2026-05", Gap(recorded=Rate(1, 1), confirmed=Rate(1, 1))),
            ]
        ),
    )
    assert chart["description"] == (
        "Line chart of disclosure gap by month in percent, from June 2025 to May 2026, "
        "with lines for recorded as full and confirmed by the community; "
        "the table below gives the figures."
    )


def test_the_description_of_bars_names_a_few_rows_and_counts_many():
    few = chart_for(
        key="focus_by_risk_level",
        title="Community-focused meetings by area risk level",
        breakdown=Breakdown(rows=[("Standard", Rate(1, 2)), ("High", Rate(1, 1))]),
    )
    assert few["description"] == (
        "Bar chart of community-focused meetings by area risk level in percent, "
        "for Standard and High; the table below gives the figures."
    )
    many = chart_for(
        key="distinct_officers_per_group",
        title="Officers per group",
        breakdown=Breakdown(rows=[(f"Group {n}", Count(n)) for n in range(8)]),
    )
    assert many["description"] == (
        "Bar chart of officers per group as numbers, for 8 rows; the table below gives the figures."
    )


# --- the include ---------------------------------------------------------------------

INCLUDE = Template(
    '{% include "dashboards/includes/chart.html" with chart=chart chart_id="chart-k" %}'
)


def test_the_include_embeds_the_spec_as_json_with_a_hidden_labelled_canvas():
    chart = chart_for(key="k", title="T </script>", breakdown=by_month(Rate(1, 3)))
    html = INCLUDE.render(Context({"chart": chart}))
    figure = re.search(r"<figure [^>]*>", html)
    assert figure is not None
    assert 'class="app-chart' in figure[0]
    assert 'data-chart="chart-k"' in figure[0]
    assert " hidden>" in figure[0]  # shown by charts.js once drawn
    # The canvas is an image whose text alternative is the description, also its fallback.
    description = chart["description"].replace("<", "&lt;").replace(">", "&gt;")
    assert f'<canvas role="img" aria-label="{description}">{description}</canvas>' in html
    embedded = re.search(r'<script id="chart-k" type="application/json">(.*?)</script>', html, re.S)
    assert embedded is not None
    assert json.loads(embedded[1]) == chart
    # No inline style or executable script: the CSP forbids them.
    assert "style=" not in html
    assert "<script>" not in html


def test_the_include_renders_nothing_without_data():
    chart = chart_for(key="k", title="T", breakdown=by_month(NO_DATA_RATE))
    assert INCLUDE.render(Context({"chart": chart})).strip() == ""


def test_the_include_can_carry_a_caption():
    chart = chart_for(key="k", title="T", breakdown=by_month(Rate(1, 3)))
    html = Template(
        '{% include "dashboards/includes/chart.html" with chart=chart chart_id="c" '
        'caption="Your disclosures" %}'
    ).render(Context({"chart": chart}))
    assert ">Your disclosures</figcaption>" in html


def test_the_chart_spec_tag_reads_a_breakdown():
    html = Template(
        '{% load dashboard_charts %}{% chart_spec breakdown key="k_by_month" title="T" as chart %}'
        "{{ chart.kind }} {{ chart.unit }} {{ chart.labels|join:',' }}"
    ).render(Context({"breakdown": by_month(Rate(1, 3), Rate(2, 3))}))
    assert html == "line % January 2026,February 2026"


# --- month tables -------------------------------------------------------------------


def test_series_over_months_pivots_rows_to_columns():
    months, series = series_over_months(
        Breakdown(rows=[("2026-01 full", Rate(1, 2)), ("2026-01 none", Rate(1, 2))])
    ) or ([], [])
    assert months == ["2026-01"]
    assert [(item.label, item.figures) for item in series] == [
        ("Full", [Rate(1, 2)]),
        ("None", [Rate(1, 2)]),
    ]
    assert series_over_months(Breakdown(rows=[("High", Rate(1, 2))])) is None
    assert series_over_months(Breakdown(rows=[])) is None


def test_a_month_table_has_a_column_per_series_and_a_row_per_month():
    table = month_table(
        Breakdown(
            rows=[
                ("2026-01 you", Rate(2, 3)),
                ("2026-01 your unit", Rate(5, 10)),
                ("2026-02 you", NO_DATA_RATE),
                ("2026-02 your unit", Rate(0, 4)),
            ]
        )
    )
    assert table.headers == ["You", "Your unit"]
    assert [(month, [(c.value, c.detail) for c in cells]) for month, cells in table.rows] == [
        ("January 2026", [("66.7%", "2 of 3"), ("50.0%", "5 of 10")]),
        ("February 2026", [(NO_DATA, ""), ("0.0%", "0 of 4")]),
    ]


def test_a_month_table_needs_months():
    with pytest.raises(ValueError, match="Not a breakdown by month"):
        month_table(Breakdown(rows=[("High", Rate(1, 2))]))


def test_a_cell_reads_as_a_share_of_how_many():
    assert rate_cells_of(Rate(1234, 2000)).detail == "1,234 of 2,000"
    assert rate_cells_of(None).value == NO_DATA
    assert rate_cells_of(Count(3)).value == "3"


# --- the dashboard page ----------------------------------------------------------------


def test_the_dashboard_draws_each_breakdown_just_above_its_table(client, admin_user, meeting):
    client.force_login(admin_user)
    html = client.get(reverse("dashboards:dashboard")).content.decode()
    # The meeting is in the high-risk area: community-focused, 1 of 1.
    figure = html.index('<figure class="app-chart')
    chart = html.index('data-chart="chart-focus_by_risk_level"')
    table = html.index('id="breakdown-focus_by_risk_level"')
    assert figure < chart < table
    between = html[chart:table]
    assert between.count("<figure") == 0 and between.count("<table") == 0
    embedded = re.search(
        r'<script id="chart-focus_by_risk_level" type="application/json">(.*?)</script>', html
    )
    assert embedded is not None
    spec = json.loads(embedded[1])
    assert spec["kind"] == "bar"
    assert spec["labels"] == ["Standard", "Elevated", "High"]
    assert spec["series"] == [{"label": "", "values": [None, None, 100.0]}]
    # Chart.js as a plain script from this site, then the module that draws with it.
    assert '<script src="/static/vendor/chart.js/chart.umd.min.js"></script>' in html
    assert '<script type="module" src="/static/js/charts.js"></script>' in html
    assert html.index("chart.umd.min.js") < html.index("js/charts.js")


def test_a_breakdown_with_nothing_counted_has_its_table_and_no_chart(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("dashboards:dashboard")).content.decode()
    assert 'id="breakdown-focus_by_risk_level"' in html
    assert "<figure" not in html
