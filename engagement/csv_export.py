"""Audited, streamed CSV exports, in one place for every export of the service.

The flow is the same whatever is exported: the page says what the file will hold (the
filters in words, how many rows, which columns) and asks why it is needed and who will
receive it; a valid answer records ONE audit event (EXPORT, with the reason, the
recipient, the filters as given, the row count and the columns) and then streams the file.

Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return as a formula. Every text cell is
neutralised with a leading apostrophe, whoever typed it; numbers the service computed
(ints, floats, Decimals) are written as numbers, because a number read as a formula is
still only that number ("-3" is -3), and a BI tool loading the file needs them numeric.
A negative number typed as text by a person is text, and is neutralised like any other.
"""

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import dateformat
from django.utils.http import content_disposition_header

from engagement.audit.models import AuditEvent
from engagement.audit.services import record_event, record_exported_meetings
from engagement.gds import error_summary, inner_form_helper, too_long_message, with_character_count

# The first characters a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff"
# The file leaves in pieces of about this many characters, so a large export is never
# held whole in memory, nor sent one row per write.
STREAM_CHUNK_CHARS = 32 * 1024

REASON_MAX = 500
RECIPIENT_MAX = 200
REASON_REQUIRED_ERROR = "Say why you need this export."
RECIPIENT_REQUIRED_ERROR = "Say who will receive the file."
BAD_FILTERS_TITLE = "These filters cannot be exported"

Row = TypeVar("Row")


def neutralise(value: object) -> str:
    """A cell as written to the file: text that a spreadsheet would run as a formula
    gets a leading apostrophe; numbers the service computed stay numbers; None is empty."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands back what it is given (Django's docs,
    "Streaming large CSV files"): csv.writer formats a row, we pass it on."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[object], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The file in pieces of about STREAM_CHUNK_CHARS, the byte order mark first, every
    cell neutralised. Rows are read one at a time, as the pieces are sent."""
    writer = csv.writer(_Echo())
    piece = [BOM, writer.writerow([neutralise(cell) for cell in header])]
    size = sum(map(len, piece))
    for row in rows:
        line = writer.writerow([neutralise(cell) for cell in row])
        piece.append(line)
        size += len(line)
        if size >= STREAM_CHUNK_CHARS:
            yield "".join(piece)
            piece, size = [], 0
    if piece:
        yield "".join(piece)


def streamed_csv(
    filename: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """A CSV download that is written as it is sent."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    disposition = content_disposition_header(True, filename)
    assert disposition is not None  # always one, for an attachment
    response["Content-Disposition"] = disposition
    # Law-enforcement data: no copy kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


class ReasonCategory(models.TextChoices):
    """Why data leaves the service, in words a community can be shown: a liaison sees how
    often their groups' meetings were exported for each, never the reasons' free text."""

    OPERATIONAL = "operational", "Operational policing"
    OVERSIGHT = "oversight", "Oversight, audit or a complaint"
    PARTNERSHIP = "partnership", "Sharing with a partner organisation"
    STATISTICS = "statistics", "Statistics, research or reporting"
    LEGAL = "legal", "A legal request (subject access, freedom of information, court)"
    OTHER = "other", "Something else"


REASON_CATEGORY_REQUIRED_ERROR = "Choose what kind of need this export is for."


class ExportForm(forms.Form):
    reason_category = forms.ChoiceField(
        label="What kind of need is it for?",
        choices=ReasonCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": REASON_CATEGORY_REQUIRED_ERROR},
    )
    reason = forms.CharField(
        label="Reason for this export",
        help_text="Why you need this export. It is kept in the audit log with the export's "
        "filters; the admins read it.",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REASON_REQUIRED_ERROR},
    )
    recipient = forms.CharField(
        label="Recipient",
        help_text="Who will receive the file: a person, team or organisation.",
        max_length=RECIPIENT_MAX,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
        error_messages={"required": RECIPIENT_REQUIRED_ERROR},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recipient = self.fields["recipient"]
        # As for every free-text field (engagement.gds): no maxlength cutting a paste
        # short without a word; the server says when it is too long.
        recipient.widget.attrs.pop("maxlength", None)
        recipient.error_messages["max_length"] = too_long_message(RECIPIENT_MAX)
        self.helper = inner_form_helper(
            "reason_category", with_character_count(self, "reason"), "recipient"
        )


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column of an export: its header, and how a row's value is read."""

    header: str
    read: Callable[[Row], object]
    # The model fields it reads, so a test can prove what a role's export may hold.
    reads: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Export(Generic[Row]):
    """One export, described before it is made: what, for whom, narrowed how."""

    # "meetings": the page is headed "Export meetings".
    what: str
    # The audit event's record_kind.
    record_kind: str
    filename: str
    # The filters as given, kept in the audit event.
    filters: dict[str, Any]
    # The filters as (name, value) in words, shown before the export is made.
    filters_in_words: list[tuple[str, str]]
    columns: Sequence[Column[Row]]
    # How many rows the file will have (one COUNT query, for a queryset).
    count: Callable[[], int]
    # The rows, read lazily while the file is sent.
    rows: Callable[[], Iterable[Row]]
    # Where the export was asked for, to go back to.
    back_url: str
    back_text: str
    # What a row is, singular and plural: "meeting", "meetings".
    row_noun: tuple[str, str] = ("row", "rows")
    # For the page before the export, a count that may stop early: (rows, more than
    # that). An admin's every meeting is a million; the audit still counts them all.
    count_shown: Callable[[], tuple[int, bool]] | None = None
    # For an export of meetings, the meetings it holds: each is linked to the export's
    # audit event, so their groups' liaisons and the admins see that they went out.
    meetings: "Callable[[], QuerySet] | None" = None

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def values(self, row: Row) -> list[object]:
        return [column.read(row) for column in self.columns]


TEMPLATE = "exports/export.html"


def export_view(request: HttpRequest, export: Export[Any]) -> HttpResponseBase:
    """The one flow of every export: describe it and ask (GET); on a valid answer record
    one audit event and stream the file; otherwise show the errors, nothing recorded."""
    form = ExportForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        # Counted just before the rows are read: the audit says how many were asked for
        # without holding them all; a meeting saved in that moment may add or drop one.
        rows = export.count()
        event = record_event(
            actor=request.user,
            action=AuditEvent.Action.EXPORT,
            record_kind=export.record_kind,
            reason=form.cleaned_data["reason"],
            detail={
                "reason_category": form.cleaned_data["reason_category"],
                "recipient": form.cleaned_data["recipient"],
                "filters": export.filters,
                "rows": rows,
                "columns": export.headers,
            },
        )
        if export.meetings is not None:
            record_exported_meetings(event=event, meetings=export.meetings())
        return streamed_csv(
            export.filename, export.headers, (export.values(row) for row in export.rows())
        )
    count, more = export.count_shown() if export.count_shown else (export.count(), False)
    singular, plural = export.row_noun
    return render(
        request,
        TEMPLATE,
        {
            "what": export.what,
            "back_url": export.back_url,
            "back_text": export.back_text,
            "export": export,
            "form": form,
            "errors": error_summary(form) if form.is_bound else [],
            "row_count": f"more than {count:,}" if more else f"{count:,}",
            "row_noun": singular if count == 1 and not more else plural,
        },
        status=400 if form.is_bound else 200,
    )


def refuse_filters(
    request: HttpRequest, *, what: str, messages: list[str], back_url: str, back_text: str
) -> HttpResponse:
    """Filters that cannot be read: a 400 naming each problem, linked back to the page
    where they are corrected (which shows the same errors by its filters)."""
    return render(
        request,
        TEMPLATE,
        {
            "what": what,
            "filter_errors": [(back_url, message) for message in messages],
            "filter_errors_title": BAD_FILTERS_TITLE,
            "back_url": back_url,
            "back_text": back_text,
        },
        status=400,
    )


def filter_error_messages(form: forms.BaseForm) -> list[str]:
    """Each error of a filter form, naming its field ("From: Enter a valid date.")."""
    return [message for _, message in error_summary(form, with_labels=True)]


def given_filters(query: QueryDict, *, ignore: Iterable[str] = ()) -> dict[str, Any]:
    """The query parameters as given, for the audit: one value as a string, several as a
    list; empty values left out."""
    given: dict[str, Any] = {}
    for name, values in query.lists():
        values = [value for value in values if value != ""]
        if name in ignore or not values:
            continue
        given[name] = values[0] if len(values) == 1 else values
    return given


def described_filters(form: forms.BaseForm) -> list[tuple[str, str]]:
    """The filters of a valid form that narrow anything, as (label, value) in words."""
    described = []
    for bound in form:
        value = form.cleaned_data.get(bound.name)
        if value in (None, "", [], ()):
            continue
        described.append((str(bound.label), _in_words(bound.field, value)))
    return described


def _in_words(form_field: forms.Field, value: object) -> str:
    if isinstance(value, date):
        return dateformat.format(value, "j F Y")
    if isinstance(form_field, forms.ModelChoiceField):
        return str(value)
    if isinstance(form_field, forms.ChoiceField):
        choices = cast(Iterable[tuple[Any, Any]], form_field.choices)
        labels = {str(choice): str(label) for choice, label in choices}
        return labels.get(str(value), str(value))
    if isinstance(form_field, forms.CharField):
        return f"“{value}”"
    return str(value)
