"""The admins' dashboard computed ahead, and read back as the very figures it stored.

Admins see every meeting, so their figures are the nation's and take time that grows
with it: about 3 s at 100,000 meetings on PostgreSQL, far more at a million. The default
views of their dashboard (the last twelve months, whole or by one area risk level) are
computed by `manage.py refresh_dashboards`, run every few minutes, and the page shows
the latest snapshot with the time it was computed. Every other view, and every view of
an officer or a liaison (bounded by their unit or their groups), is computed live.

A snapshot holds each figure as its type and numbers, so the page, its JSON and its
charts are drawn from the same objects a live computation gives.
"""

import datetime
from typing import Any

from django.conf import settings

from engagement.accounts.models import Role
from engagement.community.models import Area
from engagement.dashboards import registry
from engagement.dashboards.models import DashboardSnapshot
from engagement.dashboards.queries.base import (
    Breakdown,
    Count,
    Figure,
    Filters,
    Gap,
    Measure,
    MedianDays,
    Rate,
    Scope,
)

# The views computed ahead: the whole dashboard, and narrowed to each area risk level.
SNAPSHOT_FILTERS = [Filters(), *(Filters(risk_level=level) for level in Area.RiskLevel.values)]


def filters_key(filters: Filters) -> str | None:
    """The key of a view computed ahead, or None for a view always computed live."""
    if filters.area or filters.unit or filters.group:
        return None
    return f"risk_level={filters.risk_level}" if filters.risk_level else ""


def encode(figure: Figure | Breakdown) -> dict[str, Any]:
    match figure:
        case Rate(numerator, denominator):
            return {"rate": [numerator, denominator]}
        case Gap(recorded, confirmed):
            return {"gap": [encode(recorded), encode(confirmed)]}
        case Count(value):
            return {"count": value}
        case MedianDays(value, count):
            return {"median_days": [value, count]}
        case Breakdown(rows):
            return {"breakdown": [[label, encode(row)] for label, row in rows]}
    raise TypeError(f"Not a dashboard figure: {figure!r}")


def decode(data: dict[str, Any]) -> Any:
    (kind, value), *_ = data.items()
    if kind == "rate":
        return Rate(*value)
    if kind == "gap":
        return Gap(decode(value[0]), decode(value[1]))
    if kind == "count":
        return Count(value)
    if kind == "median_days":
        return MedianDays(*value)
    if kind == "breakdown":
        return Breakdown(rows=[(label, decode(row)) for label, row in value])
    raise ValueError(f"Not an encoded dashboard figure: {kind!r}")


def _sections_from(figures: list[list]) -> list[registry.SectionFigures]:
    by_key = {key: decode(encoded) for key, encoded in figures}
    return [
        registry.SectionFigures(
            section, [(measure, by_key[measure.key]) for measure in section.measures]
        )
        for section in registry.SECTIONS
        if section.measures
    ]


def usable_snapshot(scope: Scope, *, now: datetime.datetime) -> DashboardSnapshot | None:
    """The snapshot to show an admin for this view, if one is recent enough."""
    key = filters_key(scope.filters)
    if scope.user.role != Role.ADMIN or key is None:
        return None
    return DashboardSnapshot.objects.filter(
        period_start=scope.period.start,
        period_end=scope.period.end,
        filters_key=key,
        computed_at__gte=now - settings.DASHBOARD_SNAPSHOT_MAX_AGE,
    ).first()


def dashboard_figures(
    scope: Scope, *, now: datetime.datetime
) -> tuple[list[registry.SectionFigures], datetime.datetime | None]:
    """The dashboard's figures, and when they were computed if not just now."""
    snapshot = usable_snapshot(scope, now=now)
    if snapshot is None:
        return registry.compute(scope), None
    return _sections_from(snapshot.figures), snapshot.computed_at


def measure_figure(
    measure: Measure, scope: Scope, *, now: datetime.datetime
) -> tuple[Figure | Breakdown, datetime.datetime | None]:
    """One measure's figure for its own page, from the snapshot when there is one."""
    snapshot = usable_snapshot(scope, now=now)
    if snapshot is None:
        return measure.compute(scope), None
    return decode(dict(snapshot.figures)[measure.key]), snapshot.computed_at
