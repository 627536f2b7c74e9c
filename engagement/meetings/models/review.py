import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from engagement.meetings.models.meeting import (
    NO_PERSONAL_DETAILS,
    SHORT_TEXT,
    Disclosure,
    Meeting,
)


class Review(models.Model):
    """A liaison's check of one revision of a meeting, from the community's side."""

    class Accuracy(models.TextChoices):
        ACCURATE = "accurate", "Accurate"
        NEEDS_CORRECTIONS = "corrections", "Needs corrections"
        INACCURATE = "inaccurate", "Inaccurate"

    class TrustEffect(models.TextChoices):
        IMPROVED = "improved", "Improved"
        UNCHANGED = "unchanged", "Unchanged"
        WORSENED = "worsened", "Worsened"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reviews")
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    meeting_version = models.PositiveIntegerField()
    accuracy = models.CharField(
        "Is the record of the meeting accurate?", max_length=12, choices=Accuracy.choices
    )
    trust_effect = models.CharField(
        "What effect did the meeting have on trust between the group and the police?",
        max_length=10,
        choices=TrustEffect.choices,
    )
    comments = models.TextField(
        "Comments",
        max_length=SHORT_TEXT * 2,
        blank=True,
        help_text="What is wrong or missing, in your words. "
        + NO_PERSONAL_DETAILS
        + " Seen by the officers.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["meeting", "created_at"], name="review_meeting_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "liaison", "meeting_version"],
                name="review_one_per_liaison_per_revision",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.meeting} by {self.liaison}"


class DisclosureConfirmation(models.Model):
    """Whether the community says an officer's CT role was made clear to them."""

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"
        UNSURE = "unsure", "Unsure"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="confirmations")
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, related_name="confirmations"
    )
    answer = models.CharField(max_length=8, choices=Answer.choices)
    # What the officer had recorded when the liaison answered: a later correction of the
    # disclosure must not change what this answer was about.
    recorded_level = models.CharField(max_length=8, choices=Disclosure.Level.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "disclosure"], name="confirmation_one_per_disclosure_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.disclosure.officer}: {self.get_answer_display()}"


class Dispute(models.Model):
    """A liaison's review that did not confirm the record, until it ends.

    It ends resolved (a later review confirms), escalated (to the admins, the
    community's account kept beside the officer's) or lapsed (no new review within a
    set time of the correction): never as a confirmation.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting the officer's correction"
        CORRECTED = "corrected", "Corrected, awaiting a new review"
        RESOLVED = "resolved", "Resolved"
        ESCALATED = "escalated", "Escalated"
        LAPSED = "lapsed", "Lapsed"

    ACTIVE_STATUSES = (Status.OPEN, Status.CORRECTED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="disputes")
    # The review that opened it, and the latest that disputed it again after a correction.
    opened_by = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    corrected_at = models.DateTimeField(null=True, blank=True)
    correction_note = models.TextField(max_length=SHORT_TEXT, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    escalation_reason = models.TextField(max_length=SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "corrected_at"], name="dispute_status_corrected"),
            models.Index(fields=["status", "closed_at"], name="dispute_status_closed"),
            # Disputes opened in a period (the dashboards), newest first on the home page.
            models.Index(fields=["opened_at"], name="dispute_opened"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(status__in=["open", "corrected"]),
                name="dispute_one_active_per_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(status="corrected") | Q(corrected_at__isnull=False),
                name="dispute_corrected_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "corrected"]) | Q(closed_at__isnull=False),
                name="dispute_closed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="escalated") | ~Q(escalation_reason=""),
                name="dispute_escalation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute of {self.meeting}: {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES
