"""The disclosure-control rules of the transparency report, one by one, and an attack on
them: a reader who subtracts published figures from their totals, across two tables.

The attacker here is stronger than a real one: they know every published count
exactly (as if nothing were rounded; a percentage beside rounded counts can give the
exact counts back) and solve every table's sum at once, so the protection is shown not
to lean on rounding.
"""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement.dashboards.queries.base import Gap, MedianDays, Rate
from engagement.dashboards.report import report_tables
from engagement.dashboards.suppression import (
    COMPLEMENTARY,
    FEWER_THAN_THRESHOLD,
    MEDIAN_MIN_ITEMS,
    NOT_ENOUGH,
    PUBLISHED,
    ROUND_TO,
    SMALL,
    THRESHOLD,
    TOO_FEW,
    WITHHELD,
    Cell,
    Table,
    complementary_suppressed,
    count_cell,
    gap_cell,
    is_small,
    median_cell,
    primary_suppressed,
    protected,
    rate_cell,
    rounded,
)


def test_the_rules_are_the_published_ones():
    assert (THRESHOLD, ROUND_TO, MEDIAN_MIN_ITEMS) == (5, 5, 5)
    assert FEWER_THAN_THRESHOLD == "fewer than 5"


# --- Rounding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "published"),
    [(5, 5), (7, 5), (8, 10), (12, 10), (13, 15), (22, 20), (23, 25), (100, 100), (1234, 1235)],
)
def test_counts_round_to_the_nearest_five(count, published):
    assert rounded(count) == published


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="A count cannot be negative: -1"):
        rounded(-1)


# --- Primary suppression ------------------------------------------------------------------


@pytest.mark.parametrize(("count", "small"), [(0, True), (1, True), (4, True), (5, False)])
def test_small_is_under_five_zero_included(count, small):
    assert is_small(count) is small


def test_primary_suppression_hides_every_count_under_five():
    counts = {"a": 0, "b": 4, "c": 5, "d": 40}
    assert primary_suppressed(counts) == {"a", "b"}


@pytest.mark.parametrize(
    ("count", "hidden", "expected"),
    [
        (0, False, Cell("fewer than 5", None, SMALL)),
        (4, False, Cell("fewer than 5", None, SMALL)),
        # Small is small even if no table asked for it to be hidden.
        (4, True, Cell("fewer than 5", None, SMALL)),
        (5, False, Cell("5", 5, PUBLISHED)),
        (13, False, Cell("15", 15, PUBLISHED)),
        (1234, False, Cell("1,235", 1235, PUBLISHED)),
        (20, True, Cell("not published", None, COMPLEMENTARY)),
    ],
)
def test_a_count_cell_shows_the_rounded_count_or_why_not(count, hidden, expected):
    assert count_cell(count, hidden=hidden) == expected


def test_a_cell_as_json_holds_no_value_when_not_published():
    assert count_cell(3, hidden=False).as_json() == {
        "text": "fewer than 5",
        "value": None,
        "rule": SMALL,
    }


# --- Complementary suppression ------------------------------------------------------------

BY_RISK = Table("by_risk", "total", ("standard", "elevated", "high"))


def test_one_small_cell_hides_the_next_smallest_too():
    counts = {"total": 38, "standard": 20, "elevated": 15, "high": 3}
    assert protected(counts, [BY_RISK]) == {"high", "elevated"}


def test_two_small_cells_protect_each_other():
    counts = {"total": 30, "standard": 24, "elevated": 4, "high": 2}
    assert protected(counts, [BY_RISK]) == {"elevated", "high"}


def test_nothing_small_hides_nothing():
    counts = {"total": 45, "standard": 20, "elevated": 15, "high": 10}
    assert protected(counts, [BY_RISK]) == set()


def test_of_equal_next_smallest_cells_the_first_is_hidden():
    counts = {"total": 33, "standard": 15, "elevated": 15, "high": 3}
    assert protected(counts, [BY_RISK]) == {"standard", "high"}


def test_a_small_total_hides_the_whole_table():
    counts = {"total": 4, "standard": 2, "elevated": 2, "high": 0}
    assert protected(counts, [BY_RISK]) == {"total", "standard", "elevated", "high"}


def test_a_count_hidden_in_one_table_is_protected_in_the_next():
    # Full disclosures are a row of the disclosures by level and the total of the full
    # disclosures by risk level. "none" is small, so the smallest other row, "full"
    # (16), is hidden; then "full" is the one hidden member of the second table, where
    # nothing is small, so its smallest row is hidden too, else 5 + 6 + 5 gives it back.
    by_level = Table("by_level", "all", ("full", "partial", "none"))
    full_by_risk = Table("full_by_risk", "full", ("full_standard", "full_elevated", "full_high"))
    counts = {
        "all": 49,
        "full": 16,
        "partial": 30,
        "none": 3,
        "full_standard": 5,
        "full_elevated": 6,
        "full_high": 5,
    }
    assert protected(counts, [by_level, full_by_risk]) == {"none", "full", "full_standard"}
    assert protected(counts, [by_level]) == {"none", "full"}


def test_a_table_of_one_row_hides_its_total_with_it():
    only = Table("only", "total", ("row",))
    assert protected({"total": 3, "row": 3}, [only]) == {"total", "row"}
    assert complementary_suppressed({"total": 9, "row": 9}, [only], frozenset({"row"})) == {
        "total",
        "row",
    }


def test_a_table_of_counts_not_given_is_refused():
    with pytest.raises(KeyError, match="Table by_risk refers to counts not given: \\['high'\\]"):
        protected({"total": 30, "standard": 20, "elevated": 10}, [BY_RISK])


# --- Rates, gaps and medians --------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "hidden", "text"),
    [
        (Rate(5, 5), False, "100.0%"),
        (Rate(5, 20), False, "25.0%"),
        (Rate(12, 23), False, "52.2%"),
        (Rate(4, 20), False, TOO_FEW),
        (Rate(4, 4), False, TOO_FEW),
        (Rate(0, 0), False, TOO_FEW),
        # Its numerator or denominator is withheld: the rate would give it back.
        (Rate(12, 23), True, TOO_FEW),
    ],
)
def test_a_rate_shows_only_with_both_counts_five_or_more_and_published(rate, hidden, text):
    cell = rate_cell(rate, hidden=hidden)
    assert cell.text == text
    assert (cell.value is None) is (text == TOO_FEW)


def test_a_rate_from_the_exact_counts_not_the_rounded_ones():
    # 12 of 23 is published as "10" of "25"; the rate is 52.2 %, not 40 %.
    assert rate_cell(Rate(12, 23), hidden=False) == Cell("52.2%", 52.2, PUBLISHED)


def test_a_gap_shows_only_when_both_shares_do():
    gap = Gap(recorded=Rate(20, 30), confirmed=Rate(10, 30))
    recorded = rate_cell(gap.recorded, hidden=False)
    confirmed = rate_cell(gap.confirmed, hidden=False)
    assert gap_cell(gap, recorded=recorded, confirmed=confirmed) == Cell(
        "33.3 points", 33.3, PUBLISHED
    )
    small = Gap(recorded=Rate(20, 30), confirmed=Rate(4, 30))
    assert gap_cell(
        small, recorded=recorded, confirmed=rate_cell(small.confirmed, hidden=False)
    ) == Cell(TOO_FEW, None, NOT_ENOUGH)


@pytest.mark.parametrize(
    ("median", "text"),
    [
        (MedianDays(3.0, 4), TOO_FEW),
        (MedianDays(3.0, 5), "3 days"),
        (MedianDays(1.0, 9), "1 day"),
        (MedianDays(2.5, 6), "2.5 days"),
        (MedianDays(None, 0), TOO_FEW),
    ],
)
def test_a_median_only_over_five_items_or_more(median, text):
    assert median_cell(median).text == text


# --- The differencing attack --------------------------------------------------------------


def recoverable(
    tables: list[Table], counts: dict[str, int], hidden: frozenset[str]
) -> dict[str, Fraction]:
    """Every hidden count a reader can work out exactly from the published counts and
    every table's sum, taken together (Gauss-Jordan elimination over the hidden ones)."""
    unknowns = sorted(hidden)
    matrix = []
    for table in tables:
        coefficients = dict.fromkeys(unknowns, Fraction(0))
        known = Fraction(0)
        for key, sign in [(table.total, 1), *((row, -1) for row in table.rows)]:
            if key in hidden:
                coefficients[key] += sign
            else:
                known -= sign * counts[key]
        matrix.append([coefficients[key] for key in unknowns] + [known])

    pivot_row = 0
    pivots = []
    for column in range(len(unknowns)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [value / lead for value in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [
                    a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivots.append((pivot_row, column))
        pivot_row += 1

    solved = {}
    for r, column in pivots:
        others = [c for c in range(len(unknowns)) if c != column and matrix[r][c] != 0]
        if not others:
            solved[unknowns[column]] = matrix[r][-1]
    return solved


# Two published views of the same meetings: by area risk level, where the high-risk
# areas had 3, and by month; both give the total, 38.
MONTHS = Table("by_month", "total", ("january", "february", "march"))
TWO_FILTERS = [BY_RISK, MONTHS]
ATTACKED = {
    "total": 38,
    "standard": 20,
    "elevated": 15,
    "high": 3,
    "january": 12,
    "february": 9,
    "march": 17,
}


def test_the_attack_recovers_the_small_cell_without_complementary_suppression():
    hidden = primary_suppressed(ATTACKED)
    assert hidden == {"high"}
    # 38 - 20 - 15 = 3: the "fewer than 5" is given away.
    assert recoverable(TWO_FILTERS, ATTACKED, hidden) == {"high": 3}


def test_complementary_suppression_defeats_the_attack_on_both_tables():
    hidden = protected(ATTACKED, TWO_FILTERS)
    assert hidden == {"high", "elevated"}
    # 38 - 20 = high + elevated = 18, in two unknowns; the months only give the total
    # again. No table, alone or with the other, isolates either.
    assert recoverable(TWO_FILTERS, ATTACKED, hidden) == {}
    # And the published page says so: the small cell and its protector.
    assert count_cell(ATTACKED["high"], hidden=True).text == FEWER_THAN_THRESHOLD
    assert count_cell(ATTACKED["elevated"], hidden=True).text == WITHHELD


def test_a_small_month_is_protected_in_its_own_table_too():
    counts = ATTACKED | {"january": 3, "february": 18}
    hidden = protected(counts, TWO_FILTERS)
    assert hidden == {"high", "elevated", "january", "march"}
    assert recoverable(TWO_FILTERS, counts, hidden) == {}
    assert recoverable(TWO_FILTERS, counts, primary_suppressed(counts)) == {
        "high": 3,
        "january": 3,
    }


# The report's own tables, on any data: nothing hidden can be worked out.

REPORT_MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]
LEVELS = ["standard", "elevated", "high"]
small_counts = st.integers(min_value=0, max_value=14)


@st.composite
def report_counts(draw) -> dict[str, int]:
    """Counts that add up as the report's do: meetings as a risk level by month grid
    (only its margins are published), disclosures by level, full and confirmed by risk
    level (confirmed never more than full)."""
    grid = {(lv, m): draw(small_counts) for lv in LEVELS for m in REPORT_MONTHS}
    full = {lv: draw(small_counts) for lv in LEVELS}
    confirmed = {lv: draw(st.integers(min_value=0, max_value=full[lv])) for lv in LEVELS}
    partial, none = draw(small_counts), draw(small_counts)
    counts = {f"meetings_{lv}": sum(grid[lv, m] for m in REPORT_MONTHS) for lv in LEVELS}
    counts |= {f"meetings_{m}": sum(grid[lv, m] for lv in LEVELS) for m in REPORT_MONTHS}
    counts |= {f"full_{lv}": full[lv] for lv in LEVELS}
    counts |= {f"confirmed_{lv}": confirmed[lv] for lv in LEVELS}
    counts |= {
        "meetings_in_scope": sum(grid.values()),
        "disclosures_full": sum(full.values()),
        "disclosures_confirmed": sum(confirmed.values()),
        "disclosures_partial": partial,
        "disclosures_none": none,
        "disclosures": sum(full.values()) + partial + none,
    }
    return counts


@settings(max_examples=300, deadline=None)
@given(report_counts())
def test_no_hidden_count_of_the_report_can_be_worked_out(counts):
    tables = report_tables(REPORT_MONTHS)
    hidden = protected(counts, tables)
    assert primary_suppressed(counts) <= hidden
    assert recoverable(tables, counts, hidden) == {}
    # Every table has no hidden member, or at least two.
    for table in tables:
        assert sum(key in hidden for key in table.members) != 1


def test_the_report_tables_cover_every_count_they_name():
    tables = report_tables(REPORT_MONTHS)
    assert [table.key for table in tables] == [
        "meetings_by_risk_level",
        "meetings_by_month",
        "disclosures_by_level",
        "full_by_risk_level",
        "confirmed_by_risk_level",
    ]
    assert tables[1].rows == tuple(f"meetings_{m}" for m in REPORT_MONTHS)
