"""Retention decisions: keep a meeting until a next review, or dispose of it.

Each is one transaction: the meeting locked, the decision checked against what the person
saw (the meeting's version and its latest decision), recorded, and audited
(RETENTION_KEEP or RETENTION_DISPOSE, the rationale as the reason). Only an admin decides,
and nothing is ever disposed of automatically: there is no job that calls these.

What a disposal removes, and what it keeps
------------------------------------------

The meeting row and every row hanging off it stay (nothing is deleted, the audit trail
included); the meeting becomes a tombstone. No one from the community is ever named in a
structured field (attendees are counts, groups are the unit of record), so the personal
content a meeting can hold is in its free text: whatever was typed, by an officer or a
liaison, about the people and what they said. Each of these, when it holds anything, is
replaced by REMOVED_TEXT (not emptied: the database's own rules require some of them, for
example a submitted meeting's summary or a partial disclosure's reason, and the marker
says plainly to anyone reading the record, a list or an export that it was removed):

- Meeting: topics, information_shared, concerns_raised, summary, internal_notes,
  passed_on_reason, withdrawal_reason; its search vector is rebuilt from what is left;
- Disclosure: reason (why an officer's role was not fully disclosed);
- FollowUpAction: description, remaining, outcome, cancellation_reason;
- Review: comments;
- ReportBackConfirmation: comment;
- Dispute: correction_note, escalation_reason.

Kept, because the measures count them (DESIGN.md, "Measures") or they say what the
record was: the meeting's date, time, length, venue kind, area, unit, groups, who asked
for it, focus, purpose (one line, shown in lists and the queue; the form asks that it
name no one), the counts of attendees and of those under 25 and under 18, whether a
responsible adult was there, the concern topics and which needed a response, whether
anything was passed on, of what kind, and whether the community was told, status, author
and timestamps, version; every disclosure's officer, level, method and timing; every
follow-up's owner, group, concern, due, completion and report-back dates and status (its
version too, which the report-back measures match answers against); every review's
liaison, accuracy, effect on trust and its confirmations; every dispute's dates, status
and who closed it; every report-back answer. So every dashboard figure is the same after
a disposal as before (tests/retention/test_dashboards_unchanged.py).

The audit log is append-only (a PostgreSQL trigger refuses to change it) and keeps what
it recorded: the values in its events' "changes" are not removed by a disposal. The
meeting page shows a disposed meeting's history without them.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from engagement import clock
from engagement.accounts.models import Role, User
from engagement.audit.models import AuditEvent
from engagement.audit.services import record_event
from engagement.meetings.models import (
    Disclosure,
    Dispute,
    FollowUpAction,
    Meeting,
    ReportBackConfirmation,
    Review,
)
from engagement.meetings.search import refresh_search_vector
from engagement.meetings.services import StaleEdit
from engagement.retention.models import RetentionDecision

REMOVED_TEXT = "Removed at retention review."
STALE_DECISION_ERROR = (
    "Another admin recorded a retention decision on this meeting, or the meeting changed, "
    "while you were deciding. Nothing you typed has been saved: it is still below. Read the "
    "meeting and its decisions as they are now, then decide again."
)
ALREADY_DISPOSED_ERROR = (
    "This meeting has already been disposed of: no further decision can be made."
)
NOT_AN_ADMIN_ERROR = "Only an admin can make a retention decision."

# Every free-text field a disposal replaces, by model (see the module's docstring).
REMOVED_FIELDS: dict[type, tuple[str, ...]] = {
    Meeting: (
        "topics",
        "information_shared",
        "concerns_raised",
        "summary",
        "internal_notes",
        "passed_on_reason",
        "withdrawal_reason",
    ),
    Disclosure: ("reason",),
    FollowUpAction: ("description", "remaining", "outcome", "cancellation_reason"),
    Review: ("comments",),
    ReportBackConfirmation: ("comment",),
    Dispute: ("correction_note", "escalation_reason"),
}


def _locked(meeting: Meeting, *, by: User, expected_version: int | None, expected_decision):
    """The meeting locked for the decision, refusing one based on an older view of it."""
    if by.role != Role.ADMIN:
        raise ValidationError(NOT_AN_ADMIN_ERROR)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    latest = (
        RetentionDecision.objects.filter(meeting=locked)
        .order_by("-decided_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if locked.version != expected_version or latest != expected_decision:
        raise StaleEdit(STALE_DECISION_ERROR, current=locked)
    if locked.disposed_at is not None:
        raise ValidationError(ALREADY_DISPOSED_ERROR)
    return locked


def _decision(meeting: Meeting, *, by: User, decision: str, rationale: str, next_review_on):
    record = RetentionDecision(
        meeting=meeting,
        decision=decision,
        rationale=(rationale or "").strip(),
        decided_by=by,
        decided_at=clock.now(),
        next_review_on=next_review_on,
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def retention_keep(
    *,
    meeting: Meeting,
    by: User,
    rationale: str,
    next_review_on: datetime.date | None,
    expected_version: int | None,
    expected_decision: int | None,
) -> RetentionDecision:
    """Keep the meeting: it leaves the queue until `next_review_on`."""
    locked = _locked(
        meeting, by=by, expected_version=expected_version, expected_decision=expected_decision
    )
    decision = _decision(
        locked,
        by=by,
        decision=RetentionDecision.Decision.KEEP,
        rationale=rationale,
        next_review_on=next_review_on,
    )
    before = locked.retention_kept_until
    locked.retention_kept_until = next_review_on
    locked.save(update_fields=["retention_kept_until"])
    record_event(
        actor=by,
        action=AuditEvent.Action.RETENTION_KEEP,
        record=locked,
        meeting=locked,
        changes={"next retention review": [_iso(before), _iso(next_review_on)]},
        reason=decision.rationale,
        detail={"retention_decision": decision.pk},
    )
    return decision


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _remove_text(queryset, fields: tuple[str, ...]) -> int:
    """Replace each of `fields` that holds anything, row by row in the database."""
    removed = 0
    for name in fields:
        removed += queryset.exclude(**{name: ""}).update(**{name: REMOVED_TEXT})
    return removed


@transaction.atomic
def retention_dispose(
    *,
    meeting: Meeting,
    by: User,
    rationale: str,
    expected_version: int | None,
    expected_decision: int | None,
) -> RetentionDecision:
    """Dispose of the meeting: its free text removed, what the measures count kept, the
    row and its history never deleted (the module's docstring lists each field)."""
    locked = _locked(
        meeting, by=by, expected_version=expected_version, expected_decision=expected_decision
    )
    decision = _decision(
        locked,
        by=by,
        decision=RetentionDecision.Decision.DISPOSE,
        rationale=rationale,
        next_review_on=None,
    )
    removed = _remove_text(Meeting.objects.filter(pk=locked.pk), REMOVED_FIELDS[Meeting])
    removed += _remove_text(Disclosure.objects.filter(meeting=locked), REMOVED_FIELDS[Disclosure])
    removed += _remove_text(
        FollowUpAction.objects.filter(meeting=locked), REMOVED_FIELDS[FollowUpAction]
    )
    removed += _remove_text(Review.objects.filter(meeting=locked), REMOVED_FIELDS[Review])
    removed += _remove_text(
        ReportBackConfirmation.objects.filter(follow_up__meeting=locked),
        REMOVED_FIELDS[ReportBackConfirmation],
    )
    removed += _remove_text(Dispute.objects.filter(meeting=locked), REMOVED_FIELDS[Dispute])
    disposed_at = clock.now()
    Meeting.objects.filter(pk=locked.pk).update(disposed_at=disposed_at, retention_kept_until=None)
    locked.refresh_from_db()
    refresh_search_vector(locked)
    record_event(
        actor=by,
        action=AuditEvent.Action.RETENTION_DISPOSE,
        record=locked,
        meeting=locked,
        changes={"disposed": ["", "Yes"]},
        reason=decision.rationale,
        detail={"retention_decision": decision.pk, "text_fields_removed": removed},
    )
    return decision
