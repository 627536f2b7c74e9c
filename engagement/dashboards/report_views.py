"""The transparency report's pages: the approved versions, an admin's draft of a period
with its "Approve and publish" button, and each frozen version at its stable address.

Anyone signed in may read an approved version: it holds only protected aggregates. A
draft is for admins only (anyone else gets a 404, as for a record they may not see).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from engagement import clock
from engagement.accounts.decorators import role_required
from engagement.accounts.models import Role
from engagement.audit.reads import note_read
from engagement.dashboards import services
from engagement.dashboards.queries.base import Period
from engagement.dashboards.report import (
    INCONSISTENT_ERROR,
    Report,
    ReportInconsistent,
    approved_report,
    approved_reports,
    approved_versions,
    report_for,
)
from engagement.dashboards.report_forms import ReportPeriodForm
from engagement.dashboards.services import DRAFT_RECORD_KIND, RECORD_KIND
from engagement.gds import error_summary

APPROVED_MESSAGE = "Report approved and published as version {version}."
APPROVE_ANCHOR = "#approve"


@login_required
@require_safe
def report_list(request):
    return render(
        request,
        "reports/report_list.html",
        {"reports": approved_reports(), "may_draft": request.user.role == Role.ADMIN},
    )


def _render_draft(
    request,
    form: ReportPeriodForm,
    *,
    report: Report | None = None,
    errors: list[tuple[str, str]] | None = None,
    status: int = 200,
):
    """The draft page: the form, and the report of a valid period (counted unless given)."""
    context: dict = {"form": form, "errors": errors or []}
    if form.is_valid():
        period = form.period()
        try:
            report = report or report_for(period=period, by=request.user)
        except ReportInconsistent:
            context["errors"] = [*context["errors"], (APPROVE_ANCHOR, INCONSISTENT_ERROR)]
            return render(request, "reports/report_draft.html", context, status=503)
        note_read(request, record_kind=DRAFT_RECORD_KIND, detail={"period": period.as_json()})
        versions = list(approved_versions(period))
        context |= {
            "report": report,
            "versions": versions,
            "next_version": versions[-1].version + 1 if versions else 1,
        }
    else:
        context["errors"] = error_summary(form, with_labels=True) + context["errors"]
        status = 400
    return render(request, "reports/report_draft.html", context, status=status)


@role_required(Role.ADMIN)
@require_safe
def report_draft(request):
    """The report of a period as it would be published now (the last 12 months unless
    asked), for an admin to check before approving it."""
    return _render_draft(
        request, ReportPeriodForm(request.GET, user=request.user, today=clock.today())
    )


@role_required(Role.ADMIN)
@require_POST
def report_approve(request):
    form = ReportPeriodForm(request.POST, user=request.user, today=clock.today())
    if not form.is_valid():
        return _render_draft(request, form)
    try:
        approved = services.report_approve(
            period=form.period(),
            by=request.user,
            expected_digest=request.POST.get("digest", ""),
        )
    except services.FiguresChanged as changed:
        errors = [(APPROVE_ANCHOR, str(changed))]
        return _render_draft(request, form, report=changed.current, errors=errors, status=409)
    except ReportInconsistent:
        return _render_draft(request, form, errors=[(APPROVE_ANCHOR, INCONSISTENT_ERROR)])
    messages.success(request, APPROVED_MESSAGE.format(version=approved.version))
    return redirect(approved)


@login_required
@require_safe
def report_detail(request, start, end, version):
    """One approved version, drawn only from what was frozen when it was approved."""
    period = Period(start=start, end=end)
    report = approved_report(period, version)
    if report is None:
        raise Http404("No such report")
    note_read(request, record=report, record_kind=RECORD_KIND, detail={"version": report.version})
    return render(
        request,
        "reports/report_detail.html",
        {"report": report, "versions": approved_versions(period).only("version", "approved_at")},
    )
