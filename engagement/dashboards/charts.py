"""A breakdown as a chart: the JSON static/js/charts.js draws with the vendored Chart.js.

A pure function of a Breakdown (no query, no request), so the spec is exactly the figures
of the table printed below the chart, and is tested on hand-made breakdowns:

    chart_for(key="disclosure_gap_by_month", title="Disclosure gap by month", breakdown=b)
    -> {"kind": "line", "title": ..., "unit": "%", "category": "Month",
        "labels": ["January 2026", ...],
        "series": [{"label": "Recorded as full", "values": [66.7, None, ...]}, ...],
        "description": "Line chart of ...; the table below gives the figures.",
        "has_data": True, "key": ...}

Rows that are months ("YYYY-MM") make a line chart over time; any other rows (risk levels,
areas, groups) a bar chart. Rows labelled "YYYY-MM <something>" (trust_by_month's
"2026-03 improved") are one series per <something> over the months. "No data" is null,
a gap in the line, never 0.
"""

import re
from dataclasses import dataclass

from engagement.dashboards.queries.base import Breakdown, Count, Figure, Gap, MedianDays, Rate
from engagement.dashboards.templatetags.dashboard_figures import breakdown_header, row_label

LINE = "line"
BAR = "bar"
PERCENT = "%"
DAYS = "days"
NUMBER = ""
# The two shares of a gap, as the disclosure gap names them.
GAP_SERIES = ("Recorded as full", "Confirmed by the community")
# A month row, optionally followed by what the row counts in that month.
_MONTH_ROW = re.compile(r"^(?P<month>\d{4}-(0[1-9]|1[0-2]))(?: (?P<series>.+))?$")
# A bar chart's description names its rows when there are no more than this.
NAMED_ROWS = 6
UNIT_WORDS = {
    PERCENT: "in percent",
    DAYS: "in days",
    NUMBER: "as numbers",
}


@dataclass(frozen=True)
class Series:
    """One line (or set of bars): its name and a figure per row; None where the
    breakdown has no row for it."""

    label: str
    figures: list[Figure | None]


def series_over_months(breakdown: Breakdown) -> tuple[list[str], list[Series]] | None:
    """Rows "YYYY-MM <name>" pivoted to months and one series per name, in the order
    they first appear; None unless every row is such a month row. Plain "YYYY-MM" rows
    are one series named "". A month a series has no row for is None (no data)."""
    months: list[str] = []
    by_name: dict[str, dict[str, Figure]] = {}
    for label, figure in breakdown.rows:
        match = _MONTH_ROW.match(label)
        if match is None:
            return None
        month, name = match["month"], match["series"] or ""
        if month not in months:
            months.append(month)
        by_name.setdefault(name, {})[month] = figure
    if not months:
        return None
    return months, [
        Series(_capitalised(name), [figures.get(month) for month in months])
        for name, figures in by_name.items()
    ]


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def _unit(figures: list[Figure | None]) -> str:
    kinds = {type(figure) for figure in figures if figure is not None}
    if not kinds:
        return NUMBER
    if kinds <= {Rate, Gap}:
        return PERCENT
    if kinds == {MedianDays}:
        return DAYS
    if kinds == {Count}:
        return NUMBER
    raise TypeError(f"A chart needs figures of one kind, not {sorted(k.__name__ for k in kinds)}")


def _value(figure: Figure | None) -> float | int | None:
    if figure is None:
        return None
    if isinstance(figure, Rate):
        return figure.percent
    if isinstance(figure, MedianDays):
        return figure.value
    if isinstance(figure, Count):
        return figure.value
    raise TypeError(f"Not a single value: {figure!r}")


def _series_values(series: Series, gap_labels: tuple[str, str]) -> list[dict]:
    """A series as the chart's lines or bars: a gap is its two shares, each a series."""
    gaps = [figure for figure in series.figures if figure is not None]
    if gaps and all(isinstance(gap, Gap) for gap in gaps):
        prefix = f"{series.label}: " if series.label else ""
        return [
            {
                "label": prefix + name,
                "values": [
                    None if gap is None else getattr(gap, share).percent for gap in series.figures
                ],
            }
            for name, share in zip(gap_labels, ("recorded", "confirmed"), strict=True)
        ]
    return [{"label": series.label, "values": [_value(figure) for figure in series.figures]}]


def _listed(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _description(*, kind: str, title: str, unit: str, labels: list[str], series: list[dict]) -> str:
    """One sentence for the chart's text alternative."""
    if title[1:2].islower():  # "Effect on trust", not "CT role ..."
        title = title[:1].lower() + title[1:]
    if kind == LINE:
        span = f"from {labels[0]} to {labels[-1]}" if len(labels) > 1 else f"for {labels[0]}"
        shape = f"Line chart of {title} {UNIT_WORDS[unit]}, {span}"
        parts = "lines"
    else:
        rows = _listed(labels) if len(labels) <= NAMED_ROWS else f"{len(labels)} rows"
        shape = f"Bar chart of {title} {UNIT_WORDS[unit]}, for {rows}"
        parts = "bars"
    names = [item["label"][:1].lower() + item["label"][1:] for item in series if item["label"]]
    if len(names) > 1:
        shape += f", with {parts} for {_listed(names)}"
    return f"{shape}; the table below gives the figures."


def chart_for(
    *, key: str, title: str, breakdown: Breakdown, gap_labels: tuple[str, str] = GAP_SERIES
) -> dict:
    """The JSON-able spec of a breakdown's chart (see the module's docstring)."""
    over_months = series_over_months(breakdown)
    if over_months is not None:
        kind = LINE
        months, grouped = over_months
        labels = [row_label(month) for month in months]
    else:
        kind = BAR
        labels = [row_label(label) for label, _ in breakdown.rows]
        grouped = [Series("", [figure for _, figure in breakdown.rows])]
    unit = _unit([figure for group in grouped for figure in group.figures])
    series = [item for group in grouped for item in _series_values(group, gap_labels)]
    has_data = any(value is not None for item in series for value in item["values"])
    return {
        "key": key,
        "kind": kind,
        "title": title,
        "unit": unit,
        "category": "Month" if kind == LINE else breakdown_header(key),
        "labels": labels,
        "series": series,
        "description": _description(kind=kind, title=title, unit=unit, labels=labels, series=series)
        if labels
        else "",
        "has_data": has_data,
    }
