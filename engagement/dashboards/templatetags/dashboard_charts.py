"""Charts and month-by-month tables of breakdowns, for any page that shows figures.

    {% load dashboard_charts %}
    {% chart_spec breakdown key="disclosure_gap_by_month" title="Disclosure gap by month" as chart %}
    {% include "dashboards/includes/chart.html" with chart=chart chart_id="chart-disclosure_gap_by_month" %}

    {% by_month_table breakdown as table %}   {# months down, one column per series #}
    {% rate_cells figure as cells %}           {# "66.7%" with "2 of 3" under it #}

A separate library from dashboard_figures because charts.py reads row labels from there.
"""

from dataclasses import dataclass, replace

from django import template

from engagement.dashboards.charts import chart_for, series_over_months
from engagement.dashboards.queries.base import Breakdown, Figure, Rate
from engagement.dashboards.templatetags.dashboard_figures import (
    NO_DATA,
    Cells,
    figure_cells,
    row_label,
)

register = template.Library()


@register.simple_tag
def chart_spec(breakdown: Breakdown, *, key: str, title: str) -> dict:
    return chart_for(key=key, title=title, breakdown=breakdown)


def rate_cells_of(figure: Figure | None) -> Cells:
    """A figure as one cell: its value, and under a rate how many of how many."""
    if figure is None:
        return Cells(value=NO_DATA)
    cells = figure_cells(figure)
    if isinstance(figure, Rate) and figure.denominator:
        return replace(cells, detail=f"{cells.numerator} of {cells.denominator}")
    return cells


@register.simple_tag
def rate_cells(figure: Figure | None) -> Cells:
    return rate_cells_of(figure)


@dataclass(frozen=True)
class MonthTable:
    """A month breakdown as read in a table: one row per month, one column per series."""

    headers: list[str]
    rows: list[tuple[str, list[Cells]]]


def month_table(breakdown: Breakdown) -> MonthTable:
    over_months = series_over_months(breakdown)
    if over_months is None:
        raise ValueError("Not a breakdown by month")
    months, series = over_months
    return MonthTable(
        headers=[item.label for item in series],
        rows=[
            (row_label(month), [rate_cells_of(item.figures[index]) for item in series])
            for index, month in enumerate(months)
        ],
    )


@register.simple_tag
def by_month_table(breakdown: Breakdown) -> MonthTable:
    return month_table(breakdown)
