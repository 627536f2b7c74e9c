"""The transparency report: the period's aggregates fit to publish to communities.

Built over every record (an admin's scope, no filters) from the registered measures
(each computed by its own function, never worked out again here) and three small
grouped queries the measures do not give: in-scope meetings by area risk level and by
month, and full and confirmed disclosures by risk level. Every count then passes
through the rules of `suppression` once, for the whole report, and what comes out is
plain JSON: the tables exactly as shown, with no unprotected count left in them. The
draft page shows that JSON; approving stores it, and the published page reads only it.

No person is named, no free text is copied, and no community group is shown: see
report_text.METHOD for why.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import dateformat

from engagement.accounts.models import User
from engagement.community.models import Area
from engagement.dashboards import suppression
from engagement.dashboards.models import TransparencyReport
from engagement.dashboards.queries.base import (
    Gap,
    Period,
    Rate,
    Scope,
    in_scope_meetings,
    month_label,
)
from engagement.dashboards.queries.transparency import (
    FULL,
    REVIEWED_OR_DISPUTED,
    YES,
    disclosures_in_scope,
    latest_confirmations,
)
from engagement.dashboards.registry import measure_by_key
from engagement.dashboards.report_text import (
    BY_MONTH,
    BY_RISK_LEVEL,
    MEETINGS_IN_SCOPE,
    METHOD,
    RULE_BY_KIND,
)
from engagement.dashboards.suppression import Cell, Table

# How often to count again when the records changed while they were being counted.
READ_ATTEMPTS = 3

INCONSISTENT_ERROR = (
    "The records changed while the report was being counted, so its figures do not agree. "
    "Try again in a moment."
)


# The registered measures the report publishes, by their stable keys.
MEASURE_KEYS = (
    "review_coverage",
    "days_to_first_review",
    "disclosure_rate_full",
    "disclosure_rate_partial",
    "disclosure_rate_none",
    "confirmed_disclosure_rate",
    "disclosure_gap",
    "follow_ups_open",
    "follow_ups_overdue",
    "follow_ups_on_time",
    "reported_back_rate",
    "reported_back_gap",
    "disputes_opened",
    "disputes_resolved",
    "disputes_escalated",
    "disputes_lapsed",
)


class ReportInconsistent(Exception):
    """Figures that must agree (a table and its total) did not: never publish them."""


@dataclass(frozen=True)
class Report:
    """A report as it would be published: plain JSON, already protected."""

    period: Period
    figures: dict[str, Any]
    dictionary: list[dict[str, str]]

    @property
    def digest(self) -> str:
        """A fingerprint of exactly what is shown, to approve only what was seen."""
        shown = json.dumps([self.figures, self.dictionary], sort_keys=True)
        return hashlib.sha256(shown.encode()).hexdigest()


# --- Approved reports ---------------------------------------------------------------------


def approved_reports() -> QuerySet[TransparencyReport]:
    """Every approved version of every period, newest approval first."""
    return TransparencyReport.objects.order_by("-approved_at", "-pk")


def approved_versions(period: Period) -> QuerySet[TransparencyReport]:
    """The approved versions of one period, oldest first."""
    return TransparencyReport.objects.filter(
        period_start=period.start, period_end=period.end
    ).order_by("version")


def approved_report(period: Period, version: int) -> TransparencyReport | None:
    return approved_versions(period).filter(version=version).first()


# --- The counts the measures do not give -------------------------------------------------


def meetings_by_risk_level(scope: Scope) -> dict[str, int]:
    """In-scope meetings per area risk level: one grouped query."""
    rows = (
        in_scope_meetings(scope)
        .order_by()
        .values(risk_level=F("area__risk_level"))
        .annotate(meetings=models.Count("pk"))
    )
    return {row["risk_level"]: row["meetings"] for row in rows}


def meetings_by_month(scope: Scope) -> dict[str, int]:
    """In-scope meetings per month of their date ("YYYY-MM"): one grouped query."""
    rows = (
        in_scope_meetings(scope)
        .order_by()
        .values(month=TruncMonth("date"))
        .annotate(meetings=models.Count("pk"))
    )
    return {month_label(row["month"]): row["meetings"] for row in rows}


def disclosures_by_risk_level(scope: Scope) -> dict[str, dict[str, int]]:
    """Per area risk level: full disclosures on in-scope meetings, and those on reviewed
    or disputed meetings whose latest confirmation is yes (the counts of the full
    disclosure rate and the confirmed disclosure rate, by the same definitions): one
    grouped query."""
    confirmed = Q(meeting__status__in=REVIEWED_OR_DISPUTED) & Exists(
        latest_confirmations().filter(disclosure=OuterRef("pk"), answer=YES)
    )
    rows = (
        disclosures_in_scope(scope)
        .filter(level=FULL)
        .order_by()
        .values(risk_level=F("meeting__area__risk_level"))
        .annotate(full=models.Count("pk"), confirmed=models.Count("pk", filter=confirmed))
    )
    return {row["risk_level"]: {"full": row["full"], "confirmed": row["confirmed"]} for row in rows}


# --- Counting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    """Every figure the report needs, unprotected: never shown as it is."""

    measures: dict[str, Any]
    by_risk_level: dict[str, int]
    by_month: dict[str, int]
    disclosures_by_risk_level: dict[str, dict[str, int]]


def count_figures(scope: Scope) -> Counted:
    return Counted(
        measures={key: measure_by_key(key).compute(scope) for key in MEASURE_KEYS},
        by_risk_level=meetings_by_risk_level(scope),
        by_month=meetings_by_month(scope),
        disclosures_by_risk_level=disclosures_by_risk_level(scope),
    )


LEVELS = [level.value for level in Area.RiskLevel]


def report_tables(months: list[str]) -> list[Table]:
    """The tables of the report whose rows add up to a total, by the keys of their counts.

    The meetings by risk level and by month share their total (the meetings counted);
    the full disclosures are a row of the disclosures by level and the total of the full
    disclosures by risk level; the confirmed ones the total of their own column.
    """
    return [
        Table(
            "meetings_by_risk_level", "meetings_in_scope", tuple(f"meetings_{lv}" for lv in LEVELS)
        ),
        Table("meetings_by_month", "meetings_in_scope", tuple(f"meetings_{m}" for m in months)),
        Table(
            "disclosures_by_level",
            "disclosures",
            ("disclosures_full", "disclosures_partial", "disclosures_none"),
        ),
        Table("full_by_risk_level", "disclosures_full", tuple(f"full_{lv}" for lv in LEVELS)),
        Table(
            "confirmed_by_risk_level",
            "disclosures_confirmed",
            tuple(f"confirmed_{lv}" for lv in LEVELS),
        ),
    ]


def _counts_and_tables(counted: Counted, months: list[str]) -> tuple[dict[str, int], list[Table]]:
    """Every count the report publishes, by key, and the tables they form.

    A count published in several places has one key, so it is protected alike in each.
    """
    m = counted.measures
    counts: dict[str, int] = {
        "meetings_in_scope": m["review_coverage"].denominator,
        "meetings_reviewed": m["review_coverage"].numerator,
        "first_reviews": m["days_to_first_review"].count,
        "disclosures": m["disclosure_rate_full"].denominator,
        "disclosures_full": m["disclosure_rate_full"].numerator,
        "disclosures_partial": m["disclosure_rate_partial"].numerator,
        "disclosures_none": m["disclosure_rate_none"].numerator,
        "full_disclosures_reviewed": m["confirmed_disclosure_rate"].denominator,
        "disclosures_confirmed": m["confirmed_disclosure_rate"].numerator,
        "gap_answered": m["disclosure_gap"].recorded.denominator,
        "gap_recorded_full": m["disclosure_gap"].recorded.numerator,
        "gap_confirmed": m["disclosure_gap"].confirmed.numerator,
        "follow_ups_open": m["follow_ups_open"].value,
        "follow_ups_overdue": m["follow_ups_overdue"].value,
        "follow_ups_due": m["follow_ups_on_time"].denominator,
        "follow_ups_on_time": m["follow_ups_on_time"].numerator,
        "follow_ups_done": m["reported_back_rate"].denominator,
        "follow_ups_reported_back": m["reported_back_rate"].numerator,
        "follow_ups_back_confirmed": m["reported_back_gap"].confirmed.numerator,
        "disputes_opened": m["disputes_opened"].value,
        "disputes_resolved": m["disputes_resolved"].value,
        "disputes_escalated": m["disputes_escalated"].value,
        "disputes_lapsed": m["disputes_lapsed"].value,
    }
    for level in LEVELS:
        by_level = counted.disclosures_by_risk_level.get(level, {})
        counts[f"meetings_{level}"] = counted.by_risk_level.get(level, 0)
        counts[f"full_{level}"] = by_level.get("full", 0)
        counts[f"confirmed_{level}"] = by_level.get("confirmed", 0)
    for month in months:
        counts[f"meetings_{month}"] = counted.by_month.get(month, 0)

    tables = report_tables(months)
    _check_agrees(counted, counts, tables)
    return counts, tables


def _check_agrees(counted: Counted, counts: dict[str, int], tables: list[Table]) -> None:
    """Protection assumes each table adds up to its total, and a count shown twice is
    one count: refuse figures that disagree (records changed while being counted)."""
    m = counted.measures
    for table in tables:
        if sum(counts[key] for key in table.rows) != counts[table.total]:
            raise ReportInconsistent(f"{INCONSISTENT_ERROR} ({table.key})")
    if m["reported_back_gap"].recorded != m["reported_back_rate"]:
        raise ReportInconsistent(f"{INCONSISTENT_ERROR} (reported_back)")


# --- Publishing ----------------------------------------------------------------------------


class _Publisher:
    """Turns counts into cells under one set of suppression decisions."""

    def __init__(self, counts: dict[str, int], hidden: frozenset[str]):
        self.counts = counts
        self.hidden = hidden

    def count(self, key: str) -> Cell:
        return suppression.count_cell(self.counts[key], hidden=key in self.hidden)

    def rate(self, rate: Rate, numerator: str, denominator: str) -> Cell:
        if (rate.numerator, rate.denominator) != (self.counts[numerator], self.counts[denominator]):
            raise ValueError(f"{numerator}/{denominator} are not the counts of {rate}")
        hidden = numerator in self.hidden or denominator in self.hidden
        return suppression.rate_cell(rate, hidden=hidden)


def _row(
    key: str,
    label: str,
    figure: Cell,
    numerator: Cell | None = None,
    denominator: Cell | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "figure": figure.as_json(),
        "numerator": numerator.as_json() if numerator else None,
        "denominator": denominator.as_json() if denominator else None,
    }


def _rate_row(p: _Publisher, key: str, label: str, rate: Rate, num: str, den: str) -> dict:
    return _row(key, label, p.rate(rate, num, den), p.count(num), p.count(den))


def _gap_rows(
    p: _Publisher, key: str, label: str, gap: Gap, recorded: str, confirmed: str, out_of: str
) -> list[dict[str, Any]]:
    """A gap as three rows: the recorded share, the confirmed share, and the gap."""
    recorded_cell = p.rate(gap.recorded, recorded, out_of)
    confirmed_cell = p.rate(gap.confirmed, confirmed, out_of)
    figure = suppression.gap_cell(gap, recorded=recorded_cell, confirmed=confirmed_cell)
    return [
        _row(key, f"{label}: recorded", recorded_cell, p.count(recorded), p.count(out_of)),
        _row(key, f"{label}: confirmed", confirmed_cell, p.count(confirmed), p.count(out_of)),
        _row(key, label, figure),
    ]


def _sections(p: _Publisher, m: dict[str, Any]) -> list[dict[str, Any]]:
    def label(key: str) -> str:
        return measure_by_key(key).label

    def count_row(key: str) -> dict[str, Any]:
        return _row(key, label(key), p.count(key))

    first_review = m["days_to_first_review"]
    return [
        {
            "key": "meetings",
            "title": "Meetings and reviews",
            "rows": [
                _row("meetings_in_scope", MEETINGS_IN_SCOPE["label"], p.count("meetings_in_scope")),
                _rate_row(
                    p,
                    "review_coverage",
                    label("review_coverage"),
                    m["review_coverage"],
                    "meetings_reviewed",
                    "meetings_in_scope",
                ),
                _row(
                    "days_to_first_review",
                    label("days_to_first_review"),
                    suppression.median_cell(first_review),
                    None,
                    p.count("first_reviews"),
                ),
            ],
        },
        {
            "key": "disclosure",
            "title": "Disclosure of the counter-terrorism role",
            "rows": [
                *(
                    _rate_row(p, key, label(key), m[key], f"disclosures_{level}", "disclosures")
                    for key, level in (
                        ("disclosure_rate_full", "full"),
                        ("disclosure_rate_partial", "partial"),
                        ("disclosure_rate_none", "none"),
                    )
                ),
                _rate_row(
                    p,
                    "confirmed_disclosure_rate",
                    label("confirmed_disclosure_rate"),
                    m["confirmed_disclosure_rate"],
                    "disclosures_confirmed",
                    "full_disclosures_reviewed",
                ),
                *_gap_rows(
                    p,
                    "disclosure_gap",
                    label("disclosure_gap"),
                    m["disclosure_gap"],
                    "gap_recorded_full",
                    "gap_confirmed",
                    "gap_answered",
                ),
            ],
        },
        {
            "key": "follow_ups",
            "title": "Follow-up actions",
            "rows": [
                count_row("follow_ups_open"),
                count_row("follow_ups_overdue"),
                _rate_row(
                    p,
                    "follow_ups_on_time",
                    label("follow_ups_on_time"),
                    m["follow_ups_on_time"],
                    "follow_ups_on_time",
                    "follow_ups_due",
                ),
                _rate_row(
                    p,
                    "reported_back_rate",
                    label("reported_back_rate"),
                    m["reported_back_rate"],
                    "follow_ups_reported_back",
                    "follow_ups_done",
                ),
                *_gap_rows(
                    p,
                    "reported_back_gap",
                    label("reported_back_gap"),
                    m["reported_back_gap"],
                    "follow_ups_reported_back",
                    "follow_ups_back_confirmed",
                    "follow_ups_done",
                ),
            ],
        },
        {
            "key": "disputes",
            "title": "Disputes",
            "rows": [
                count_row(key)
                for key in (
                    "disputes_opened",
                    "disputes_resolved",
                    "disputes_escalated",
                    "disputes_lapsed",
                )
            ],
        },
    ]


def _tables(p: _Publisher, months: list[str], period: Period) -> list[dict[str, Any]]:
    def cells(*keys: str) -> list[dict[str, Any]]:
        return [p.count(key).as_json() for key in keys]

    month_names = {month_label(first): dateformat.format(first, "F Y") for first in period.months()}
    return [
        {
            "key": BY_RISK_LEVEL["key"],
            "title": BY_RISK_LEVEL["label"],
            "row_header": "Area risk level",
            "columns": ["Meetings", "Full disclosures", "Confirmed full disclosures"],
            "rows": [
                {
                    "label": level.label,
                    "cells": cells(
                        f"meetings_{level.value}", f"full_{level.value}", f"confirmed_{level.value}"
                    ),
                }
                for level in Area.RiskLevel
            ],
            "total": {
                "label": "Total",
                "cells": cells("meetings_in_scope", "disclosures_full", "disclosures_confirmed"),
            },
        },
        {
            "key": BY_MONTH["key"],
            "title": BY_MONTH["label"],
            "row_header": "Month",
            "columns": ["Meetings"],
            "rows": [
                {"label": month_names[month], "cells": cells(f"meetings_{month}")}
                for month in months
            ],
            "total": {"label": "Total", "cells": cells("meetings_in_scope")},
        },
    ]


def _dictionary(m: dict[str, Any]) -> list[dict[str, str]]:
    entries = [MEETINGS_IN_SCOPE]
    for key in MEASURE_KEYS:
        measure = measure_by_key(key)
        entries.append(
            {
                "key": key,
                "label": measure.label,
                "definition": measure.definition,
                "rule": RULE_BY_KIND[type(m[key])],
            }
        )
    return [*entries, BY_RISK_LEVEL, BY_MONTH]


def publish(counted: Counted, period: Period) -> Report:
    """The report as published: every count protected, as plain JSON. Pure: no queries."""
    months = [month_label(first) for first in period.months()]
    counts, tables = _counts_and_tables(counted, months)
    publisher = _Publisher(counts, suppression.protected(counts, tables))
    figures = {
        "period": period.as_json(),
        "method": METHOD,
        "sections": _sections(publisher, counted.measures),
        "tables": _tables(publisher, months, period),
    }
    return Report(period=period, figures=figures, dictionary=_dictionary(counted.measures))


def report_for(*, period: Period, by: User) -> Report:
    """The report of `period` over every record `by` (an admin) may see, unfiltered.

    The measures are separate queries; if the records change between them the figures
    may not agree, and the report is counted again rather than published.
    """
    scope = Scope(user=by, period=period)
    for attempt in range(READ_ATTEMPTS):
        try:
            return publish(count_figures(scope), period)
        except ReportInconsistent:
            if attempt == READ_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
