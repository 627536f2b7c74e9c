"""What every measure stands on: a period, filters, the in-scope meetings the viewer may
see, and the shapes of an answer (a rate with its numerator and denominator, a median).

The same rules hold for every measure (DESIGN.md, "Measures"): in scope are meetings
dated in the period whose status is submitted, reviewed or disputed; a rate with a zero
denominator is "no data" (None), never 0 %; percentages to one decimal place; medians
in days.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, get_type_hints

from django.db.models import Exists, Func, IntegerField, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from engagement.accounts.models import Unit, User
from engagement.community.models import Area, CommunityGroup
from engagement.meetings.models import Meeting
from engagement.meetings.queries.meeting import AnyUser, meetings_visible_to


@dataclass(frozen=True)
class Period:
    """Inclusive dates."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last_twelve_months(cls, today: datetime.date) -> "Period":
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return cls(start=year_ago + datetime.timedelta(days=1), end=today)

    def as_json(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, oldest first."""
        months = []
        month = self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def month_label(value: datetime.date | datetime.datetime) -> str:
    return f"{value:%Y-%m}"


def local_date(expression: Any) -> TruncDate:
    """The date of a moment in the project's time zone (Europe/London), in SQL."""
    return TruncDate(expression, tzinfo=timezone.get_default_timezone())


class DaysBetween(Func):
    """Whole calendar days from one date to a later one, in SQL on SQLite and PostgreSQL."""

    arity = 2
    output_field = IntegerField()
    # PostgreSQL: date - date is already a whole number of days.
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, start: Any, end: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


@dataclass(frozen=True)
class Filters:
    area: Area | None = None
    risk_level: str = ""
    unit: Unit | None = None
    group: CommunityGroup | None = None

    def as_json(self) -> dict:
        return {
            "area": self.area.code if self.area else None,
            "risk_level": self.risk_level or None,
            "unit": self.unit.name if self.unit else None,
            "group": str(self.group.uuid) if self.group else None,
        }


@dataclass(frozen=True)
class Scope:
    """Who is asking, for which period, narrowed how: every measure takes one."""

    user: User
    period: Period
    filters: Filters = field(default_factory=Filters)


def filtered_meetings(meetings: QuerySet[Meeting], filters: Filters) -> QuerySet[Meeting]:
    if filters.area is not None:
        meetings = meetings.filter(area=filters.area)
    if filters.risk_level:
        meetings = meetings.filter(area__risk_level=filters.risk_level)
    if filters.unit is not None:
        meetings = meetings.filter(unit=filters.unit)
    if filters.group is not None:
        # Exists, not a join: a meeting with two groups still counts once.
        meetings = meetings.filter(
            Exists(
                Meeting.groups.through.objects.filter(
                    meeting_id=OuterRef("pk"), communitygroup_id=filters.group.pk
                )
            )
        )
    return meetings


def visible_meetings(scope: Scope) -> QuerySet[Meeting]:
    """Every meeting the viewer may see, narrowed by the filters, any date or status."""
    user: AnyUser = scope.user
    return filtered_meetings(meetings_visible_to(user), scope.filters)


def in_scope_meetings(scope: Scope) -> QuerySet[Meeting]:
    """Submitted, reviewed or disputed meetings dated in the period that the viewer may see."""
    return visible_meetings(scope).filter(
        status__in=Meeting.IN_SCOPE_STATUSES,
        date__gte=scope.period.start,
        date__lte=scope.period.end,
    )


def one_decimal(value: Decimal | float) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Rate:
    """A share with its numerator and denominator; no data when nothing is counted."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return one_decimal(Decimal(self.numerator) * 100 / Decimal(self.denominator))

    def as_json(self) -> dict:
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": self.percent,
        }


@dataclass(frozen=True)
class Gap:
    """One share minus another, in percentage points, each with its counts."""

    recorded: Rate
    confirmed: Rate

    @property
    def points(self) -> float | None:
        if self.recorded.percent is None or self.confirmed.percent is None:
            return None
        # From the unrounded shares, so the gap is not off by a rounding.
        exact = (
            Decimal(self.recorded.numerator) / Decimal(self.recorded.denominator)
            - Decimal(self.confirmed.numerator) / Decimal(self.confirmed.denominator)
        ) * 100
        return one_decimal(exact)

    def as_json(self) -> dict:
        return {
            "numerator": self.recorded.numerator - self.confirmed.numerator,
            "denominator": self.recorded.denominator,
            "value": self.points,
            "recorded": self.recorded.as_json(),
            "confirmed": self.confirmed.as_json(),
        }


def median_of(
    queryset: QuerySet, expression_name: str, *, count: int | None = None
) -> float | None:
    """The median of an annotated numeric column, in the database on any backend.

    Two small queries: how many rows (unless `count` is known), then the middle one or
    two in order. No row is brought into Python but those.
    """
    if count is None:
        count = queryset.count()
    if not count:
        return None
    ordered = queryset.order_by(expression_name).values_list(expression_name, flat=True)
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return one_decimal(sum(Decimal(str(value)) for value in middle) / len(middle))


@dataclass(frozen=True)
class Count:
    value: int

    def as_json(self) -> dict:
        return {"numerator": self.value, "denominator": None, "value": self.value}


@dataclass(frozen=True)
class MedianDays:
    """A median in days over `count` items; no data when there are none."""

    value: float | None
    count: int

    def as_json(self) -> dict:
        return {"numerator": None, "denominator": self.count, "value": self.value}


def median_days(queryset: QuerySet, expression_name: str) -> MedianDays:
    """The median of an annotated number of days, with how many items it is over."""
    count = queryset.count()
    return MedianDays(median_of(queryset, expression_name, count=count), count)


Figure = Rate | Gap | Count | MedianDays


@dataclass(frozen=True)
class Breakdown:
    """One figure per row (a month, a risk level, an area ...), in display order."""

    rows: list[tuple[str, Figure]]

    def as_json(self) -> dict:
        return {
            "numerator": None,
            "denominator": None,
            "value": None,
            "by": {label: figure.as_json() for label, figure in self.rows},
        }


@dataclass(frozen=True)
class Measure:
    """A measure of DESIGN.md: its stable key for the JSON and the data dictionary, its
    plain-English name and definition, and the function that computes it for a scope."""

    key: str
    label: str
    definition: str
    compute: Callable[[Scope], Figure | Breakdown]
    # False for a figure of this moment, which no period narrows (awaiting review now).
    over_time: bool = True

    @property
    def is_table(self) -> bool:
        """A measure whose figure is a table of rows already, not a single figure."""
        return get_type_hints(self.compute).get("return") is Breakdown
