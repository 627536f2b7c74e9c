"""Reviews by the community's liaisons, and the disputes they open, until each ends."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from engagement import clock
from engagement.accounts.models import User
from engagement.audit.services import record_event
from engagement.meetings import notifications, rules
from engagement.meetings.models import (
    Disclosure,
    DisclosureConfirmation,
    Dispute,
    Meeting,
    Review,
)
from engagement.meetings.services import StaleEdit
from engagement.meetings.services.transitions import (
    DISPUTE_TRANSITIONS,
    MEETING_TRANSITIONS,
    check_transition,
    status_change,
)

REVIEW_STALE_ERROR = (
    "The officer changed this meeting while you were reviewing it. Your answers are still "
    "below: check the meeting as it is now, then send your review again."
)
CONFIRMATIONS_ERROR = (
    "Answer for every officer whether their counter-terrorism role was made clear."
)
ESCALATION_REASON_ERROR = "Say why the dispute is unresolved: the admins read this."
ALREADY_REVIEWED_ERROR = "You have already reviewed this version of the meeting."


def _confirmation_changes(
    disclosures: list[Disclosure], answers: dict[int, str]
) -> dict[str, list[str]]:
    return {
        f"role made clear: {d.officer}": [
            d.get_level_display(),
            DisclosureConfirmation.Answer(answers[d.pk]).label,
        ]
        for d in disclosures
    }


@transaction.atomic
def review_submit(
    *,
    meeting: Meeting,
    by: User,
    accuracy: str,
    trust_effect: str,
    comments: str,
    confirmations: dict[int, str],
    expected_version: int | None,
) -> Review:
    """Record a liaison's review; it confirms the meeting or disputes it.

    `confirmations` maps each disclosure's id to the liaison's answer: was this
    officer's counter-terrorism role made clear to us?
    """
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.version != expected_version:
        raise StaleEdit(REVIEW_STALE_ERROR, current=locked)
    disclosures = list(locked.disclosures.select_related("officer"))
    if set(confirmations) != {d.pk for d in disclosures} or not all(
        answer in DisclosureConfirmation.Answer.values for answer in confirmations.values()
    ):
        raise ValidationError(CONFIRMATIONS_ERROR)
    full_answers = [confirmations[d.pk] for d in disclosures if d.level == Disclosure.Level.FULL]
    disputes = rules.review_disputes_record(accuracy, full_answers)
    if Review.objects.filter(meeting=locked, liaison=by, meeting_version=locked.version).exists():
        raise ValidationError(ALREADY_REVIEWED_ERROR)
    transition = check_transition(
        MEETING_TRANSITIONS, "dispute" if disputes else "confirm", locked, by
    )
    review = Review(
        meeting=locked,
        liaison=by,
        meeting_version=locked.version,
        accuracy=accuracy,
        trust_effect=trust_effect,
        comments=comments.strip(),
        created_at=clock.now(),
    )
    review.full_clean()
    review.save()
    DisclosureConfirmation.objects.bulk_create(
        DisclosureConfirmation(
            review=review, disclosure=d, answer=confirmations[d.pk], recorded_level=d.level
        )
        for d in disclosures
    )
    changes = status_change(locked, transition)
    locked.save(update_fields=["status"])
    changes |= {
        "accuracy": ["", review.get_accuracy_display()],
        "effect on trust": ["", review.get_trust_effect_display()],
        **_confirmation_changes(disclosures, confirmations),
    }
    changes |= _settle_dispute(locked, review=review, disputes=disputes, by=by)
    record_event(
        actor=by,
        action=transition.action,
        record=locked,
        meeting=locked,
        changes=changes,
        detail={"review": str(review.uuid)},
    )
    if disputes:
        notifications.meeting_disputed(meeting=locked, review=review)
    return review


def _active_dispute(meeting: Meeting) -> Dispute | None:
    return (
        Dispute.objects.select_for_update()
        .filter(meeting=meeting, status__in=Dispute.ACTIVE_STATUSES)
        .first()
    )


def _settle_dispute(meeting: Meeting, *, review: Review, disputes: bool, by: User) -> dict:
    """Open a dispute, dispute a correction again, or resolve it: what the review says."""
    dispute = _active_dispute(meeting)
    if dispute is None:
        if not disputes:
            return {}
        Dispute.objects.create(meeting=meeting, opened_by=review, opened_at=review.created_at)
        return {"dispute": ["", Dispute.Status.OPEN.label]}
    transition = check_transition(
        DISPUTE_TRANSITIONS, "redispute" if disputes else "resolve", dispute, by
    )
    changes = status_change(dispute, transition)
    if disputes:
        dispute.opened_by = review
    else:
        dispute.closed_at = review.created_at
        dispute.closed_by = by
    dispute.save()
    return {"dispute": changes["status"]}


def dispute_corrected(*, meeting: Meeting, by: User, note: str, now: datetime) -> Dispute | None:
    """The officer's correction of a disputed meeting: the dispute awaits a new review.

    Called inside the meeting's own save (services.meeting), which records the event.
    """
    dispute = _active_dispute(meeting)
    if dispute is None:
        return None
    transition = check_transition(DISPUTE_TRANSITIONS, "correct", dispute, by)
    status_change(dispute, transition)
    dispute.corrected_at = now
    dispute.correction_note = note.strip()
    dispute.save()
    return dispute


@transaction.atomic
def dispute_escalate(*, dispute: Dispute, by: User, reason: str) -> Dispute:
    """Mark a dispute unresolved: it goes to the admins with both accounts kept."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ESCALATION_REASON_ERROR})
    locked = Dispute.objects.select_for_update().select_related("meeting").get(pk=dispute.pk)
    transition = check_transition(DISPUTE_TRANSITIONS, "escalate", locked, by)
    changes = {"dispute": status_change(locked, transition)["status"]}
    locked.closed_at = clock.now()
    locked.closed_by = by
    locked.escalation_reason = reason
    locked.save()
    record_event(
        actor=by,
        action=transition.action,
        record=locked.meeting,
        meeting=locked.meeting,
        changes=changes,
        reason=reason,
        detail={"dispute": str(locked.uuid)},
    )
    return locked


def disputes_lapse(*, now: datetime | None = None) -> int:
    """End as lapsed every corrected dispute with no new review within the set time.

    Run daily (send_reminders does). A lapsed dispute is never counted as confirmed.
    """
    now = now or clock.now()
    cutoff = now - timedelta(days=settings.DISPUTE_LAPSE_DAYS)
    stale = Dispute.objects.filter(status=Dispute.Status.CORRECTED, corrected_at__lt=cutoff)
    count = 0
    for dispute_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            dispute = (
                Dispute.objects.select_for_update().select_related("meeting").get(pk=dispute_id)
            )
            if dispute.status != Dispute.Status.CORRECTED:
                continue
            transition = check_transition(DISPUTE_TRANSITIONS, "lapse", dispute, None)
            changes = {"dispute": status_change(dispute, transition)["status"]}
            dispute.closed_at = now
            dispute.save()
            record_event(
                actor=None,
                action=transition.action,
                record=dispute.meeting,
                meeting=dispute.meeting,
                changes=changes,
                reason=f"No new review within {settings.DISPUTE_LAPSE_DAYS} days of the "
                "correction.",
                detail={"dispute": str(dispute.uuid)},
            )
            count += 1
    return count
