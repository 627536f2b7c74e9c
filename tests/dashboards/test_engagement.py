"""Engagement measures (focus, youth, surveillance, told before passed on, continuity,
coverage) against small data sets worked out by hand.

The fixtures (tests/conftest.py): `area` (Northfield, high risk) holds `unit`, `group`
(Northfield Mosque Committee) and `second_group` (Northfield Youth Forum); `other_area`
(Southmoor, standard) holds `other_unit` and `other_group` (Southmoor Residents).
`officer` and `colleague` are in `unit`; `liaison` speaks for `group`, `other_liaison`
for `other_group`. No measure reads today's date: every one is asked for a fixed period.
"""

import datetime
import json
import re

import pytest

from engagement.dashboards.queries import engagement as measures
from engagement.dashboards.queries.base import Breakdown, Count, Filters, Period, Rate, Scope
from engagement.meetings.models import Meeting
from engagement.meetings.queries.meeting import meetings_visible_to
from tests.factories import AreaFactory, CommunityGroupFactory, MeetingFactory, make_officer

D = datetime.date
# The first half of 2026.
PERIOD = Period(start=D(2026, 1, 1), end=D(2026, 6, 30))
NO_LEVEL = [("Standard", Rate(0, 0)), ("Elevated", Rate(0, 0)), ("High", Rate(0, 0))]


def meet(day, *, unit, groups, officers=(), area=None, **fields) -> Meeting:
    """A submitted meeting of `unit` on `day` (in the unit's area unless told)."""
    if fields.get("status") == Meeting.Status.WITHDRAWN:
        fields.setdefault("withdrawal_reason", "Logged twice by mistake.")
    return MeetingFactory(
        date=day,
        unit=unit,
        area=area or unit.area,
        author=officers[0] if officers else None,
        groups=groups,
        officers=list(officers),
        **fields,
    )


def scope(user, period=PERIOD, **filters) -> Scope:
    return Scope(user=user, period=period, filters=Filters(**filters))


def rows(breakdown: Breakdown) -> list:
    return breakdown.rows


def excluded_meetings(*, unit, groups, officers, **fields) -> None:
    """Meetings that must never count: a draft, a withdrawn one, one before and one after
    the period — each otherwise matching `fields`."""
    meet(
        D(2026, 4, 10),
        unit=unit,
        groups=groups,
        officers=officers,
        status=Meeting.Status.DRAFT,
        **fields,
    )
    meet(
        D(2026, 4, 11),
        unit=unit,
        groups=groups,
        officers=officers,
        status=Meeting.Status.WITHDRAWN,
        **fields,
    )
    meet(D(2025, 12, 31), unit=unit, groups=groups, officers=officers, **fields)
    meet(D(2026, 7, 1), unit=unit, groups=groups, officers=officers, **fields)


# --- no data ----------------------------------------------------------------------------


def test_with_no_meetings_every_rate_is_no_data_and_every_count_zero(admin_user):
    figures = {m.key: m.compute(scope(admin_user)) for m in measures.MEASURES}
    json.dumps({key: figure.as_json() for key, figure in figures.items()})
    for key, figure in figures.items():
        if isinstance(figure, Rate):
            assert figure == Rate(0, 0) and figure.percent is None, key
    assert figures["youth_under_25_attendees"] == Count(0)
    assert figures["coverage_gaps"] == Count(0)
    assert rows(figures["focus_by_risk_level"]) == NO_LEVEL
    assert rows(figures["surveillance_by_month"]) == [
        (month, Rate(0, 0))
        for month in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")
    ]
    assert rows(figures["distinct_officers_per_group"]) == []
    assert rows(figures["coverage_gap_groups"]) == []


# --- focus ------------------------------------------------------------------------------

COMMUNITY = Meeting.Focus.COMMUNITY_FOCUSED
TARGETED = Meeting.Focus.TARGETED


def test_focus_shares_of_in_scope_meetings(admin_user, officer, unit, group):
    meet(D(2026, 1, 10), unit=unit, groups=[group], officers=[officer], focus=COMMUNITY)
    meet(
        D(2026, 2, 10),
        unit=unit,
        groups=[group],
        officers=[officer],
        focus=COMMUNITY,
        status=Meeting.Status.REVIEWED,
    )
    meet(
        D(2026, 3, 10),
        unit=unit,
        groups=[group],
        officers=[officer],
        focus=TARGETED,
        status=Meeting.Status.DISPUTED,
    )
    excluded_meetings(unit=unit, groups=[group], officers=[officer], focus=TARGETED)
    # In scope: 3 (submitted, reviewed, disputed); community-focused 2, targeted 1.
    # 2 / 3 = 66.666… → 66.7 %; 1 / 3 = 33.333… → 33.3 %.
    community = measures.focus_community(scope(admin_user))
    targeted = measures.focus_targeted(scope(admin_user))
    assert (community, community.percent) == (Rate(2, 3), 66.7)
    assert (targeted, targeted.percent) == (Rate(1, 3), 33.3)


def test_focus_by_risk_level_in_the_order_of_the_levels(
    admin_user, officer, unit, group, other_unit_officer, other_unit, other_group
):
    # High (Northfield): community, community, targeted → 2 / 3 = 66.7 %.
    for focus in (COMMUNITY, COMMUNITY, TARGETED):
        meet(D(2026, 2, 1), unit=unit, groups=[group], officers=[officer], focus=focus)
    # Standard (Southmoor): targeted → 0 / 1 = 0.0 % (a real zero, not no data).
    meet(
        D(2026, 2, 1),
        unit=other_unit,
        groups=[other_group],
        officers=[other_unit_officer],
        focus=TARGETED,
    )
    excluded_meetings(unit=unit, groups=[group], officers=[officer], focus=COMMUNITY)
    # Elevated: nothing → no data.
    breakdown = measures.focus_by_risk_level(scope(admin_user))
    assert rows(breakdown) == [
        ("Standard", Rate(0, 1)),
        ("Elevated", Rate(0, 0)),
        ("High", Rate(2, 3)),
    ]
    assert [figure.percent for _, figure in breakdown.rows] == [0.0, None, 66.7]


def test_risk_level_is_the_meetings_area_not_the_units(admin_user, officer, unit, group):
    elevated = AreaFactory(name="Eastgate", code="EG", risk_level="elevated")
    meet(D(2026, 2, 1), unit=unit, area=elevated, groups=[group], officers=[officer])
    assert rows(measures.focus_by_risk_level(scope(admin_user)))[1] == ("Elevated", Rate(1, 1))


def test_focus_is_scoped_by_role(
    officer, liaison, other_liaison, other_unit_officer, unit, group, other_unit, other_group
):
    # Ours: community, targeted. Theirs (other unit, other group): community, community.
    meet(D(2026, 2, 1), unit=unit, groups=[group], officers=[officer], focus=COMMUNITY)
    meet(D(2026, 2, 2), unit=unit, groups=[group], officers=[officer], focus=TARGETED)
    for day in (3, 4):
        meet(
            D(2026, 2, day),
            unit=other_unit,
            groups=[other_group],
            officers=[other_unit_officer],
            focus=COMMUNITY,
        )
    assert measures.focus_community(scope(officer)) == Rate(1, 2)
    assert measures.focus_community(scope(liaison)) == Rate(1, 2)
    assert measures.focus_community(scope(other_unit_officer)) == Rate(2, 2)
    assert measures.focus_community(scope(other_liaison)) == Rate(2, 2)


def test_focus_follows_the_filters(admin_user, officer, unit, group, second_group):
    meet(D(2026, 2, 1), unit=unit, groups=[group], officers=[officer], focus=COMMUNITY)
    meet(D(2026, 2, 2), unit=unit, groups=[second_group], officers=[officer], focus=TARGETED)
    assert measures.focus_community(scope(admin_user, group=second_group)) == Rate(0, 1)
    assert measures.focus_community(scope(admin_user, risk_level="standard")) == Rate(0, 0)
    assert measures.focus_community(scope(admin_user, unit=unit)) == Rate(1, 2)


# --- youth ------------------------------------------------------------------------------


def test_youth_shares_and_total(admin_user, officer, unit, group):
    meet(
        D(2026, 1, 5),
        unit=unit,
        groups=[group],
        officers=[officer],
        under_25_count=3,
        under_18_count=1,
        responsible_adult_present=True,
    )
    meet(
        D(2026, 2, 5),
        unit=unit,
        groups=[group],
        officers=[officer],
        under_25_count=3,
        under_18_count=0,
    )
    meet(
        D(2026, 3, 5),
        unit=unit,
        groups=[group],
        officers=[officer],
        under_25_count=0,
        under_18_count=0,
    )
    excluded_meetings(
        unit=unit,
        groups=[group],
        officers=[officer],
        under_25_count=5,
        under_18_count=4,
        responsible_adult_present=False,
    )
    # In scope 3: under-25s present at 2 → 66.7 %; under-18s at 1 → 33.3 %;
    # under-25 attendees 3 + 3 + 0 = 6 (the excluded meetings' 5 each never added).
    assert measures.youth_under_25_present(scope(admin_user)) == Rate(2, 3)
    assert measures.youth_under_25_present(scope(admin_user)).percent == 66.7
    assert measures.youth_under_18_present(scope(admin_user)) == Rate(1, 3)
    assert measures.youth_under_18_present(scope(admin_user)).percent == 33.3
    assert measures.youth_under_25_attendees(scope(admin_user)) == Count(6)


def test_youth_is_scoped_by_role(
    liaison, other_liaison, officer, other_unit_officer, unit, group, other_unit, other_group
):
    meet(D(2026, 1, 5), unit=unit, groups=[group], officers=[officer], under_25_count=4)
    meet(
        D(2026, 1, 6),
        unit=other_unit,
        groups=[other_group],
        officers=[other_unit_officer],
        under_25_count=7,
    )
    assert measures.youth_under_25_attendees(scope(liaison)) == Count(4)
    assert measures.youth_under_25_attendees(scope(officer)) == Count(4)
    assert measures.youth_under_25_attendees(scope(other_liaison)) == Count(7)
    assert measures.youth_under_25_attendees(scope(other_unit_officer)) == Count(7)


# --- surveillance -------------------------------------------------------------------------


@pytest.fixture
def surveillance_meetings(officer, unit, group, other_unit_officer, other_unit, other_group):
    # High (Northfield): January raised, January not raised.
    meet(D(2026, 1, 5), unit=unit, groups=[group], officers=[officer], concern_surveillance=True)
    meet(D(2026, 1, 20), unit=unit, groups=[group], officers=[officer])
    # Standard (Southmoor): March raised.
    meet(
        D(2026, 3, 31),
        unit=other_unit,
        groups=[other_group],
        officers=[other_unit_officer],
        concern_surveillance=True,
    )
    excluded_meetings(unit=unit, groups=[group], officers=[officer], concern_surveillance=True)


def test_surveillance_share(admin_user, surveillance_meetings):
    # In scope 3, raised at 2 → 66.7 %.
    assert measures.surveillance_concerns(scope(admin_user)) == Rate(2, 3)
    assert measures.surveillance_concerns(scope(admin_user)).percent == 66.7


def test_surveillance_by_risk_level(admin_user, surveillance_meetings):
    # Standard 1 / 1 = 100.0 %; elevated no data; high 1 / 2 = 50.0 %.
    breakdown = measures.surveillance_by_risk_level(scope(admin_user))
    assert rows(breakdown) == [
        ("Standard", Rate(1, 1)),
        ("Elevated", Rate(0, 0)),
        ("High", Rate(1, 2)),
    ]
    assert [figure.percent for _, figure in breakdown.rows] == [100.0, None, 50.0]


def test_surveillance_by_month_lists_every_month_of_the_period(admin_user, surveillance_meetings):
    # January 1 / 2 = 50.0 %; March 1 / 1 = 100.0 % (the 31st is still March); the rest
    # of the period no data. The draft and withdrawn April meetings leave April empty.
    assert rows(measures.surveillance_by_month(scope(admin_user))) == [
        ("2026-01", Rate(1, 2)),
        ("2026-02", Rate(0, 0)),
        ("2026-03", Rate(1, 1)),
        ("2026-04", Rate(0, 0)),
        ("2026-05", Rate(0, 0)),
        ("2026-06", Rate(0, 0)),
    ]


def test_surveillance_by_month_spans_a_year_end(admin_user, surveillance_meetings):
    # 15 Dec 2025 to 10 Jan 2026: the 31 Dec 2025 meeting (raised) and 5 Jan (raised).
    period = Period(start=D(2025, 12, 15), end=D(2026, 1, 10))
    assert rows(measures.surveillance_by_month(scope(admin_user, period))) == [
        ("2025-12", Rate(1, 1)),
        ("2026-01", Rate(1, 1)),
    ]


def test_surveillance_is_scoped_by_role(liaison, other_liaison, officer, surveillance_meetings):
    assert measures.surveillance_concerns(scope(liaison)) == Rate(1, 2)
    assert measures.surveillance_concerns(scope(officer)) == Rate(1, 2)
    assert measures.surveillance_concerns(scope(other_liaison)) == Rate(1, 1)
    assert rows(measures.surveillance_by_risk_level(scope(liaison)))[0] == ("Standard", Rate(0, 0))


# --- told before passed on ----------------------------------------------------------------


@pytest.fixture
def passed_on_meetings(officer, unit, group, other_unit_officer, other_unit, other_group):
    def passed(day, told, *, unit=unit, groups=(group,), officers=(officer,), **fields):
        meet(
            day,
            unit=unit,
            groups=list(groups),
            officers=officers,
            passed_on=True,
            passed_on_kind=Meeting.PassedOnKind.SAFEGUARDING,
            passed_on_reason="A safeguarding concern.",
            community_told_passed_on=told,
            **fields,
        )

    # High: told, not told, and one with nothing passed on (not in the denominator).
    passed(D(2026, 1, 5), True)
    passed(D(2026, 2, 5), False)
    meet(D(2026, 2, 6), unit=unit, groups=[group], officers=[officer], passed_on=False)
    # Nothing passed on, with a "told" answer left from an earlier edit: not counted.
    meet(
        D(2026, 2, 7),
        unit=unit,
        groups=[group],
        officers=[officer],
        passed_on=False,
        community_told_passed_on=True,
    )
    # Standard: told.
    passed(
        D(2026, 3, 5), True, unit=other_unit, groups=[other_group], officers=[other_unit_officer]
    )
    # Never counted: told, each of them.
    passed(D(2026, 4, 10), True, status=Meeting.Status.DRAFT)
    passed(D(2026, 4, 11), True, status=Meeting.Status.WITHDRAWN, withdrawal_reason="Duplicate.")
    passed(D(2025, 12, 31), True)


def test_told_before_passed_on(admin_user, passed_on_meetings):
    # Passed on at 3 in-scope meetings (the two passing nothing on are not counted);
    # told at 2 → 66.7 %.
    assert measures.told_before_passed_on(scope(admin_user)) == Rate(2, 3)
    assert measures.told_before_passed_on(scope(admin_user)).percent == 66.7


def test_told_before_passed_on_by_risk_level(admin_user, passed_on_meetings):
    # Standard 1 / 1 = 100.0 %; elevated no data; high 1 / 2 = 50.0 %.
    assert rows(measures.told_before_passed_on_by_risk_level(scope(admin_user))) == [
        ("Standard", Rate(1, 1)),
        ("Elevated", Rate(0, 0)),
        ("High", Rate(1, 2)),
    ]


def test_nothing_passed_on_is_no_data_not_zero(admin_user, officer, unit, group):
    meet(D(2026, 2, 6), unit=unit, groups=[group], officers=[officer], passed_on=False)
    told = measures.told_before_passed_on(scope(admin_user))
    assert (told, told.percent) == (Rate(0, 0), None)
    assert rows(measures.told_before_passed_on_by_risk_level(scope(admin_user))) == NO_LEVEL


def test_told_before_passed_on_is_scoped_by_role(
    liaison, other_liaison, other_unit_officer, passed_on_meetings
):
    assert measures.told_before_passed_on(scope(liaison)) == Rate(1, 2)
    assert measures.told_before_passed_on(scope(other_liaison)) == Rate(1, 1)
    assert measures.told_before_passed_on(scope(other_unit_officer)) == Rate(1, 1)


# --- continuity ------------------------------------------------------------------------------


@pytest.fixture
def third_officer(unit):
    return make_officer(unit=unit, username="third")


@pytest.fixture
def continuity_meetings(officer, colleague, third_officer, unit, group, second_group):
    """G = group, H = second_group; O = officer, C = colleague, T = third_officer."""
    g, h, o, c, t = group, second_group, officer, colleague, third_officer
    withdrawn, draft = Meeting.Status.WITHDRAWN, Meeting.Status.DRAFT
    # Before the period: these count only as earlier meetings, never in the denominator.
    meet(D(2025, 10, 1), unit=unit, groups=[g], officers=[o])  # E1
    meet(D(2025, 10, 1), unit=unit, groups=[h], officers=[c], status=withdrawn)  # E2
    # In the period.
    meet(D(2026, 1, 15), unit=unit, groups=[h], officers=[t], status=draft)  # D1
    # M1: O met G at E1 → continuous.
    meet(D(2026, 2, 1), unit=unit, groups=[g], officers=[o])
    # M2: C met H only at E2, which was withdrawn → not.
    meet(D(2026, 2, 1), unit=unit, groups=[h], officers=[c])
    # M3 (reviewed): O met G at M1 → continuous; counted once though it has two groups.
    meet(D(2026, 3, 1), unit=unit, groups=[g, h], officers=[c, o], status=Meeting.Status.REVIEWED)
    # M4: O met H only at M3, on the same day, not before → not.
    meet(D(2026, 3, 1), unit=unit, groups=[h], officers=[o])
    # M5 (disputed): C met H at M2 → continuous.
    meet(D(2026, 4, 1), unit=unit, groups=[h], officers=[c], status=Meeting.Status.DISPUTED)
    # M6: T never met G before (O and C did, but T is the one attending) → not.
    meet(D(2026, 5, 1), unit=unit, groups=[g], officers=[t])
    # M7: T met H before only at the draft D1 → not.
    meet(D(2026, 2, 15), unit=unit, groups=[h], officers=[t])


def test_continuity(admin_user, continuity_meetings):
    # In scope M1 to M7 = 7 (M3 once though it has two groups); continuous M1, M3, M5 = 3.
    # 3 / 7 = 42.857… → 42.9 %.
    figure = measures.continuity(scope(admin_user))
    assert (figure, figure.percent) == (Rate(3, 7), 42.9)


def test_continuity_is_scoped_by_role(liaison, other_liaison, officer, continuity_meetings):
    # The liaison of G sees M1, M3, M6 (and E1 before the period): M1 and M3 continuous.
    assert measures.continuity(scope(liaison)) == Rate(2, 3)
    # The officer's unit logged them all.
    assert measures.continuity(scope(officer)) == Rate(3, 7)
    # The other group's liaison sees none of them.
    assert measures.continuity(scope(other_liaison)) == Rate(0, 0)


def test_continuity_counts_a_group_the_liaison_does_not_speak_for_only_through_theirs(
    second_group, continuity_meetings
):
    from tests.factories import make_liaison

    # H's liaison sees M2, M3, M4, M5, M7; M3 is continuous through C at M2 (with H) as
    # well as through O with G, M5 through C at M2: 2 / 5 = 40.0 %.
    figure = measures.continuity(scope(make_liaison(second_group, username="h-liaison")))
    assert (figure, figure.percent) == (Rate(2, 5), 40.0)


@pytest.mark.parametrize(
    ("earlier", "continuous"),
    [
        (D(2025, 3, 1), True),  # 365 days before 1 March 2026: the first day that counts
        (D(2025, 2, 28), False),  # 366 days before
        (D(2026, 2, 28), True),  # the day before
    ],
)
def test_continuity_looks_back_365_days(admin_user, officer, unit, group, earlier, continuous):
    meet(earlier, unit=unit, groups=[group], officers=[officer])
    meet(D(2026, 3, 1), unit=unit, groups=[group], officers=[officer])
    one_day = Period(start=D(2026, 3, 1), end=D(2026, 3, 1))
    assert measures.continuity(scope(admin_user, one_day)) == Rate(int(continuous), 1)


def test_an_earlier_meeting_on_the_same_day_does_not_make_either_continuous(
    admin_user, officer, unit, group
):
    meet(D(2026, 3, 1), unit=unit, groups=[group], officers=[officer])
    meet(D(2026, 3, 1), unit=unit, groups=[group], officers=[officer])
    assert measures.continuity(scope(admin_user)) == Rate(0, 2)


def test_continuity_needs_an_earlier_meeting_the_viewer_may_see(
    admin_user, officer, colleague, unit, group, other_unit_officer, other_unit
):
    # The other unit's officer met the group with their own unit, then came to a meeting
    # of ours. An admin sees both; so does that officer (they attended both). Our
    # officers see only our meeting: its continuity rests on a meeting hidden from them.
    meet(D(2025, 12, 1), unit=other_unit, groups=[group], officers=[other_unit_officer])
    meet(D(2026, 2, 1), unit=unit, groups=[group], officers=[colleague, other_unit_officer])
    assert measures.continuity(scope(admin_user)) == Rate(1, 1)
    assert measures.continuity(scope(other_unit_officer)) == Rate(1, 1)
    assert measures.continuity(scope(officer)) == Rate(0, 1)


def test_continuity_earlier_meeting_need_not_match_the_filters(
    admin_user, officer, unit, group, other_area
):
    # The earlier meeting was recorded in another area; the filter is on the later one.
    meet(D(2025, 12, 1), unit=unit, area=other_area, groups=[group], officers=[officer])
    meet(D(2026, 2, 1), unit=unit, groups=[group], officers=[officer])
    assert measures.continuity(scope(admin_user, area=unit.area)) == Rate(1, 1)


# --- distinct officers per group --------------------------------------------------------------


@pytest.fixture
def officers_meetings(officer, colleague, third_officer, unit, group, second_group, other_group):
    # G: O and C, then O again → 2 officers. G with H: C → G still 2, H 1.
    meet(D(2026, 1, 10), unit=unit, groups=[group], officers=[officer, colleague])
    meet(D(2026, 2, 10), unit=unit, groups=[group], officers=[officer])
    meet(D(2026, 3, 10), unit=unit, groups=[group, second_group], officers=[colleague])
    # T never counts: draft, withdrawn, before and after the period.
    excluded_meetings(unit=unit, groups=[group, second_group], officers=[third_officer])
    # other_group: never met → 0.


def test_distinct_officers_per_group(admin_user, officers_meetings):
    assert rows(measures.distinct_officers_per_group(scope(admin_user))) == [
        ("Northfield Mosque Committee", Count(2)),
        ("Northfield Youth Forum", Count(1)),
        ("Southmoor Residents", Count(0)),
    ]


def test_distinct_officers_per_group_is_scoped_by_role(
    liaison, other_liaison, other_unit_officer, officers_meetings
):
    # The liaison of G sees G's row only, though one of its meetings was also with H.
    assert rows(measures.distinct_officers_per_group(scope(liaison))) == [
        ("Northfield Mosque Committee", Count(2)),
    ]
    assert rows(measures.distinct_officers_per_group(scope(other_liaison))) == [
        ("Southmoor Residents", Count(0)),
    ]
    # An officer: the groups of their unit's area and of the meetings they may see (their
    # unit's, or that they attended), never the nation's.
    assert rows(measures.distinct_officers_per_group(scope(other_unit_officer))) == [
        ("Southmoor Residents", Count(0)),
    ]


def test_distinct_officers_per_group_follows_the_filters(
    admin_user, unit, other_unit, other_area, group, officers_meetings
):
    assert rows(measures.distinct_officers_per_group(scope(admin_user, area=other_area))) == [
        ("Southmoor Residents", Count(0)),
    ]
    assert rows(measures.distinct_officers_per_group(scope(admin_user, group=group))) == [
        ("Northfield Mosque Committee", Count(2)),
    ]
    assert rows(measures.distinct_officers_per_group(scope(admin_user, unit=other_unit))) == [
        ("Northfield Mosque Committee", Count(0)),
        ("Northfield Youth Forum", Count(0)),
        ("Southmoor Residents", Count(0)),
    ]


# --- coverage -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_met", "gap"),
    [
        # 30 June 2026 - 90 days = 1 April 2026, the first day within the cadence.
        (D(2026, 4, 1), False),
        (D(2026, 3, 31), True),
        (D(2026, 6, 30), False),  # the period's last day
        (D(2026, 7, 1), True),  # after the period
    ],
)
def test_coverage_counts_the_agreed_cadence_before_the_end_of_the_period(
    admin_user, officer, unit, group, last_met, gap
):
    assert group.contact_cadence_days == 90
    meet(last_met, unit=unit, groups=[group], officers=[officer])
    assert measures.coverage_gaps(scope(admin_user)) == Count(int(gap))


@pytest.fixture
def coverage_groups(
    officer, unit, group, second_group, other_group, other_unit_officer, other_unit
):
    """G (90 days) met 1 April; H (30 days) last met 15 May; K (90 days) met on 1 June
    only at a draft and a withdrawn meeting; R (365 days) met only on 15 December 2025,
    before the period; an inactive group never met."""
    meet(D(2026, 4, 1), unit=unit, groups=[group], officers=[officer])
    second_group.contact_cadence_days = 30
    second_group.save()
    meet(D(2026, 5, 15), unit=unit, groups=[second_group], officers=[officer])
    meet(
        D(2026, 6, 1),
        unit=other_unit,
        groups=[other_group],
        officers=[other_unit_officer],
        status=Meeting.Status.DRAFT,
    )
    meet(
        D(2026, 6, 1),
        unit=other_unit,
        groups=[other_group],
        officers=[other_unit_officer],
        status=Meeting.Status.WITHDRAWN,
    )
    rare = CommunityGroupFactory(name="Riverside Women", area=group.area, contact_cadence_days=365)
    meet(D(2025, 12, 15), unit=unit, groups=[rare], officers=[officer])
    CommunityGroupFactory(name="Closed Forum", area=group.area, active=False)


def test_coverage_gaps(admin_user, coverage_groups):
    # G: 1 April is within 90 days of 30 June → covered. H: 15 May is before 31 May
    # (30 June - 30 days) → gap. K: only a draft and a withdrawn meeting → gap. R: its
    # one meeting is within 365 days but before the period, so not in scope → gap.
    # The inactive group never counts. 3 gaps.
    assert measures.coverage_gaps(scope(admin_user)) == Count(3)
    assert rows(measures.coverage_gap_groups(scope(admin_user))) == [
        ("Northfield Youth Forum", Count(30)),
        ("Riverside Women", Count(365)),
        ("Southmoor Residents", Count(90)),
    ]


def test_a_longer_period_brings_the_earlier_meeting_into_scope(admin_user, coverage_groups):
    whole_year = Period(start=D(2025, 7, 1), end=D(2026, 6, 30))
    assert [
        name for name, _ in rows(measures.coverage_gap_groups(scope(admin_user, whole_year)))
    ] == [
        "Northfield Youth Forum",
        "Southmoor Residents",
    ]


def test_coverage_is_scoped_by_role(liaison, other_liaison, other_unit_officer, coverage_groups):
    # The liaison of G sees G only, which is covered.
    assert measures.coverage_gaps(scope(liaison)) == Count(0)
    assert rows(measures.coverage_gap_groups(scope(liaison))) == []
    assert rows(measures.coverage_gap_groups(scope(other_liaison))) == [
        ("Southmoor Residents", Count(90)),
    ]
    # The other unit's officer: the groups of their unit's area (Southmoor), and none of
    # our unit's meetings, so Southmoor's group is a gap to them; ours are not theirs.
    assert rows(measures.coverage_gap_groups(scope(other_unit_officer))) == [
        ("Southmoor Residents", Count(90)),
    ]


def test_coverage_follows_the_filters(admin_user, unit, other_unit, other_area, coverage_groups):
    assert measures.coverage_gaps(scope(admin_user, area=other_area)) == Count(1)
    assert measures.coverage_gaps(scope(admin_user, risk_level="high")) == Count(2)
    # Only the other unit's meetings count: G joins the gaps.
    assert measures.coverage_gaps(scope(admin_user, unit=other_unit)) == Count(4)


def test_coverage_counts_a_meeting_recorded_in_another_area(admin_user, officer, unit, group):
    southmoor = AreaFactory(name="Southmoor", code="SM")
    meet(D(2026, 6, 1), unit=unit, area=southmoor, groups=[group], officers=[officer])
    assert measures.coverage_gaps(scope(admin_user, area=group.area)) == Count(0)


# --- the register and the cost ----------------------------------------------------------------

KEYS = [
    "focus_community",
    "focus_targeted",
    "focus_by_risk_level",
    "youth_under_25_present",
    "youth_under_18_present",
    "youth_under_25_attendees",
    "surveillance_concerns",
    "surveillance_by_risk_level",
    "surveillance_by_month",
    "told_before_passed_on",
    "told_before_passed_on_by_risk_level",
    "continuity",
    "distinct_officers_per_group",
    "coverage_gaps",
    "coverage_gap_groups",
]


def test_every_measure_is_registered_with_a_stable_key_and_a_definition():
    assert [m.key for m in measures.MEASURES] == KEYS
    for measure in measures.MEASURES:
        assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", measure.key)
        assert measure.label and len(measure.definition) > 80


# The groups, then the officers counted over the in-scope meetings.
QUERIES_BESIDE_ONE = {"distinct_officers_per_group": 2}


@pytest.mark.parametrize("measure", measures.MEASURES, ids=lambda m: m.key)
@pytest.mark.parametrize("role", ["admin_user", "officer", "liaison"])
def test_each_measure_takes_fixed_queries_whatever_the_rows(
    request,
    role,
    measure,
    officer,
    unit,
    group,
    continuity_meetings,
    coverage_groups,
    django_assert_num_queries,
):
    user = request.getfixturevalue(role)
    # The role, and an officer's meetings outside their unit, are read once per request
    # and kept on the account, not per measure.
    meetings_visible_to(user)
    queries = QUERIES_BESIDE_ONE.get(measure.key, 1)
    with django_assert_num_queries(queries):
        measure.compute(scope(user))
    for day in range(1, 28):
        meet(D(2026, 2, day), unit=unit, groups=[group], officers=[officer])
    with django_assert_num_queries(queries):
        measure.compute(scope(user))
