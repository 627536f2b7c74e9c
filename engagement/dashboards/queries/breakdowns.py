"""Any single-figure measure broken down: by month, area risk level, area, unit or group.

A row is the measure itself computed for a narrower scope: its period one month of the
period, or its filters one more value. So every row follows the measure's own definition
exactly (nothing is counted twice over in a second rule), and the rows of a count or a
rate by risk level, area or unit add up to the headline figure. By group, a meeting held
with two groups counts in each group's row, as it does when the dashboard is filtered to
either group.

One dimension at a time and at most ROWS_PER_PAGE rows, so the queries of a page are
bounded by the page, never by the data: each row costs the queries of one measure.
Rows are only ever values the viewer may narrow the dashboard to (their groups, their
unit), so a breakdown never shows a figure the filtered dashboard could not.
"""

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from engagement.accounts.models import Role, User
from engagement.accounts.queries import units_visible_to
from engagement.community.models import Area
from engagement.dashboards.queries.base import (
    Breakdown,
    Measure,
    Period,
    Scope,
    month_label,
)
from engagement.meetings.queries.choices import groups_to_choose

ROWS_PER_PAGE = 25


@dataclass(frozen=True)
class Dimension:
    """A way to split a scope into rows: what they are called, which values the viewer
    may see, how one value narrows the scope, and how a row is labelled."""

    key: str
    label: str
    values: Callable[[Scope], Sequence[Any] | QuerySet]
    narrow: Callable[[Scope, Any], Scope]
    row_label: Callable[[Any], str]


def _months(scope: Scope) -> list[Period]:
    """Each month of the period, cut to the period at either end."""
    period = scope.period
    months = []
    for first in period.months():
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        months.append(Period(start=max(first, period.start), end=min(last, period.end)))
    return months


def _with_period(scope: Scope, period: Period) -> Scope:
    return dataclasses.replace(scope, period=period)


def _with_filter(name: str) -> Callable[[Scope, Any], Scope]:
    def narrow(scope: Scope, value: Any) -> Scope:
        filters = dataclasses.replace(scope.filters, **{name: value})
        return dataclasses.replace(scope, filters=filters)

    return narrow


def _risk_levels(scope: Scope) -> list[Area.RiskLevel]:
    chosen = scope.filters.area.risk_level if scope.filters.area else scope.filters.risk_level
    return [level for level in Area.RiskLevel if not chosen or level == chosen]


def _areas(scope: Scope) -> QuerySet[Area]:
    areas = Area.objects.order_by("name", "pk")
    if scope.filters.area is not None:
        areas = areas.filter(pk=scope.filters.area.pk)
    if scope.filters.risk_level:
        areas = areas.filter(risk_level=scope.filters.risk_level)
    return areas


def _units(scope: Scope) -> QuerySet:
    units = units_visible_to(scope.user)
    if scope.filters.unit is not None:
        units = units.filter(pk=scope.filters.unit.pk)
    return units


def _groups(scope: Scope) -> QuerySet:
    """The viewer's groups, those of the chosen area or risk level when one is chosen."""
    groups = groups_to_choose(scope.user).order_by("name", "pk")
    filters = scope.filters
    if filters.group is not None:
        groups = groups.filter(pk=filters.group.pk)
    if filters.area is not None:
        groups = groups.filter(area=filters.area)
    if filters.risk_level:
        groups = groups.filter(area__risk_level=filters.risk_level)
    return groups


MONTH = Dimension(
    "month",
    "Month",
    _months,
    _with_period,
    lambda period: month_label(period.start),
)
RISK_LEVEL = Dimension(
    "risk_level",
    "Area risk level",
    _risk_levels,
    lambda scope, level: _with_filter("risk_level")(scope, level.value),
    lambda level: level.label,
)
AREA = Dimension("area", "Area", _areas, _with_filter("area"), str)
UNIT = Dimension("unit", "Unit", _units, _with_filter("unit"), str)
GROUP = Dimension("group", "Group", _groups, _with_filter("group"), str)

DIMENSIONS = [MONTH, RISK_LEVEL, AREA, UNIT, GROUP]


def dimensions_for(measure: Measure, user: User) -> list[Dimension]:
    """The ways this measure can be broken down for this viewer: none for a measure that
    is a table already; not by month when the period does not apply to it; not by unit
    for a liaison, who cannot choose units."""
    if measure.is_table:
        return []
    dimensions = DIMENSIONS
    if not measure.over_time:
        dimensions = [dimension for dimension in dimensions if dimension is not MONTH]
    if user.role == Role.LIAISON:
        dimensions = [dimension for dimension in dimensions if dimension is not UNIT]
    return dimensions


@dataclass(frozen=True)
class BrokenDown:
    """One page of a measure's rows by one dimension."""

    dimension: Dimension
    page: Page
    breakdown: Breakdown


def broken_down(
    measure: Measure, scope: Scope, dimension: Dimension, *, page_number: Any = 1
) -> BrokenDown:
    """The measure for each value of `dimension` on one page of its values, in order."""
    page = Paginator(dimension.values(scope), ROWS_PER_PAGE).get_page(page_number)
    return BrokenDown(dimension, page, _rows(measure, scope, dimension, page.object_list))


def every_row(measure: Measure, scope: Scope, dimension: Dimension) -> Breakdown:
    """The measure for every value of `dimension`, for an export: the queries grow with
    the number of values (areas, units, groups), never with the meetings."""
    return _rows(measure, scope, dimension, dimension.values(scope))


def _rows(measure: Measure, scope: Scope, dimension: Dimension, values: Iterable[Any]) -> Breakdown:
    rows = [
        (dimension.row_label(value), measure.compute(dimension.narrow(scope, value)))
        for value in values
    ]
    return Breakdown(rows=rows)  # type: ignore[arg-type]
