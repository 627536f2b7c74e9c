"""How open the engagement is, and whether the community says so: disclosure rates, the
confirmed disclosure rate, the disclosure gap, review coverage, trust and timeliness.

The rules every measure follows are in base.py. One more is shared by this module: the
**latest confirmation** of a disclosure is the community's answer for it in the most
recent review of its meeting that answered for it (latest `Review.created_at`, then the
review's id). "Partly", "no" and "unsure" are not "yes"; a disclosure no review answered
for has no latest confirmation.
"""

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from engagement.community.models import Area
from engagement.dashboards.queries.base import (
    Breakdown,
    Count,
    DaysBetween,
    Gap,
    Measure,
    MedianDays,
    Rate,
    Scope,
    in_scope_meetings,
    local_date,
    median_days,
    month_label,
    visible_meetings,
)
from engagement.meetings.models import Disclosure, DisclosureConfirmation, Meeting, Review

FULL = Disclosure.Level.FULL
YES = DisclosureConfirmation.Answer.YES
REVIEWED_OR_DISPUTED = (Meeting.Status.REVIEWED, Meeting.Status.DISPUTED)


# --- Disclosures ------------------------------------------------------------------------


def disclosures_in_scope(scope: Scope) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(meeting__in=in_scope_meetings(scope))


def latest_confirmations() -> QuerySet[DisclosureConfirmation]:
    """Each disclosure's latest confirmation, and no other confirmation."""
    latest_for_its_disclosure = (
        DisclosureConfirmation.objects.filter(disclosure=OuterRef("disclosure"))
        .order_by("-review__created_at", "-review_id")
        .values("pk")[:1]
    )
    return DisclosureConfirmation.objects.filter(pk=Subquery(latest_for_its_disclosure))


def _latest_confirmation_is_yes() -> Exists:
    """For a disclosure: its latest confirmation says yes."""
    return Exists(latest_confirmations().filter(disclosure=OuterRef("pk"), answer=YES))


def _level_rate(scope: Scope, level: str) -> Rate:
    counts = disclosures_in_scope(scope).aggregate(
        at_level=models.Count("pk", filter=Q(level=level)), total=models.Count("pk")
    )
    return Rate(counts["at_level"], counts["total"])


def disclosure_rate_full(scope: Scope) -> Rate:
    return _level_rate(scope, Disclosure.Level.FULL)


def disclosure_rate_partial(scope: Scope) -> Rate:
    return _level_rate(scope, Disclosure.Level.PARTIAL)


def disclosure_rate_none(scope: Scope) -> Rate:
    return _level_rate(scope, Disclosure.Level.NONE)


def confirmed_disclosure_rate(scope: Scope) -> Rate:
    counts = (
        disclosures_in_scope(scope)
        .filter(level=FULL, meeting__status__in=REVIEWED_OR_DISPUTED)
        .aggregate(
            confirmed=models.Count("pk", filter=_latest_confirmation_is_yes()),
            full=models.Count("pk"),
        )
    )
    return Rate(counts["confirmed"], counts["full"])


def _gap_confirmations(scope: Scope) -> QuerySet[DisclosureConfirmation]:
    """The latest confirmations of disclosures on reviewed or disputed in-scope meetings:
    one row per disclosure that has a latest confirmation."""
    meetings = in_scope_meetings(scope).filter(status__in=REVIEWED_OR_DISPUTED)
    return latest_confirmations().filter(disclosure__meeting__in=meetings)


_GAP_COUNTS = {
    "answered": models.Count("pk"),
    "recorded_full": models.Count("pk", filter=Q(recorded_level=FULL)),
    "confirmed": models.Count("pk", filter=Q(answer=YES)),
}


def _gap(counts: dict) -> Gap:
    return Gap(
        recorded=Rate(counts["recorded_full"], counts["answered"]),
        confirmed=Rate(counts["confirmed"], counts["answered"]),
    )


_NO_GAP = _gap({"answered": 0, "recorded_full": 0, "confirmed": 0})


def disclosure_gap(scope: Scope) -> Gap:
    return _gap(_gap_confirmations(scope).aggregate(**_GAP_COUNTS))


def disclosure_gap_by_month(scope: Scope) -> Breakdown:
    by_month = {
        month_label(row["month"]): _gap(row)
        for row in _gap_confirmations(scope)
        .values(month=TruncMonth("disclosure__meeting__date"))
        .annotate(**_GAP_COUNTS)
        .order_by()
    }
    return Breakdown(
        rows=[
            (month, by_month.get(month, _NO_GAP))
            for month in map(month_label, scope.period.months())
        ]
    )


def disclosure_gap_by_risk_level(scope: Scope) -> Breakdown:
    by_level = {
        row["risk_level"]: _gap(row)
        for row in _gap_confirmations(scope)
        .values(risk_level=F("disclosure__meeting__area__risk_level"))
        .annotate(**_GAP_COUNTS)
        .order_by()
    }
    return Breakdown(
        rows=[(level.label, by_level.get(level.value, _NO_GAP)) for level in Area.RiskLevel]
    )


# --- Reviews ----------------------------------------------------------------------------


def _has_review() -> Exists:
    return Exists(Review.objects.filter(meeting_id=OuterRef("pk")))


def review_coverage(scope: Scope) -> Rate:
    counts = in_scope_meetings(scope).aggregate(
        reviewed=models.Count("pk", filter=_has_review()), total=models.Count("pk")
    )
    return Rate(counts["reviewed"], counts["total"])


def days_to_first_review(scope: Scope) -> MedianDays:
    first_review_at = Subquery(
        Review.objects.filter(meeting_id=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    waits = (
        in_scope_meetings(scope)
        .filter(_has_review(), first_submitted_at__isnull=False)
        .annotate(days=DaysBetween(local_date("first_submitted_at"), local_date(first_review_at)))
    )
    return median_days(waits, "days")


def awaiting_review_now(scope: Scope) -> Count:
    return Count(visible_meetings(scope).filter(status=Meeting.Status.SUBMITTED).count())


def trust_by_month(scope: Scope) -> Breakdown:
    # Made by the end of the period; none can precede its meeting, so none its start.
    reviews = Review.objects.annotate(day=local_date("created_at")).filter(
        meeting__in=in_scope_meetings(scope), day__lte=scope.period.end
    )
    effects = Review.TrustEffect
    by_month = {
        month_label(row["month"]): row
        for row in reviews.values(
            month=TruncMonth("created_at", tzinfo=timezone.get_default_timezone())
        )
        .annotate(
            total=models.Count("pk"),
            **{
                effect.value: models.Count("pk", filter=Q(trust_effect=effect))
                for effect in effects
            },
        )
        .order_by()
    }
    return Breakdown(
        rows=[
            (
                f"{month} {effect.value}",
                Rate(by_month[month][effect.value], by_month[month]["total"])
                if month in by_month
                else Rate(0, 0),
            )
            for month in map(month_label, scope.period.months())
            for effect in effects
        ]
    )


# --- Timeliness -------------------------------------------------------------------------


def timeliness(scope: Scope) -> MedianDays:
    delays = (
        in_scope_meetings(scope)
        .filter(first_submitted_at__isnull=False)
        .annotate(days=DaysBetween(F("date"), local_date("first_submitted_at")))
    )
    return median_days(delays, "days")


MEASURES: list[Measure] = [
    Measure(
        key="disclosure_rate_full",
        label="Disclosure rate: full",
        definition=(
            "Of all disclosures (one per attending officer per meeting) on in-scope "
            "meetings, the share the officers recorded at level full: they stated their "
            "counter-terrorism role plainly. In-scope meetings are those dated in the "
            "period whose status is submitted, reviewed or disputed; drafts and withdrawn "
            "meetings never count. No data when there are no such disclosures."
        ),
        compute=disclosure_rate_full,
    ),
    Measure(
        key="disclosure_rate_partial",
        label="Disclosure rate: partial",
        definition=(
            "Of all disclosures on in-scope meetings, the share the officers recorded at "
            "level partial: they said they were police, not counter-terrorism. No data "
            "when there are no such disclosures."
        ),
        compute=disclosure_rate_partial,
    ),
    Measure(
        key="disclosure_rate_none",
        label="Disclosure rate: none",
        definition=(
            "Of all disclosures on in-scope meetings, the share the officers recorded at "
            "level none: they did not say. No data when there are no such disclosures."
        ),
        compute=disclosure_rate_none,
    ),
    Measure(
        key="confirmed_disclosure_rate",
        label="Confirmed disclosure rate",
        definition=(
            "Of the disclosures recorded at level full (as the record stands) on in-scope "
            "meetings that are reviewed or disputed, the share whose latest confirmation "
            "is yes. The latest confirmation is the community's answer for that "
            "disclosure in the most recent review of the meeting that answered for it "
            "(latest review time, then the review's id). Partly, no and unsure are not "
            "yes, and a full disclosure no review answered for counts as not confirmed. "
            "No data when there are no such full disclosures."
        ),
        compute=confirmed_disclosure_rate,
    ),
    Measure(
        key="disclosure_gap",
        label="Disclosure gap",
        definition=(
            "On in-scope meetings that are reviewed or disputed, over the disclosures that "
            "have a latest confirmation: the share the officer had recorded as full when "
            "the community answered (the level recorded with that latest confirmation), "
            "minus the share whose latest confirmation is yes, in percentage points, from "
            "the unrounded shares. Example: three disclosures, two recorded as full, one "
            "confirmed yes: 66.7 % minus 33.3 % is a gap of 33.3 points. Partly, no and "
            "unsure are not yes. No data when no disclosure has a latest confirmation."
        ),
        compute=disclosure_gap,
    ),
    Measure(
        key="disclosure_gap_by_month",
        label="Disclosure gap by month",
        definition=(
            "The disclosure gap for each month of the period, by the month of the "
            "meeting's date (YYYY-MM); a month with no disclosure that has a latest "
            "confirmation shows no data."
        ),
        compute=disclosure_gap_by_month,
    ),
    Measure(
        key="disclosure_gap_by_risk_level",
        label="Disclosure gap by area risk level",
        definition=(
            "The disclosure gap for each risk level of the meeting's area (standard, "
            "elevated, high, in that order); a level with no disclosure that has a latest "
            "confirmation shows no data."
        ),
        compute=disclosure_gap_by_risk_level,
    ),
    Measure(
        key="review_coverage",
        label="Review coverage",
        definition=(
            "Of the in-scope meetings, the share with at least one review by a community "
            "liaison, whatever it said and whenever it was made. No data when there are "
            "no in-scope meetings."
        ),
        compute=review_coverage,
    ),
    Measure(
        key="days_to_first_review",
        label="Median days from submission to first review",
        definition=(
            "Over the in-scope meetings that have a review, the median number of calendar "
            "days from the date a meeting was first submitted to the date of its first "
            "review, both dates taken in the project's time zone (Europe/London): a "
            "meeting submitted on a Monday and first reviewed that Wednesday took 2 days, "
            "whatever the hours. With an even number of meetings, the mean of the middle "
            "two. No data when no in-scope meeting has a review."
        ),
        compute=days_to_first_review,
    ),
    Measure(
        key="awaiting_review_now",
        label="Meetings awaiting review now",
        definition=(
            "The number of meetings the viewer may see, narrowed by the filters, whose "
            "status is submitted at this moment, whatever their date: the period does not "
            "apply. A disputed meeting is not awaiting review until the officer's "
            "correction sends it back to submitted."
        ),
        compute=awaiting_review_now,
        over_time=False,
    ),
    Measure(
        key="trust_by_month",
        label="Effect on trust by month",
        definition=(
            "For each month of the period, by the month the review was made (in the "
            "project's time zone), the reviews of in-scope meetings made by the end of "
            "the period, and the share saying the meeting improved trust, left it unchanged "
            "and worsened it (rows labelled YYYY-MM improved, unchanged, worsened; the "
            "three share one denominator). Every review counts, including several "
            "liaisons' reviews of one meeting and a new review after a correction. A month "
            "with no review shows no data."
        ),
        compute=trust_by_month,
    ),
    Measure(
        key="timeliness",
        label="Median days from meeting to first submission",
        definition=(
            "Over the in-scope meetings, the median number of calendar days from the date "
            "of the meeting to the date it was first submitted for review (in the "
            "project's time zone); 0 when submitted on the day. With an even number of "
            "meetings, the mean of the middle two. No data when there are no in-scope "
            "meetings."
        ),
        compute=timeliness,
    ),
]
