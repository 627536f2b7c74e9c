"""The review queue: the meetings due, never reviewed and kept alike, the longest overdue
first, paged by cursor through both kinds at once, counted no further than the cap."""

import datetime

import pytest

from engagement.meetings.models import Meeting
from engagement.retention import queries, schedule
from engagement.retention.queries import QueueFilters, review_queue_page
from tests.factories import MeetingFactory
from tests.retention.conftest import TODAY

D = datetime.date
NONE = QueueFilters()


def page(cursor=None, *, per_page=3, filters=NONE, count_cap=None):
    return review_queue_page(
        today=TODAY, filters=filters, cursor=cursor, per_page=per_page, count_cap=count_cap
    )


def walk(per_page: int, filters=NONE) -> list[list[Meeting]]:
    """Every page, following the next links."""
    pages = [page(per_page=per_page, filters=filters)]
    while pages[-1].next_cursor:
        assert len(pages) < 30, "the pages do not end"
        pages.append(page(pages[-1].next_cursor, per_page=per_page, filters=filters))
    return pages


@pytest.fixture
def queue(unit, area, group):
    """Meetings of every kind around 29 February, due and not: {name: meeting}."""

    def meeting(name, day, **fields):
        return name, MeetingFactory(
            date=day, unit=unit, area=area, groups=[group], purpose=name, **fields
        )

    return dict(
        [
            # Never reviewed: due by date + 6 years. 28 and 29 February 2020 are both
            # due on 28 February 2026, so they tie on review-by date.
            meeting("feb-29", D(2020, 2, 29)),
            meeting("feb-28", D(2020, 2, 28)),
            meeting("feb-28-b", D(2020, 2, 28)),
            meeting("mar-01", D(2020, 3, 1)),
            meeting("old", D(2018, 5, 1)),
            meeting("just-due", D(2020, 6, 15)),
            meeting("not-due", D(2020, 6, 16)),
            # Kept at a review: due on the date it set, whatever the meeting's date.
            meeting("kept-due-feb-28", D(2015, 1, 1), retention_kept_until=D(2026, 2, 28)),
            meeting("kept-due-jan", D(2016, 1, 1), retention_kept_until=D(2026, 1, 10)),
            meeting("kept-due-today", D(2017, 1, 1), retention_kept_until=TODAY),
            # Kept early, so due again before a first review of its date would be.
            meeting("kept-early", D(2021, 1, 1), retention_kept_until=D(2026, 1, 20)),
            meeting("kept-later", D(2014, 1, 1), retention_kept_until=D(2026, 6, 16)),
            # Disposed of: never in the queue.
            meeting(
                "disposed",
                D(2010, 1, 1),
                disposed_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            ),
        ]
    )


def expected_order(queue: dict) -> list[Meeting]:
    due = [m for m in queue.values() if schedule.is_due(m, today=TODAY)]
    return sorted(due, key=queries.key_of)


def test_the_queue_holds_the_due_longest_overdue_first(queue):
    rows = [m.purpose for m in page(per_page=50).rows]
    assert rows == [
        "old",  # due 1 May 2024
        "kept-due-jan",  # 10 January 2026
        "kept-early",  # 20 January 2026, of a meeting dated after the next ones
        # 28 February 2026: the meetings due that day, the oldest first; 29 February
        # 2020's first review falls on it too, as 2026 has none.
        "kept-due-feb-28",
        "feb-28",
        "feb-28-b",
        "feb-29",
        "mar-01",
        # 15 June 2026, today: a kept meeting of 2017 before one of 2020.
        "kept-due-today",
        "just-due",
    ]
    assert [m.pk for m in expected_order(queue)] == [m.pk for m in page(per_page=50).rows]


@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 20])
def test_paging_forwards_gives_each_due_meeting_once_in_order(queue, per_page):
    pages = walk(per_page)
    rows = [m for p in pages for m in p.rows]
    assert [m.pk for m in rows] == [m.pk for m in expected_order(queue)]
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert all(p.count == len(rows) for p in pages)


@pytest.mark.parametrize("per_page", [1, 2, 3, 4])
def test_paging_back_gives_the_same_pages(queue, per_page):
    pages = walk(per_page)
    back = pages[-1]
    while back.previous_cursor is not None:
        back = page(back.previous_cursor or None, per_page=per_page)
        assert [m.pk for m in back.rows] == [m.pk for m in pages[back.number - 1].rows]
    assert back.number == 1


def test_the_filters_narrow_both_kinds(queue, other_unit, other_area, group):
    theirs = MeetingFactory(date=D(2019, 1, 1), unit=other_unit, area=other_area, groups=[group])
    kept = MeetingFactory(
        date=D(2019, 1, 1),
        unit=other_unit,
        area=other_area,
        groups=[group],
        retention_kept_until=D(2026, 1, 1),
    )
    for filters in (QueueFilters(unit=other_unit), QueueFilters(area=other_area)):
        assert [m.pk for p in walk(1, filters) for m in p.rows] == [theirs.pk, kept.pk]


def test_the_count_stops_at_the_cap(queue):
    due = len(expected_order(queue))
    assert (page(count_cap=100).count, page(count_cap=100).more_than_count) == (due, False)
    assert (page(count_cap=due).count, page(count_cap=due).more_than_count) == (due, False)
    capped = page(count_cap=3)
    assert (capped.count, capped.more_than_count) == (3, True)
    # 6 never reviewed and 4 kept: each kind under a cap of 9, together over it.
    assert due == 10
    assert (page(count_cap=9).count, page(count_cap=9).more_than_count) == (9, True)


@pytest.mark.parametrize("cursor", ["", "nonsense", "eyJ4IjoxfQ", "WzIsMCxbWyJwbGFpbiIsMV1dXQ"])
def test_a_cursor_that_is_not_one_gives_the_first_page(queue, cursor):
    first = page()
    assert [m.pk for m in page(cursor).rows] == [m.pk for m in first.rows]


def test_a_cursor_with_other_values_gives_the_first_page(queue):
    from engagement.pagination import Cursor

    wrong = Cursor(values=("a", "b", 3), backwards=False, number=2).encode()
    assert [m.pk for m in page(wrong).rows] == [m.pk for m in page().rows]
