"""A meeting's review-by date: its date plus the period, or what a keep decision set."""

import bisect
import datetime

import pytest

from engagement.retention import schedule
from tests.factories import MeetingFactory

D = datetime.date


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (D(2020, 6, 14), 6, D(2026, 6, 14)),
        (D(2020, 2, 29), 6, D(2026, 2, 28)),  # no 29 February in 2026
        (D(2020, 2, 29), 4, D(2024, 2, 29)),
        (D(2026, 2, 28), -6, D(2020, 2, 28)),
    ],
)
def test_add_years(day, years, expected):
    assert schedule.add_years(day, years) == expected


def test_review_by_is_the_date_plus_the_period(db, settings):
    settings.RETENTION_REVIEW_YEARS = 6
    meeting = MeetingFactory.build(date=D(2019, 3, 1))
    assert schedule.review_by(meeting) == D(2025, 3, 1)
    settings.RETENTION_REVIEW_YEARS = 10
    assert schedule.review_by(meeting) == D(2029, 3, 1)


def test_review_by_is_the_next_review_a_keep_set(db):
    meeting = MeetingFactory.build(date=D(2019, 3, 1), retention_kept_until=D(2030, 1, 1))
    assert schedule.review_by(meeting) == D(2030, 1, 1)


def test_a_disposed_meeting_has_no_review_by_date(db):
    meeting = MeetingFactory.build(
        date=D(2019, 3, 1), disposed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    assert schedule.review_by(meeting) is None
    assert not schedule.is_due(meeting, today=D(2026, 6, 15))


@pytest.mark.parametrize("years", [1, 4, 6])
def test_the_date_bounds_match_the_review_by_dates_around_29_february(settings, years):
    """latest_date_due_by and earliest_date_due_from invert first_review_on exactly, on
    every day of three years, 29 February among them and among the meetings' dates."""
    settings.RETENTION_REVIEW_YEARS = years
    dates = [D(2025 - years, 1, 1) + datetime.timedelta(days=n) for n in range(5 * 366)]
    reviews = [schedule.first_review_on(d) for d in dates]  # in order: first_review_on grows
    assert reviews == sorted(reviews)
    for day in [D(2026, 1, 1) + datetime.timedelta(days=n) for n in range(3 * 366)]:
        due = bisect.bisect_right(reviews, day)  # how many are due by `day`
        assert schedule.latest_date_due_by(day) == dates[due - 1], day
        assert schedule.earliest_date_due_from(day) == dates[bisect.bisect_left(reviews, day)], day
