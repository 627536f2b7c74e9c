"""Pages by cursor: every row once, in order, forwards and back, whatever the ties and
NULLs; a count that stops at its cap; a link that is not a cursor starts again."""

import base64
import datetime
import random

import pytest

from engagement import pagination
from engagement.meetings.models import Meeting
from engagement.meetings.queries.meeting import LIST_ORDERS
from engagement.pagination import CappedPaginator, Cursor, Key, count_up_to, seek_page
from tests.factories import MeetingFactory


@pytest.fixture
def meetings(db):
    """23 meetings on five days, several at the same time, some with no start time."""
    rng = random.Random(4)
    times = [datetime.time(9), datetime.time(18, 30), None]
    made = []
    for _ in range(23):
        start_time = rng.choice(times)
        purpose = rng.choice(["Youth forum", "Mosque open day", ""])
        # Only a draft may lack a start time or a purpose.
        complete = start_time is not None and purpose != ""
        made.append(
            MeetingFactory(
                date=datetime.date(2026, 3, rng.randint(1, 5)),
                start_time=start_time,
                purpose=purpose,
                status=Meeting.Status.SUBMITTED if complete else Meeting.Status.DRAFT,
                first_submitted_at=None if not complete else datetime.datetime.now(datetime.UTC),
            )
        )
    return made


def expected_order(keys: list[Key]) -> list[int]:
    """The order of `keys` worked out in Python: a NULL is larger than any value."""
    rows = list(Meeting.objects.select_related("area"))

    def value(row, field):
        for part in field.split("__"):
            row = getattr(row, part)
        return row

    for key in reversed(keys):
        present = [row for row in rows if value(row, key.field) is not None]
        missing = [row for row in rows if value(row, key.field) is None]
        present.sort(key=lambda row: value(row, key.field), reverse=key.descending)
        rows = missing + present if key.descending else present + missing
    return [row.pk for row in rows]


def walk(keys: list[Key], per_page: int) -> tuple[list[list[int]], list[list[int]]]:
    """Every page forwards from the first, then every page back from the last."""
    queryset = Meeting.objects.all()
    forwards = [seek_page(queryset, keys, cursor=None, per_page=per_page)]
    while forwards[-1].next_cursor:
        forwards.append(
            seek_page(queryset, keys, cursor=forwards[-1].next_cursor, per_page=per_page)
        )
    back = [forwards[-1]]
    while back[-1].previous_cursor is not None:
        back.append(
            seek_page(queryset, keys, cursor=back[-1].previous_cursor or None, per_page=per_page)
        )
    ids = [[row.pk for row in page.rows] for page in forwards]
    return ids, [[row.pk for row in page.rows] for page in reversed(back)]


@pytest.mark.parametrize("sort", sorted(LIST_ORDERS))
@pytest.mark.parametrize("per_page", [1, 4, 23, 30])
def test_every_row_comes_once_in_order_forwards_and_back(meetings, sort, per_page):
    keys = LIST_ORDERS[sort]
    forwards, back = walk(keys, per_page)
    assert [pk for page in forwards for pk in page] == expected_order(keys)
    assert back == forwards
    assert all(len(page) == per_page for page in forwards[:-1])


def test_pages_are_numbered_and_the_last_knows_it_is_last(meetings):
    keys = LIST_ORDERS["-date"]
    first = seek_page(Meeting.objects.all(), keys, cursor=None, per_page=10)
    assert (first.number, first.num_pages, first.count, first.previous_cursor) == (1, 3, 23, None)
    second = seek_page(Meeting.objects.all(), keys, cursor=first.next_cursor, per_page=10)
    assert (second.number, second.start_index, second.end_index) == (2, 11, 20)
    assert second.previous_cursor == ""  # the first page needs no cursor
    third = seek_page(Meeting.objects.all(), keys, cursor=second.next_cursor, per_page=10)
    assert (third.number, len(third.rows), third.next_cursor) == (3, 3, None)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-cursor",
        "e30",
        "%%%",
        Cursor(values=(1,), backwards=False, number=2).encode(),
        # The right shape, values that are not what they say.
        base64.urlsafe_b64encode(b'[2,0,[["decimal","x"],["time","y"],["plain",[]]]]').decode(),
    ],
)
def test_a_link_that_is_not_a_cursor_starts_at_the_first_page(meetings, token):
    keys = LIST_ORDERS["-date"]
    page = seek_page(Meeting.objects.all(), keys, cursor=token, per_page=5)
    first = seek_page(Meeting.objects.all(), keys, cursor=None, per_page=5)
    assert [row.pk for row in page.rows] == [row.pk for row in first.rows]
    assert page.number == 1


def test_the_count_stops_at_its_cap(meetings, monkeypatch):
    assert count_up_to(Meeting.objects.all(), 30) == (23, False)
    assert count_up_to(Meeting.objects.all(), 23) == (23, False)
    assert count_up_to(Meeting.objects.all(), 22) == (22, True)
    monkeypatch.setattr(pagination, "COUNT_CAP", 20)
    page = seek_page(Meeting.objects.all(), LIST_ORDERS["-date"], cursor=None, per_page=5)
    assert (page.count, page.more_than_count, page.num_pages) == (20, True, None)
    assert page.next_cursor  # the pages go on past the count


def test_a_page_is_two_queries_however_deep(meetings, django_assert_num_queries):
    keys = LIST_ORDERS["-date"]
    page = seek_page(Meeting.objects.all(), keys, cursor=None, per_page=2)
    for _ in range(5):
        with django_assert_num_queries(2):  # the rows, and the capped count
            page = seek_page(Meeting.objects.all(), keys, cursor=page.next_cursor, per_page=2)
    assert page.number == 6


def test_numbered_pages_count_no_further_than_the_cap(meetings, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 20)
    paginator = CappedPaginator(Meeting.objects.order_by("pk"), 5)
    assert (paginator.count, paginator.more_than_count, paginator.num_pages) == (20, True, 4)
    monkeypatch.setattr(pagination, "COUNT_CAP", 100)
    paginator = CappedPaginator(Meeting.objects.order_by("pk"), 5)
    assert (paginator.count, paginator.more_than_count, paginator.num_pages) == (23, False, 5)


def test_every_sort_offered_is_one_of_the_indexed_orders():
    from engagement.meetings.filters import SORT_CHOICES

    assert (
        {value for value, _ in SORT_CHOICES}
        == set(LIST_ORDERS)
        == {
            "-date",
            "date",
            "purpose",
            "status",
        }
    )
