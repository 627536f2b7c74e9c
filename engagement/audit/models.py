from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

APPEND_ONLY_ERROR = "Audit events are append-only: they cannot be changed or deleted."


class WrittenOnceQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(self.model.written_once_error)

    def delete(self):
        raise PermissionError(self.model.written_once_error)


class WrittenOnce(models.Model):
    """A record that is saved once and never changed or deleted, one by one or in bulk;
    `written_once_error` says why to whoever tries."""

    written_once_error: ClassVar[str] = APPEND_ONLY_ERROR

    objects = WrittenOnceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(self.written_once_error)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(self.written_once_error)


class AuditEvent(WrittenOnce):
    """One thing someone did or read. Written once, never changed."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        SUBMIT = "submit", "Submitted"
        REVIEW = "review", "Reviewed"
        CORRECT = "correct", "Corrected after a dispute"
        ESCALATE = "escalate", "Escalated the dispute"
        LAPSE = "lapse", "Dispute lapsed"
        PARTLY_DONE = "partly_done", "Marked partly done"
        COMPLETE = "complete", "Marked done"
        CANCEL = "cancel", "Cancelled"
        REOPEN = "reopen", "Reopened"
        REPORT_BACK = "report_back", "Recorded as reported back"
        CONFIRM_REPORT_BACK = "confirm_report_back", "Answered whether it reached the group"
        WITHDRAW = "withdraw", "Withdrew"
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        APPROVE = "approve", "Approved"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        FAILED_SIGN_IN = "failed_sign_in", "Failed sign-in"
        LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
        UNLOCK = "unlock", "Unlocked sign-in"
        RETENTION_KEEP = "retention_keep", "Kept at retention review"
        RETENTION_DISPOSE = "retention_dispose", "Disposed at retention review"
        ADMIN_ADD = "admin_add", "Added in the Django admin"
        ADMIN_CHANGE = "admin_change", "Changed in the Django admin"
        ADMIN_DELETE = "admin_delete", "Deleted in the Django admin"

    at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    # Who the actor was when they acted: a liaison's summary counts reads by unit and
    # role without naming anyone, and an officer who moves unit keeps their history.
    actor_role = models.CharField(max_length=16, blank=True, default="")
    actor_unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    # The record acted on: its kind ("meeting", "follow-up", …) and its public id.
    record_kind = models.CharField(max_length=32, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    # The meeting the record belongs to, so one meeting's history is one indexed query.
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    # {"field": [old, new]} as display strings.
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    # Anything else worth keeping: filters of an export, username tried at sign-in.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        # Each search of the audit screen walks one of these in its order, newest first,
        # and stops at a page.
        indexes = [
            models.Index(fields=["at", "id"], name="audit_at"),
            models.Index(fields=["meeting", "at", "id"], name="audit_meeting_at"),
            models.Index(fields=["actor", "at", "id"], name="audit_actor_at"),
            models.Index(fields=["actor", "action", "at", "id"], name="audit_actor_action_at"),
            models.Index(fields=["action", "at", "id"], name="audit_action_at"),
            models.Index(fields=["record_kind", "record_id", "at", "id"], name="audit_record"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.record_kind}"
        )


class ExportedMeeting(WrittenOnce):
    """A meeting that went out in an export: a liaison can see how often their group's
    meetings left the service, and an admin every export that held one meeting."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["meeting", "event"], name="audit_exported_meeting")]

    def __str__(self) -> str:
        return f"Meeting {self.meeting_id} in export {self.event_id}"
