"""An officer's own disclosure record by month, beside their unit's, against small data
whose answers are worked out by hand.

The `world` fixture: one period, January to April 2026. `officer` and `colleague` are in
`unit`; `other_unit_officer` in `other_unit`.

    meeting  date        status     unit        disclosures (officer: level)
    m1       2026-01-10  reviewed   unit        d1 officer: full,  d2 colleague: partial
    m2       2026-01-20  disputed   unit        d3 officer: full,  d4 colleague: full
    m3       2026-03-05  submitted  unit        d5 officer: partial, d9 colleague: none
    m4       2026-03-15  reviewed   other_unit  d6 officer: full,  d7 other officer: none
    m8       2026-04-02  reviewed   unit        d8 colleague: full
    -- never counted --
    m5       2026-02-01  draft      unit        officer: full
    m6       2026-03-01  withdrawn  unit        officer: none
    m7       2025-12-15  reviewed   unit        officer: none, before the period

    latest confirmations (a later review supersedes an earlier one)
    d1 yes;  d2 unsure;  d3 unsure;  d4 yes
    d6 no on 03-16, then yes on 03-20: yes
    d8 yes on 04-03, then no on 04-10: no
"""

import datetime

import pytest

from engagement.dashboards.queries.base import Breakdown, Filters, Period, Rate, Scope
from engagement.dashboards.queries.own_record import (
    CONFIRMED,
    disclosure_record,
    side_by_side,
    unit_of,
)
from engagement.meetings.models import Disclosure, DisclosureConfirmation, Meeting
from engagement.meetings.queries.meeting import meetings_visible_to
from tests.factories import (
    ConfirmationFactory,
    DisclosureFactory,
    MeetingFactory,
    ReviewFactory,
    UserFactory,
)

PERIOD = Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 4, 30))
FULL = Disclosure.Level.FULL
PARTIAL = Disclosure.Level.PARTIAL
NONE = Disclosure.Level.NONE
YES = DisclosureConfirmation.Answer.YES
NO = DisclosureConfirmation.Answer.NO
UNSURE = DisclosureConfirmation.Answer.UNSURE
NO_DATA = Rate(0, 0)


def held(day, *, unit, area, group, status=Meeting.Status.REVIEWED) -> Meeting:
    extra = {"withdrawal_reason": "Logged twice."} if status == Meeting.Status.WITHDRAWN else {}
    return MeetingFactory(
        date=day, unit=unit, area=area, groups=[group], status=status, **extra
    )  # fmt: skip


def disclose(meeting, officer, level) -> Disclosure:
    reason = "" if level == FULL else "It was not the moment to say."
    return DisclosureFactory(meeting=meeting, officer=officer, level=level, reason=reason)


def review(meeting, liaison, day, answers, version=1) -> None:
    """A review on `day`, of the meeting at `version` (one per liaison per version)."""
    made = ReviewFactory(
        meeting=meeting,
        liaison=liaison,
        meeting_version=version,
        created_at=datetime.datetime(2026, day.month, day.day, 10, tzinfo=datetime.UTC),
    )
    for disclosure, answer in answers.items():
        ConfirmationFactory(review=made, disclosure=disclosure, answer=answer)


@pytest.fixture
def world(officer, colleague, other_unit_officer, unit, other_unit, area, other_area, group,
          other_group, liaison, other_liaison):  # fmt: skip
    ours = {"unit": unit, "area": area, "group": group}
    m1 = held(datetime.date(2026, 1, 10), **ours)
    d1, d2 = disclose(m1, officer, FULL), disclose(m1, colleague, PARTIAL)
    review(m1, liaison, datetime.date(2026, 1, 12), {d1: YES, d2: UNSURE})

    m2 = held(datetime.date(2026, 1, 20), status=Meeting.Status.DISPUTED, **ours)
    d3, d4 = disclose(m2, officer, FULL), disclose(m2, colleague, FULL)
    review(m2, liaison, datetime.date(2026, 1, 22), {d3: UNSURE, d4: YES})

    m3 = held(datetime.date(2026, 3, 5), status=Meeting.Status.SUBMITTED, **ours)
    disclose(m3, officer, PARTIAL)
    disclose(m3, colleague, NONE)

    m4 = held(datetime.date(2026, 3, 15), unit=other_unit, area=other_area, group=other_group)
    d6 = disclose(m4, officer, FULL)
    disclose(m4, other_unit_officer, NONE)
    review(m4, other_liaison, datetime.date(2026, 3, 16), {d6: NO})
    review(m4, other_liaison, datetime.date(2026, 3, 20), {d6: YES}, version=2)

    m8 = held(datetime.date(2026, 4, 2), **ours)
    d8 = disclose(m8, colleague, FULL)
    review(m8, liaison, datetime.date(2026, 4, 3), {d8: YES})
    review(m8, liaison, datetime.date(2026, 4, 10), {d8: NO}, version=2)

    disclose(held(datetime.date(2026, 2, 1), status=Meeting.Status.DRAFT, **ours), officer, FULL)
    withdrawn = held(datetime.date(2026, 3, 1), status=Meeting.Status.WITHDRAWN, **ours)
    disclose(withdrawn, officer, NONE)
    disclose(held(datetime.date(2025, 12, 15), **ours), officer, NONE)


def own(officer) -> Scope:
    return Scope(user=officer, period=PERIOD)


def units(officer, unit) -> Scope:
    return Scope(user=officer, period=PERIOD, filters=Filters(unit=unit))


def test_an_officers_levels_by_month(world, officer):
    rows = dict(disclosure_record(own(officer), officer=officer).levels_by_month.rows)
    # January: d1 full, d3 full: 2 of 2 full.
    assert rows["2026-01 full"] == Rate(2, 2)
    assert rows["2026-01 partial"] == Rate(0, 2)
    assert rows["2026-01 none"] == Rate(0, 2)
    # February: only the draft, which never counts: no data, never 0 %.
    assert rows["2026-02 full"] == NO_DATA
    assert rows["2026-02 full"].percent is None
    # March: d5 partial, d6 full on the other unit's meeting the officer attended; the
    # withdrawn meeting's none is left out: 1 of 2 full, 1 of 2 partial, 0 of 2 none.
    assert rows["2026-03 full"] == Rate(1, 2)
    assert rows["2026-03 partial"] == Rate(1, 2)
    assert rows["2026-03 none"] == Rate(0, 2)
    assert rows["2026-04 full"] == NO_DATA


def test_the_months_are_every_month_of_the_period_in_order(world, officer):
    record = disclosure_record(own(officer), officer=officer)
    assert [label for label, _ in record.levels_by_month.rows] == [
        f"2026-{month:02} {level}"
        for month in (1, 2, 3, 4)
        for level in ("full", "partial", "none")
    ]
    assert [label for label, _ in record.confirmed_by_month.rows] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
    ]


def test_how_often_the_community_confirmed_an_officers_full_disclosures(world, officer):
    rows = dict(disclosure_record(own(officer), officer=officer).confirmed_by_month.rows)
    # January: full on reviewed or disputed meetings d1 (yes), d3 (unsure is not yes): 1 / 2.
    assert rows["2026-01"] == Rate(1, 2)
    assert rows["2026-01"].percent == 50.0
    # March: d6, answered no and later yes: the latest answer counts, 1 / 1. (d5 is
    # partial, on a meeting not yet reviewed.)
    assert rows["2026-03"] == Rate(1, 1)
    assert rows["2026-02"] == NO_DATA
    assert rows["2026-04"] == NO_DATA


def test_an_officers_whole_period(world, officer):
    summary = dict(disclosure_record(own(officer), officer=officer).summary.rows)
    # d1 d3 d5 d6: full 3 of 4, partial 1 of 4, none 0 of 4; confirmed d1 d6 of d1 d3 d6.
    assert summary == {
        "Full": Rate(3, 4),
        "Partial": Rate(1, 4),
        "None": Rate(0, 4),
        CONFIRMED: Rate(2, 3),
    }


def test_the_units_levels_and_confirmations_by_month(world, officer, unit):
    record = disclosure_record(units(officer, unit))
    levels = dict(record.levels_by_month.rows)
    # January: d1 full, d2 partial, d3 full, d4 full: 3 / 4 full, 1 / 4 partial.
    assert levels["2026-01 full"] == Rate(3, 4)
    assert levels["2026-01 partial"] == Rate(1, 4)
    # March: the unit's m3 only (m4 is the other unit's): d5 partial, d9 none.
    assert levels["2026-03 full"] == Rate(0, 2)
    assert levels["2026-03 none"] == Rate(1, 2)
    # April: d8 full.
    assert levels["2026-04 full"] == Rate(1, 1)
    confirmed = dict(record.confirmed_by_month.rows)
    # January: d1 yes, d3 unsure, d4 yes: 2 / 3. March: no full disclosure: no data.
    # April: d8 answered yes then no: the latest is no, 0 / 1 (a real 0 %).
    assert confirmed["2026-01"] == Rate(2, 3)
    assert confirmed["2026-03"] == NO_DATA
    assert confirmed["2026-04"] == Rate(0, 1)
    assert confirmed["2026-04"].percent == 0.0
    # Over the period: d1 d2 d3 d4 d5 d9 d8: full 4 / 7, partial 2 / 7, none 1 / 7;
    # confirmed d1 d4 of d1 d3 d4 d8: 2 / 4.
    assert dict(record.summary.rows) == {
        "Full": Rate(4, 7),
        "Partial": Rate(2, 7),
        "None": Rate(1, 7),
        CONFIRMED: Rate(2, 4),
    }


def test_a_colleagues_record_is_their_own(world, colleague):
    summary = dict(disclosure_record(own(colleague), officer=colleague).summary.rows)
    # d2 partial, d4 full, d9 none, d8 full; confirmed d4 of d4 d8.
    assert summary == {
        "Full": Rate(2, 4),
        "Partial": Rate(1, 4),
        "None": Rate(1, 4),
        CONFIRMED: Rate(1, 2),
    }


def test_nothing_to_count_is_no_data_everywhere(officer):
    record = disclosure_record(own(officer), officer=officer)
    for breakdown in (record.summary, record.levels_by_month, record.confirmed_by_month):
        assert all(rate == NO_DATA for _, rate in breakdown.rows)


def test_only_meetings_the_viewer_may_see_count(world, officer, other_unit_officer):
    # The other unit's officer sees their unit's m4 only, where `officer` disclosed d6.
    summary = dict(disclosure_record(own(other_unit_officer), officer=officer).summary.rows)
    assert summary["Full"] == Rate(1, 1)
    assert summary[CONFIRMED] == Rate(1, 1)


def test_two_queries_however_many_disclosures(
    world, officer, unit, area, group, liaison, django_assert_num_queries
):
    meetings_visible_to(officer)  # who sees what is read once per account, before any figure
    with django_assert_num_queries(2):
        disclosure_record(own(officer), officer=officer)
    for day in range(1, 15):
        more = held(datetime.date(2026, 2, day), unit=unit, area=area, group=group)
        review(more, liaison, datetime.date(2026, 2, day + 1), {disclose(more, officer, FULL): YES})
    with django_assert_num_queries(2):
        disclosure_record(units(officer, unit))


def test_side_by_side_names_each_months_rows():
    mine = Breakdown(rows=[("2026-01", Rate(1, 2)), ("2026-02", NO_DATA)])
    theirs = Breakdown(rows=[("2026-01", Rate(3, 4)), ("2026-02", Rate(0, 1))])
    assert side_by_side({"you": mine, "your unit": theirs}).rows == [
        ("2026-01 you", Rate(1, 2)),
        ("2026-01 your unit", Rate(3, 4)),
        ("2026-02 you", NO_DATA),
        ("2026-02 your unit", Rate(0, 1)),
    ]
    assert side_by_side({}).rows == []


def test_an_officers_unit(officer, unit, liaison, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert unit_of(officer) == unit
    assert unit_of(liaison) is None
    assert unit_of(UserFactory()) is None
