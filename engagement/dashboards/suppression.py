"""Statistical disclosure control for the transparency report: pure functions, no database.

A published report is a set of named counts (each a whole number, keyed) and the tables
they form: rows that add up to a total. A count may be published in more than one place
(the number of in-scope meetings is the total of the table by risk level, the total of
the table by month and the denominator of review coverage), so every decision below is
taken once per key, for the whole report, and holds wherever the count appears.

The rules, one function each:

- **Rounding** (`rounded`): every published count is rounded to the nearest ROUND_TO.
  Counts are whole numbers and ROUND_TO is odd, so no count lies exactly half-way:
  12 → 10, 13 → 15, 22 → 20, 23 → 25.
- **Primary suppression** (`is_small`, `primary_suppressed`): a count from 0 to
  THRESHOLD - 1 is shown as "fewer than 5". Zero too: in a small table "none" is itself
  disclosive (it says every meeting of an area, say, shared one answer), and showing 0
  but hiding 1 to 4 would tell a reader which it was.
- **Complementary suppression** (`complementary_suppressed`): in a table whose rows add
  up to a total, a hidden cell could be worked out as the total minus the other cells
  when it is the only one hidden. So wherever exactly one member of a table (its total
  or a row) is hidden, the next-smallest published row is hidden too ("not published"),
  and again until no table has exactly one hidden member: a count shared by two tables
  and hidden in one is hidden in the other, which may hide another cell there. The
  tables of a report are a tree (each shares at most its total, or one row, with
  another), so no combination of them isolates a hidden cell: eliminating a shared
  count between two tables leaves at least one hidden cell from each.
- **Rates** (`rate_is_publishable`): a rate is shown only when its numerator and its
  denominator are both THRESHOLD or more and both published (a withheld numerator times
  a published denominator would give it back). Otherwise "not published: too few".
  Its numerator and denominator are counts like any other, rounded and suppressed by
  the rules above; the percentage is worked out from the unrounded counts.
- **Medians** (`median_is_publishable`): a median in days only when it is over
  MEDIAN_MIN_ITEMS items or more.

Complementary suppression holds even against a reader who knew every published count
exactly (rounding only blurs them further): the tests attack it with exact figures.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engagement.dashboards.queries.base import Gap, MedianDays, Rate

THRESHOLD = 5
ROUND_TO = 5
MEDIAN_MIN_ITEMS = 5

# What a reader sees in place of a figure.
FEWER_THAN_THRESHOLD = f"fewer than {THRESHOLD}"
WITHHELD = "not published"
TOO_FEW = "not published: too few"

# Which rule decided a cell, kept in the published JSON beside what it shows.
PUBLISHED = "published"
SMALL = "fewer_than_threshold"
COMPLEMENTARY = "withheld"
NOT_ENOUGH = "too_few"


@dataclass(frozen=True)
class Table:
    """Rows that add up to a total: an equation a reader could solve for one unknown."""

    key: str
    total: str
    rows: tuple[str, ...]

    @property
    def members(self) -> tuple[str, ...]:
        return (self.total, *self.rows)


@dataclass(frozen=True)
class Cell:
    """One published figure as shown: its text, its published value (None when it is not
    published) and the rule that decided it."""

    text: str
    value: int | float | None
    rule: str

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "value": self.value, "rule": self.rule}


# --- Rounding ---------------------------------------------------------------------------


def rounded(count: int) -> int:
    """The nearest multiple of ROUND_TO (half up; with whole counts and an odd ROUND_TO
    no count is ever exactly half-way)."""
    if count < 0:
        raise ValueError(f"A count cannot be negative: {count}")
    return (count + ROUND_TO // 2) // ROUND_TO * ROUND_TO


# --- Primary suppression ----------------------------------------------------------------


def is_small(count: int) -> bool:
    """Fewer than THRESHOLD, zero included."""
    return count < THRESHOLD


def primary_suppressed(counts: Mapping[str, int]) -> frozenset[str]:
    """The keys of every count under the threshold."""
    return frozenset(key for key, count in counts.items() if is_small(count))


# --- Complementary suppression ----------------------------------------------------------


def _next_to_hide(table: Table, counts: Mapping[str, int], hidden: set[str]) -> str:
    """The smallest published row (the first of equals); the total if no row is left."""
    published_rows = [key for key in table.rows if key not in hidden]
    if not published_rows:
        return table.total
    return min(published_rows, key=lambda key: counts[key])


def complementary_suppressed(
    counts: Mapping[str, int], tables: Iterable[Table], suppressed: frozenset[str]
) -> frozenset[str]:
    """`suppressed` and every cell that must be hidden with it so that no table has
    exactly one hidden member (which its total and other rows would give away)."""
    tables = list(tables)
    for table in tables:
        missing = [key for key in table.members if key not in counts]
        if missing:
            raise KeyError(f"Table {table.key} refers to counts not given: {missing}")
    hidden = set(suppressed)
    changed = True
    while changed:
        changed = False
        for table in tables:
            if sum(key in hidden for key in table.members) == 1:
                hidden.add(_next_to_hide(table, counts, hidden))
                changed = True
    return frozenset(hidden)


def protected(counts: Mapping[str, int], tables: Iterable[Table]) -> frozenset[str]:
    """Every key to hide: primary suppression, then complementary suppression."""
    return complementary_suppressed(counts, tables, primary_suppressed(counts))


# --- Cells ------------------------------------------------------------------------------


def count_cell(count: int, *, hidden: bool) -> Cell:
    """A count as published: rounded, or why it is not shown."""
    if is_small(count):
        return Cell(FEWER_THAN_THRESHOLD, None, SMALL)
    if hidden:
        return Cell(WITHHELD, None, COMPLEMENTARY)
    value = rounded(count)
    return Cell(f"{value:,}", value, PUBLISHED)


def rate_is_publishable(numerator: int, denominator: int, *, hidden: bool) -> bool:
    """Both counts THRESHOLD or more, and neither withheld (`hidden`: either is)."""
    return not hidden and numerator >= THRESHOLD and denominator >= THRESHOLD


def rate_cell(rate: Rate, *, hidden: bool) -> Cell:
    """The percentage, when its counts allow it (`hidden`: its numerator or denominator
    is withheld)."""
    if rate.percent is None or not rate_is_publishable(
        rate.numerator, rate.denominator, hidden=hidden
    ):
        return Cell(TOO_FEW, None, NOT_ENOUGH)
    return Cell(f"{rate.percent:.1f}%", rate.percent, PUBLISHED)


def gap_cell(gap: Gap, *, recorded: Cell, confirmed: Cell) -> Cell:
    """The gap in points, only when both of its shares are published."""
    if gap.points is None or recorded.rule != PUBLISHED or confirmed.rule != PUBLISHED:
        return Cell(TOO_FEW, None, NOT_ENOUGH)
    return Cell(f"{gap.points:.1f} points", gap.points, PUBLISHED)


def median_is_publishable(median: MedianDays) -> bool:
    return median.value is not None and median.count >= MEDIAN_MIN_ITEMS


def median_cell(median: MedianDays) -> Cell:
    if median.value is None or not median_is_publishable(median):
        return Cell(TOO_FEW, None, NOT_ENOUGH)
    number = f"{median.value:.1f}".removesuffix(".0")
    return Cell(f"{number} day{'' if number == '1' else 's'}", median.value, PUBLISHED)
