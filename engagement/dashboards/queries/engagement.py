"""Measures of how the engagement is done: focus, youth, surveillance concerns, what was
passed on, continuity of the officers meeting each group, and coverage against each
group's agreed cadence (see base.py for the rules every measure follows).

Each measure is one aggregate query over the in-scope meetings of its scope.
"""

import datetime

from django.db.models import (
    Count as CountOf,
)
from django.db.models import (
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    ValueRange,
    Window,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, TruncMonth

from engagement.community.models import Area, CommunityGroup
from engagement.dashboards.queries.base import (
    Breakdown,
    Count,
    DaysBetween,
    Filters,
    Measure,
    Rate,
    Scope,
    in_scope_meetings,
    month_label,
)
from engagement.meetings.models import Disclosure, Meeting
from engagement.meetings.queries.choices import groups_to_choose
from engagement.meetings.queries.meeting import meetings_visible_to

# Continuity looks back this many days before each meeting's date.
CONTINUITY_DAYS = 365


# --- shared pieces ------------------------------------------------------------------


def _rate(meetings: QuerySet[Meeting], numerator: Q, denominator: Q | None = None) -> Rate:
    """One query: the meetings matching `numerator` among those matching `denominator`."""
    denominator = denominator if denominator is not None else Q()
    counts = meetings.aggregate(
        denominator=CountOf("pk", filter=denominator),
        numerator=CountOf("pk", filter=denominator & numerator),
    )
    return Rate(counts["numerator"], counts["denominator"])


def _by_risk_level(
    meetings: QuerySet[Meeting], numerator: Q, denominator: Q | None = None
) -> Breakdown:
    """One query: the rate per risk level of the meeting's area, every level in
    Area.RiskLevel order, a level without meetings as no data."""
    denominator = denominator if denominator is not None else Q()
    rows = (
        meetings.order_by()
        .values("area__risk_level")
        .annotate(
            denominator=CountOf("pk", filter=denominator),
            numerator=CountOf("pk", filter=denominator & numerator),
        )
    )
    counted = {row["area__risk_level"]: row for row in rows}
    return Breakdown(
        rows=[
            (
                level.label,
                Rate(
                    counted.get(level.value, {}).get("numerator", 0),
                    counted.get(level.value, {}).get("denominator", 0),
                ),
            )
            for level in Area.RiskLevel
        ]
    )


def _by_month(scope: Scope, meetings: QuerySet[Meeting], numerator: Q) -> Breakdown:
    """One query: the rate per calendar month of the meeting's date, every month of the
    period in order, a month without meetings as no data."""
    rows = (
        meetings.order_by()
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(denominator=CountOf("pk"), numerator=CountOf("pk", filter=numerator))
    )
    # PostgreSQL's date_trunc may hand back a datetime; both format alike.
    counted = {month_label(row["month"]): row for row in rows}
    return Breakdown(
        rows=[
            (
                month,
                Rate(
                    counted.get(month, {}).get("numerator", 0),
                    counted.get(month, {}).get("denominator", 0),
                ),
            )
            for month in map(month_label, scope.period.months())
        ]
    )


def _days_before(day: Combinable, days: Combinable) -> Cast:
    """`day` minus `days` (an integer expression) as a date, in SQL on every backend.

    SQLite's duration arithmetic accepts only plain integer columns, hence the wrapper;
    the cast keeps the answer a date (PostgreSQL's date minus an interval is a
    timestamp). The same approach as meetings.queries.group.
    """
    as_integer = ExpressionWrapper(days, output_field=IntegerField())
    duration = ExpressionWrapper(
        as_integer * datetime.timedelta(days=1), output_field=DurationField()
    )
    return Cast(day - duration, output_field=DateField())


def _group_side(scope: Scope) -> tuple[QuerySet[CommunityGroup], QuerySet[Meeting]]:
    """For the measures about groups: the viewer's groups, narrowed by the area, risk
    level and group filters (the group's own area), and the in-scope meetings narrowed by
    the unit filter only, so a group met at a meeting recorded in another area still
    counts as met. The viewer's groups are those their filters offer (queries.choices): an
    officer's are their unit's area's groups and those of the meetings they may see, not
    the nation's."""
    groups = groups_to_choose(scope.user)
    filters = scope.filters
    if filters.area is not None:
        groups = groups.filter(area=filters.area)
    if filters.risk_level:
        groups = groups.filter(area__risk_level=filters.risk_level)
    if filters.group is not None:
        groups = groups.filter(pk=filters.group.pk)
    meetings = in_scope_meetings(
        Scope(user=scope.user, period=scope.period, filters=Filters(unit=filters.unit))
    )
    return groups, meetings


# --- focus ------------------------------------------------------------------------

COMMUNITY_FOCUSED = Q(focus=Meeting.Focus.COMMUNITY_FOCUSED)
TARGETED = Q(focus=Meeting.Focus.TARGETED)


def focus_community(scope: Scope) -> Rate:
    return _rate(in_scope_meetings(scope), COMMUNITY_FOCUSED)


def focus_targeted(scope: Scope) -> Rate:
    return _rate(in_scope_meetings(scope), TARGETED)


def focus_by_risk_level(scope: Scope) -> Breakdown:
    return _by_risk_level(in_scope_meetings(scope), COMMUNITY_FOCUSED)


# --- youth ------------------------------------------------------------------------


def youth_under_25_present(scope: Scope) -> Rate:
    return _rate(in_scope_meetings(scope), Q(under_25_count__gt=0))


def youth_under_18_present(scope: Scope) -> Rate:
    return _rate(in_scope_meetings(scope), Q(under_18_count__gt=0))


def youth_under_25_attendees(scope: Scope) -> Count:
    total = in_scope_meetings(scope).aggregate(total=Coalesce(Sum("under_25_count"), 0))
    return Count(total["total"])


# --- surveillance concerns -----------------------------------------------------------

SURVEILLANCE = Q(concern_surveillance=True)


def surveillance_concerns(scope: Scope) -> Rate:
    return _rate(in_scope_meetings(scope), SURVEILLANCE)


def surveillance_by_risk_level(scope: Scope) -> Breakdown:
    return _by_risk_level(in_scope_meetings(scope), SURVEILLANCE)


def surveillance_by_month(scope: Scope) -> Breakdown:
    return _by_month(scope, in_scope_meetings(scope), SURVEILLANCE)


# --- told before passed on ------------------------------------------------------------

PASSED_ON = Q(passed_on=True)
TOLD = Q(community_told_passed_on=True)


def told_before_passed_on(scope: Scope) -> Rate:
    return _rate(in_scope_meetings(scope), TOLD, denominator=PASSED_ON)


def told_before_passed_on_by_risk_level(scope: Scope) -> Breakdown:
    return _by_risk_level(in_scope_meetings(scope), TOLD, denominator=PASSED_ON)


# --- continuity -----------------------------------------------------------------------


class DaysBefore(ValueRange):
    """A window over the rows from `days` before the current row's day to the day before
    it, ordered by a whole number of days: RANGE BETWEEN n PRECEDING AND 1 PRECEDING.
    PostgreSQL (11 and later) and SQLite run it; Django's ValueRange refuses an offset on
    PostgreSQL and a frame that ends before the current row, so the frame is written
    here."""

    def __init__(self, days: int) -> None:
        super().__init__(start=-days, end=0)
        self.days = days

    # The stubs say ints; Django's own backends return these SQL fragments.
    def window_frame_start_end(self, connection, start, end) -> tuple[str, str]:  # type: ignore[override]
        return f"{int(self.days)} PRECEDING", "1 PRECEDING"


def _met_before_by_same_officer(scope: Scope) -> QuerySet:
    """The ids of meetings that one of their attending officers had met one of their
    groups at before: a submitted, reviewed or disputed meeting the viewer may see, dated
    in the CONTINUITY_DAYS days before (not on the same day). The earlier meeting need not
    be in the period nor match the filters: continuity is about the people, wherever they
    met.

    One pass, not a search per meeting: every (officer, group) pair of the meetings since
    CONTINUITY_DAYS before the period, ordered by day, and a window counting each pair's
    rows from CONTINUITY_DAYS days before to the day before.
    """
    since = scope.period.start - datetime.timedelta(days=CONTINUITY_DAYS)
    meetings = meetings_visible_to(scope.user).filter(
        status__in=Meeting.IN_SCOPE_STATUSES, date__gte=since, date__lte=scope.period.end
    )
    pairs = Disclosure.objects.filter(meeting__in=meetings).annotate(
        group=F("meeting__groups"),
        earlier=Window(
            CountOf("pk"),
            partition_by=[F("officer_id"), F("group")],
            order_by=DaysBetween(Value(since), F("meeting__date")).asc(),
            frame=DaysBefore(CONTINUITY_DAYS),
        ),
    )
    return pairs.filter(earlier__gt=0).values("meeting_id")


def continuity(scope: Scope) -> Rate:
    return _rate(in_scope_meetings(scope), Q(pk__in=_met_before_by_same_officer(scope)))


def distinct_officers_per_group(scope: Scope) -> Breakdown:
    groups, meetings = _group_side(scope)
    # Counted in one pass over the in-scope meetings, then set beside every group: one
    # count of every group joined to all its meetings ever read the whole table.
    counted = (
        meetings.order_by()
        .values("groups")
        .annotate(officers=CountOf("disclosures__officer", distinct=True))
        .values_list("groups", "officers")
    )
    officers = dict(counted)
    rows = [
        (name, officers.get(pk, 0))
        for pk, name in groups.order_by("name", "pk").values_list("pk", "name")
    ]
    return Breakdown(rows=[(name, Count(officers)) for name, officers in rows])


# --- coverage -------------------------------------------------------------------------


def _coverage_gaps(scope: Scope) -> QuerySet[CommunityGroup]:
    """Active groups with no in-scope meeting from `contact_cadence_days` before the end
    of the period up to its end (a meeting on the first day of that window counts)."""
    groups, meetings = _group_side(scope)
    window_start = _days_before(Value(scope.period.end), OuterRef("contact_cadence_days"))
    met_within_cadence = meetings.filter(groups=OuterRef("pk"), date__gte=window_start)
    return groups.filter(active=True).filter(~Exists(met_within_cadence))


def coverage_gaps(scope: Scope) -> Count:
    return Count(_coverage_gaps(scope).count())


def coverage_gap_groups(scope: Scope) -> Breakdown:
    names = _coverage_gaps(scope).order_by("name", "pk").values_list("name", "contact_cadence_days")
    return Breakdown(rows=[(name, Count(cadence)) for name, cadence in names])


# --- the register -----------------------------------------------------------------------

IN_SCOPE_WORDS = (
    "In-scope meetings are those dated in the period whose status is submitted, reviewed or "
    "disputed (never drafts or withdrawn meetings) that the viewer may see, narrowed by the "
    "chosen area, risk level, unit and group."
)
NO_DATA_WORDS = "With no such meetings the rate is no data, never 0 %."
BY_RISK_WORDS = (
    "One row per risk level of the meeting's area (standard, elevated, high), a level "
    "without meetings shown as no data."
)

MEASURES: list[Measure] = [
    Measure(
        key="focus_community",
        label="Community-focused meetings",
        definition="Of the in-scope meetings, the share whose focus is community-focused "
        "(led by the community's own concerns and building the relationship). "
        + IN_SCOPE_WORDS
        + " "
        + NO_DATA_WORDS,
        compute=focus_community,
    ),
    Measure(
        key="focus_targeted",
        label="Targeted meetings",
        definition="Of the in-scope meetings, the share whose focus is targeted (aimed at "
        "a specific risk, place or intervention the police have identified). "
        + IN_SCOPE_WORDS
        + " "
        + NO_DATA_WORDS,
        compute=focus_targeted,
    ),
    Measure(
        key="focus_by_risk_level",
        label="Community-focused meetings by area risk level",
        definition="The community-focused share of in-scope meetings (as focus_community), "
        "for each risk level of the meeting's area. " + BY_RISK_WORDS + " " + IN_SCOPE_WORDS,
        compute=focus_by_risk_level,
    ),
    Measure(
        key="youth_under_25_present",
        label="Meetings with under-25s present",
        definition="Of the in-scope meetings, the share with at least one community "
        "attendee under 25. " + IN_SCOPE_WORDS + " " + NO_DATA_WORDS,
        compute=youth_under_25_present,
    ),
    Measure(
        key="youth_under_18_present",
        label="Meetings with under-18s present",
        definition="Of the in-scope meetings, the share with at least one community "
        "attendee under 18. " + IN_SCOPE_WORDS + " " + NO_DATA_WORDS,
        compute=youth_under_18_present,
    ),
    Measure(
        key="youth_under_25_attendees",
        label="Under-25 attendees",
        definition="The total number of community attendees under 25 recorded on the "
        "in-scope meetings (0 when there are none). " + IN_SCOPE_WORDS,
        compute=youth_under_25_attendees,
    ),
    Measure(
        key="surveillance_concerns",
        label="Meetings where surveillance was raised",
        definition="Of the in-scope meetings, the share where the community raised "
        "surveillance or covert observation as a concern. " + IN_SCOPE_WORDS + " " + NO_DATA_WORDS,
        compute=surveillance_concerns,
    ),
    Measure(
        key="surveillance_by_risk_level",
        label="Surveillance raised, by area risk level",
        definition="The share of in-scope meetings where the community raised surveillance "
        "or covert observation (as surveillance_concerns), for each risk level of the "
        "meeting's area. " + BY_RISK_WORDS + " " + IN_SCOPE_WORDS,
        compute=surveillance_by_risk_level,
    ),
    Measure(
        key="surveillance_by_month",
        label="Surveillance raised, by month",
        definition="The share of in-scope meetings where the community raised surveillance "
        "or covert observation (as surveillance_concerns), for each calendar month "
        "(YYYY-MM) of the meeting's date, every month the period touches listed in order, "
        "a month without meetings shown as no data. " + IN_SCOPE_WORDS,
        compute=surveillance_by_month,
    ),
    Measure(
        key="told_before_passed_on",
        label="Community told before information was passed on",
        definition="Of the in-scope meetings where something from the meeting was passed "
        "to other police systems (for example as intelligence), the share where the "
        "community was told at the meeting that it would be. "
        + IN_SCOPE_WORDS
        + " With nothing passed on the rate is no data, never 0 %.",
        compute=told_before_passed_on,
    ),
    Measure(
        key="told_before_passed_on_by_risk_level",
        label="Community told before information was passed on, by area risk level",
        definition="Of the in-scope meetings where something was passed to other police "
        "systems, the share where the community was told at the meeting (as "
        "told_before_passed_on), for each risk level of the meeting's area. "
        + BY_RISK_WORDS
        + " "
        + IN_SCOPE_WORDS,
        compute=told_before_passed_on_by_risk_level,
    ),
    Measure(
        key="continuity",
        label="Meetings continuing an officer's relationship with the group",
        definition="Of the in-scope meetings, the share where at least one attending "
        "officer (an officer with a disclosure on the meeting) also attended an earlier "
        "submitted, reviewed or disputed meeting with one of the same groups, dated in "
        f"the {CONTINUITY_DAYS} days before the meeting's date (from {CONTINUITY_DAYS} "
        "days before up to the day before; not the same day). A meeting with several "
        "groups counts once, as continuous if any of its groups qualifies. The earlier "
        "meeting may fall before the period and need not match the filters, but must be "
        "one the viewer may see. " + IN_SCOPE_WORDS + " " + NO_DATA_WORDS,
        compute=continuity,
    ),
    Measure(
        key="distinct_officers_per_group",
        label="Officers meeting each group",
        definition="For each of the viewer's community groups (every group for an admin; "
        "for an officer, the groups of their unit's area and of the meetings they may see; "
        "for a liaison, their own), narrowed by the chosen "
        "area and risk level, taken from the group's own area, and by the chosen group, "
        "by name, the number of different officers who attended (had a disclosure on) at "
        "least one meeting with that group dated in the period whose status is submitted, "
        "reviewed or disputed, that the viewer may see, narrowed by the chosen unit. An "
        "officer meeting a group several times counts once; a group nobody met shows 0. "
        "Drafts and withdrawn meetings never count.",
        compute=distinct_officers_per_group,
    ),
    Measure(
        key="coverage_gaps",
        label="Groups not met within their agreed cadence",
        definition="The number of the viewer's active community groups (as for "
        "distinct_officers_per_group), narrowed by the chosen area and risk level, taken "
        "from the group's own area, and by the chosen group, with no meeting within their "
        "agreed contact cadence (in days, default 90) before the end of the period: none dated from the cadence's number "
        "of days before the period's last day up to that day, counting that first day. "
        "Only meetings dated in the period whose status is submitted, reviewed or "
        "disputed, that the viewer may see, narrowed by the chosen unit, count; a meeting "
        "before the period's first day does not, even within the cadence. Inactive "
        "groups never count.",
        compute=coverage_gaps,
    ),
    Measure(
        key="coverage_gap_groups",
        label="Groups not met within their agreed cadence, by name",
        definition="The groups counted by coverage_gaps, by name, each with its agreed "
        "contact cadence in days.",
        compute=coverage_gap_groups,
    ),
]
