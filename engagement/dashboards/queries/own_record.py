"""An officer's own disclosure record, month by month, beside their unit's: the feedback
an officer reads on their home page (DESIGN.md, "An officer's own record").

Counted over the disclosures of transparency.disclosures_in_scope (the in-scope meetings
the viewer may see), grouped by the month of the meeting's date in one query, and over
the whole period in another:

- the share of the disclosures at each level (full, partial, none);
- of the full disclosures on reviewed or disputed meetings, the share whose latest
  confirmation (transparency.latest_confirmations) is yes.

With `officer` the disclosures are that officer's; without, every disclosure in scope
(their unit's, when the scope is filtered to the unit).
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from engagement.accounts.models import Unit, User
from engagement.dashboards.queries.base import Breakdown, Rate, Scope, month_label
from engagement.dashboards.queries.transparency import (
    FULL,
    REVIEWED_OR_DISPUTED,
    YES,
    disclosures_in_scope,
    latest_confirmations,
)
from engagement.meetings.models import Disclosure

CONFIRMED = "Confirmed by the community"
# The rows of the whole period.
LEVEL_ROWS = {level: level.name.capitalize() for level in Disclosure.Level}


@dataclass(frozen=True)
class DisclosureRecord:
    """`summary`: rows Full, Partial, None and Confirmed by the community over the whole
    period. `levels_by_month`: rows "YYYY-MM full", "YYYY-MM partial", "YYYY-MM none"
    for every month of the period, the three sharing the month's disclosures as their
    denominator. `confirmed_by_month`: rows "YYYY-MM". A month with nothing counted is
    no data."""

    summary: Breakdown
    levels_by_month: Breakdown
    confirmed_by_month: Breakdown


def _counts() -> dict:
    reviewed_full = Q(level=FULL, meeting__status__in=REVIEWED_OR_DISPUTED)
    latest_is_yes = Exists(latest_confirmations().filter(disclosure=OuterRef("pk"), answer=YES))
    return {
        "total": models.Count("pk"),
        **{level.value: models.Count("pk", filter=Q(level=level)) for level in Disclosure.Level},
        "reviewed_full": models.Count("pk", filter=reviewed_full),
        "confirmed": models.Count("pk", filter=reviewed_full & latest_is_yes),
    }


_NOTHING = {"total": 0, "reviewed_full": 0, "confirmed": 0} | {
    level.value: 0 for level in Disclosure.Level
}


def _confirmed(counts: dict) -> Rate:
    return Rate(counts["confirmed"], counts["reviewed_full"])


def _disclosures(scope: Scope, officer: User | None) -> QuerySet[Disclosure]:
    disclosures = disclosures_in_scope(scope)
    return disclosures if officer is None else disclosures.filter(officer=officer)


def disclosure_record(scope: Scope, *, officer: User | None = None) -> DisclosureRecord:
    """Two queries: the whole period, then one row per month that has a disclosure."""
    disclosures = _disclosures(scope, officer)
    whole = disclosures.aggregate(**_counts())
    by_month = {
        month_label(row["month"]): row
        for row in disclosures.values(month=TruncMonth("meeting__date"))
        .annotate(**_counts())
        .order_by()
    }
    months = [
        (month, by_month.get(month, _NOTHING)) for month in map(month_label, scope.period.months())
    ]
    return DisclosureRecord(
        summary=Breakdown(
            rows=[
                *(
                    (label, Rate(whole[level.value], whole["total"]))
                    for level, label in LEVEL_ROWS.items()
                ),
                (CONFIRMED, _confirmed(whole)),
            ]
        ),
        levels_by_month=Breakdown(
            rows=[
                (f"{month} {level.value}", Rate(counts[level.value], counts["total"]))
                for month, counts in months
                for level in Disclosure.Level
            ]
        ),
        confirmed_by_month=Breakdown(
            rows=[(month, _confirmed(counts)) for month, counts in months]
        ),
    )


def side_by_side(named: dict[str, Breakdown]) -> Breakdown:
    """Month breakdowns ("YYYY-MM" rows) of several subjects as one, its rows
    "YYYY-MM <name>": a chart draws one line per name, a table one column per name."""
    rows_by_name = {name: dict(breakdown.rows) for name, breakdown in named.items()}
    months = next(iter(named.values())).rows if named else []
    return Breakdown(
        rows=[
            (f"{month} {name}", rows[month])
            for month, _ in months
            for name, rows in rows_by_name.items()
        ]
    )


def unit_of(officer: User) -> Unit | None:
    """The officer's unit, in one query; None for an account without an officer profile."""
    return Unit.objects.filter(officers__user=officer).first()
