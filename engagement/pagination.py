"""Pages of a long list that cost the same on page 1 and page 1,000, whatever the data.

Two things make an ordinary paginator grow with the data: the exact COUNT(*) of every
row the viewer may see, and OFFSET, which reads and throws away every earlier row. So:

- `count_up_to` counts at most `cap` + 1 rows: the list says "more than 10,000" past it;
- `seek_page` ("keyset" pagination) starts each page just after the last row of the one
  before, read from a cursor in the link, so an index in the list's order takes it
  straight there.

The order is a list of `Key`s that must identify a row (end with the primary key). A
NULL sorts as the largest value on both databases, as PostgreSQL's indexes keep it, so a
plain index in the same order serves the list.
"""

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.functional import cached_property

COUNT_CAP = 10_000


def count_up_to(queryset: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """How many rows, counting no further than `cap` (COUNT_CAP unless given) + 1; and
    whether there are more."""
    cap = COUNT_CAP if cap is None else cap
    counted = queryset.order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap


class CappedPaginator(Paginator):
    """Django's paginator, numbered pages and all, whose count stops at COUNT_CAP: for
    lists that grow more slowly than the meetings (follow-ups); pages past the cap are
    not offered, and the list says "more than"."""

    more_than_count = False

    @cached_property
    def count(self) -> int:
        count, self.more_than_count = count_up_to(self.object_list)  # type: ignore[arg-type]
        return count


@dataclass(frozen=True)
class Key:
    """One column of a list's order. A NULL sorts as larger than any value, as in
    PostgreSQL's own indexes: first going down, last going up, on both databases."""

    field: str
    descending: bool = False
    nullable: bool = False

    def _down(self, backwards: bool) -> bool:
        return self.descending != backwards

    def order_by(self, *, backwards: bool = False) -> OrderBy:
        expression = F(self.field)
        if self._down(backwards):
            return expression.desc(nulls_first=True) if self.nullable else expression.desc()
        return expression.asc(nulls_last=True) if self.nullable else expression.asc()

    def beyond(self, value: Any, *, backwards: bool = False) -> Q | None:
        """The rows whose value of this key comes after `value` in the order walked;
        None when none can."""
        if self._down(backwards):
            if value is None:  # NULLs first: every value comes after
                return Q(**{f"{self.field}__isnull": False}) if self.nullable else None
            return Q(**{f"{self.field}__lt": value})
        if value is None:  # NULLs last: nothing comes after
            return None
        beyond = Q(**{f"{self.field}__gt": value})
        return beyond | Q(**{f"{self.field}__isnull": True}) if self.nullable else beyond

    def equal(self, value: Any) -> Q:
        if value is None:
            return Q(**{f"{self.field}__isnull": True})
        return Q(**{self.field: value})


def _after(keys: Sequence[Key], values: Sequence[Any], *, backwards: bool) -> Q:
    """Rows after the cursor row in the order of `keys` (before it, backwards): for some
    key, every earlier key equal and this one beyond."""
    after = Q(pk__in=[])
    equal_so_far = Q()
    for key, value in zip(keys, values, strict=True):
        beyond = key.beyond(value, backwards=backwards)
        if beyond is not None:
            after |= equal_so_far & beyond
        equal_so_far &= key.equal(value)
    first, first_value = keys[0], values[0]
    if not first.nullable and first_value is not None:
        # A plain range on the first key, so the index scan starts at the cursor row.
        seek = "lte" if first.descending != backwards else "gte"
        after &= Q(**{f"{first.field}__{seek}": first_value})
    return after


# --- cursors ------------------------------------------------------------------------------


def _encode_value(value: Any) -> list:
    # datetime before date: a datetime is a date too.
    if isinstance(value, datetime.datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, datetime.date):
        return ["date", value.isoformat()]
    if isinstance(value, datetime.time):
        return ["time", value.isoformat()]
    if isinstance(value, Decimal):
        return ["decimal", str(value)]
    return ["plain", value]


def _decode_value(encoded: list) -> Any:
    kind, value = encoded
    if kind == "datetime":
        return datetime.datetime.fromisoformat(value)
    if kind == "date":
        return datetime.date.fromisoformat(value)
    if kind == "time":
        return datetime.time.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    if kind == "plain" and (value is None or isinstance(value, str | int | float)):
        return value
    raise ValueError(f"Not a cursor value: {encoded!r}")


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: just after (or, backwards, just before) the row with these
    key values; `number` is the page's number, to say "page 3"."""

    values: tuple
    backwards: bool
    number: int

    def encode(self) -> str:
        data = [self.number, int(self.backwards), [_encode_value(v) for v in self.values]]
        text = json.dumps(data, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, *, keys: int) -> "Cursor | None":
        """None for anything that is not a cursor of this many keys: a link typed wrongly
        or tampered with starts the list again, it never fails."""
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            number, backwards, values = json.loads(text)
            decoded = tuple(_decode_value(value) for value in values)
        except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, InvalidOperation):
            return None
        if len(decoded) != keys or not isinstance(number, int) or number < 2:
            return None
        return cls(values=decoded, backwards=bool(backwards), number=number)


@dataclass(frozen=True)
class SeekPage:
    """One page of a list and the cursors of the pages either side."""

    rows: list
    number: int
    count: int
    more_than_count: bool
    per_page: int
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def num_pages(self) -> int | None:
        """None past the count's cap: nobody knows how many without counting it all."""
        if self.more_than_count:
            return None
        return max(1, -(-self.count // self.per_page))

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.rows) - 1 if self.rows else 0


def seek_page(
    queryset: QuerySet,
    keys: Sequence[Key],
    *,
    cursor: str | None,
    per_page: int,
    count_cap: int | None = None,
) -> SeekPage:
    """The page after (or before) `cursor` of `queryset` in the order of `keys`; the
    first page when there is no cursor or it is not one."""
    at = Cursor.decode(cursor, keys=len(keys)) if cursor else None
    backwards = at.backwards if at else False
    rows_query = queryset.order_by(*(key.order_by(backwards=backwards) for key in keys))
    if at is not None:
        rows_query = rows_query.filter(_after(keys, at.values, backwards=backwards))
    # One row more than a page, to know whether there is a page beyond.
    rows = list(rows_query[: per_page + 1])
    beyond = len(rows) > per_page
    if backwards and not beyond:
        # Back at the start (rows may have come and gone since): the first page, whole.
        return seek_page(queryset, keys, cursor=None, per_page=per_page, count_cap=count_cap)
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    number = at.number if at else 1
    count, more = count_up_to(queryset, count_cap)

    def cursor_at(row: Any, *, towards_start: bool, page: int) -> str:
        values = tuple(_value_of(row, key.field) for key in keys)
        return Cursor(values=values, backwards=towards_start, number=page).encode()

    # Backwards, the page we came from is next, and there is more before (see above).
    has_next = bool(rows) and (backwards or beyond)
    has_previous = number > 1 and bool(rows)
    return SeekPage(
        rows=rows,
        number=number,
        count=count,
        more_than_count=more,
        per_page=per_page,
        next_cursor=cursor_at(rows[-1], towards_start=False, page=number + 1) if has_next else None,
        previous_cursor=_previous_cursor(rows, number, has_previous, cursor_at),
    )


def _previous_cursor(rows: list, number: int, has_previous: bool, cursor_at) -> str | None:
    if not has_previous:
        return None
    if number == 2:
        return ""  # the first page needs no cursor
    return cursor_at(rows[0], towards_start=True, page=number - 1)


def _value_of(row: Any, field: str) -> Any:
    value = row
    for part in field.split("__"):
        value = getattr(value, "pk" if part == "pk" else part)
    return value
