import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from engagement.audit.models import WrittenOnce

FROZEN_ERROR = "An approved transparency report is frozen: it cannot be changed or deleted."


class TransparencyReport(WrittenOnce):
    """One approved version of the transparency report for a period, frozen.

    `figures` holds the published tables exactly as shown, already rounded and
    suppressed (no unprotected count is ever stored here), and `dictionary` each
    published measure's definition and the rule that protects it. The page of a report
    is drawn from these alone, so it never changes when the records behind it do.
    A later approval for the same period is a new version; earlier ones stay readable.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveIntegerField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approved_reports"
    )
    approved_at = models.DateTimeField()
    figures = models.JSONField()
    dictionary = models.JSONField()

    written_once_error = FROZEN_ERROR

    class Meta:
        ordering = ["-approved_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "version"],
                name="report_one_version_number_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="report_period_in_order"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_version_from_one"),
        ]

    def __str__(self) -> str:
        return (
            f"Transparency report {self.period_start} to {self.period_end}, version {self.version}"
        )

    def get_absolute_url(self) -> str:
        return reverse(
            "reports:report-detail",
            kwargs={"start": self.period_start, "end": self.period_end, "version": self.version},
        )


class DashboardSnapshot(models.Model):
    """The admins' dashboard for a period, computed ahead by `refresh_dashboards`.

    An admin's figures cover every meeting in the nation, so computing them takes time
    that grows with the data; the page shows the latest snapshot instead, with the time
    it was computed, when it is recent enough (settings.DASHBOARD_SNAPSHOT_MAX_AGE).
    One row per period and filter, replaced at each refresh: a copy of figures anyone
    can compute again, not a record.
    """

    period_start = models.DateField()
    period_end = models.DateField()
    # Which filter the figures are narrowed by: "" for none, or "risk_level=high".
    filters_key = models.CharField(max_length=40, blank=True)
    # [[measure key, encoded figure], ...] in the registry's order (dashboards.snapshots).
    figures = models.JSONField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(help_text="How long the figures took to compute.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "filters_key"],
                name="dashboard_snapshot_one_per_view",
            ),
        ]

    def __str__(self) -> str:
        narrowed = f", {self.filters_key}" if self.filters_key else ""
        return f"Dashboard {self.period_start} to {self.period_end}{narrowed} at {self.computed_at}"
