"""Follow-up actions as work: partly done, done, cancelled, reported back, reopened.

Each change is version-checked, goes through the transition table, is audited, and
tells the liaisons of the group the action is owed to (by email, after commit).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from engagement import clock
from engagement.accounts.models import Role, User
from engagement.audit.models import AuditEvent
from engagement.audit.services import display_value, record_event
from engagement.meetings import notifications
from engagement.meetings.models import FollowUpAction, ReportBackConfirmation
from engagement.meetings.services import StaleEdit
from engagement.meetings.services.transitions import (
    FOLLOW_UP_TRANSITIONS,
    Transition,
    check_transition,
    status_change,
)

FOLLOW_UP_STALE_ERROR = (
    "Someone else changed this follow-up while you were looking at it. Nothing was saved: "
    "what you typed is still below. Check the action as it is now, then try again."
)
REMAINING_ERROR = "Say what remains to be done."
NEW_DUE_DATE_ERROR = "Enter the new due date."
DUE_DATE_PAST_ERROR = "The new due date must be today or later."
OUTCOME_ERROR = "Say what the outcome was."
COMPLETED_ON_ERROR = "Enter the date it was done."
COMPLETED_IN_FUTURE_ERROR = "The date it was done cannot be in the future."
COMPLETED_BEFORE_MEETING_ERROR = "The date it was done cannot be before the meeting."
REPORTED_BACK_ON_ERROR = "Enter the date the outcome was reported back."
REPORTED_BEFORE_DONE_ERROR = "It cannot have been reported back before it was done."
REPORTED_IN_FUTURE_ERROR = "The date it was reported back cannot be in the future."
CANCEL_REASON_ERROR = "Say why the action is cancelled: the group's liaisons will see it."
REOPEN_REASON_ERROR = "Say why the action is reopened."
ANSWER_ERROR = "Say whether the outcome reached the group."
NOT_A_LIAISON_OF_GROUP_ERROR = "Only the liaisons of the group it is owed to can answer."
NOT_REPORTED_BACK_ERROR = "This action has not been reported back yet."
ALREADY_ANSWERED_ERROR = "You have already answered for this report-back."


def _locked(action: FollowUpAction, expected_version: int | None) -> FollowUpAction:
    locked = (
        FollowUpAction.objects.select_for_update()
        .select_related("meeting", "owed_to", "owner")
        .get(pk=action.pk)
    )
    if locked.version != expected_version:
        raise StaleEdit(FOLLOW_UP_STALE_ERROR, current=locked)
    return locked


def _save(
    action: FollowUpAction,
    *,
    transition: Transition,
    by: User,
    changes: dict[str, list[str]],
    reason: str = "",
) -> FollowUpAction:
    action.version += 1
    action.updated_at = clock.now()
    action.full_clean(exclude=["meeting", "owner", "owed_to"])
    action.save()
    record_event(
        actor=by,
        action=transition.action,
        record=action,
        record_kind="followupaction",
        meeting=action.meeting,
        changes=changes,
        reason=reason,
    )
    notifications.follow_up_changed(action=action, transition=transition)
    return action


def _field_change(action: FollowUpAction, name: str, value) -> dict[str, list[str]]:
    before = display_value(getattr(action, name))
    setattr(action, name, value)
    after = display_value(value)
    label = str(getattr(FollowUpAction._meta.get_field(name), "verbose_name", name))
    return {} if before == after else {label: [before, after]}


def _require(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def follow_up_mark_partly_done(
    *,
    action: FollowUpAction,
    by: User,
    remaining: str,
    due_date: date | None,
    expected_version: int | None,
) -> FollowUpAction:
    remaining = (remaining or "").strip()
    errors = {"remaining": REMAINING_ERROR} if not remaining else {}
    if due_date is None:
        errors["due_date"] = NEW_DUE_DATE_ERROR
    elif due_date < clock.today():
        errors["due_date"] = DUE_DATE_PAST_ERROR
    _require(errors)
    locked = _locked(action, expected_version)
    transition = check_transition(FOLLOW_UP_TRANSITIONS, "partly_done", locked, by)
    changes = status_change(locked, transition)
    changes |= _field_change(locked, "remaining", remaining)
    changes |= _field_change(locked, "due_date", due_date)
    return _save(locked, transition=transition, by=by, changes=changes)


@transaction.atomic
def follow_up_complete(
    *,
    action: FollowUpAction,
    by: User,
    outcome: str,
    completed_on: date | None,
    expected_version: int | None,
) -> FollowUpAction:
    outcome = (outcome or "").strip()
    errors = {"outcome": OUTCOME_ERROR} if not outcome else {}
    if completed_on is None:
        errors["completed_on"] = COMPLETED_ON_ERROR
    elif completed_on > clock.today():
        errors["completed_on"] = COMPLETED_IN_FUTURE_ERROR
    elif completed_on < action.meeting.date:
        errors["completed_on"] = COMPLETED_BEFORE_MEETING_ERROR
    _require(errors)
    locked = _locked(action, expected_version)
    transition = check_transition(FOLLOW_UP_TRANSITIONS, "complete", locked, by)
    changes = status_change(locked, transition)
    changes |= _field_change(locked, "outcome", outcome)
    changes |= _field_change(locked, "completed_on", completed_on)
    changes |= _field_change(locked, "remaining", "")
    return _save(locked, transition=transition, by=by, changes=changes)


@transaction.atomic
def follow_up_report_back(
    *,
    action: FollowUpAction,
    by: User,
    reported_back_on: date | None,
    expected_version: int | None,
) -> FollowUpAction:
    errors = {}
    if reported_back_on is None:
        errors["reported_back_on"] = REPORTED_BACK_ON_ERROR
    elif reported_back_on > clock.today():
        errors["reported_back_on"] = REPORTED_IN_FUTURE_ERROR
    elif action.completed_on and reported_back_on < action.completed_on:
        errors["reported_back_on"] = REPORTED_BEFORE_DONE_ERROR
    _require(errors)
    locked = _locked(action, expected_version)
    transition = check_transition(FOLLOW_UP_TRANSITIONS, "report_back", locked, by)
    changes = _field_change(locked, "reported_back_on", reported_back_on)
    return _save(locked, transition=transition, by=by, changes=changes)


@transaction.atomic
def follow_up_cancel(
    *, action: FollowUpAction, by: User, reason: str, expected_version: int | None
) -> FollowUpAction:
    reason = (reason or "").strip()
    _require({"reason": CANCEL_REASON_ERROR} if not reason else {})
    locked = _locked(action, expected_version)
    transition = check_transition(FOLLOW_UP_TRANSITIONS, "cancel", locked, by)
    changes = status_change(locked, transition)
    changes |= _field_change(locked, "cancellation_reason", reason)
    return _save(locked, transition=transition, by=by, changes=changes, reason=reason)


@transaction.atomic
def follow_up_reopen(
    *, action: FollowUpAction, by: User, reason: str, expected_version: int | None
) -> FollowUpAction:
    """Back to open: the outcome and report-back are cleared, the audit keeps them."""
    reason = (reason or "").strip()
    _require({"reason": REOPEN_REASON_ERROR} if not reason else {})
    locked = _locked(action, expected_version)
    transition = check_transition(FOLLOW_UP_TRANSITIONS, "reopen", locked, by)
    changes = status_change(locked, transition)
    for name, empty in [
        ("completed_on", None),
        ("reported_back_on", None),
        ("outcome", ""),
        ("cancellation_reason", ""),
    ]:
        changes |= _field_change(locked, name, empty)
    return _save(locked, transition=transition, by=by, changes=changes, reason=reason)


def may_confirm_report_back(user: User, action: FollowUpAction) -> bool:
    """A liaison of the group it is owed to, while a report-back waits for their answer."""
    return (
        user.role == Role.LIAISON
        and action.meeting.disposed_at is None
        and action.reported_back_on is not None
        and action.owed_to.liaisons.filter(pk=user.pk).exists()
        and not ReportBackConfirmation.objects.filter(
            follow_up=action, liaison=user, follow_up_version=action.version
        ).exists()
    )


@transaction.atomic
def report_back_confirm(
    *,
    action: FollowUpAction,
    by: User,
    answer: str,
    comment: str,
    expected_version: int | None,
) -> ReportBackConfirmation:
    """The community's side: did the reported-back outcome really reach the group?"""
    if answer not in ReportBackConfirmation.Answer.values:
        raise ValidationError({"answer": ANSWER_ERROR})
    locked = _locked(action, expected_version)
    if locked.reported_back_on is None:
        raise ValidationError(NOT_REPORTED_BACK_ERROR)
    if not locked.owed_to.liaisons.filter(pk=by.pk).exists() or by.role != Role.LIAISON:
        raise ValidationError(NOT_A_LIAISON_OF_GROUP_ERROR)
    if not may_confirm_report_back(by, locked):
        raise ValidationError(ALREADY_ANSWERED_ERROR)
    confirmation = ReportBackConfirmation.objects.create(
        follow_up=locked,
        liaison=by,
        follow_up_version=locked.version,
        reported_back_on=locked.reported_back_on,
        answer=answer,
        created_at=clock.now(),
        comment=(comment or "").strip(),
    )
    record_event(
        actor=by,
        action=AuditEvent.Action.CONFIRM_REPORT_BACK,
        record=locked,
        record_kind="followupaction",
        meeting=locked.meeting,
        changes={"reached the group": ["", confirmation.get_answer_display()]},
    )
    return confirmation
