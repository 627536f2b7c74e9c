"""Reads for retention review: the queue of meetings due, and one meeting's decisions.

The queue holds the meetings not disposed of whose review-by date is today or earlier,
the longest overdue first: in the order of (review-by date, meeting date, id). They are
of two kinds, each read from its own index (Meeting.Meta) in that order and stopped at a
page, then merged:

- never reviewed: due by their date plus the period (schedule.first_review_on), which
  grows with the date, so the index (date, id) of the meetings neither disposed of nor
  kept gives them in the queue's order (by unit or area: the same index led by it);
- kept at a review: due on the next review date that decision set, the index
  (retention_kept_until, date, id) of the meetings kept and not disposed of.

Pages are keyset pages (engagement.pagination's cursors and SeekPage): each starts just
after the last row of the one before, so page 1,000 costs what page 1 does; the count
stops at pagination.COUNT_CAP ("more than 10,000"), as the meetings list's does.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects

from engagement.accounts.models import Unit, User
from engagement.community.models import Area, CommunityGroup
from engagement.meetings.models import Meeting
from engagement.meetings.queries.meeting import meetings_visible_to
from engagement.pagination import COUNT_CAP, Cursor, SeekPage, count_up_to
from engagement.retention import schedule
from engagement.retention.models import RetentionDecision

# (review-by date, meeting date, meeting id): the queue's order, and a cursor's values.
QueueKey = tuple[datetime.date, datetime.date, int]
KEY_LENGTH = 3


@dataclass(frozen=True)
class QueueFilters:
    area: Area | None = None
    unit: Unit | None = None


def _not_disposed(filters: QueueFilters) -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(disposed_at__isnull=True)
    if filters.area is not None:
        meetings = meetings.filter(area=filters.area)
    if filters.unit is not None:
        meetings = meetings.filter(unit=filters.unit)
    return meetings


def never_reviewed_due(*, today: datetime.date, filters: QueueFilters) -> QuerySet[Meeting]:
    """Meetings no review has kept (nor disposed of), due by their date."""
    return _not_disposed(filters).filter(
        retention_kept_until__isnull=True, date__lte=schedule.latest_date_due_by(today)
    )


def kept_due(*, today: datetime.date, filters: QueueFilters) -> QuerySet[Meeting]:
    """Meetings a review kept, whose next review date has come."""
    return _not_disposed(filters).filter(retention_kept_until__lte=today)


def key_of(meeting: Meeting) -> QueueKey:
    review_by = schedule.review_by(meeting)
    assert review_by is not None  # the queue holds no disposed meeting
    return (review_by, meeting.date, meeting.pk)


def _never_reviewed_beyond(key: QueueKey, *, backwards: bool) -> Q:
    """Never-reviewed meetings after (before) `key` in the queue's order, as conditions on
    their date and id alone, so the (date, id) index serves them from the cursor on.

    Those whose review-by date equals the cursor's are the meetings dated from
    `earliest` to `latest` (two dates when 29 February falls among them, none when the
    cursor's date is one no first review falls on); among them, (date, id) decides.
    """
    review_by, date, pk = key
    earliest = schedule.earliest_date_due_from(review_by)
    latest = schedule.latest_date_due_by(review_by)
    if backwards:
        return Q(date__lte=latest) & (
            Q(date__lt=earliest) | Q(date__lt=date) | Q(date=date, pk__lt=pk)
        )
    return Q(date__gte=earliest) & (Q(date__gt=latest) | Q(date__gt=date) | Q(date=date, pk__gt=pk))


def _kept_beyond(key: QueueKey, *, backwards: bool) -> Q:
    review_by, date, pk = key
    if backwards:
        return Q(retention_kept_until__lte=review_by) & (
            Q(retention_kept_until__lt=review_by) | Q(date__lt=date) | Q(date=date, pk__lt=pk)
        )
    return Q(retention_kept_until__gte=review_by) & (
        Q(retention_kept_until__gt=review_by) | Q(date__gt=date) | Q(date=date, pk__gt=pk)
    )


def _rows(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return queryset.defer("search").select_related("area", "unit")


def _page_rows(
    *, today: datetime.date, filters: QueueFilters, at: Cursor | None, limit: int
) -> list[Meeting]:
    """Up to `limit` queue rows after (before) the cursor, in the order walked: the first
    `limit` of each kind, read in index order, merged."""
    backwards = bool(at and at.backwards)
    never = never_reviewed_due(today=today, filters=filters)
    kept = kept_due(today=today, filters=filters)
    if at is not None:
        key: QueueKey = at.values
        never = never.filter(_never_reviewed_beyond(key, backwards=backwards))
        kept = kept.filter(_kept_beyond(key, backwards=backwards))
    down = "-" if backwards else ""
    never = never.order_by(f"{down}date", f"{down}pk")
    kept = kept.order_by(f"{down}retention_kept_until", f"{down}date", f"{down}pk")
    rows = [*_rows(never)[:limit], *_rows(kept)[:limit]]
    rows.sort(key=key_of, reverse=backwards)
    return rows[:limit]


def _cursor_values(at: Cursor | None) -> Cursor | None:
    """A cursor whose values are a queue key (two dates and an id), or None."""
    if at is None:
        return None
    review_by, date, pk = at.values
    if not (
        isinstance(review_by, datetime.date)
        and isinstance(date, datetime.date)
        and isinstance(pk, int)
    ):
        return None
    return at


def review_queue_page(
    *,
    today: datetime.date,
    filters: QueueFilters,
    cursor: str | None,
    per_page: int,
    count_cap: int | None = None,
) -> SeekPage:
    """One page of the queue, the longest overdue first; the first page when there is no
    cursor or it is not one. Rows are meetings with their area, unit and groups."""
    at = _cursor_values(Cursor.decode(cursor, keys=KEY_LENGTH) if cursor else None)
    rows = _page_rows(today=today, filters=filters, at=at, limit=per_page + 1)
    beyond = len(rows) > per_page
    backwards = bool(at and at.backwards)
    if backwards and not beyond:
        # Back at the start (rows may have come and gone since): the first page, whole.
        return review_queue_page(
            today=today, filters=filters, cursor=None, per_page=per_page, count_cap=count_cap
        )
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    prefetch_related_objects(
        rows, Prefetch("groups", queryset=CommunityGroup.objects.order_by("name"))
    )
    number = at.number if at else 1
    count, more = _count(today=today, filters=filters, cap=count_cap)
    has_next = bool(rows) and (backwards or beyond)
    previous: str | None = None
    if number > 1 and rows:
        previous = "" if number == 2 else _encode(rows[0], backwards=True, number=number - 1)
    return SeekPage(
        rows=rows,
        number=number,
        count=count,
        more_than_count=more,
        per_page=per_page,
        next_cursor=_encode(rows[-1], backwards=False, number=number + 1) if has_next else None,
        previous_cursor=previous,
    )


def _encode(meeting: Meeting, *, backwards: bool, number: int) -> str:
    return Cursor(values=key_of(meeting), backwards=backwards, number=number).encode()


def _count(*, today: datetime.date, filters: QueueFilters, cap: int | None) -> tuple[int, bool]:
    """How many are due, counting each kind no further than the cap + 1."""
    cap = COUNT_CAP if cap is None else cap
    never, more_never = count_up_to(never_reviewed_due(today=today, filters=filters), cap)
    kept, more_kept = count_up_to(kept_due(today=today, filters=filters), cap)
    total = never + kept
    return min(total, cap), more_never or more_kept or total > cap


def due_count(*, today: datetime.date, filters: QueueFilters | None = None) -> tuple[int, bool]:
    return _count(today=today, filters=filters or QueueFilters(), cap=None)


# --- one meeting -------------------------------------------------------------------------


def meeting_for_decision(user: User, uuid) -> Meeting | None:
    """The meeting, as the decision page shows it: what it is, and what hangs off it."""
    return (
        meetings_visible_to(user)
        .defer("search")
        .select_related("area", "unit", "author")
        .prefetch_related(Prefetch("groups", queryset=CommunityGroup.objects.order_by("name")))
        .annotate(
            disclosure_count=Count("disclosures", distinct=True),
            follow_up_count=Count("follow_ups", distinct=True),
            review_count=Count("reviews", distinct=True),
        )
        .filter(uuid=uuid)
        .first()
    )


def decisions_of(meeting: Meeting) -> list[RetentionDecision]:
    """The meeting's retention decisions, newest first."""
    return list(
        RetentionDecision.objects.filter(meeting=meeting)
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")
    )


def latest_decision_id(decisions: Iterable[RetentionDecision]) -> int | None:
    """The newest of `decisions` (newest first, as decisions_of gives them), by id."""
    return next((decision.pk for decision in decisions), None)
