"""Retention review's tests run on 15 June 2026: a meeting is due six years after its date."""

import datetime

import pytest
import time_machine

from tests.factories import MeetingFactory

NOW = datetime.datetime(2026, 6, 15, 11, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 6, 15)
# Due by today: six years and a day old, and more.
DUE_DATE = datetime.date(2020, 6, 14)
NOT_YET_DUE_DATE = datetime.date(2020, 6, 16)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def six_years(settings):
    settings.RETENTION_REVIEW_YEARS = 6


@pytest.fixture
def due_meeting(officer, unit, area, group):
    """A submitted meeting of `unit` with `group`, due for review."""
    return MeetingFactory(
        date=DUE_DATE, author=officer, unit=unit, area=area, groups=[group], officers=[officer]
    )
