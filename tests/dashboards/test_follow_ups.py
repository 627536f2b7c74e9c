"""Follow-up and dispute measures against small data worked out by hand.

The period is January to April 2026 and today is frozen at 15 March 2026 (UK time).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from engagement.dashboards.queries import follow_ups
from engagement.dashboards.queries.base import Filters, Period, Scope
from engagement.meetings.models import Dispute, FollowUpAction, Meeting, ReportBackConfirmation
from engagement.meetings.queries.meeting import meetings_visible_to
from engagement.meetings.services.follow_up import (
    follow_up_complete,
    follow_up_reopen,
    follow_up_report_back,
    report_back_confirm,
)
from tests.factories import (
    FollowUpFactory,
    MeetingFactory,
    ReportBackConfirmationFactory,
    ReviewFactory,
    make_liaison,
)

LONDON = ZoneInfo("Europe/London")
PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 4, 30))
TODAY = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=LONDON)

Status = FollowUpAction.Status
Answer = ReportBackConfirmation.Answer

FOLLOW_UP_KEYS = [
    "follow_ups_open",
    "follow_ups_overdue",
    "follow_ups_on_time",
    "days_to_complete",
    "reported_back_rate",
    "reported_back_gap",
    "follow_ups_by_month",
]
DISPUTE_KEYS = ["disputes_opened", "disputes_resolved", "disputes_escalated", "disputes_lapsed"]


def d(month: int, day: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day)


def at(month: int, day: int, hour: int = 12, minute: int = 0, year: int = 2026):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def figures(user, filters: Filters | None = None, period: Period = PERIOD) -> dict:
    """Every measure of the module as the dashboards' JSON gives it."""
    scope = Scope(user=user, period=period, filters=filters or Filters())
    return {measure.key: measure.compute(scope).as_json() for measure in follow_ups.MEASURES}


def rate(numerator: int, denominator: int, value: float | None) -> dict:
    return {"numerator": numerator, "denominator": denominator, "value": value}


def count(value: int) -> dict:
    return {"numerator": value, "denominator": None, "value": value}


def median(value: float | None, over: int) -> dict:
    return {"numerator": None, "denominator": over, "value": value}


def gap(recorded: dict, confirmed: dict, points: float | None) -> dict:
    return {
        "numerator": recorded["numerator"] - confirmed["numerator"],
        "denominator": recorded["denominator"],
        "value": points,
        "recorded": recorded,
        "confirmed": confirmed,
    }


def by_month(**months: dict) -> dict:
    return {"numerator": None, "denominator": None, "value": None, "by": months}


NO_DATA = rate(0, 0, None)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def a_meeting(*, on: datetime.date, unit, area, groups, author, status=Meeting.Status.SUBMITTED):
    extra = {"withdrawal_reason": "Logged twice"} if status == Meeting.Status.WITHDRAWN else {}
    return MeetingFactory(
        date=on,
        status=status,
        unit=unit,
        area=area,
        groups=groups,
        author=author,
        officers=[author],
        **extra,
    )


def an_action(meeting, *, due, owed_to, owner, status=Status.OPEN, done=None, reported=None, **kw):
    if status == Status.CANCELLED:
        kw.setdefault("cancellation_reason", "The group no longer needs it")
    if status == Status.PARTLY_DONE:
        kw.setdefault("remaining", "The second leaflet")
    return FollowUpFactory(
        meeting=meeting,
        owner=owner,
        owed_to=owed_to,
        due_date=due,
        status=status,
        completed_on=done,
        reported_back_on=reported,
        outcome="Leaflets delivered" if done else "",
        **kw,
    )


@pytest.fixture
def world(
    frozen,
    officer,
    unit,
    area,
    group,
    liaison,
    other_unit_officer,
    other_unit,
    other_area,
    other_group,
    other_liaison,
):
    """Nine actions count for an admin (A1 to A8 in `unit` owed to `group`, O1 in `other_unit`
    owed to `other_group`); X1 to X4 never count. Days from meeting to completion in [].

    A1 due 20 Jan, done 15 Jan (on time) [10], reported; answers: no, then later yes
    A2 due 31 Jan, done 5 Feb (late) [31], not reported
    A3 due 20 Feb, done 20 Feb (on time, on the day) [10], reported; answered partly
    A4 due 28 Feb, cancelled
    A5 due 10 Mar, open: overdue
    A6 due 20 Mar, partly done: not overdue
    A7 due 15 Mar (today), open: not overdue yet
    A8 due 10 Jan, meeting in December, done 8 Jan (on time) [19], reported; the only yes
       answers an earlier report-back (version 2; the action is at version 3)
    O1 due 15 Feb, done 10 Feb (on time) [9], reported; answered yes by its group
    X1 draft meeting, X2 withdrawn meeting, X3 due in May, X4 due in December 2025
    """
    second_liaison = make_liaison(group, username="second-liaison")
    ours = {"unit": unit, "area": area, "groups": [group], "author": officer}
    december = a_meeting(on=d(12, 20, 2025), **ours)
    january = a_meeting(on=d(1, 5), **ours)
    february = a_meeting(on=d(2, 10), status=Meeting.Status.REVIEWED, **ours)
    march = a_meeting(on=d(3, 1), status=Meeting.Status.DISPUTED, **ours)
    draft = a_meeting(on=d(2, 1), status=Meeting.Status.DRAFT, **ours)
    withdrawn = a_meeting(on=d(2, 1), status=Meeting.Status.WITHDRAWN, **ours)
    theirs = a_meeting(
        on=d(2, 1),
        unit=other_unit,
        area=other_area,
        groups=[other_group],
        author=other_unit_officer,
    )

    owed = {"owed_to": group, "owner": officer}
    a1 = an_action(
        january, due=d(1, 20), status=Status.DONE, done=d(1, 15), reported=d(1, 20), **owed
    )
    an_action(january, due=d(1, 31), status=Status.DONE, done=d(2, 5), **owed)  # A2
    a3 = an_action(
        february, due=d(2, 20), status=Status.DONE, done=d(2, 20), reported=d(2, 25), **owed
    )
    an_action(february, due=d(2, 28), status=Status.CANCELLED, **owed)  # A4
    an_action(march, due=d(3, 10), **owed)  # A5
    an_action(march, due=d(3, 20), status=Status.PARTLY_DONE, **owed)  # A6
    an_action(march, due=d(3, 15), **owed)  # A7
    a8 = an_action(
        december,
        due=d(1, 10),
        status=Status.DONE,
        done=d(1, 8),
        reported=d(1, 9),
        version=3,
        **owed,
    )
    o1 = an_action(
        theirs,
        due=d(2, 15),
        status=Status.DONE,
        done=d(2, 10),
        reported=d(2, 12),
        owed_to=other_group,
        owner=other_unit_officer,
    )
    an_action(draft, due=d(2, 15), **owed)  # X1
    an_action(withdrawn, due=d(2, 15), status=Status.DONE, done=d(2, 10), **owed)  # X2
    an_action(january, due=d(5, 5), **owed)  # X3
    an_action(december, due=d(12, 31, 2025), status=Status.DONE, done=d(12, 30, 2025), **owed)

    def answer(action, by, said, when, version=None):
        ReportBackConfirmationFactory(
            follow_up=action,
            liaison=by,
            answer=said,
            created_at=when,
            reported_back_on=action.reported_back_on,
            follow_up_version=version or action.version,
        )

    answer(a1, second_liaison, Answer.NO, at(1, 21))
    answer(a1, liaison, Answer.YES, at(1, 22))
    answer(a3, second_liaison, Answer.PARTLY, at(2, 26))
    answer(a8, liaison, Answer.YES, at(1, 9), version=2)
    answer(o1, other_liaison, Answer.YES, at(2, 13))


def test_an_admin_counts_every_action_in_scope(world, admin_user):
    got = figures(admin_user)
    # Outstanding: A5, A6, A7. Overdue (before 15 March): A5 only.
    assert got["follow_ups_open"] == count(3)
    assert got["follow_ups_overdue"] == count(1)
    # On time: A1, A3, A8, O1 = 4; due and not cancelled: all nine but A4 = 8; 4/8 = 50 %.
    assert got["follow_ups_on_time"] == rate(4, 8, 50.0)
    # Done: 9 (O1), 10 (A1), 10 (A3), 19 (A8), 31 (A2) days: the middle one is 10.
    assert got["days_to_complete"] == median(10.0, 5)
    # Reported back: A1, A3, A8, O1 of 5 done = 80 %.
    assert got["reported_back_rate"] == rate(4, 5, 80.0)
    # Confirmed yes: A1 (latest answer yes), O1; not A3 (latest partly), not A8 (answer
    # about an earlier report-back), not A2 (none). 4/5 - 2/5 = 80 % - 40 % = 40 points.
    assert got["reported_back_gap"] == gap(rate(4, 5, 80.0), rate(2, 5, 40.0), 40.0)
    # January: A1, A8 on time, A2 late = 2/3. February: A3, O1 on time, A4 cancelled = 2/2.
    # March: A5, A6, A7 not done = 0/3, which is 0 %, not no data. April: nothing due.
    assert got["follow_ups_by_month"] == by_month(
        **{
            "2026-01": rate(2, 3, 66.7),
            "2026-02": rate(2, 2, 100.0),
            "2026-03": rate(0, 3, 0.0),
            "2026-04": NO_DATA,
        }
    )


def test_an_officer_counts_only_their_units_actions(world, officer):
    got = figures(officer)
    # A1 to A8 (not O1).
    assert got["follow_ups_open"] == count(3)
    assert got["follow_ups_overdue"] == count(1)
    # On time A1, A3, A8 = 3 of 7 not cancelled = 42.857… → 42.9 %.
    assert got["follow_ups_on_time"] == rate(3, 7, 42.9)
    # 10, 10, 19, 31 days: the two middle ones average (10 + 19) / 2 = 14.5.
    assert got["days_to_complete"] == median(14.5, 4)
    assert got["reported_back_rate"] == rate(3, 4, 75.0)
    # 3/4 - 1/4 (A1) = 75 % - 25 % = 50 points.
    assert got["reported_back_gap"] == gap(rate(3, 4, 75.0), rate(1, 4, 25.0), 50.0)
    assert got["follow_ups_by_month"]["by"]["2026-02"] == rate(1, 1, 100.0)


def test_an_officer_of_another_unit_counts_only_theirs(world, other_unit_officer):
    got = figures(other_unit_officer)
    # O1 only: done on time in 9 days, reported back and confirmed.
    assert got["follow_ups_open"] == count(0)
    assert got["follow_ups_overdue"] == count(0)
    assert got["follow_ups_on_time"] == rate(1, 1, 100.0)
    assert got["days_to_complete"] == median(9.0, 1)
    assert got["reported_back_gap"] == gap(rate(1, 1, 100.0), rate(1, 1, 100.0), 0.0)
    assert got["follow_ups_by_month"]["by"]["2026-01"] == NO_DATA


def test_a_liaison_counts_only_actions_owed_to_their_groups(world, liaison, officer, other_liaison):
    assert figures(liaison) == figures(officer)  # A1 to A8, all owed to `group`
    got = figures(other_liaison)
    # O1 only: never an action owed to another group.
    assert got["follow_ups_on_time"] == rate(1, 1, 100.0)
    assert got["follow_ups_open"] == count(0)
    assert got["reported_back_rate"] == rate(1, 1, 100.0)


def test_a_liaison_never_counts_an_action_owed_to_another_group_of_a_shared_meeting(
    frozen, officer, unit, area, group, second_group, liaison
):
    shared = a_meeting(
        on=d(2, 1), unit=unit, area=area, groups=[group, second_group], author=officer
    )
    an_action(shared, due=d(2, 10), owed_to=second_group, owner=officer)
    an_action(shared, due=d(2, 10), owed_to=group, owner=officer, status=Status.DONE, done=d(2, 5))
    # The liaison sees the meeting, but only the action owed to their group: 1/1.
    assert figures(liaison)["follow_ups_on_time"] == rate(1, 1, 100.0)
    assert figures(liaison)["follow_ups_open"] == count(0)
    # The officer sees both: 1 of 2.
    assert figures(officer)["follow_ups_on_time"] == rate(1, 2, 50.0)


def test_filters_narrow_by_the_actions_meeting(
    world, admin_user, other_unit, other_group, group, area
):
    assert figures(admin_user, Filters(unit=other_unit))["follow_ups_on_time"] == rate(1, 1, 100.0)
    assert figures(admin_user, Filters(group=other_group))["days_to_complete"] == median(9.0, 1)
    # `area` is high risk, `other_area` standard: A1 to A8 then O1.
    assert figures(admin_user, Filters(risk_level="high"))["follow_ups_on_time"] == rate(3, 7, 42.9)
    assert figures(admin_user, Filters(risk_level="standard"))["follow_ups_open"] == count(0)
    assert figures(admin_user, Filters(area=area, group=group))["follow_ups_open"] == count(3)


def test_overdue_is_as_of_todays_date(world, admin_user):
    with time_machine.travel(at(3, 21), tick=False):
        # A5 (10 Mar), A7 (15 Mar) and the partly done A6 (20 Mar) are now past due.
        assert figures(admin_user)["follow_ups_overdue"] == count(3)
    with time_machine.travel(at(3, 10), tick=False):
        assert figures(admin_user)["follow_ups_overdue"] == count(0)  # due today is not late


def test_no_data_anywhere(frozen, admin_user):
    got = figures(admin_user)
    assert got["follow_ups_open"] == count(0)
    assert got["follow_ups_overdue"] == count(0)
    assert got["follow_ups_on_time"] == NO_DATA
    assert got["days_to_complete"] == median(None, 0)
    assert got["reported_back_rate"] == NO_DATA
    assert got["reported_back_gap"] == gap(NO_DATA, NO_DATA, None)
    assert list(got["follow_ups_by_month"]["by"].values()) == [NO_DATA] * 4
    for key in DISPUTE_KEYS:
        assert got[key] == count(0)


def test_only_cancelled_and_open_actions_give_zero_denominators(frozen, admin_user, meeting):
    owed = {"owed_to": meeting.groups.get(), "owner": meeting.author}
    an_action(meeting, due=d(2, 1), status=Status.CANCELLED, **owed)
    got = figures(admin_user)
    # Nothing due but a cancelled action: no data, not 0 %.
    assert got["follow_ups_on_time"] == NO_DATA
    an_action(meeting, due=d(2, 1), **owed)
    got = figures(admin_user)
    assert got["follow_ups_on_time"] == rate(0, 1, 0.0)
    # Nothing done: no median, no reported-back rate, no gap.
    assert got["days_to_complete"] == median(None, 0)
    assert got["reported_back_rate"] == NO_DATA
    assert got["reported_back_gap"]["value"] is None


def test_a_cancelled_action_is_not_late(frozen, admin_user, meeting):
    owed = {"owed_to": meeting.groups.get(), "owner": meeting.author}
    an_action(meeting, due=d(2, 10), status=Status.DONE, done=d(2, 10), **owed)
    an_action(meeting, due=d(2, 10), status=Status.CANCELLED, **owed)
    # 1 on time of 1 not cancelled; counting the cancelled one would make it 50 %.
    assert figures(admin_user)["follow_ups_on_time"] == rate(1, 1, 100.0)


@pytest.mark.parametrize("status", [Meeting.Status.DRAFT, Meeting.Status.WITHDRAWN])
def test_actions_of_drafts_and_withdrawn_meetings_never_count(
    frozen, status, admin_user, officer, unit, area, group
):
    meeting = a_meeting(
        on=d(2, 1), status=status, unit=unit, area=area, groups=[group], author=officer
    )
    an_action(meeting, due=d(2, 10), owed_to=group, owner=officer)
    an_action(meeting, due=d(2, 10), owed_to=group, owner=officer, status=Status.DONE, done=d(2, 5))
    for user in (admin_user, officer):
        got = figures(user)
        assert got["follow_ups_open"] == count(0)
        assert got["follow_ups_on_time"] == NO_DATA


def test_actions_belong_to_the_period_by_due_date(frozen, admin_user, meeting):
    owed = {"owed_to": meeting.groups.get(), "owner": meeting.author}
    an_action(meeting, due=d(12, 31, 2025), **owed)
    an_action(meeting, due=d(1, 1), **owed)
    an_action(meeting, due=d(4, 30), **owed)
    an_action(meeting, due=d(5, 1), **owed)
    # The first and last days of the period count; the days either side do not.
    assert figures(admin_user)["follow_ups_open"] == count(2)


def test_an_answer_about_an_earlier_report_back_does_not_confirm_the_current_one(
    frozen, admin_user, officer, liaison, meeting
):
    action = an_action(meeting, due=d(3, 10), owed_to=meeting.groups.get(), owner=officer)

    def report_back(action):
        action = follow_up_complete(
            action=action,
            by=officer,
            outcome="Leaflets delivered",
            completed_on=d(3, 12),
            expected_version=action.version,
        )
        return follow_up_report_back(
            action=action, by=officer, reported_back_on=d(3, 13), expected_version=action.version
        )

    action = report_back(action)
    report_back_confirm(
        action=action, by=liaison, answer=Answer.YES, comment="", expected_version=action.version
    )
    assert figures(admin_user)["reported_back_gap"]["confirmed"] == rate(1, 1, 100.0)

    action = follow_up_reopen(
        action=action,
        by=officer,
        reason="It was the wrong leaflet",
        expected_version=action.version,
    )
    action = report_back(action)
    # Reported back again: the yes was about the first report-back, so 1/1 - 0/1 = 100 points.
    got = figures(admin_user)["reported_back_gap"]
    assert got == gap(rate(1, 1, 100.0), rate(0, 1, 0.0), 100.0)


def test_partly_and_no_answers_are_not_yes_and_the_latest_answer_counts(
    frozen, admin_user, officer, liaison, meeting
):
    second_liaison = make_liaison(meeting.groups.get(), username="second-liaison")
    owed = {"owed_to": meeting.groups.get(), "owner": officer}
    done = {"status": Status.DONE, "done": d(3, 1), "reported": d(3, 2)}
    partly = an_action(meeting, due=d(3, 10), **done, **owed)
    no = an_action(meeting, due=d(3, 10), **done, **owed)
    yes_then_no = an_action(meeting, due=d(3, 10), **done, **owed)
    no_then_yes = an_action(meeting, due=d(3, 10), **done, **owed)
    partly_then_yes = an_action(meeting, due=d(3, 10), **done, **owed)
    no_and_yes_at_once = an_action(meeting, due=d(3, 10), **done, **owed)
    an_action(meeting, due=d(3, 10), **done, **owed)  # reported back, never answered
    for action, by, said, when in [
        (partly, liaison, Answer.PARTLY, at(3, 3)),
        (no, liaison, Answer.NO, at(3, 3)),
        (yes_then_no, liaison, Answer.YES, at(3, 3)),
        (yes_then_no, second_liaison, Answer.NO, at(3, 4)),
        (no_then_yes, second_liaison, Answer.NO, at(3, 3)),
        (no_then_yes, liaison, Answer.YES, at(3, 4)),
        (partly_then_yes, second_liaison, Answer.PARTLY, at(3, 3)),
        (partly_then_yes, liaison, Answer.YES, at(3, 4)),
        # Answered in the same instant: the one recorded last is the latest.
        (no_and_yes_at_once, second_liaison, Answer.NO, at(3, 3)),
        (no_and_yes_at_once, liaison, Answer.YES, at(3, 3)),
    ]:
        ReportBackConfirmationFactory(follow_up=action, liaison=by, answer=said, created_at=when)
    # Seven reported back; the latest answer is yes for no_then_yes, partly_then_yes and
    # no_and_yes_at_once: 7/7 - 3/7 = 100 % - 42.857 % = 57.142… → 57.1 points.
    got = figures(admin_user)["reported_back_gap"]
    assert got == gap(rate(7, 7, 100.0), rate(3, 7, 42.9), 57.1)


def test_a_yes_without_a_report_back_confirms_nothing(frozen, admin_user, officer, meeting):
    action = an_action(
        meeting,
        due=d(3, 10),
        owed_to=meeting.groups.get(),
        owner=officer,
        status=Status.DONE,
        done=d(3, 1),
    )
    ReportBackConfirmationFactory(follow_up=action, answer=Answer.YES)
    # Done, never reported back: 0/1 recorded, and the stray yes is not 1/1 confirmed.
    got = figures(admin_user)["reported_back_gap"]
    assert got == gap(rate(0, 1, 0.0), rate(0, 1, 0.0), 0.0)


def test_a_partly_done_action_is_due_on_its_new_date(frozen, admin_user, meeting):
    owed = {"owed_to": meeting.groups.get(), "owner": meeting.author}
    an_action(meeting, due=d(5, 20), status=Status.PARTLY_DONE, **owed)
    assert figures(admin_user)["follow_ups_open"] == count(0)  # now due after the period


def test_months_of_a_period_that_starts_and_ends_mid_month(frozen, admin_user, meeting):
    owed = {"owed_to": meeting.groups.get(), "owner": meeting.author}
    an_action(meeting, due=d(12, 31, 2025), status=Status.DONE, done=d(12, 30, 2025), **owed)
    an_action(meeting, due=d(2, 14), **owed)
    period = Period(d(12, 15, 2025), d(2, 14))
    got = figures(admin_user, period=period)["follow_ups_by_month"]["by"]
    assert got == {"2025-12": rate(1, 1, 100.0), "2026-01": NO_DATA, "2026-02": rate(0, 1, 0.0)}


# Disputes -----------------------------------------------------------------------------


@pytest.fixture
def disputes(
    frozen, officer, unit, area, group, other_unit_officer, other_unit, other_area, other_group
):
    """Nine disputes; the period is January to April 2026, days in UK time.

    D1 opened 10 Jan, still open                    → opened
    D2 opened 20 Dec 2025, resolved 5 Jan           → resolved
    D3 opened 10 Jan, escalated 1 Feb               → opened, escalated
    D4 opened 1 Feb, lapsed 1 May 00:00 BST (30 Apr 23:00 UTC) → opened only
    D5 opened 1 Jan 00:00, lapsed 30 Apr 23:30 BST  → opened, lapsed
    D6 withdrawn meeting, opened 1 Feb, resolved 5 Feb → never
    D7 other unit and group, opened 15 Jan, resolved 20 Jan → opened, resolved (admins)
    D8 opened 15 Feb, corrected, awaiting review     → opened
    D9 opened 3 Mar, escalated 10 Mar, meeting now submitted again → opened, escalated
    """
    ours = {"unit": unit, "area": area, "groups": [group], "author": officer}

    def dispute(meeting, opened, status=Dispute.Status.OPEN, closed=None, **kw):
        review = ReviewFactory(meeting=meeting, liaison=make_liaison(*meeting.groups.all()))
        if status == Dispute.Status.ESCALATED:
            kw["escalation_reason"] = "The officer says it was disclosed"
        if status == Dispute.Status.CORRECTED:
            kw["corrected_at"] = opened + datetime.timedelta(days=2)
        return Dispute.objects.create(
            meeting=meeting,
            opened_by=review,
            opened_at=opened,
            status=status,
            closed_at=closed,
            **kw,
        )

    disputed = {"status": Meeting.Status.DISPUTED, **ours}
    dispute(a_meeting(on=d(1, 8), **disputed), at(1, 10))  # D1
    dispute(
        a_meeting(on=d(12, 18, 2025), status=Meeting.Status.REVIEWED, **ours),
        at(12, 20, year=2025),
        Dispute.Status.RESOLVED,
        at(1, 5),
    )  # D2
    dispute(a_meeting(on=d(1, 8), **disputed), at(1, 10), Dispute.Status.ESCALATED, at(2, 1))
    dispute(a_meeting(on=d(1, 30), **ours), at(2, 1), Dispute.Status.LAPSED, at(5, 1, 0, 0))
    dispute(
        a_meeting(on=d(12, 30, 2025), **ours),
        at(1, 1, 0, 0),
        Dispute.Status.LAPSED,
        at(4, 30, 23, 30),
    )
    dispute(
        a_meeting(on=d(1, 30), status=Meeting.Status.WITHDRAWN, **ours),
        at(2, 1),
        Dispute.Status.RESOLVED,
        at(2, 5),
    )  # D6
    theirs = a_meeting(
        on=d(1, 12),
        unit=other_unit,
        area=other_area,
        groups=[other_group],
        author=other_unit_officer,
    )
    dispute(theirs, at(1, 15), Dispute.Status.RESOLVED, at(1, 20))  # D7
    dispute(a_meeting(on=d(2, 12), **ours), at(2, 15), Dispute.Status.CORRECTED)  # D8
    dispute(a_meeting(on=d(3, 1), **ours), at(3, 3), Dispute.Status.ESCALATED, at(3, 10))  # D9


def dispute_figures(user, filters: Filters | None = None) -> list[int]:
    got = figures(user, filters)
    return [got[key]["value"] for key in DISPUTE_KEYS]


def test_an_admin_counts_disputes_opened_and_closed_in_the_period(disputes, admin_user):
    # Opened: D1, D3, D4, D5, D7, D8, D9 = 7. Resolved: D2, D7. Escalated: D3, D9. Lapsed: D5
    # (D4 lapsed at the first moment of 1 May UK time, though it was still 30 April in UTC).
    assert dispute_figures(admin_user) == [7, 2, 2, 1]


def test_an_officer_and_a_liaison_count_only_their_disputes(
    disputes, officer, liaison, other_unit_officer, other_liaison
):
    # Without D7: opened 6, resolved D2 only.
    assert dispute_figures(officer) == [6, 1, 2, 1]
    assert dispute_figures(liaison) == [6, 1, 2, 1]
    # D7 only.
    assert dispute_figures(other_unit_officer) == [1, 1, 0, 0]
    assert dispute_figures(other_liaison) == [1, 1, 0, 0]


def test_disputes_follow_the_filters(disputes, admin_user, other_unit):
    assert dispute_figures(admin_user, Filters(unit=other_unit)) == [1, 1, 0, 0]
    assert dispute_figures(admin_user, Filters(risk_level="high")) == [6, 1, 2, 1]


# The registry and the cost of each measure ----------------------------------------------


def test_every_measure_is_registered_with_a_stable_key_and_a_definition():
    keys = [measure.key for measure in follow_ups.MEASURES]
    assert keys == FOLLOW_UP_KEYS + DISPUTE_KEYS
    for measure in follow_ups.MEASURES:
        assert measure.label and len(measure.definition) > 100


# Queries per measure: a count or a rate is one aggregate; the median counts the done
# actions, then median_of counts and reads the middle rows; each dispute count is one.
QUERIES = dict.fromkeys(FOLLOW_UP_KEYS + DISPUTE_KEYS, 1) | {"days_to_complete": 3}


@pytest.mark.parametrize("measure", follow_ups.MEASURES, ids=lambda measure: measure.key)
@pytest.mark.parametrize("role", ["admin_user", "officer", "liaison"])
def test_each_measure_takes_a_fixed_number_of_queries(
    request, role, measure, world, disputes, group, django_assert_max_num_queries
):
    user = request.getfixturevalue(role)
    meetings_visible_to(user)  # the role and where an officer attended: read once, then kept
    for filters in (Filters(), Filters(group=group, risk_level="high")):
        with django_assert_max_num_queries(QUERIES[measure.key]):
            measure.compute(Scope(user=user, period=PERIOD, filters=filters))
