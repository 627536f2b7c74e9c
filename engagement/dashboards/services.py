"""Writes of the dashboards app: approving a transparency report, the audit of reading
one, and keeping the admins' dashboard computed ahead. An approved report is frozen (see
TransparencyReport)."""

import datetime
import time

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max

from engagement import clock
from engagement.accounts.models import Role, User
from engagement.audit.models import AuditEvent
from engagement.audit.services import record_event
from engagement.dashboards import registry
from engagement.dashboards.models import DashboardSnapshot, TransparencyReport
from engagement.dashboards.queries.base import Filters, Period, Scope
from engagement.dashboards.report import Report, approved_versions, report_for
from engagement.dashboards.snapshots import encode, filters_key

RECORD_KIND = "transparency-report"
DRAFT_RECORD_KIND = "transparency-report-draft"
# Two admins approving the same period at once: the second takes the next number.
VERSION_ATTEMPTS = 3

NOT_ADMIN_ERROR = "Only an administrator may approve a transparency report."
FIGURES_CHANGED_ERROR = (
    "The figures changed since you opened this draft, so it was not published. Check the "
    "figures as they are now, then approve again."
)


class FiguresChanged(Exception):
    """The report as counted now is not the one the admin saw; `current` is the new one."""

    def __init__(self, message: str, *, current: Report):
        super().__init__(message)
        self.current = current


def _next_version(period: Period) -> int:
    latest = approved_versions(period).aggregate(latest=Max("version"))["latest"]
    return (latest or 0) + 1


def _save_next_version(report: Report, by: User) -> TransparencyReport:
    for attempt in range(VERSION_ATTEMPTS):
        try:
            with transaction.atomic():
                return TransparencyReport.objects.create(
                    period_start=report.period.start,
                    period_end=report.period.end,
                    version=_next_version(report.period),
                    approved_by=by,
                    approved_at=clock.now(),
                    figures=report.figures,
                    dictionary=report.dictionary,
                )
        except IntegrityError:
            # Another approval of this period took the number first: count again.
            if attempt == VERSION_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def report_approve(
    *, period: Period, by: User, expected_digest: str | None = None
) -> TransparencyReport:
    """Count the report of `period` now, and freeze it as the period's next version.

    `expected_digest` is the fingerprint of the draft the admin read: when the figures
    have changed since, nothing is published and FiguresChanged carries the new draft.
    """
    if by.role != Role.ADMIN:
        raise PermissionDenied(NOT_ADMIN_ERROR)
    with transaction.atomic():
        report = report_for(period=period, by=by)
        if expected_digest is not None and report.digest != expected_digest:
            raise FiguresChanged(FIGURES_CHANGED_ERROR, current=report)
        approved = _save_next_version(report, by)
        record_event(
            actor=by,
            action=AuditEvent.Action.APPROVE,
            record=approved,
            record_kind=RECORD_KIND,
            detail={"period": period.as_json(), "version": approved.version},
        )
    return approved


def snapshot_refresh(
    *, admin: User, period: Period, filters: Filters, now: datetime.datetime
) -> DashboardSnapshot:
    """Compute one view of the admins' dashboard as `admin` sees it, and keep it."""
    key = filters_key(filters)
    if admin.role != Role.ADMIN or key is None:
        raise ValueError("Only an admin's whole or risk-level dashboard is computed ahead.")
    started = time.perf_counter()
    sections = registry.compute(Scope(user=admin, period=period, filters=filters))
    figures = [
        [measure.key, encode(figure)] for section in sections for measure, figure in section.figures
    ]
    snapshot, _ = DashboardSnapshot.objects.update_or_create(
        period_start=period.start,
        period_end=period.end,
        filters_key=key,
        defaults={
            "figures": figures,
            "computed_at": now,
            "seconds": time.perf_counter() - started,
        },
    )
    return snapshot
