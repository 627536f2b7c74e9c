"""When a meeting is due for retention review.

A meeting's review-by date is its date plus RETENTION_REVIEW_YEARS (default 6), or, once
a review has kept it, the next review date that decision set. A meeting dated 29 February
is due on 28 February of a year that has none.
"""

import datetime

from django.conf import settings

from engagement.meetings.models import Meeting

ONE_DAY = datetime.timedelta(days=1)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


def period_years() -> int:
    return settings.RETENTION_REVIEW_YEARS


def first_review_on(meeting_date: datetime.date) -> datetime.date:
    """The review-by date of a meeting no review has kept yet."""
    return add_years(meeting_date, period_years())


def review_by(meeting: Meeting) -> datetime.date | None:
    """The meeting's review-by date; None once it is disposed of."""
    if meeting.disposed_at is not None:
        return None
    return meeting.retention_kept_until or first_review_on(meeting.date)


def is_due(meeting: Meeting, *, today: datetime.date) -> bool:
    due = review_by(meeting)
    return due is not None and due <= today


def latest_date_due_by(day: datetime.date) -> datetime.date:
    """The latest meeting date whose first review falls on or before `day`: a meeting
    never reviewed is due by `day` exactly when its date is on or before this."""
    years = period_years()
    date = add_years(day, -years)
    while first_review_on(date + ONE_DAY) <= day:
        date += ONE_DAY
    while first_review_on(date) > day:
        date -= ONE_DAY
    return date


def earliest_date_due_from(day: datetime.date) -> datetime.date:
    """The earliest meeting date whose first review falls on or after `day`."""
    date = add_years(day, -period_years())
    while first_review_on(date - ONE_DAY) >= day:
        date -= ONE_DAY
    while first_review_on(date) < day:
        date += ONE_DAY
    return date
