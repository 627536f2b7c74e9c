"""Every write to meetings, disclosures and follow-ups, each audited in its transaction."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from engagement.accounts.models import OfficerProfile, Role, Unit
from engagement.audit.models import AuditEvent
from engagement.audit.services import diff, display_value, record_event, snapshot
from engagement.meetings.models import Disclosure, FollowUpAction, Meeting

STALE_EDIT_ERROR = (
    "Someone else saved this meeting while you were editing it. Your changes have not been "
    "saved. They are still below: check the meeting as it is now, then save again."
)
NO_GROUP_ERROR = "Choose at least one community group."
NO_OFFICER_ERROR = "Add at least one attending officer and what they disclosed."
SAME_OFFICER_ERROR = "This officer is already listed: give one disclosure per officer."
DUE_BEFORE_MEETING_ERROR = "The due date cannot be before the date of the meeting."
OWED_TO_NOT_AT_MEETING_ERROR = "The group it is owed to must be one of the meeting's groups."
WITHDRAW_REASON_ERROR = "Give a reason for withdrawing the meeting."
NOT_EDITABLE_ERROR = "This meeting can no longer be changed."
NOT_AN_OFFICER_ERROR = "Only officers with a unit can log meetings."
CONFIRMED_DISCLOSURE_ERROR = (
    "This officer's disclosure has been confirmed by a liaison and cannot be removed."
)

MEETING_FIELDS = (
    "date",
    "start_time",
    "duration_minutes",
    "venue_kind",
    "area",
    "initiated_by",
    "focus",
    "purpose",
    "topics",
    "attendee_count",
    "under_25_count",
    "under_18_count",
    "responsible_adult_present",
    "information_shared",
    "concerns_raised",
    *Meeting.ConcernTopic.values,
    "passed_on",
    "passed_on_kind",
    "passed_on_reason",
    "community_told_passed_on",
    "summary",
    "internal_notes",
)
DISCLOSURE_FIELDS = ("level", "method", "timing", "reason")
FOLLOW_UP_FIELDS = ("description", "owner", "owed_to", "due_date")


class StaleEdit(Exception):
    """The record changed since the form was loaded."""


@dataclass
class MeetingParts:
    """Everything one save of the meeting form says: the meeting and its inline records."""

    fields: dict
    groups: list
    # One dict per attending officer: officer, level, method, timing, reason.
    disclosures: list[dict]
    # One dict per action; "instance" names an existing one being changed.
    follow_ups: list[dict] = field(default_factory=list)


def check_due_date(due_date, meeting_date) -> None:
    if due_date and meeting_date and due_date < meeting_date:
        raise ValidationError(DUE_BEFORE_MEETING_ERROR, code="due_before_meeting")


def check_owed_to(group, groups: Iterable) -> None:
    if group is not None and group not in groups:
        raise ValidationError(OWED_TO_NOT_AT_MEETING_ERROR, code="owed_to_not_at_meeting")


def _check_parts(parts: MeetingParts) -> None:
    """The rules across records; the form shows them next to fields, this is the guard."""
    if not parts.groups:
        raise ValidationError(NO_GROUP_ERROR)
    if not parts.disclosures:
        raise ValidationError(NO_OFFICER_ERROR)
    officers = [d["officer"] for d in parts.disclosures]
    if len(set(officers)) != len(officers):
        raise ValidationError(SAME_OFFICER_ERROR)
    for action in parts.follow_ups:
        check_due_date(action["due_date"], parts.fields["date"])
        check_owed_to(action["owed_to"], parts.groups)


def _disclosure_summary(disclosure: Disclosure) -> str:
    text = " · ".join(
        [
            disclosure.get_level_display(),
            disclosure.get_method_display(),
            disclosure.get_timing_display(),
        ]
    )
    return f"{text} · {disclosure.reason}" if disclosure.reason else text


def _follow_up_summary(action: FollowUpAction) -> str:
    return (
        f"{action.description} · {action.owner} · {action.owed_to} · "
        f"due {display_value(action.due_date)}"
    )


def _save_disclosures(meeting: Meeting, wanted: list[dict]) -> dict:
    changes = {}
    existing = {d.officer_id: d for d in meeting.disclosures.select_related("officer")}
    for values in wanted:
        officer = values["officer"]
        disclosure = existing.pop(officer.pk, None)
        before = _disclosure_summary(disclosure) if disclosure else ""
        if disclosure is None:
            disclosure = Disclosure(meeting=meeting, officer=officer)
        for name in DISCLOSURE_FIELDS:
            setattr(disclosure, name, values.get(name, "") or "")
        disclosure.full_clean(exclude=["meeting", "officer"])
        after = _disclosure_summary(disclosure)
        if before != after:
            disclosure.save()
            changes[f"disclosure: {officer}"] = [before, after]
    for disclosure in existing.values():
        if disclosure.confirmations.exists():
            raise ValidationError(CONFIRMED_DISCLOSURE_ERROR)
        changes[f"disclosure: {disclosure.officer}"] = [_disclosure_summary(disclosure), ""]
        disclosure.delete()
    return changes


def _save_follow_ups(meeting: Meeting, wanted: list[dict]) -> dict:
    changes = {}
    for values in wanted:
        action = values.get("instance") or FollowUpAction(meeting=meeting)
        if action.pk and action.meeting_id != meeting.pk:
            raise ValidationError("That follow-up belongs to another meeting.")
        before = _follow_up_summary(action) if action.pk else ""
        for name in FOLLOW_UP_FIELDS:
            setattr(action, name, values[name])
        action.full_clean(exclude=["meeting"])
        after = _follow_up_summary(action)
        if before != after:
            if action.pk:
                action.version += 1
            action.save()
            changes[f"follow-up {action.uuid}"] = [before, after]
    return changes


def _apply(meeting: Meeting, parts: MeetingParts) -> None:
    for name, value in parts.fields.items():
        if name not in MEETING_FIELDS:
            raise ValueError(f"{name} is not a field the meeting form may set")
        setattr(meeting, name, value)
    meeting.full_clean(exclude=["author", "unit", "groups"])


def _mark_submitted(meeting: Meeting, now) -> None:
    meeting.status = Meeting.Status.SUBMITTED
    if meeting.first_submitted_at is None:
        meeting.first_submitted_at = now


def _unit_of(officer) -> Unit:
    if officer.role != Role.OFFICER:
        raise ValidationError(NOT_AN_OFFICER_ERROR)
    try:
        return officer.officer_profile.unit
    except OfficerProfile.DoesNotExist:
        raise ValidationError(NOT_AN_OFFICER_ERROR) from None


@transaction.atomic
def meeting_create(*, by, parts: MeetingParts, submit: bool) -> Meeting:
    _check_parts(parts)
    now = timezone.now()
    meeting = Meeting(author=by, unit=_unit_of(by), created_at=now, updated_at=now)
    _apply(meeting, parts)
    if submit:
        _mark_submitted(meeting, now)
    meeting.save()
    meeting.groups.set(parts.groups)
    changes = diff({}, snapshot(meeting, [*MEETING_FIELDS, "groups"]))
    changes |= _save_disclosures(meeting, parts.disclosures)
    changes |= _save_follow_ups(meeting, parts.follow_ups)
    record_event(
        actor=by, action=AuditEvent.Action.CREATE, record=meeting, meeting=meeting, changes=changes
    )
    if submit:
        record_event(actor=by, action=AuditEvent.Action.SUBMIT, record=meeting, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, by, parts: MeetingParts, expected_version: int, submit: bool = False
) -> Meeting:
    """Save an edit. `submit` sends a draft, or a disputed meeting's correction, for review."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.version != expected_version:
        raise StaleEdit(STALE_EDIT_ERROR)
    if not locked.is_editable:
        raise ValidationError(NOT_EDITABLE_ERROR)
    _check_parts(parts)
    before = snapshot(locked, [*MEETING_FIELDS, "groups"])
    was_status = locked.status
    _apply(locked, parts)
    now = timezone.now()
    if submit and locked.status in (Meeting.Status.DRAFT, Meeting.Status.DISPUTED):
        _mark_submitted(locked, now)
    locked.groups.set(parts.groups)
    changes = diff(before, snapshot(locked, [*MEETING_FIELDS, "groups"]))
    changes |= _save_disclosures(locked, parts.disclosures)
    changes |= _save_follow_ups(locked, parts.follow_ups)
    if changes or locked.status != was_status:
        locked.version += 1
        locked.updated_at = now
        locked.save()
    if changes:
        record_event(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            record=locked,
            meeting=locked,
            changes=changes,
        )
    if locked.status != was_status:
        record_event(
            actor=by,
            action=AuditEvent.Action.SUBMIT,
            record=locked,
            meeting=locked,
            changes={"status": [Meeting.Status(was_status).label, locked.get_status_display()]},
        )
    return locked


@transaction.atomic
def meeting_submit(*, meeting: Meeting, by) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status not in (Meeting.Status.DRAFT, Meeting.Status.DISPUTED):
        raise ValidationError("Only a draft or a disputed meeting can be submitted.")
    was = locked.get_status_display()
    _mark_submitted(locked, timezone.now())
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    record_event(
        actor=by,
        action=AuditEvent.Action.SUBMIT,
        record=locked,
        meeting=locked,
        changes={"status": [was, locked.get_status_display()]},
    )
    return locked


@transaction.atomic
def meeting_withdraw(*, meeting: Meeting, by, reason: str) -> Meeting:
    """Take a meeting out of use. It is never deleted: it keeps its history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": WITHDRAW_REASON_ERROR})
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == Meeting.Status.WITHDRAWN:
        raise ValidationError("This meeting has already been withdrawn.")
    was = locked.get_status_display()
    locked.status = Meeting.Status.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.withdrawal_reason = reason
    locked.version += 1
    locked.updated_at = locked.withdrawn_at
    locked.save()
    record_event(
        actor=by,
        action=AuditEvent.Action.WITHDRAW,
        record=locked,
        meeting=locked,
        changes={"status": [was, locked.get_status_display()]},
        reason=reason,
    )
    return locked


def meeting_record_view(*, meeting: Meeting, by) -> None:
    """Reads of a meeting are audited too: who looked at what, and when."""
    record_event(actor=by, action=AuditEvent.Action.VIEW, record=meeting, meeting=meeting)
