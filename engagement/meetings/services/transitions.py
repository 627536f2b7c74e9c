"""The one table of status changes: meetings, their disputes and follow-up actions.

Each transition says from which statuses it starts, where it goes, who may make it,
what they must give and which audit action records it. Services check it before every
change; views, templates, emails and seed_demo ask it (`allowed_transitions`) and never
re-derive a rule.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from engagement.accounts.models import Role, User
from engagement.audit.models import AuditEvent
from engagement.meetings.models import Dispute, FollowUpAction, Meeting, Review

NOT_ALLOWED_ERROR = "That change is not possible for this record now."

MS = Meeting.Status
DS = Dispute.Status
FS = FollowUpAction.Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    # None: the status stays as it is (a report-back is recorded on a done action).
    target: str | None
    # Who may, given the record: the user is None for the system (a lapse).
    may: Callable[[Any, Any], bool]
    action: AuditEvent.Action
    requires: tuple[str, ...] = ()

    def starts_from(self, record) -> bool:
        # A disposed meeting (retention review) is a tombstone: no one changes it or what
        # hangs off it any more; only the system may still lapse a corrected dispute.
        return record.status in self.sources and (self.may is _system or not _disposed(record))


def _disposed(record) -> bool:
    meeting = record if isinstance(record, Meeting) else record.meeting
    return meeting.disposed_at is not None


def _officer_editing(user: User, meeting: Meeting) -> bool:
    # The meeting was fetched through meetings_visible_to, so an officer who sees it is
    # of its unit or attended it.
    return user.role == Role.OFFICER


def _reviewer(user: User, meeting: Meeting) -> bool:
    """A liaison of one of its groups who has not yet reviewed this revision."""
    if user.role != Role.LIAISON:
        return False
    if not meeting.groups.filter(liaisons=user).exists():
        return False
    return not Review.objects.filter(
        meeting=meeting, liaison=user, meeting_version=meeting.version
    ).exists()


def _liaison_of_disputed_meeting(user: User | None, dispute: Dispute) -> bool:
    """Whoever's review settles it: a liaison of one of the meeting's groups."""
    return (
        user is not None
        and user.role == Role.LIAISON
        and dispute.meeting.groups.filter(liaisons=user).exists()
    )


def _author_or_admin(user: User, meeting: Meeting) -> bool:
    return user.role == Role.ADMIN or meeting.author_id == user.pk


def _party_to_dispute(user: User | None, dispute: Dispute) -> bool:
    """The officers of the meeting and the liaisons of its groups may escalate."""
    if user is None:
        return False
    return user.role == Role.OFFICER or _liaison_of_disputed_meeting(user, dispute)


def _system(user: User | None, record) -> bool:
    return user is None


def _owner(user: User, action: FollowUpAction) -> bool:
    return action.owner_id == user.pk and action.meeting.status != MS.WITHDRAWN


def _owner_not_yet_reported(user: User, action: FollowUpAction) -> bool:
    return _owner(user, action) and action.reported_back_on is None


EVERY_MEETING_STATUS_BUT_WITHDRAWN = frozenset(MS.values) - {MS.WITHDRAWN}

MEETING_TRANSITIONS: Mapping[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "submit", "Submit for review", frozenset({MS.DRAFT}), MS.SUBMITTED,
            _officer_editing, AuditEvent.Action.SUBMIT,
        ),
        Transition(
            "correct", "Submit correction", frozenset({MS.DISPUTED}), MS.SUBMITTED,
            _officer_editing, AuditEvent.Action.CORRECT, requires=("note",),
        ),
        Transition(
            "confirm", "Review", frozenset({MS.SUBMITTED, MS.REVIEWED}), MS.REVIEWED,
            _reviewer, AuditEvent.Action.REVIEW,
        ),
        Transition(
            "dispute", "Review", frozenset({MS.SUBMITTED, MS.REVIEWED}), MS.DISPUTED,
            _reviewer, AuditEvent.Action.REVIEW,
        ),
        Transition(
            "withdraw", "Withdraw meeting", EVERY_MEETING_STATUS_BUT_WITHDRAWN, MS.WITHDRAWN,
            _author_or_admin, AuditEvent.Action.WITHDRAW, requires=("reason",),
        ),
    ]
}  # fmt: skip

DISPUTE_TRANSITIONS: Mapping[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "correct", "Corrected", frozenset({DS.OPEN}), DS.CORRECTED,
            _officer_editing, AuditEvent.Action.CORRECT, requires=("note",),
        ),
        Transition(
            "redispute", "Disputed again", frozenset({DS.CORRECTED}), DS.OPEN,
            _liaison_of_disputed_meeting, AuditEvent.Action.REVIEW,
        ),
        Transition(
            "resolve", "Resolved", frozenset({DS.CORRECTED}), DS.RESOLVED,
            _liaison_of_disputed_meeting, AuditEvent.Action.REVIEW,
        ),
        Transition(
            "escalate", "Mark as unresolved and escalate", frozenset({DS.OPEN, DS.CORRECTED}),
            DS.ESCALATED, _party_to_dispute, AuditEvent.Action.ESCALATE, requires=("reason",),
        ),
        Transition(
            "lapse", "Lapsed", frozenset({DS.CORRECTED}), DS.LAPSED,
            _system, AuditEvent.Action.LAPSE,
        ),
    ]
}  # fmt: skip

FOLLOW_UP_TRANSITIONS: Mapping[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "partly_done", "Mark as partly done", frozenset({FS.OPEN, FS.PARTLY_DONE}),
            FS.PARTLY_DONE, _owner, AuditEvent.Action.PARTLY_DONE,
            requires=("remaining", "due_date"),
        ),
        Transition(
            "complete", "Mark as done", frozenset({FS.OPEN, FS.PARTLY_DONE}), FS.DONE,
            _owner, AuditEvent.Action.COMPLETE, requires=("outcome", "completed_on"),
        ),
        Transition(
            "report_back", "Record that it was reported back", frozenset({FS.DONE}), None,
            _owner_not_yet_reported, AuditEvent.Action.REPORT_BACK,
            requires=("reported_back_on",),
        ),
        Transition(
            "cancel", "Cancel", frozenset({FS.OPEN, FS.PARTLY_DONE}), FS.CANCELLED,
            _owner, AuditEvent.Action.CANCEL, requires=("reason",),
        ),
        Transition(
            "reopen", "Reopen", frozenset({FS.DONE, FS.CANCELLED}), FS.OPEN,
            _owner, AuditEvent.Action.REOPEN, requires=("reason",),
        ),
    ]
}  # fmt: skip


def allowed_transitions(
    table: Mapping[str, Transition], record, user: User | None
) -> list[Transition]:
    """The changes `user` may make to `record` now, in the table's order."""
    return [t for t in table.values() if t.starts_from(record) and t.may(user, record)]


def check_transition(
    table: Mapping[str, Transition], name: str, record, user: User | None
) -> Transition:
    """The transition, if `user` may make it to `record` now; otherwise a ValidationError."""
    transition = table[name]
    if not (transition.starts_from(record) and transition.may(user, record)):
        raise ValidationError(NOT_ALLOWED_ERROR, code="transition_not_allowed")
    return transition


def status_change(record, transition: Transition) -> dict[str, list[str]]:
    """Move `record` along `transition`; the audit's {"status": [old, new]}, or {}."""
    if transition.target is None or transition.target == record.status:
        return {}
    before = record.get_status_display()
    record.status = transition.target
    return {"status": [before, record.get_status_display()]}
