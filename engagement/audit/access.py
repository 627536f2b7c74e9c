"""Who opened and exported a community's records, counted by unit and role, never named.

The study's sharpest fear is of being watched covertly. A liaison sees, for a meeting of
their group and for all their groups' meetings over a period, how often the records were
opened and how often they went out in an export, by unit and role, with the kinds of need
the exports gave. The counts come from the audit log itself, so they are the log's truth.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.db.models import Count, QuerySet
from django.http import QueryDict

from engagement.accounts.models import Role
from engagement.audit.models import AuditEvent, ExportedMeeting
from engagement.csv_export import ReasonCategory
from engagement.gds import GovukFilterForm

ROLE_LABELS = {
    Role.OFFICER.value: "Police officers",
    Role.ADMIN.value: "Engagement admins",
    Role.LIAISON.value: "Community liaisons",
}
UNKNOWN_ROLE = "Role not recorded"
NO_UNIT = "No unit"
NO_CATEGORY = "Kind of need not recorded"

PERIODS = {"30": "30 days", "90": "3 months", "365": "12 months"}
DEFAULT_PERIOD = "90"


class AccessPeriodForm(GovukFilterForm):
    access = forms.ChoiceField(label="Over the last", choices=list(PERIODS.items()))


def access_period(query: QueryDict) -> tuple[AccessPeriodForm, int]:
    """The period a liaison's home page counts over, as the form that chooses it and its
    days: one of a few spans; anything else in the query string is the default."""
    form = AccessPeriodForm(query)
    if not form.is_valid():
        form = AccessPeriodForm(initial={"access": DEFAULT_PERIOD})
        return form, int(DEFAULT_PERIOD)
    return form, int(form.cleaned_data["access"])


@dataclass(frozen=True)
class AccessRow:
    role: str
    unit: str
    opened: int
    exported: int


@dataclass(frozen=True)
class AccessSummary:
    rows: list[AccessRow]
    # (kind of need, number of exports that held one of the meetings)
    export_needs: list[tuple[str, int]]
    since: datetime.datetime | None = None

    @property
    def opened(self) -> int:
        return sum(row.opened for row in self.rows)

    @property
    def exported(self) -> int:
        return sum(row.exported for row in self.rows)


def _label(role: str, unit: str | None) -> tuple[str, str]:
    return ROLE_LABELS.get(role, UNKNOWN_ROLE), unit or NO_UNIT


def access_to(
    meetings: QuerySet | list[int], *, since: datetime.datetime | None = None
) -> AccessSummary:
    """Opens and exports of `meetings` (ones the viewer may see: a queryset, or ids),
    since a moment or ever: three grouped counts, whatever the number of reads."""
    ids = meetings.order_by().values("pk") if isinstance(meetings, QuerySet) else meetings
    opens = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, meeting__in=ids)
    exports = ExportedMeeting.objects.filter(meeting__in=ids)
    if since is not None:
        opens = opens.filter(at__gte=since)
        exports = exports.filter(event__at__gte=since)
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"opened": 0, "exported": 0}
    )
    for row in opens.values("actor_role", "actor_unit__name").annotate(n=Count("pk")).order_by():
        counts[_label(row["actor_role"], row["actor_unit__name"])]["opened"] += row["n"]
    by_reader = exports.values("event__actor_role", "event__actor_unit__name")
    for row in by_reader.annotate(n=Count("pk")).order_by():
        key = _label(row["event__actor_role"], row["event__actor_unit__name"])
        counts[key]["exported"] += row["n"]
    rows = [AccessRow(role, unit, **n) for (role, unit), n in counts.items()]
    rows.sort(key=lambda row: (-(row.opened + row.exported), row.role, row.unit))
    return AccessSummary(rows=rows, export_needs=_export_needs(exports), since=since)


def _export_needs(exports: QuerySet[ExportedMeeting]) -> list[tuple[str, int]]:
    labels = dict(ReasonCategory.choices)
    needs: dict[str, int] = defaultdict(int)
    by_need = exports.values("event__detail__reason_category").annotate(
        n=Count("event", distinct=True)
    )
    for row in by_need.order_by():
        needs[labels.get(row["event__detail__reason_category"], NO_CATEGORY)] += row["n"]
    return sorted(needs.items(), key=lambda need: (-need[1], need[0]))
