import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from engagement.meetings.models.meeting import (
    NO_PERSONAL_DETAILS,
    SEEN_BY_LIAISONS,
    SHORT_TEXT,
    Meeting,
)


class FollowUpAction(models.Model):
    """Something the police promised a group at a meeting, until it is done and reported."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PARTLY_DONE = "partly_done", "Partly done"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    # Still owed: on the owner's list, and overdue once past the due date.
    OUTSTANDING_STATUSES = (Status.OPEN, Status.PARTLY_DONE)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="follow_ups")
    description = models.CharField(
        "What was promised",
        max_length=300,
        help_text=NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name="Owner",
        help_text="The officer who will do it. " + SEEN_BY_LIAISONS,
    )
    owed_to = models.ForeignKey(
        "community.CommunityGroup",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name="Owed to",
        help_text="One of the meeting's groups. " + SEEN_BY_LIAISONS,
    )
    answers_concern = models.CharField(
        "Answers the concern about",
        max_length=32,
        choices=Meeting.ConcernTopic.choices,
        blank=True,
        help_text="When the community asked for a response to one of the concerns they "
        "raised. " + SEEN_BY_LIAISONS,
    )
    due_date = models.DateField(
        "Due date", help_text="On or after the date of the meeting. " + SEEN_BY_LIAISONS
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    remaining = models.TextField(
        "What remains to be done",
        max_length=SHORT_TEXT,
        blank=True,
        help_text=NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
    )
    completed_on = models.DateField("Date completed", null=True, blank=True)
    outcome = models.TextField(
        "Outcome",
        max_length=SHORT_TEXT,
        blank=True,
        help_text="What was done. " + NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
    )
    reported_back_on = models.DateField(
        "Date the outcome was reported back to the community", null=True, blank=True
    )
    cancellation_reason = models.TextField(
        "Why it was cancelled", max_length=SHORT_TEXT, blank=True, help_text=SEEN_BY_LIAISONS
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="followup_owner_status_due"),
            models.Index(fields=["status", "due_date"], name="followup_status_due"),
            # The follow-ups list in its order, for those who see every unit's.
            models.Index(fields=["due_date", "id"], name="followup_due"),
            models.Index(fields=["owed_to", "status", "due_date"], name="followup_owed_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="followup_done_has_completion_date",
            ),
            models.CheckConstraint(
                condition=Q(reported_back_on__isnull=True) | Q(status="done"),
                name="followup_reported_back_only_when_done",
            ),
            models.CheckConstraint(
                condition=Q(reported_back_on__isnull=True)
                | Q(reported_back_on__gte=F("completed_on")),
                name="followup_reported_back_after_completion",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancellation_reason=""),
                name="followup_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="partly_done") | ~Q(remaining=""),
                name="followup_partly_done_says_what_remains",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("meetings:follow-up-detail", args=[self.uuid])

    @property
    def is_outstanding(self) -> bool:
        return self.status in self.OUTSTANDING_STATUSES

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_outstanding and self.due_date < today

    @property
    def overdue(self) -> bool:
        """For templates, which cannot pass an argument: overdue as of today."""
        return self.is_overdue()

    @property
    def status_label(self) -> str:
        """The status as a person reads it: an outstanding action past its date is overdue."""
        return "Overdue" if self.overdue else self.get_status_display()

    @property
    def status_colour(self) -> str:
        if self.overdue:
            return "red"
        return FOLLOW_UP_STATUS_COLOURS[self.status]


FOLLOW_UP_STATUS_COLOURS: dict[str, str] = {
    FollowUpAction.Status.OPEN: "blue",
    FollowUpAction.Status.PARTLY_DONE: "yellow",
    FollowUpAction.Status.DONE: "green",
    FollowUpAction.Status.CANCELLED: "grey",
}


class ReportBackConfirmation(models.Model):
    """A liaison's answer: did the reported-back outcome really reach the group?

    One answer per liaison for each report-back date; unanswered is not yes.
    """

    class Answer(models.TextChoices):
        YES = "yes", "Yes, it reached the group"
        PARTLY = "partly", "Partly"
        NO = "no", "No, it did not reach the group"

    follow_up = models.ForeignKey(
        FollowUpAction, on_delete=models.PROTECT, related_name="report_back_confirmations"
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_back_answers"
    )
    # The report-back this answers: the action's version when it was reported back, so
    # a report-back made again after a reopening is asked about again, even on the same day.
    follow_up_version = models.PositiveIntegerField()
    reported_back_on = models.DateField()
    answer = models.CharField("Did the outcome reach the group?", max_length=8, choices=Answer)
    comment = models.TextField(
        "Comment",
        max_length=SHORT_TEXT,
        blank=True,
        help_text="Optional. " + NO_PERSONAL_DETAILS + " Seen by the police.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "liaison", "follow_up_version"],
                name="report_back_one_answer_per_liaison",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.liaison}: {self.get_answer_display()}"
