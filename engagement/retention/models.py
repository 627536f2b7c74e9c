from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from engagement import clock
from engagement.audit.models import WrittenOnce
from engagement.meetings.models import SHORT_TEXT

DECISIONS_ARE_RECORDS_ERROR = (
    "Retention decisions are a record of what was decided: they cannot be changed or deleted."
)
RATIONALE_ERROR = "Give the rationale for the decision."
NEXT_REVIEW_REQUIRED_ERROR = "Enter the date of the next review."
NEXT_REVIEW_IN_FUTURE_ERROR = "The date of the next review must be after today."
NEXT_REVIEW_NOT_FOR_DISPOSAL_ERROR = "A disposal has no next review date."
RATIONALE_MAX = SHORT_TEXT * 2


class RetentionDecision(WrittenOnce):
    """One retention review of one meeting: keep it until a next review, or dispose of it.

    Written once and never changed (Police Information and Records Management Code of
    Practice: each review is a recorded decision with its rationale). A meeting's latest
    decision stands; a disposal is its last.
    """

    written_once_error = DECISIONS_ARE_RECORDS_ERROR

    class Decision(models.TextChoices):
        KEEP = "keep", "Keep"
        DISPOSE = "dispose", "Dispose"

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="retention_decisions"
    )
    decision = models.CharField(max_length=8, choices=Decision.choices)
    rationale = models.TextField("Rationale", max_length=RATIONALE_MAX)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="retention_decisions"
    )
    decided_at = models.DateTimeField(default=timezone.now, editable=False)
    next_review_on = models.DateField("Date of the next review", null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [
            models.Index(fields=["meeting", "decided_at", "id"], name="retention_meeting_decided")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(decision="keep") & Q(next_review_on__isnull=False))
                | (Q(decision="dispose") & Q(next_review_on__isnull=True)),
                name="retention_next_review_for_keep_only",
            ),
            models.CheckConstraint(
                condition=~Q(rationale=""), name="retention_decision_has_rationale"
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(decision="dispose"),
                name="retention_one_disposal_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: meeting {self.meeting_id}"

    def clean(self) -> None:
        errors = {}
        if not (self.rationale or "").strip():
            errors["rationale"] = RATIONALE_ERROR
        if self.decision == self.Decision.KEEP:
            if self.next_review_on is None:
                errors["next_review_on"] = NEXT_REVIEW_REQUIRED_ERROR
            elif self.next_review_on <= clock.today():
                errors["next_review_on"] = NEXT_REVIEW_IN_FUTURE_ERROR
        elif self.decision == self.Decision.DISPOSE and self.next_review_on is not None:
            errors["next_review_on"] = NEXT_REVIEW_NOT_FOR_DISPOSAL_ERROR
        if errors:
            raise ValidationError(errors)
