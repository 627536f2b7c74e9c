"""The dashboard's figures as a CSV file in long format: one row per figure (and per
row of a breakdown), with the dashboard's own filters and the viewer's scope, audited
with a reason and a recipient.

`section=<key>` or `measure=<key>` narrows the file to one table of the dashboard.
Each figure is read through its own `as_json()`, the shape the dashboard's JSON gives,
so the file and the JSON cannot disagree.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from engagement import clock
from engagement.accounts.models import User
from engagement.csv_export import (
    Column,
    Export,
    described_filters,
    export_view,
    filter_error_messages,
    given_filters,
    refuse_filters,
)
from engagement.dashboards import registry
from engagement.dashboards.forms import DashboardFilterForm
from engagement.dashboards.queries.base import (
    Breakdown,
    Count,
    Figure,
    Gap,
    Measure,
    MedianDays,
    Period,
    Rate,
    Scope,
)
from engagement.dashboards.queries.breakdowns import Dimension, dimensions_for, every_row
from engagement.dashboards.registry import Section

BACK_TEXT = "Back to the dashboard"
BOTH_CHOSEN_ERROR = "Choose a section or a measure to export, not both."
UNKNOWN_SECTION_ERROR = "There is no dashboard section with the key “{key}”."
BY_ERROR = "“{key}” is not a way to break down this measure; choose one of: {choices}."
BY_WITHOUT_MEASURE_ERROR = "Choose the measure to break down (measure=…) as well as how (by=…)."
UNKNOWN_MEASURE_ERROR = (
    "There is no measure with the key “{key}”: the dashboard’s data dictionary lists them."
)
# What each kind of figure's value is counted in.
UNITS: dict[type, str] = {Rate: "percent", Gap: "points", MedianDays: "days", Count: "count"}
# Query parameters that choose what to export rather than filter it.
SELECTORS = ("section", "measure", "by")


@dataclass(frozen=True)
class FigureRow:
    """One figure of the file: a measure's own, or one row of its breakdown."""

    period: Period
    section: Section
    measure: Measure
    row: str
    figure: Figure

    @property
    def json(self) -> dict[str, Any]:
        return self.figure.as_json()

    def part(self, which: str, name: str) -> object:
        """A Gap's recorded or confirmed count; nothing for any other figure."""
        return self.json[which][name] if isinstance(self.figure, Gap) else None


COLUMNS: list[Column[FigureRow]] = [
    Column("period_start", lambda row: row.period.start.isoformat()),
    Column("period_end", lambda row: row.period.end.isoformat()),
    Column("section", lambda row: row.section.key),
    Column("measure_key", lambda row: row.measure.key),
    Column("measure", lambda row: row.measure.label),
    Column("row", lambda row: row.row),
    Column("value", lambda row: row.json["value"]),
    Column("unit", lambda row: UNITS[type(row.figure)]),
    Column("numerator", lambda row: row.json["numerator"]),
    Column("denominator", lambda row: row.json["denominator"]),
    Column("recorded_numerator", lambda row: row.part("recorded", "numerator")),
    Column("recorded_denominator", lambda row: row.part("recorded", "denominator")),
    Column("confirmed_numerator", lambda row: row.part("confirmed", "numerator")),
    Column("confirmed_denominator", lambda row: row.part("confirmed", "denominator")),
]


def figure_rows(
    scope: Scope, chosen: list[tuple[Section, Measure]], dimension: Dimension | None = None
) -> list[FigureRow]:
    """Each chosen measure computed once for `scope`, a breakdown as one row per label;
    with a dimension, the measure for every value of it (the measure page's table)."""
    rows = []
    for section, measure in chosen:
        result = (
            measure.compute(scope) if dimension is None else every_row(measure, scope, dimension)
        )
        parts = result.rows if isinstance(result, Breakdown) else [("", result)]
        rows += [FigureRow(scope.period, section, measure, label, f) for label, f in parts]
    return rows


def chosen_measures(
    *, section_key: str, measure_key: str
) -> tuple[list[tuple[Section, Measure]], list[str]]:
    """The (section, measure) pairs to export, and the errors when the keys are wrong."""
    everything = [(s, m) for s in registry.SECTIONS for m in s.measures]
    if section_key and measure_key:
        return [], [BOTH_CHOSEN_ERROR]
    if section_key:
        chosen = [(s, m) for s, m in everything if s.key == section_key]
        known = any(s.key == section_key for s in registry.SECTIONS)
        return (chosen, []) if known else ([], [UNKNOWN_SECTION_ERROR.format(key=section_key)])
    if measure_key:
        chosen = [(s, m) for s, m in everything if m.key == measure_key]
        return (chosen, []) if chosen else ([], [UNKNOWN_MEASURE_ERROR.format(key=measure_key)])
    return everything, []


def chosen_dimension(
    *, by_key: str, measure_key: str, user: User
) -> tuple[Dimension | None, list[str]]:
    """The dimension to break the chosen measure down by, if any, and the errors."""
    if not by_key:
        return None, []
    if not measure_key:
        return None, [BY_WITHOUT_MEASURE_ERROR]
    try:
        measure = registry.measure_by_key(measure_key)
    except LookupError:
        return None, []  # the unknown measure is reported already
    dimensions = {dimension.key: dimension for dimension in dimensions_for(measure, user)}
    if by_key not in dimensions:
        choices = ", ".join(dimensions) or "none"
        return None, [BY_ERROR.format(key=by_key, choices=choices)]
    return dimensions[by_key], []


@login_required
@require_http_methods(["GET", "POST"])
def dashboard_export(request) -> HttpResponseBase:
    form = DashboardFilterForm(request.GET, user=request.user, today=clock.today())
    section_key = request.GET.get("section", "")
    measure_key = request.GET.get("measure", "")
    filters = form.query.copy()
    for name in (*SELECTORS, "format"):
        filters.pop(name, None)
    back_url = f"{reverse('dashboards:dashboard')}?{filters.urlencode()}"

    chosen, errors = chosen_measures(section_key=section_key, measure_key=measure_key)
    dimension, by_errors = chosen_dimension(
        by_key=request.GET.get("by", ""), measure_key=measure_key, user=request.user
    )
    errors += by_errors
    if not form.is_valid() or errors:
        messages = (filter_error_messages(form) if form.errors else []) + errors
        return refuse_filters(
            request,
            what="dashboard figures",
            messages=messages,
            back_url=back_url,
            back_text=BACK_TEXT,
        )

    # Back to the table exported (the keys are known ones by now).
    if measure_key:
        back_url += f"#measure-{measure_key}"
    elif section_key:
        back_url += f"#section-{section_key}"
    scope = Scope(user=request.user, period=form.period(), filters=form.filters())
    in_words = described_filters(form)
    if section_key:
        section = next(s for s in registry.SECTIONS if s.key == section_key)
        in_words.append(("Section", section.title))
    if measure_key:
        in_words.append(("Measure", chosen[0][1].label))
    if dimension is not None:
        in_words.append(("Broken down by", dimension.label))
    rows = figure_rows(scope, chosen, dimension)
    name = f"{measure_key or section_key}-" if measure_key or section_key else ""
    if dimension is not None:
        name += f"by-{dimension.key}-"
        measure_url = reverse("dashboards:measure", args=[measure_key])
        back_url = f"{measure_url}?{filters.urlencode()}&by={dimension.key}"
    return export_view(
        request,
        Export(
            what="dashboard figures",
            record_kind="dashboard",
            filename=f"dashboard-{name}{scope.period.start}-to-{scope.period.end}.csv",
            filters=given_filters(form.query, ignore=("format",)),
            filters_in_words=in_words,
            columns=COLUMNS,
            count=lambda: len(rows),
            rows=lambda: rows,
            back_url=back_url,
            back_text=BACK_TEXT,
            row_noun=("figure", "figures"),
        ),
    )
