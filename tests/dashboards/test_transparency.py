"""The transparency measures against small data whose answers are worked out by hand.

The `world` fixture is one period (January to April 2026) of meetings. Every figure a
test expects is worked out in the comment beside it from this table:

    meeting  date        status     area (risk)       group        disclosures (officer: level)
    m1       2026-01-10  reviewed   Northfield (high) group        d1 officer: full, d2 colleague: partial
    m2       2026-02-05  disputed   Northfield (high) group        d3 officer: full, d4 colleague: none
    m3       2026-02-20  submitted  Northfield (high) group        d5 officer: full
    m4       2026-03-03  reviewed   Eastgate (elev.)  group        d6 officer: full, d7 colleague: full
    m8       2026-01-25  reviewed   Southmoor (std)   other_group  d11 other officer: none
    -- never counted --
    m5       2026-01-15  draft      Northfield        group        d8 colleague: full
    m6       2026-02-10  withdrawn  Northfield        group        d9 colleague: none (confirmed yes)
    m7       2025-12-20  reviewed   Northfield        group        d10 officer: partial (yes), before the period
    m10      2025-06-01  submitted  Northfield        group        (awaiting review, before the period)

    reviews (UTC; London is on GMT until 29 March)
    m1  2026-01-12 liaison         improved   d1 no,  d2 unsure
    m1  2026-01-20 second liaison  unchanged  d1 yes, d2 unsure   (supersedes: d1 is now yes)
    m2  2026-02-07 liaison         worsened   d3 unsure, d4 no
    m4  2026-03-10 liaison         improved   d6 yes               (d7 never answered)
    m4  2026-05-02 liaison         worsened   no answers           (after the period)
    m8  2026-01-31 other liaison   improved   d11 no
    m6  2026-02-12 liaison         improved   d9 yes               (withdrawn meeting)
    m7  2026-01-05  liaison         improved   d10 yes              (meeting before the period)

    first submitted: m1 2026-01-10 23:30, m2 02-06, m3 02-24, m4 03-03, m8 01-26
"""

import datetime
import re
from types import SimpleNamespace

import pytest
import time_machine

from engagement.community.models import Area
from engagement.dashboards.queries import transparency
from engagement.dashboards.queries.base import (
    Breakdown,
    Count,
    Filters,
    Gap,
    MedianDays,
    Period,
    Rate,
    Scope,
)
from engagement.dashboards.queries.own_record import disclosure_record
from engagement.dashboards.queries.transparency import (
    awaiting_review_now,
    confirmed_disclosure_rate,
    days_to_first_review,
    disclosure_gap,
    disclosure_gap_by_month,
    disclosure_gap_by_risk_level,
    disclosure_rate_full,
    disclosure_rate_none,
    disclosure_rate_partial,
    review_coverage,
    timeliness,
    trust_by_month,
)
from engagement.meetings.models import Disclosure, DisclosureConfirmation, Meeting, Review
from engagement.meetings.queries.meeting import meetings_visible_to
from tests.factories import (
    AreaFactory,
    ConfirmationFactory,
    DisclosureFactory,
    MeetingFactory,
    ReviewFactory,
    make_admin,
    make_liaison,
)


def officer_own_record(scope, officer):
    """The whole period of the officer's own record on their home page."""
    return disclosure_record(scope, officer=officer).summary


@pytest.fixture(autouse=True)
def after_the_period():
    """Every test runs on 1 June 2026, after the period and the May review."""
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


PERIOD = Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 4, 30))

FULL = Disclosure.Level.FULL
PARTIAL = Disclosure.Level.PARTIAL
NONE = Disclosure.Level.NONE
YES = DisclosureConfirmation.Answer.YES
PARTLY = DisclosureConfirmation.Answer.PARTLY
NO = DisclosureConfirmation.Answer.NO
UNSURE = DisclosureConfirmation.Answer.UNSURE
IMPROVED = Review.TrustEffect.IMPROVED
UNCHANGED = Review.TrustEffect.UNCHANGED
WORSENED = Review.TrustEffect.WORSENED
NO_DATA = Rate(0, 0)
NO_GAP = Gap(recorded=NO_DATA, confirmed=NO_DATA)


def utc(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


def scope_of(user, period=PERIOD, **filters) -> Scope:
    return Scope(user=user, period=period, filters=Filters(**filters))


def held(day, *, unit, area, groups, status=Meeting.Status.SUBMITTED, submitted=None, **kwargs):
    """A meeting on `day`, first submitted at `submitted` (a draft never was)."""
    if status != Meeting.Status.DRAFT and submitted is None:
        submitted = utc(day.year, day.month, day.day)
    if status == Meeting.Status.WITHDRAWN:
        kwargs["withdrawal_reason"] = "Logged twice."
    return MeetingFactory(
        date=day,
        unit=unit,
        area=area,
        groups=groups,
        status=status,
        first_submitted_at=submitted,
        **kwargs,
    )


def disclose(meeting, officer, level=FULL) -> Disclosure:
    reason = "" if level == FULL else "It was not the moment to say."
    return DisclosureFactory(meeting=meeting, officer=officer, level=level, reason=reason)


def review(meeting, liaison, when, trust=IMPROVED, answers=None, version=1) -> Review:
    """A review made at `when`, answering for each disclosure in `answers`."""
    made = ReviewFactory(
        meeting=meeting, liaison=liaison, created_at=when, trust_effect=trust,
        meeting_version=version,
    )  # fmt: skip
    for disclosure, answer in (answers or {}).items():
        ConfirmationFactory(review=made, disclosure=disclosure, answer=answer)
    return made


@pytest.fixture
def world(
    officer,
    colleague,
    unit,
    area,
    group,
    liaison,
    other_liaison,
    other_unit_officer,
    other_unit,
    other_area,
    other_group,
):
    second_liaison = make_liaison(group, username="second-liaison")
    eastgate = AreaFactory(name="Eastgate", code="EG", risk_level=Area.RiskLevel.ELEVATED)
    ours = {"unit": unit, "groups": [group]}

    m1 = held(
        datetime.date(2026, 1, 10),
        area=area,
        status=Meeting.Status.REVIEWED,
        submitted=utc(2026, 1, 10, 23, 30),
        **ours,
    )
    d1, d2 = disclose(m1, officer, FULL), disclose(m1, colleague, PARTIAL)
    review(m1, liaison, utc(2026, 1, 12), IMPROVED, {d1: NO, d2: UNSURE})
    review(m1, second_liaison, utc(2026, 1, 20), UNCHANGED, {d1: YES, d2: UNSURE})

    m2 = held(
        datetime.date(2026, 2, 5),
        area=area,
        status=Meeting.Status.DISPUTED,
        submitted=utc(2026, 2, 6, 9),
        **ours,
    )
    d3, d4 = disclose(m2, officer, FULL), disclose(m2, colleague, NONE)
    review(m2, liaison, utc(2026, 2, 7), WORSENED, {d3: UNSURE, d4: NO})

    m3 = held(datetime.date(2026, 2, 20), area=area, submitted=utc(2026, 2, 24), **ours)
    disclose(m3, officer, FULL)

    m4 = held(
        datetime.date(2026, 3, 3),
        area=eastgate,
        status=Meeting.Status.REVIEWED,
        submitted=utc(2026, 3, 3),
        **ours,
    )
    d6, _d7 = disclose(m4, officer, FULL), disclose(m4, colleague, FULL)
    review(m4, liaison, utc(2026, 3, 10), IMPROVED, {d6: YES})
    review(m4, liaison, utc(2026, 5, 2), WORSENED, {}, version=2)

    m8 = held(
        datetime.date(2026, 1, 25),
        area=other_area,
        unit=other_unit,
        groups=[other_group],
        status=Meeting.Status.REVIEWED,
        submitted=utc(2026, 1, 26),
    )
    d11 = disclose(m8, other_unit_officer, NONE)
    review(m8, other_liaison, utc(2026, 1, 31), IMPROVED, {d11: NO})

    # Never counted: a draft, a withdrawn meeting, a meeting before the period.
    m5 = held(datetime.date(2026, 1, 15), area=area, status=Meeting.Status.DRAFT, **ours)
    disclose(m5, colleague, FULL)
    m6 = held(datetime.date(2026, 2, 10), area=area, status=Meeting.Status.WITHDRAWN, **ours)
    d9 = disclose(m6, colleague, NONE)
    review(m6, liaison, utc(2026, 2, 12), IMPROVED, {d9: YES})
    m7 = held(datetime.date(2025, 12, 20), area=area, status=Meeting.Status.REVIEWED, **ours)
    d10 = disclose(m7, officer, PARTIAL)
    review(m7, liaison, utc(2026, 1, 5), IMPROVED, {d10: YES})
    # Awaiting review, but dated before the period.
    held(datetime.date(2025, 6, 1), area=area, **ours)

    return SimpleNamespace(
        admin=make_admin(username="lead"),
        officer=officer,
        colleague=colleague,
        other_unit_officer=other_unit_officer,
        liaison=liaison,
        other_liaison=other_liaison,
        unit=unit,
        other_unit=other_unit,
        group=group,
        other_group=other_group,
    )


# --- The register -----------------------------------------------------------------------


def test_every_transparency_measure_is_registered_once_with_a_definition():
    keys = [measure.key for measure in transparency.MEASURES]
    assert keys == [
        "disclosure_rate_full",
        "disclosure_rate_partial",
        "disclosure_rate_none",
        "confirmed_disclosure_rate",
        "disclosure_gap",
        "disclosure_gap_by_month",
        "disclosure_gap_by_risk_level",
        "review_coverage",
        "days_to_first_review",
        "awaiting_review_now",
        "trust_by_month",
        "timeliness",
    ]
    for measure in transparency.MEASURES:
        assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", measure.key)
        assert measure.label and len(measure.definition) > 80


# --- Disclosure rates -------------------------------------------------------------------


def test_disclosure_rates_count_only_in_scope_meetings(world):
    scope = scope_of(world.admin)
    # In scope: d1 F, d2 P, d3 F, d4 N, d5 F, d6 F, d7 F, d11 N = 8 disclosures. The draft's
    # d8, the withdrawn meeting's d9 and d10 from before the period do not count.
    assert disclosure_rate_full(scope) == Rate(5, 8)  # d1 d3 d5 d6 d7
    assert disclosure_rate_full(scope).percent == 62.5
    assert disclosure_rate_partial(scope) == Rate(1, 8)  # d2
    assert disclosure_rate_partial(scope).percent == 12.5
    assert disclosure_rate_none(scope) == Rate(2, 8)  # d4 d11
    assert disclosure_rate_none(scope).percent == 25.0


def test_disclosure_rates_are_scoped_to_the_viewer(world):
    # The liaison of `group` and the officers of `unit` see m1-m4: d1-d7, 7 disclosures.
    for viewer in (world.liaison, world.officer):
        scope = scope_of(viewer)
        assert disclosure_rate_full(scope) == Rate(5, 7)  # 71.4 %
        assert disclosure_rate_partial(scope) == Rate(1, 7)  # d2
        assert disclosure_rate_none(scope) == Rate(1, 7)  # d4, never d11 of other_group
    assert disclosure_rate_full(scope_of(world.liaison)).percent == 71.4
    # The liaison of other_group and the officer of other_unit see m8 only: d11, none.
    for viewer in (world.other_liaison, world.other_unit_officer):
        scope = scope_of(viewer)
        assert disclosure_rate_full(scope) == Rate(0, 1)
        assert disclosure_rate_none(scope) == Rate(1, 1)


def test_disclosure_rates_follow_the_filters(world):
    # Elevated risk: m4 only, d6 and d7 both full.
    scope = scope_of(world.admin, risk_level=Area.RiskLevel.ELEVATED)
    assert disclosure_rate_full(scope) == Rate(2, 2)
    assert disclosure_rate_none(scope_of(world.admin, group=world.other_group)) == Rate(1, 1)


# --- Confirmed disclosure rate ----------------------------------------------------------


def test_confirmed_rate_uses_the_latest_confirmation_of_full_disclosures(world):
    # Full disclosures on reviewed or disputed in-scope meetings: d1, d3, d6, d7 (d5's m3 is
    # only submitted). Latest confirmation yes: d1 (the second review's yes supersedes the
    # first's no) and d6 (the May review answered nothing, so March's yes stays latest).
    # d3's latest is unsure; d7 was never answered. 2 / 4 = 50.0 %.
    scope = scope_of(world.admin)
    assert confirmed_disclosure_rate(scope) == Rate(2, 4)
    assert confirmed_disclosure_rate(scope).percent == 50.0
    # The liaison of `group` sees the same four; the other liaison's only disclosure is d11,
    # not full: no data, never 0 %.
    assert confirmed_disclosure_rate(scope_of(world.liaison)) == Rate(2, 4)
    assert confirmed_disclosure_rate(scope_of(world.other_liaison)).percent is None


def test_partly_no_and_unsure_are_not_yes(officer, unit, area, group, liaison):
    meeting = held(
        datetime.date(2026, 2, 1), unit=unit, area=area, groups=[group],
        status=Meeting.Status.DISPUTED,
    )  # fmt: skip
    answers = {
        disclose(meeting, officer, FULL): YES,
        disclose(meeting, make_liaison(username="x1"), FULL): PARTLY,
        disclose(meeting, make_liaison(username="x2"), FULL): NO,
        disclose(meeting, make_liaison(username="x3"), FULL): UNSURE,
    }
    review(meeting, liaison, utc(2026, 2, 3), answers=answers)
    scope = scope_of(make_admin())
    # 1 yes of 4 full = 25.0 %; the gap is 4/4 recorded full - 1/4 yes = 75.0 points.
    assert confirmed_disclosure_rate(scope) == Rate(1, 4)
    assert disclosure_gap(scope).points == 75.0


def test_a_later_review_supersedes_an_earlier_one_both_ways(officer, unit, area, group, liaison):
    meeting = held(
        datetime.date(2026, 2, 1), unit=unit, area=area, groups=[group],
        status=Meeting.Status.REVIEWED,
    )  # fmt: skip
    d = disclose(meeting, officer, FULL)
    review(meeting, liaison, utc(2026, 2, 3), answers={d: YES})
    scope = scope_of(make_admin())
    assert confirmed_disclosure_rate(scope) == Rate(1, 1)
    # A later review says unsure: the earlier yes no longer counts.
    review(meeting, make_liaison(group), utc(2026, 2, 4), answers={d: UNSURE})
    assert confirmed_disclosure_rate(scope) == Rate(0, 1)
    assert disclosure_gap(scope) == Gap(recorded=Rate(1, 1), confirmed=Rate(0, 1))


def test_reviews_made_at_the_same_moment_are_ordered_by_id(officer, unit, area, group, liaison):
    meeting = held(
        datetime.date(2026, 2, 1), unit=unit, area=area, groups=[group],
        status=Meeting.Status.REVIEWED,
    )  # fmt: skip
    d = disclose(meeting, officer, FULL)
    moment = utc(2026, 2, 3)
    review(meeting, liaison, moment, answers={d: NO})
    review(meeting, make_liaison(group), moment, answers={d: YES})  # the higher id: latest
    assert confirmed_disclosure_rate(scope_of(make_admin())) == Rate(1, 1)


def test_a_corrected_meeting_awaits_a_new_review_before_its_answers_count(
    officer, unit, area, group, liaison
):
    # Disputed for its accuracy, then corrected: back to submitted, the earlier answers stay.
    meeting = held(datetime.date(2026, 2, 1), unit=unit, area=area, groups=[group])
    d = disclose(meeting, officer, FULL)
    review(meeting, liaison, utc(2026, 2, 3), answers={d: YES})
    scope = scope_of(make_admin())
    assert confirmed_disclosure_rate(scope) == NO_DATA
    assert disclosure_gap(scope) == NO_GAP
    own = dict(officer_own_record(scope_of(officer), officer).rows)
    assert own["Full"] == Rate(1, 1)
    assert own["Confirmed by the community"] == NO_DATA
    # It has had a review, though: review coverage counts it, 1 / 1.
    assert review_coverage(scope) == Rate(1, 1)


def test_a_yes_for_a_partial_disclosure_is_not_a_confirmed_full_one(
    officer, unit, area, group, liaison
):
    meeting = held(
        datetime.date(2026, 2, 1), unit=unit, area=area, groups=[group],
        status=Meeting.Status.REVIEWED,
    )  # fmt: skip
    review(meeting, liaison, utc(2026, 2, 3), answers={disclose(meeting, officer, PARTIAL): YES})
    own = dict(officer_own_record(scope_of(officer), officer).rows)
    assert own["Partial"] == Rate(1, 1)
    assert own["Confirmed by the community"] == NO_DATA
    assert confirmed_disclosure_rate(scope_of(make_admin())) == NO_DATA
    # The gap counts every answered disclosure: recorded full 0/1, yes 1/1: -100.0 points.
    assert disclosure_gap(scope_of(make_admin())).points == -100.0


# --- Disclosure gap ---------------------------------------------------------------------


def test_the_disclosure_gap_example_of_the_design(officer, colleague, unit, area, group, liaison):
    # Three disclosures, officers recorded two as full, the community confirmed one:
    # 66.7 % - 33.3 % = a gap of 33.3 points.
    meeting = held(
        datetime.date(2026, 3, 1), unit=unit, area=area, groups=[group],
        status=Meeting.Status.DISPUTED,
    )  # fmt: skip
    third = make_liaison(username="not-an-officer")
    answers = {
        disclose(meeting, officer, FULL): YES,
        disclose(meeting, colleague, FULL): NO,
        disclose(meeting, third, PARTIAL): PARTLY,
    }
    review(meeting, liaison, utc(2026, 3, 2), answers=answers)
    gap = disclosure_gap(scope_of(make_admin()))
    assert gap == Gap(recorded=Rate(2, 3), confirmed=Rate(1, 3))
    assert gap.points == 33.3
    assert gap.as_json()["numerator"] == 1 and gap.as_json()["denominator"] == 3


def test_disclosure_gap_over_answered_disclosures_on_reviewed_or_disputed_meetings(world):
    # Latest confirmations on m1, m2, m4, m8: d1 F yes, d2 P unsure, d3 F unsure, d4 N no,
    # d6 F yes, d11 N no = 6 (d5's meeting is only submitted; d7 was never answered).
    # Recorded full 3/6 = 50 %, confirmed yes 2/6 = 33.33 %: 16.7 points.
    gap = disclosure_gap(scope_of(world.admin))
    assert gap == Gap(recorded=Rate(3, 6), confirmed=Rate(2, 6))
    assert gap.points == 16.7
    # The liaison of `group`: d1 d2 d3 d4 d6 = 5; full 3 (60 %), yes 2 (40 %): 20.0 points.
    assert disclosure_gap(scope_of(world.liaison)) == Gap(recorded=Rate(3, 5), confirmed=Rate(2, 5))
    assert disclosure_gap(scope_of(world.liaison)).points == 20.0
    # The liaison of other_group and the officer of other_unit: d11 none, no: 0 - 0 = 0.0.
    for viewer in (world.other_liaison, world.other_unit_officer):
        assert disclosure_gap(scope_of(viewer)) == Gap(recorded=Rate(0, 1), confirmed=Rate(0, 1))


def test_the_gap_uses_the_level_the_officer_had_recorded_when_answered(
    officer, unit, area, group, liaison
):
    meeting = held(
        datetime.date(2026, 3, 1), unit=unit, area=area, groups=[group],
        status=Meeting.Status.DISPUTED,
    )  # fmt: skip
    d = disclose(meeting, officer, FULL)
    review(meeting, liaison, utc(2026, 3, 2), answers={d: NO})
    # The officer has since lowered the level (saved, not yet sent back as a correction).
    Disclosure.objects.filter(pk=d.pk).update(level=PARTIAL, reason="Said police only.")
    scope = scope_of(make_admin())
    # The answer was about a full disclosure: recorded full 1/1, yes 0/1 = 100.0 points.
    assert disclosure_gap(scope) == Gap(recorded=Rate(1, 1), confirmed=Rate(0, 1))
    assert disclosure_gap(scope).points == 100.0
    # The confirmed rate reads the record as it stands: no full disclosure, no data.
    assert confirmed_disclosure_rate(scope) == NO_DATA


def test_disclosure_gap_by_meeting_month(world):
    rows = disclosure_gap_by_month(scope_of(world.admin)).rows
    assert [label for label, _ in rows] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    by_month = dict(rows)
    # January: m1 (d1 F yes, d2 P unsure) and m8 (d11 N no): 1/3 full - 1/3 yes = 0.0.
    assert by_month["2026-01"] == Gap(recorded=Rate(1, 3), confirmed=Rate(1, 3))
    assert by_month["2026-01"].points == 0.0
    # February: m2 (d3 F unsure, d4 N no): 1/2 - 0/2 = 50.0 points.
    assert by_month["2026-02"] == Gap(recorded=Rate(1, 2), confirmed=Rate(0, 2))
    assert by_month["2026-02"].points == 50.0
    # March: m4 (d6 F yes): 1/1 - 1/1 = 0.0. April: nothing, no data.
    assert by_month["2026-03"] == Gap(recorded=Rate(1, 1), confirmed=Rate(1, 1))
    assert by_month["2026-04"] == NO_GAP
    assert by_month["2026-04"].points is None


def test_disclosure_gap_by_area_risk_level(world):
    rows = disclosure_gap_by_risk_level(scope_of(world.admin)).rows
    assert [label for label, _ in rows] == ["Standard", "Elevated", "High"]
    by_level = dict(rows)
    # Standard: m8's d11 (N, no): 0/1 - 0/1. Elevated: m4's d6 (F, yes): 1/1 - 1/1.
    assert by_level["Standard"] == Gap(recorded=Rate(0, 1), confirmed=Rate(0, 1))
    assert by_level["Elevated"] == Gap(recorded=Rate(1, 1), confirmed=Rate(1, 1))
    # High: m1 and m2, d1 d2 d3 d4: full 2/4 (50 %) - yes 1/4 (25 %) = 25.0 points.
    assert by_level["High"] == Gap(recorded=Rate(2, 4), confirmed=Rate(1, 4))
    assert by_level["High"].points == 25.0
    # A liaison never sees other_group's standard-risk figure.
    assert dict(disclosure_gap_by_risk_level(scope_of(world.liaison)).rows)["Standard"] == NO_GAP


# --- Reviews ----------------------------------------------------------------------------


def test_review_coverage(world):
    # In scope m1 m2 m3 m4 m8; reviewed at least once: all but m3. 4 / 5 = 80.0 %.
    assert review_coverage(scope_of(world.admin)) == Rate(4, 5)
    assert review_coverage(scope_of(world.admin)).percent == 80.0
    # The liaison of `group`: m1-m4, 3 / 4. The other liaison: m8, 1 / 1.
    assert review_coverage(scope_of(world.liaison)) == Rate(3, 4)
    assert review_coverage(scope_of(world.other_liaison)) == Rate(1, 1)


def test_days_to_first_review(world):
    # Calendar days from first submission to first review (London dates):
    # m1 Jan 10 -> Jan 12 = 2, m2 Feb 6 -> Feb 7 = 1, m4 Mar 3 -> Mar 10 = 7,
    # m8 Jan 26 -> Jan 31 = 5. Sorted 1 2 5 7: median (2 + 5) / 2 = 3.5 over 4 meetings.
    assert days_to_first_review(scope_of(world.admin)) == MedianDays(3.5, 4)
    # The liaison of `group`: 1 2 7, median 2.0. The other liaison: m8's 5.0.
    assert days_to_first_review(scope_of(world.liaison)) == MedianDays(2.0, 3)
    assert days_to_first_review(scope_of(world.other_liaison)) == MedianDays(5.0, 1)


def test_days_are_calendar_days_in_london(officer, unit, area, group, liaison):
    summer = Period(start=datetime.date(2026, 6, 1), end=datetime.date(2026, 6, 30))
    meeting = held(
        datetime.date(2026, 6, 1), unit=unit, area=area, groups=[group],
        status=Meeting.Status.REVIEWED,
        # 23:30 UTC on 1 June is 00:30 on 2 June in London (BST).
        submitted=utc(2026, 6, 1, 23, 30),
    )  # fmt: skip
    # Reviewed 7 hours later, the same London day: 0 days, not 1 as in UTC.
    review(meeting, liaison, utc(2026, 6, 2, 6, 30))
    with time_machine.travel(datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC)):
        scope = scope_of(make_admin(), period=summer)
        assert days_to_first_review(scope) == MedianDays(0.0, 1)
        # Met on 1 June, submitted on 2 June London time: 1 day, not 0 as in UTC.
        assert timeliness(scope) == MedianDays(1.0, 1)


def test_days_to_first_review_counts_the_first_review_only(officer, unit, area, group, liaison):
    meeting = held(
        datetime.date(2026, 2, 1), unit=unit, area=area, groups=[group],
        status=Meeting.Status.REVIEWED, submitted=utc(2026, 2, 2, 22),
    )  # fmt: skip
    review(meeting, make_liaison(group), utc(2026, 2, 20))
    review(meeting, liaison, utc(2026, 2, 3, 1))  # made first, though created second
    # Feb 2 -> Feb 3: 1 calendar day, though only 3 hours passed.
    assert days_to_first_review(scope_of(make_admin())) == MedianDays(1.0, 1)


def test_awaiting_review_now_ignores_the_period_but_not_the_filters(world):
    # Submitted now: m3 (in the period) and m10 (before it); not drafts or withdrawn.
    assert awaiting_review_now(scope_of(world.admin)) == Count(2)
    assert awaiting_review_now(scope_of(world.admin, group=world.group)) == Count(2)
    assert awaiting_review_now(scope_of(world.admin, unit=world.other_unit)) == Count(0)
    assert awaiting_review_now(scope_of(world.liaison)) == Count(2)
    assert awaiting_review_now(scope_of(world.other_liaison)) == Count(0)
    assert awaiting_review_now(scope_of(world.other_unit_officer)) == Count(0)


def _trust(breakdown: Breakdown) -> dict[str, Rate]:
    return dict(breakdown.rows)


def test_trust_by_review_month(world):
    trust = trust_by_month(scope_of(world.admin))
    assert [label for label, _ in trust.rows] == [
        f"2026-0{month} {effect}"
        for month in (1, 2, 3, 4)
        for effect in ("improved", "unchanged", "worsened")
    ]
    rates = _trust(trust)
    # January: m1's two reviews (improved, unchanged) and m8's (improved) = 3; m7's review
    # is of a meeting before the period and m6's of a withdrawn meeting: not counted.
    assert rates["2026-01 improved"] == Rate(2, 3)  # 66.7 %
    assert rates["2026-01 improved"].percent == 66.7
    assert rates["2026-01 unchanged"] == Rate(1, 3)  # 33.3 %
    assert rates["2026-01 worsened"] == Rate(0, 3)  # 0.0 %, not no data
    # February: m2's review, worsened. March: m4's, improved.
    assert rates["2026-02 worsened"] == Rate(1, 1)
    assert rates["2026-02 improved"] == Rate(0, 1)
    assert rates["2026-03 improved"] == Rate(1, 1)
    # April: no review (m4's May review is after the period): no data.
    assert rates["2026-04 improved"] == NO_DATA
    assert rates["2026-04 improved"].percent is None


def test_trust_by_month_is_scoped_to_the_viewer(world):
    # The liaison of `group`: January is m1's two reviews only.
    rates = _trust(trust_by_month(scope_of(world.liaison)))
    assert rates["2026-01 improved"] == Rate(1, 2)
    assert rates["2026-01 unchanged"] == Rate(1, 2)
    # The other liaison: m8's one review in January, nothing after.
    rates = _trust(trust_by_month(scope_of(world.other_liaison)))
    assert rates["2026-01 improved"] == Rate(1, 1)
    assert rates["2026-02 improved"] == NO_DATA


def test_trust_counts_reviews_made_within_the_period(officer, unit, area, group, liaison):
    meeting = held(
        datetime.date(2026, 4, 2), unit=unit, area=area, groups=[group],
        status=Meeting.Status.REVIEWED,
    )  # fmt: skip
    review(meeting, liaison, utc(2026, 4, 10), IMPROVED)
    review(meeting, make_liaison(group), utc(2026, 4, 20), WORSENED)
    # The period ends on 15 April: the review of 20 April is not in it.
    scope = scope_of(
        make_admin(), period=Period(datetime.date(2026, 1, 1), datetime.date(2026, 4, 15))
    )
    rates = _trust(trust_by_month(scope))
    assert rates["2026-04 improved"] == Rate(1, 1)
    assert rates["2026-04 worsened"] == Rate(0, 1)


def test_trust_months_are_london_months(officer, unit, area, group, liaison):
    meeting = held(
        datetime.date(2026, 3, 20), unit=unit, area=area, groups=[group],
        status=Meeting.Status.REVIEWED,
    )  # fmt: skip
    # 23:30 UTC on 31 March is 00:30 on 1 April in London (BST from 29 March).
    review(meeting, liaison, utc(2026, 3, 31, 23, 30), UNCHANGED)
    rates = _trust(trust_by_month(scope_of(make_admin())))
    assert rates["2026-03 unchanged"] == NO_DATA
    assert rates["2026-04 unchanged"] == Rate(1, 1)


# --- Timeliness -------------------------------------------------------------------------


def test_timeliness(world):
    # Meeting date -> first submitted (London): m1 Jan 10 -> Jan 10 = 0, m2 Feb 5 -> 6 = 1,
    # m3 Feb 20 -> 24 = 4, m4 Mar 3 -> 3 = 0, m8 Jan 25 -> 26 = 1.
    # Sorted 0 0 1 1 4: median 1.0 over 5 meetings.
    assert timeliness(scope_of(world.admin)) == MedianDays(1.0, 5)
    # The liaison of `group`: 0 0 1 4, median (0 + 1) / 2 = 0.5.
    assert timeliness(scope_of(world.liaison)) == MedianDays(0.5, 4)


# --- An officer's own record ------------------------------------------------------------


def test_an_officers_own_record(world):
    record = dict(officer_own_record(scope_of(world.officer), world.officer).rows)
    # The officer's in-scope disclosures: d1 d3 d5 d6, all full (d10 is before the period).
    assert record["Full"] == Rate(4, 4)
    assert record["Partial"] == Rate(0, 4)
    assert record["None"] == Rate(0, 4)
    # Full on reviewed or disputed meetings: d1 d3 d6; latest yes: d1 d6. 2 / 3 = 66.7 %.
    assert record["Confirmed by the community"] == Rate(2, 3)
    assert record["Confirmed by the community"].percent == 66.7


def test_a_colleagues_own_record_leaves_out_drafts_and_withdrawn(world):
    record = dict(officer_own_record(scope_of(world.colleague), world.colleague).rows)
    # d2 partial, d4 none, d7 full; the draft's d8 and the withdrawn meeting's d9 excluded.
    assert record["Full"] == Rate(1, 3)
    assert record["Partial"] == Rate(1, 3)
    assert record["None"] == Rate(1, 3)
    # d7 is full on a reviewed meeting but never answered: not confirmed, 0 / 1.
    assert record["Confirmed by the community"] == Rate(0, 1)
    assert record["Confirmed by the community"].percent == 0.0


def test_an_officers_record_is_only_what_the_viewer_may_see(world):
    record = officer_own_record(scope_of(world.other_unit_officer), world.officer)
    assert all(rate == NO_DATA for _, rate in record.rows)


# --- Edge cases -------------------------------------------------------------------------


def test_no_data_is_no_data_never_zero(admin_user):
    scope = scope_of(admin_user)
    for measure in transparency.MEASURES:
        answer = measure.compute(scope).as_json()
        if measure.key == "awaiting_review_now":
            assert answer["value"] == 0
        elif "by" in answer:
            assert answer["by"] and all(row["value"] is None for row in answer["by"].values())
        else:
            assert answer["value"] is None, measure.key
    assert days_to_first_review(scope) == MedianDays(None, 0)


def test_zero_denominators_with_only_a_submitted_meeting(meeting, admin_user):
    # One submitted meeting, the officer's full disclosure, no review yet.
    scope = scope_of(admin_user, period=Period(meeting.date, meeting.date))
    assert disclosure_rate_full(scope) == Rate(1, 1)
    assert confirmed_disclosure_rate(scope) == NO_DATA
    assert disclosure_gap(scope).points is None
    assert review_coverage(scope) == Rate(0, 1)
    assert review_coverage(scope).percent == 0.0
    assert days_to_first_review(scope) == MedianDays(None, 0)
    assert timeliness(scope).count == 1


# --- Query counts -----------------------------------------------------------------------

# A median is two queries: how many, then the middle rows.
QUERIES = {
    "disclosure_rate_full": 1,
    "disclosure_rate_partial": 1,
    "disclosure_rate_none": 1,
    "confirmed_disclosure_rate": 1,
    "disclosure_gap": 1,
    "disclosure_gap_by_month": 1,
    "disclosure_gap_by_risk_level": 1,
    "review_coverage": 1,
    "days_to_first_review": 2,
    "awaiting_review_now": 1,
    "trust_by_month": 1,
    "timeliness": 2,
}


@pytest.mark.parametrize("measure", transparency.MEASURES, ids=lambda m: m.key)
def test_each_measure_takes_a_fixed_number_of_queries(
    measure, world, django_assert_num_queries, officer, unit, area, group, liaison
):
    for viewer in (world.admin, world.officer, world.liaison):
        meetings_visible_to(viewer)  # who sees what is read once per account, before any measure
        with django_assert_num_queries(QUERIES[measure.key]):
            measure.compute(scope_of(viewer))
    # Many more rows, the same number of queries.
    for day in range(1, 20):
        more = held(
            datetime.date(2026, 4, day), unit=unit, area=area, groups=[group],
            status=Meeting.Status.REVIEWED,
        )  # fmt: skip
        review(
            more, make_liaison(group), utc(2026, 4, day + 1), answers={disclose(more, officer): YES}
        )
    with django_assert_num_queries(QUERIES[measure.key]):
        measure.compute(scope_of(world.admin))
