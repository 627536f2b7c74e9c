from django.conf import settings
from django.db import models
from django.utils import timezone


class ReminderSent(models.Model):
    """A reminder emailed to one person on one day: at most one each day, however often
    send_reminders runs."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders_sent"
    )
    day = models.DateField()
    # What it listed, for the record; the email itself is not kept.
    follow_up_count = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-day", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="reminder_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.recipient} on {self.day:%d %b %Y}"
