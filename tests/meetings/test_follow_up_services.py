"""Follow-up actions as work: each change with its required field, who may make it, the
version check, the audit trail, and the community's answer about the report-back."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from engagement.audit.models import AuditEvent
from engagement.meetings.models import FollowUpAction, ReportBackConfirmation
from engagement.meetings.services import StaleEdit
from engagement.meetings.services import follow_up as services
from engagement.meetings.services.meeting import meeting_withdraw
from engagement.meetings.services.transitions import NOT_ALLOWED_ERROR
from tests.factories import FollowUpFactory, make_liaison

TODAY = datetime.date(2025, 6, 16)
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(datetime.datetime(2025, 6, 16, 10, tzinfo=ZoneInfo("Europe/London")))


@pytest.fixture
def action(meeting, officer, group):
    """Open, owned by `officer`, owed to `group`; the meeting was three days ago."""
    return FollowUpFactory(meeting=meeting, owner=officer, owed_to=group)


def fresh(action: FollowUpAction) -> FollowUpAction:
    return FollowUpAction.objects.get(pk=action.pk)


def events_of(action: FollowUpAction, kind: AuditEvent.Action) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            record_kind="followupaction", record_id=str(action.uuid), action=kind
        )
    )


def complete(action, by, *, outcome="Leaflets delivered", on=YESTERDAY):
    return services.follow_up_complete(
        action=action, by=by, outcome=outcome, completed_on=on, expected_version=action.version
    )


def report_back(action, by, *, on=TODAY):
    return services.follow_up_report_back(
        action=action, by=by, reported_back_on=on, expected_version=action.version
    )


# Partly done


def test_partly_done_needs_what_remains(action, officer):
    with pytest.raises(ValidationError, match=services.REMAINING_ERROR):
        services.follow_up_mark_partly_done(
            action=action, by=officer, remaining="  ", due_date=TOMORROW, expected_version=1
        )
    assert fresh(action).status == FollowUpAction.Status.OPEN


def test_partly_done_needs_a_new_due_date_not_in_the_past(action, officer):
    with pytest.raises(ValidationError, match=services.NEW_DUE_DATE_ERROR):
        services.follow_up_mark_partly_done(
            action=action, by=officer, remaining="Half sent", due_date=None, expected_version=1
        )
    with pytest.raises(ValidationError, match=services.DUE_DATE_PAST_ERROR):
        services.follow_up_mark_partly_done(
            action=action, by=officer, remaining="Half sent", due_date=YESTERDAY, expected_version=1
        )


def test_partly_done_records_what_remains_and_the_new_due_date(action, officer):
    services.follow_up_mark_partly_done(
        action=action, by=officer, remaining="Half sent", due_date=TOMORROW, expected_version=1
    )
    action = fresh(action)
    assert (action.status, action.remaining, action.due_date, action.version) == (
        FollowUpAction.Status.PARTLY_DONE,
        "Half sent",
        TOMORROW,
        2,
    )
    [event] = events_of(action, AuditEvent.Action.PARTLY_DONE)
    assert event.actor == officer
    assert event.changes["status"] == ["Open", "Partly done"]
    assert event.changes["What remains to be done"] == ["", "Half sent"]


# Done


def test_done_needs_an_outcome_and_a_date(action, officer):
    with pytest.raises(ValidationError, match=services.OUTCOME_ERROR):
        complete(action, officer, outcome="")
    with pytest.raises(ValidationError, match=services.COMPLETED_ON_ERROR):
        complete(action, officer, on=None)
    assert fresh(action).status == FollowUpAction.Status.OPEN


def test_done_cannot_be_dated_in_the_future(action, officer):
    with pytest.raises(ValidationError, match=services.COMPLETED_IN_FUTURE_ERROR):
        complete(action, officer, on=TOMORROW)
    assert fresh(action).completed_on is None


def test_done_records_the_outcome_and_date_and_is_audited(action, officer):
    complete(action, officer, on=TODAY)
    action = fresh(action)
    assert (action.status, action.outcome, action.completed_on) == (
        FollowUpAction.Status.DONE,
        "Leaflets delivered",
        TODAY,
    )
    [event] = events_of(action, AuditEvent.Action.COMPLETE)
    assert event.changes["Outcome"] == ["", "Leaflets delivered"]
    assert event.meeting_id == action.meeting_id


# Reported back


def test_report_back_needs_a_date(action, officer):
    action = complete(action, officer)
    with pytest.raises(ValidationError, match=services.REPORTED_BACK_ON_ERROR):
        report_back(action, officer, on=None)


def test_report_back_before_completion_is_refused(action, officer):
    action = complete(action, officer, on=YESTERDAY)
    before = YESTERDAY - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match=services.REPORTED_BEFORE_DONE_ERROR):
        report_back(action, officer, on=before)
    assert fresh(action).reported_back_on is None


def test_report_back_on_the_day_it_was_done_is_recorded_and_audited(action, officer):
    action = complete(action, officer, on=YESTERDAY)
    report_back(action, officer, on=YESTERDAY)
    assert fresh(action).reported_back_on == YESTERDAY
    [event] = events_of(action, AuditEvent.Action.REPORT_BACK)
    assert event.changes == {
        "Date the outcome was reported back to the community": ["", YESTERDAY.isoformat()]
    }


def test_report_back_of_an_open_action_is_not_allowed(action, officer):
    with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
        report_back(action, officer)


# Cancelled and reopened


def test_cancel_needs_a_reason(action, officer):
    with pytest.raises(ValidationError, match=services.CANCEL_REASON_ERROR):
        services.follow_up_cancel(action=action, by=officer, reason=" ", expected_version=1)


def test_cancel_keeps_the_reason_on_the_action_and_in_the_audit(action, officer):
    services.follow_up_cancel(
        action=action, by=officer, reason="The group closed", expected_version=1
    )
    action = fresh(action)
    assert (action.status, action.cancellation_reason) == (
        FollowUpAction.Status.CANCELLED,
        "The group closed",
    )
    [event] = events_of(action, AuditEvent.Action.CANCEL)
    assert event.reason == "The group closed"


def test_reopen_needs_a_reason(action, officer):
    action = complete(action, officer)
    with pytest.raises(ValidationError, match=services.REOPEN_REASON_ERROR):
        services.follow_up_reopen(
            action=action, by=officer, reason="", expected_version=action.version
        )
    assert fresh(action).status == FollowUpAction.Status.DONE


def test_reopen_clears_the_outcome_and_report_back_and_the_audit_keeps_them(action, officer):
    action = complete(action, officer, on=YESTERDAY)
    action = report_back(action, officer, on=TODAY)
    services.follow_up_reopen(
        action=action, by=officer, reason="It never arrived", expected_version=action.version
    )
    action = fresh(action)
    assert (action.status, action.outcome, action.completed_on, action.reported_back_on) == (
        FollowUpAction.Status.OPEN,
        "",
        None,
        None,
    )
    [event] = events_of(action, AuditEvent.Action.REOPEN)
    assert event.reason == "It never arrived"
    assert event.changes["Outcome"] == ["Leaflets delivered", ""]
    assert event.changes["Date completed"] == [YESTERDAY.isoformat(), ""]
    assert event.changes["Date the outcome was reported back to the community"] == [
        TODAY.isoformat(),
        "",
    ]


def test_a_cancelled_action_reopens_without_its_cancellation_reason(action, officer):
    action = services.follow_up_cancel(
        action=action, by=officer, reason="Not needed", expected_version=1
    )
    services.follow_up_reopen(
        action=action, by=officer, reason="Needed after all", expected_version=action.version
    )
    assert fresh(action).cancellation_reason == ""


# Who may, and the version check


def test_only_the_owner_may_change_it(action, colleague, admin_user, liaison):
    for someone in (colleague, admin_user, liaison):
        with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
            complete(action, someone)
    assert fresh(action).status == FollowUpAction.Status.OPEN
    assert not events_of(action, AuditEvent.Action.COMPLETE)


def test_actions_of_a_withdrawn_meeting_cannot_change(action, officer, meeting):
    meeting_withdraw(meeting=meeting, by=officer, reason="Logged twice")
    with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
        complete(fresh(action), officer)


def test_a_stale_version_is_refused_and_nothing_changes(action, officer):
    seen = fresh(action)  # the version the person loaded: 1
    services.follow_up_mark_partly_done(
        action=action, by=officer, remaining="Half sent", due_date=TOMORROW, expected_version=1
    )
    with pytest.raises(StaleEdit, match="Someone else changed this follow-up") as stale:
        complete(seen, officer)
    assert stale.value.current.version == 2
    assert fresh(action).status == FollowUpAction.Status.PARTLY_DONE
    # Saving again against the action as it is now works.
    complete(stale.value.current, officer)
    assert fresh(action).status == FollowUpAction.Status.DONE


# The community's answer


@pytest.fixture
def reported(action, officer):
    action = complete(action, officer, on=YESTERDAY)
    return report_back(action, officer, on=TODAY)


def confirm(action, by, answer=ReportBackConfirmation.Answer.YES, comment=""):
    return services.report_back_confirm(
        action=action, by=by, answer=answer, comment=comment, expected_version=action.version
    )


def test_a_liaison_of_the_owed_group_answers_once_per_report_back(reported, liaison):
    assert services.may_confirm_report_back(liaison, reported)
    answer = confirm(reported, liaison, ReportBackConfirmation.Answer.PARTLY, " Only some ")
    assert (answer.answer, answer.comment, answer.reported_back_on) == (
        "partly",
        "Only some",
        TODAY,
    )
    assert not services.may_confirm_report_back(liaison, reported)
    with pytest.raises(ValidationError, match=services.ALREADY_ANSWERED_ERROR):
        confirm(reported, liaison)
    assert ReportBackConfirmation.objects.count() == 1
    [event] = events_of(reported, AuditEvent.Action.CONFIRM_REPORT_BACK)
    assert event.actor == liaison
    assert event.changes == {"reached the group": ["", "Partly"]}


def test_only_liaisons_of_the_owed_group_may_answer(
    reported, meeting, second_group, other_liaison, officer, admin_user
):
    meeting.groups.add(second_group)
    liaison_of_the_other_group_there = make_liaison(second_group)
    for someone in (liaison_of_the_other_group_there, other_liaison, officer, admin_user):
        assert not services.may_confirm_report_back(someone, reported)
        with pytest.raises(ValidationError, match=services.NOT_A_LIAISON_OF_GROUP_ERROR):
            confirm(reported, someone)
    assert not ReportBackConfirmation.objects.exists()


def test_nothing_to_answer_before_a_report_back(action, officer, liaison):
    action = complete(action, officer)
    assert not services.may_confirm_report_back(liaison, action)
    with pytest.raises(ValidationError, match=services.NOT_REPORTED_BACK_ERROR):
        confirm(action, liaison)


def test_an_answer_is_required(reported, liaison):
    with pytest.raises(ValidationError, match=services.ANSWER_ERROR):
        confirm(reported, liaison, answer="")


def test_a_new_report_back_after_reopening_is_asked_again(action, officer, liaison):
    action = complete(action, officer, on=YESTERDAY - datetime.timedelta(days=1))
    action = report_back(action, officer, on=YESTERDAY)
    confirm(action, liaison, ReportBackConfirmation.Answer.NO)
    action = services.follow_up_reopen(
        action=action, by=officer, reason="It never reached them", expected_version=action.version
    )
    action = complete(action, officer, on=TODAY)
    action = report_back(action, officer, on=TODAY)
    assert services.may_confirm_report_back(liaison, action)
    confirm(action, liaison, ReportBackConfirmation.Answer.YES)
    assert list(
        ReportBackConfirmation.objects.order_by("pk").values_list("reported_back_on", "answer")
    ) == [(YESTERDAY, "no"), (TODAY, "yes")]


def test_a_report_back_made_again_on_the_same_day_is_asked_again(action, officer, liaison):
    action = complete(action, officer, on=TODAY)
    action = report_back(action, officer, on=TODAY)
    confirm(action, liaison, ReportBackConfirmation.Answer.NO)
    action = services.follow_up_reopen(
        action=action, by=officer, reason="It never reached them", expected_version=action.version
    )
    action = complete(action, officer, on=TODAY)
    action = report_back(action, officer, on=TODAY)
    assert services.may_confirm_report_back(liaison, action)
    confirm(action, liaison, ReportBackConfirmation.Answer.YES)
    assert list(ReportBackConfirmation.objects.order_by("pk").values_list("answer", flat=True)) == [
        "no",
        "yes",
    ]
