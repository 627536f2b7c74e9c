"""Every write to meetings, disclosures and follow-ups, each audited in its transaction."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from engagement import clock
from engagement.accounts.models import OfficerProfile, Role, Unit, User
from engagement.audit.models import AuditEvent
from engagement.audit.services import diff, display_value, record_event, snapshot
from engagement.meetings import rules
from engagement.meetings.models import Disclosure, FollowUpAction, Meeting
from engagement.meetings.search import refresh_search_vector
from engagement.meetings.services import StaleEdit
from engagement.meetings.services.review import dispute_corrected
from engagement.meetings.services.transitions import (
    MEETING_TRANSITIONS,
    Transition,
    check_transition,
    status_change,
)

STALE_EDIT_ERROR = (
    "Someone else saved this meeting while you were editing it. Your changes have not been "
    "saved yet: they are still below, and what the other person changed is listed. Check "
    "it, then save again to keep your version."
)
WITHDRAW_REASON_ERROR = "Give a reason for withdrawing the meeting."
NOT_EDITABLE_ERROR = "This meeting can no longer be changed."
NOT_AN_OFFICER_ERROR = "Only officers with a unit can log meetings."
CONFIRMED_DISCLOSURE_ERROR = (
    "This officer's disclosure has been confirmed by a liaison and cannot be removed."
)
CORRECTION_NOTE_ERROR = (
    "Say what you corrected: the liaisons read this note when they review again."
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
    "concerns_needing_response",
    "passed_on",
    "passed_on_kind",
    "passed_on_reason",
    "community_told_passed_on",
    "summary",
    "internal_notes",
)
DISCLOSURE_FIELDS = ("level", "method", "timing", "reason")
FOLLOW_UP_FIELDS = ("description", "owner", "owed_to", "answers_concern", "due_date")


@dataclass
class MeetingParts:
    """Everything one save of the meeting form says: the meeting and its inline records."""

    fields: dict
    groups: list
    # One dict per attending officer: officer, level, method, timing, reason.
    disclosures: list[dict]
    # One dict per action; "instance" names an existing one being changed.
    follow_ups: list[dict] = field(default_factory=list)


def _check_parts(parts: MeetingParts, *, submit: bool) -> None:
    """The rules across records; the form shows them next to fields, this is the guard.

    A draft needs only its date and a group; on submit every rule applies.
    """
    if not parts.groups:
        raise ValidationError(rules.NO_GROUP_ERROR)
    officers = [d["officer"] for d in parts.disclosures]
    if len(set(officers)) != len(officers):
        raise ValidationError(rules.SAME_OFFICER_ERROR)
    needing = parts.fields.get("concerns_needing_response") or []
    raised = [topic for topic in Meeting.ConcernTopic.values if parts.fields.get(topic)]
    rules.check_concerns_needing_response(needing, raised)
    for action in parts.follow_ups:
        rules.check_due_date(action["due_date"], parts.fields["date"])
        rules.check_owed_to(action["owed_to"], parts.groups)
    if not submit:
        return
    if missing := rules.missing_for_submit(parts.fields):
        raise ValidationError(missing)
    if not parts.disclosures:
        raise ValidationError(rules.NO_OFFICER_ERROR)
    answered = [action.get("answers_concern") or "" for action in parts.follow_ups]
    if unanswered := rules.unanswered_concerns(needing, answered):
        raise ValidationError([rules.unanswered_concern_message(label) for label in unanswered])


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
    text = (
        f"{action.description} · {action.owner} · {action.owed_to} · "
        f"due {display_value(action.due_date)}"
    )
    if action.answers_concern:
        text += f" · answers the concern about {action.get_answers_concern_display().lower()}"
    return text


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
        # A disclosure removed from a draft or a correction was never confirmed (checked
        # above); the audit event keeps what it said.
        disclosure.delete()
    return changes


def _save_follow_ups(meeting: Meeting, wanted: list[dict]) -> dict:
    changes = {}
    for values in wanted:
        action = values.get("instance") or FollowUpAction(
            meeting=meeting, created_at=clock.now(), updated_at=clock.now()
        )
        if action.pk and action.meeting_id != meeting.pk:
            raise ValidationError("That follow-up belongs to another meeting.")
        before = _follow_up_summary(action) if action.pk else ""
        for name in FOLLOW_UP_FIELDS:
            setattr(action, name, values.get(name) or ("" if name == "answers_concern" else None))
        action.full_clean(exclude=["meeting"])
        after = _follow_up_summary(action)
        if before != after:
            if action.pk:
                action.version += 1
                action.updated_at = clock.now()
            action.save()
            changes[f"follow-up {action.uuid}"] = [before, after]
    return changes


def _apply(meeting: Meeting, parts: MeetingParts) -> None:
    for name, value in parts.fields.items():
        if name not in MEETING_FIELDS:
            raise ValueError(f"{name} is not a field the meeting form may set")
        setattr(meeting, name, value)
    meeting.full_clean(exclude=["author", "unit", "groups"])


def _mark_submitted(meeting: Meeting, transition: Transition, now) -> dict:
    changes = status_change(meeting, transition)
    if meeting.first_submitted_at is None:
        meeting.first_submitted_at = now
    return changes


def _unit_of(officer: User) -> Unit:
    if officer.role != Role.OFFICER:
        raise ValidationError(NOT_AN_OFFICER_ERROR)
    try:
        return officer.officer_profile.unit
    except OfficerProfile.DoesNotExist:
        raise ValidationError(NOT_AN_OFFICER_ERROR) from None


def _snapshot(meeting: Meeting) -> dict[str, str]:
    return snapshot(meeting, [*MEETING_FIELDS, "groups"])


@transaction.atomic
def meeting_create(*, by: User, parts: MeetingParts, submit: bool) -> Meeting:
    now = clock.now()
    meeting = Meeting(author=by, unit=_unit_of(by), created_at=now, updated_at=now)
    _check_parts(parts, submit=submit)
    _apply(meeting, parts)
    meeting.save()
    meeting.groups.set(parts.groups)
    changes = diff({}, _snapshot(meeting))
    changes |= _save_disclosures(meeting, parts.disclosures)
    changes |= _save_follow_ups(meeting, parts.follow_ups)
    record_event(
        actor=by, action=AuditEvent.Action.CREATE, record=meeting, meeting=meeting, changes=changes
    )
    if submit:
        _submit(meeting, by=by, name="submit", now=now)
    refresh_search_vector(meeting)
    return meeting


def _submit(meeting: Meeting, *, by: User, name: str, now, note: str = "") -> None:
    """Send a draft, or a disputed meeting's correction, for review."""
    transition = check_transition(MEETING_TRANSITIONS, name, meeting, by)
    changes = _mark_submitted(meeting, transition, now)
    meeting.save()
    if name == "correct":
        dispute_corrected(meeting=meeting, by=by, note=note, now=now)
    record_event(
        actor=by,
        action=transition.action,
        record=meeting,
        meeting=meeting,
        changes=changes,
        reason=note,
    )


def current_version_changes(meeting: Meeting, parts: MeetingParts) -> dict[str, list[str]]:
    """What is saved now against what was typed: {field: [theirs, yours]}."""
    draft = Meeting.objects.get(pk=meeting.pk)
    saved = _snapshot(draft)
    for name, value in parts.fields.items():
        setattr(draft, name, value)
    typed = snapshot(draft, MEETING_FIELDS)
    typed["groups"] = display_value(parts.groups)
    return {name: [saved[name], typed[name]] for name in saved if saved[name] != typed[name]}


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    by: User,
    parts: MeetingParts,
    expected_version: int | None,
    submit: bool = False,
    note: str = "",
) -> Meeting:
    """Save an edit; `submit` sends a draft, or a disputed meeting's correction, for review.

    An edit made from an older version is refused with StaleEdit, carrying the record as
    it is now, so the person can see what changed and save over it deliberately.
    """
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.version != expected_version:
        raise StaleEdit(STALE_EDIT_ERROR, current=locked)
    if not locked.is_editable:
        raise ValidationError(NOT_EDITABLE_ERROR)
    correcting = submit and locked.status == Meeting.Status.DISPUTED
    if correcting and not note.strip():
        raise ValidationError({"correction_note": CORRECTION_NOTE_ERROR})
    _check_parts(parts, submit=submit or locked.status != Meeting.Status.DRAFT)
    before = _snapshot(locked)
    _apply(locked, parts)
    now = clock.now()
    locked.groups.set(parts.groups)
    changes = diff(before, _snapshot(locked))
    changes |= _save_disclosures(locked, parts.disclosures)
    changes |= _save_follow_ups(locked, parts.follow_ups)
    if changes:
        locked.version += 1
        locked.updated_at = now
        locked.save()
        record_event(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            record=locked,
            meeting=locked,
            changes=changes,
        )
    if submit and locked.status in (Meeting.Status.DRAFT, Meeting.Status.DISPUTED):
        if not changes:
            locked.version += 1
            locked.updated_at = now
        _submit(locked, by=by, name="correct" if correcting else "submit", now=now, note=note)
    if changes:
        refresh_search_vector(locked)
    return locked


@transaction.atomic
def meeting_withdraw(*, meeting: Meeting, by: User, reason: str) -> Meeting:
    """Take a meeting out of use. It is never deleted: it keeps its history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": WITHDRAW_REASON_ERROR})
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    transition = check_transition(MEETING_TRANSITIONS, "withdraw", locked, by)
    changes = status_change(locked, transition)
    locked.withdrawn_at = clock.now()
    locked.withdrawal_reason = reason
    locked.version += 1
    locked.updated_at = locked.withdrawn_at
    locked.save()
    record_event(
        actor=by,
        action=transition.action,
        record=locked,
        meeting=locked,
        changes=changes,
        reason=reason,
    )
    return locked
