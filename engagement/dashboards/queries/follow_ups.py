"""Follow-up and dispute measures (see base.py for the rules every measure follows).

Follow-up actions belong to the period by their due date (a partly done action's due
date is the new one it was given). An action counts when the viewer may see it
(`follow_ups_visible_to`), its meeting is submitted, reviewed or disputed (never a draft
or a withdrawn meeting, whatever the action's own state) and its meeting matches the
filters. Disputes count by the day, in the service's time zone, they were opened or
closed, on a meeting the viewer may see that matches the filters and is not withdrawn.
"""

import datetime

from django.db import models
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from engagement import clock
from engagement.dashboards.queries.base import (
    Breakdown,
    Count,
    DaysBetween,
    Filters,
    Gap,
    Measure,
    MedianDays,
    Period,
    Rate,
    Scope,
    filtered_meetings,
    median_days,
    month_label,
    visible_meetings,
)
from engagement.meetings.models import Dispute, FollowUpAction, Meeting, ReportBackConfirmation
from engagement.meetings.queries.meeting import follow_ups_visible_to

Status = FollowUpAction.Status

OUTSTANDING = Q(status__in=FollowUpAction.OUTSTANDING_STATUSES)
DONE = Q(status=Status.DONE)
NOT_CANCELLED = ~Q(status=Status.CANCELLED)
DONE_ON_TIME = DONE & Q(completed_on__lte=F("due_date"))
REPORTED_BACK = DONE & Q(reported_back_on__isnull=False)


def _actions_due(scope: Scope) -> QuerySet[FollowUpAction]:
    """The actions every follow-up measure counts: visible, meeting in scope, due in the period."""
    actions = follow_ups_visible_to(scope.user).filter(
        meeting__status__in=Meeting.IN_SCOPE_STATUSES,
        due_date__gte=scope.period.start,
        due_date__lte=scope.period.end,
    )
    if scope.filters != Filters():
        # Only when narrowed: unfiltered, a plain join on the meeting is enough.
        actions = actions.filter(
            meeting__in=filtered_meetings(Meeting.objects.all(), scope.filters)
        )
    return actions


def _on_time_counts() -> dict[str, models.Count]:
    return {
        "on_time": models.Count("pk", filter=DONE_ON_TIME),
        "due": models.Count("pk", filter=NOT_CANCELLED),
    }


def follow_ups_open(scope: Scope) -> Count:
    return Count(_actions_due(scope).filter(OUTSTANDING).count())


def follow_ups_overdue(scope: Scope) -> Count:
    today = clock.today()
    return Count(_actions_due(scope).filter(OUTSTANDING, due_date__lt=today).count())


def follow_ups_on_time(scope: Scope) -> Rate:
    counts = _actions_due(scope).aggregate(**_on_time_counts())
    return Rate(counts["on_time"], counts["due"])


def days_to_complete(scope: Scope) -> MedianDays:
    done = _actions_due(scope).filter(DONE)
    return median_days(done.annotate(days=DaysBetween("meeting__date", "completed_on")), "days")


def reported_back_rate(scope: Scope) -> Rate:
    counts = _actions_due(scope).aggregate(
        reported=models.Count("pk", filter=REPORTED_BACK),
        done=models.Count("pk", filter=DONE),
    )
    return Rate(counts["reported"], counts["done"])


def _latest_answer_to_current_report_back() -> Subquery:
    """The latest liaison answer about the action's report-back as it stands now.

    An answer is about the report-back of the action's version when it was given;
    reopening and reporting back again raises the version, so older answers drop out.
    """
    answers = ReportBackConfirmation.objects.filter(
        follow_up=OuterRef("pk"), follow_up_version=OuterRef("version")
    ).order_by("-created_at", "-pk")
    return Subquery(answers.values("answer")[:1])


def reported_back_gap(scope: Scope) -> Gap:
    counts = (
        _actions_due(scope)
        .filter(DONE)
        .annotate(latest_answer=_latest_answer_to_current_report_back())
        .aggregate(
            done=models.Count("pk"),
            reported=models.Count("pk", filter=REPORTED_BACK),
            confirmed=models.Count(
                "pk",
                filter=REPORTED_BACK & Q(latest_answer=ReportBackConfirmation.Answer.YES),
            ),
        )
    )
    return Gap(
        recorded=Rate(counts["reported"], counts["done"]),
        confirmed=Rate(counts["confirmed"], counts["done"]),
    )


def follow_ups_by_month(scope: Scope) -> Breakdown:
    per_month = (
        _actions_due(scope)
        .annotate(month=TruncMonth("due_date"))
        .order_by()
        .values("month")
        .annotate(**_on_time_counts())
    )
    rates = {row["month"]: Rate(row["on_time"], row["due"]) for row in per_month}
    return Breakdown(
        rows=[(month_label(month), rates.get(month, Rate(0, 0))) for month in scope.period.months()]
    )


def _disputes(scope: Scope) -> QuerySet[Dispute]:
    meetings = visible_meetings(scope).exclude(status=Meeting.Status.WITHDRAWN)
    return Dispute.objects.filter(meeting__in=meetings)


def _during(period: Period, field: str) -> Q:
    """`field` (a moment) falls on a day of the period, in the service's time zone.

    As a range of moments rather than `__date`, so an index on the column serves it.
    """
    first = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    after = timezone.make_aware(
        datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min)
    )
    return Q(**{f"{field}__gte": first, f"{field}__lt": after})


def disputes_opened(scope: Scope) -> Count:
    return Count(_disputes(scope).filter(_during(scope.period, "opened_at")).count())


def _closed_as(scope: Scope, status: Dispute.Status) -> Count:
    closed = _disputes(scope).filter(_during(scope.period, "closed_at"), status=status)
    return Count(closed.count())


def disputes_resolved(scope: Scope) -> Count:
    return _closed_as(scope, Dispute.Status.RESOLVED)


def disputes_escalated(scope: Scope) -> Count:
    return _closed_as(scope, Dispute.Status.ESCALATED)


def disputes_lapsed(scope: Scope) -> Count:
    return _closed_as(scope, Dispute.Status.LAPSED)


_ACTIONS_COUNTED = (
    "Counted are the follow-up actions you may see that are due in the period (a partly "
    "done action by its new due date) and whose meeting is submitted, reviewed or disputed "
    "(never a draft or a withdrawn meeting) and matches the filters."
)
_DISPUTES_COUNTED = (
    "Counted are disputes of meetings you may see that match the filters, whatever the "
    "meeting's status now, except withdrawn meetings; days are UK dates."
)

MEASURES: list[Measure] = [
    Measure(
        key="follow_ups_open",
        label="Follow-up actions outstanding",
        definition="The number of follow-up actions still outstanding now: open or partly "
        "done (not done and not cancelled). " + _ACTIONS_COUNTED,
        compute=follow_ups_open,
    ),
    Measure(
        key="follow_ups_overdue",
        label="Follow-up actions overdue",
        definition="The number of follow-up actions still outstanding (open or partly "
        "done) whose due date is before today; an action due today is not yet overdue. "
        + _ACTIONS_COUNTED,
        compute=follow_ups_overdue,
    ),
    Measure(
        key="follow_ups_on_time",
        label="Follow-up actions done on time",
        definition="Actions done with a completion date on or before their due date, "
        "divided by all actions due in the period except cancelled ones (open, partly "
        "done and late ones count in the denominator only). " + _ACTIONS_COUNTED,
        compute=follow_ups_on_time,
    ),
    Measure(
        key="days_to_complete",
        label="Median days from meeting to completion",
        definition="The median, in days, from the date of the meeting to the date the "
        "action was completed, over actions done (the middle value, or the average of the "
        "two middle values). No data when no action is done. " + _ACTIONS_COUNTED,
        compute=days_to_complete,
    ),
    Measure(
        key="reported_back_rate",
        label="Follow-up outcomes reported back",
        definition="Actions done whose outcome the officer recorded as reported back to "
        "the community (with a date), divided by all actions done. " + _ACTIONS_COUNTED,
        compute=reported_back_rate,
    ),
    Measure(
        key="reported_back_gap",
        label="Reported-back gap",
        definition="Over actions done: the share the officers recorded as reported back, "
        "minus the share whose reporting back the community confirmed, in percentage "
        "points. A report-back is confirmed when the latest answer (by when it was given) "
        "from the liaisons of the group it is owed to, about the report-back as it stands "
        "now, is yes; an answer about an earlier report-back (before the action was "
        "reopened) does not count, and partly, no or no answer is not yes. " + _ACTIONS_COUNTED,
        compute=reported_back_gap,
    ),
    Measure(
        key="follow_ups_by_month",
        label="Follow-up actions done on time, by month due",
        definition="The follow-up on-time rate (actions done on or before their due date, "
        "divided by actions due that are not cancelled) for each month of the period, by "
        "the month the actions are due; a month with no action due shows no data. "
        + _ACTIONS_COUNTED,
        compute=follow_ups_by_month,
    ),
    Measure(
        key="disputes_opened",
        label="Disputes opened",
        definition="The number of disputes opened on a day of the period (a liaison's "
        "review that did not confirm the record). " + _DISPUTES_COUNTED,
        compute=disputes_opened,
    ),
    Measure(
        key="disputes_resolved",
        label="Disputes resolved",
        definition="The number of disputes closed on a day of the period as resolved (a "
        "later review confirmed the corrected record). " + _DISPUTES_COUNTED,
        compute=disputes_resolved,
    ),
    Measure(
        key="disputes_escalated",
        label="Disputes escalated",
        definition="The number of disputes closed on a day of the period as escalated to "
        "the admins (marked unresolved by the officer or a liaison). " + _DISPUTES_COUNTED,
        compute=disputes_escalated,
    ),
    Measure(
        key="disputes_lapsed",
        label="Disputes lapsed",
        definition="The number of disputes closed on a day of the period as lapsed (no new "
        "review within the set time after the correction); a lapsed dispute is never a "
        "confirmation. " + _DISPUTES_COUNTED,
        compute=disputes_lapsed,
    ),
]
