"""The transparency report's pages. Included at `reports/` by engagement/urls.py.

A published version's address is its period and version number, stable for ever:
reports/2025-07-01_2026-06-30/v2/
"""

import datetime

from django.urls import path, register_converter

from engagement.dashboards import report_views

app_name = "reports"


class IsoDateConverter:
    """A calendar date as YYYY-MM-DD; an impossible one (2026-02-30) matches nothing."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)  # ValueError: no match, a 404

    def to_url(self, value: datetime.date | str) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else value


register_converter(IsoDateConverter, "report_date")

urlpatterns = [
    path("", report_views.report_list, name="report-list"),
    path("draft/", report_views.report_draft, name="report-draft"),
    path("approve/", report_views.report_approve, name="report-approve"),
    path(
        "<report_date:start>_<report_date:end>/v<int:version>/",
        report_views.report_detail,
        name="report-detail",
    ),
]
