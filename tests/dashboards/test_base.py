import datetime

from engagement.dashboards.queries.base import Gap, MedianDays, Period, Rate, median_of
from engagement.meetings.models import Meeting
from tests.factories import MeetingFactory


def test_a_rate_with_nothing_counted_is_no_data_not_zero():
    assert Rate(0, 0).percent is None
    assert Rate(0, 0).as_json() == {"numerator": 0, "denominator": 0, "value": None}
    assert Rate(1, 3).percent == 33.3
    assert Rate(2, 3).percent == 66.7


def test_the_disclosure_gap_example_of_the_design():
    # Three disclosures, officers recorded two as full, the community confirmed one.
    gap = Gap(recorded=Rate(2, 3), confirmed=Rate(1, 3))
    assert gap.points == 33.3
    assert Gap(recorded=Rate(2, 3), confirmed=Rate(0, 0)).points is None


def test_the_last_twelve_months_end_today():
    period = Period.last_twelve_months(datetime.date(2026, 11, 29))
    assert (period.start, period.end) == (datetime.date(2025, 11, 30), datetime.date(2026, 11, 29))
    leap = Period.last_twelve_months(datetime.date(2028, 2, 29))
    assert leap.start == datetime.date(2027, 3, 1)


def test_median_in_the_database_for_odd_and_even_counts(db):
    for minutes in (30, 90, 60):
        MeetingFactory(duration_minutes=minutes)
    meetings = Meeting.objects.all()
    assert median_of(meetings, "duration_minutes") == 60.0
    MeetingFactory(duration_minutes=120)
    assert median_of(Meeting.objects.all(), "duration_minutes") == 75.0
    assert median_of(Meeting.objects.none(), "duration_minutes") is None
    assert MedianDays(None, 0).as_json()["value"] is None
