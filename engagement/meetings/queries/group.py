"""Reads of community groups that involve their meetings: the groups list and a group's page.

Every figure about a group's meetings counts only meetings the viewer may see
(`meetings_visible_to`) and, like every measure, only in-scope ones (submitted, reviewed
or disputed). A liaison sees every in-scope meeting of their groups, so for them these
are the group's whole record; an officer sees their own unit's meetings.
"""

import datetime
import uuid as uuid_module
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncMonth

from engagement.accounts.models import User
from engagement.community.models import CommunityGroup
from engagement.community.queries import groups_visible_to, with_liaisons
from engagement.meetings.models import FollowUpAction, Meeting
from engagement.meetings.queries.meeting import (
    follow_ups_visible_to,
    meetings_visible_to,
)

MONTHS_SHOWN = 12
LATEST_MEETINGS_SHOWN = 10


def _in_scope_meetings(user: User) -> QuerySet[Meeting]:
    return meetings_visible_to(user).filter(status__in=Meeting.IN_SCOPE_STATUSES)


def _cadence_start(today: datetime.date):
    """The first day of each group's agreed cadence before `today`, in SQL.

    SQLite's duration arithmetic accepts only plain integer columns, hence the wrapper.
    """
    days = ExpressionWrapper(F("contact_cadence_days"), output_field=IntegerField())
    cadence = ExpressionWrapper(days * datetime.timedelta(days=1), output_field=DurationField())
    return Cast(Value(today, output_field=DateField()) - cadence, output_field=DateField())


def with_engagement(
    *, groups: QuerySet[CommunityGroup], user: User, today: datetime.date
) -> QuerySet[CommunityGroup]:
    """`groups` annotated, in SQL, with what the groups pages say of their engagement.

    `last_engagement`: the date of the latest in-scope meeting `user` may see, or None.
    `is_past_cadence`: no such meeting within the group's agreed cadence before `today`
    (from `today` minus `contact_cadence_days` to `today`); a group never met is past it.
    """
    # The latest of the group's own meetings, found from the group (a maximum), where
    # "newest first, stop at one" walked the nation's meetings looking for the group's.
    latest = (
        _in_scope_meetings(user)
        .filter(groups=OuterRef("pk"), date__lte=today)
        .order_by()
        .values("groups")
        .annotate(latest=Max("date"))
        .values("latest")
    )
    return groups.annotate(
        last_engagement=Subquery(latest, output_field=DateField()),
        is_past_cadence=Case(
            When(
                Q(last_engagement__isnull=True) | Q(last_engagement__lt=_cadence_start(today)),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def group_list(*, user: User, today: datetime.date) -> QuerySet[CommunityGroup]:
    """The groups `user` may see, with what a list row shows, in a fixed number of queries."""
    groups = groups_visible_to(user).select_related("area")
    return with_engagement(groups=groups, user=user, today=today).order_by("name", "pk")


def group_for_detail(
    *, user: User, uuid: uuid_module.UUID, today: datetime.date
) -> CommunityGroup | None:
    """The group if `user` may see it, with its area, liaisons and engagement; else None."""
    groups = with_liaisons(groups=groups_visible_to(user)).filter(uuid=uuid)
    return with_engagement(groups=groups, user=user, today=today).first()


@dataclass(frozen=True)
class MonthCount:
    month: datetime.date  # the first day of the month
    meetings: int


def _first_of_month(day: datetime.date, *, months_back: int = 0) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months_back, 12)
    return datetime.date(year, month + 1, 1)


def meetings_by_month(
    *, group: CommunityGroup, user: User, today: datetime.date, months: int = MONTHS_SHOWN
) -> list[MonthCount]:
    """In-scope meetings with `group` that `user` may see, per month, oldest month first.

    The last `months` calendar months up to and including today's; a month without
    meetings shows 0. Counted in SQL, one query.
    """
    start = _first_of_month(today, months_back=months - 1)
    counted = (
        _in_scope_meetings(user)
        .filter(groups=group, date__gte=start, date__lte=today)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(meetings=Count("pk"))
        .order_by("month")
    )
    by_month = {_as_date(row["month"]): row["meetings"] for row in counted}
    firsts = [_first_of_month(today, months_back=back) for back in range(months - 1, -1, -1)]
    return [MonthCount(month=first, meetings=by_month.get(first, 0)) for first in firsts]


def _as_date(value) -> datetime.date:
    # PostgreSQL's date_trunc may hand back a datetime; the month is its date.
    return value.date() if isinstance(value, datetime.datetime) else value


def latest_meetings_with(*, group: CommunityGroup, user: User) -> QuerySet[Meeting]:
    """Meetings with `group` that `user` may see, newest first; withdrawn ones left out."""
    return (
        meetings_visible_to(user)
        .filter(groups=group)
        .exclude(status=Meeting.Status.WITHDRAWN)
        .order_by("-date", "-start_time", "-pk")
    )


def outstanding_follow_ups_owed_to(
    *, group: CommunityGroup, user: User
) -> QuerySet[FollowUpAction]:
    """Actions still owed to `group` (open or partly done) that `user` may see, by due date."""
    return (
        follow_ups_visible_to(user)
        .filter(owed_to=group, status__in=FollowUpAction.OUTSTANDING_STATUSES)
        .exclude(meeting__status=Meeting.Status.WITHDRAWN)
        .select_related("owner", "owed_to", "meeting")
        .order_by("due_date", "pk")
    )
