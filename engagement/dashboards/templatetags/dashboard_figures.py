"""How a figure reads on the page: "33.3%", "no data", "12 days", "33.3 points", with its
numerator and denominator, decided here once so the template only shows it.

    {% load dashboard_figures %}
    {% shown figure as cells %}{{ cells.value }} {{ cells.numerator }} {{ cells.denominator }}
"""

import datetime
import re
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils import dateformat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from engagement.community.models import Area
from engagement.dashboards.queries.base import (
    Breakdown,
    Count,
    Figure,
    Filters,
    Gap,
    MedianDays,
    Rate,
)

register = template.Library()

NO_DATA = "no data"
# A cell that does not apply to the figure (a count has no denominator). A dash, not
# visually hidden words: text hidden that way inside a scrolling table sticks out of it
# and widens the page on a phone.
NOT_APPLICABLE = "–"
# What a breakdown's rows are, read from the end of its measure's key (`..._by_month`,
# `..._per_group`, `..._groups`).
BREAKDOWN_HEADERS = {
    "month": "Month",
    "risk_level": "Area risk level",
    "area": "Area",
    "unit": "Unit",
    "group": "Group",
    "groups": "Group",
}
BREAKDOWN_HEADER = "Breakdown"
# "2026-03", or a month with what the row counts in it ("2026-03 improved").
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?=$| )(.*)$")


@dataclass(frozen=True)
class Cells:
    """A figure's cells in a table row, and a line under the value that explains it."""

    value: str
    numerator: str = NOT_APPLICABLE
    denominator: str = NOT_APPLICABLE
    detail: str = ""


def _count(number: int) -> str:
    return f"{number:,}"


def _percent(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.1f}%"


def _days(value: float | None) -> str:
    if value is None:
        return NO_DATA
    number = f"{value:.1f}".removesuffix(".0")
    return f"{number} day{'' if number == '1' else 's'}"


def figure_cells(figure: Figure) -> Cells:
    """The presenter: one figure as the cells of its table row."""
    if isinstance(figure, Rate):
        return Cells(
            value=_percent(figure.percent),
            numerator=_count(figure.numerator),
            denominator=_count(figure.denominator),
        )
    if isinstance(figure, Gap):
        recorded, confirmed = figure.recorded, figure.confirmed
        same = recorded.denominator == confirmed.denominator
        return Cells(
            value=NO_DATA if figure.points is None else f"{figure.points:.1f} points",
            numerator=f"{_count(recorded.numerator)} recorded, "
            f"{_count(confirmed.numerator)} confirmed",
            denominator=_count(recorded.denominator)
            if same
            else f"{_count(recorded.denominator)} recorded, "
            f"{_count(confirmed.denominator)} confirmed",
            detail=""
            if figure.points is None
            else f"{_percent(recorded.percent)} recorded minus "
            f"{_percent(confirmed.percent)} confirmed",
        )
    if isinstance(figure, MedianDays):
        return Cells(value=_days(figure.value), denominator=_count(figure.count))
    if isinstance(figure, Count):
        return Cells(value=_count(figure.value))
    raise TypeError(f"Not a figure: {figure!r}")


def row_label(label: str) -> str:
    """A breakdown row's label as read: months ("2026-03" in the JSON) by name."""
    match = _MONTH.match(label)
    if match is None:
        return label
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        return label
    return dateformat.format(datetime.date(year, month, 1), "F Y") + match[3]


def breakdown_header(key: str) -> str:
    for suffix, header in BREAKDOWN_HEADERS.items():
        if key.endswith(f"_{suffix}"):
            return header
    return BREAKDOWN_HEADER


@register.simple_tag
def shown(figure: Figure) -> Cells:
    return figure_cells(figure)


# Tables with a row per group, area or unit grow with the nation: the dashboard shows a
# page's worth of their rows, and the measure's own page has them all, a page at a time.
# A table by month or risk level is shown whole.
ROWS_OF_RECORDS = {"Group", "Area", "Unit"}


def rows_are_records(key: str) -> bool:
    return breakdown_header(key) in ROWS_OF_RECORDS


@register.filter
def first_rows(breakdown: Breakdown, key: str) -> Breakdown:
    if not rows_are_records(key):
        return breakdown
    return Breakdown(rows=breakdown.rows[: settings.PAGE_SIZE])


@register.filter
def is_breakdown(figure: object) -> bool:
    return isinstance(figure, Breakdown)


@register.filter
def as_row_label(label: str) -> str:
    return row_label(label)


@register.filter
def header_for(key: str) -> str:
    return breakdown_header(key)


@register.simple_tag
def applied_filters(filters: Filters) -> list[tuple[str, str]]:
    """The filters a page's figures are narrowed by, as (name, value) to read."""
    applied = []
    if filters.area is not None:
        applied.append(("Area", str(filters.area)))
    if filters.risk_level:
        applied.append(("Area risk level", Area.RiskLevel(filters.risk_level).label))
    if filters.unit is not None:
        applied.append(("Unit", str(filters.unit)))
    if filters.group is not None:
        applied.append(("Group", str(filters.group)))
    return applied


@register.filter
def breakable_key(key: str) -> str:
    """A snake_case key that may wrap after each underscore, so a long one fits a phone."""
    return mark_safe("_<wbr>".join(escape(part) for part in key.split("_")))
