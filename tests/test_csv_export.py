"""The pieces every export shares: the formula-injection guard, the streamed file, the
reason-and-recipient form and the filters read for the audit and in words."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django import forms
from django.http import QueryDict, StreamingHttpResponse

from engagement.csv_export import (
    BOM,
    REASON_CATEGORY_REQUIRED_ERROR,
    REASON_MAX,
    REASON_REQUIRED_ERROR,
    RECIPIENT_MAX,
    RECIPIENT_REQUIRED_ERROR,
    STREAM_CHUNK_CHARS,
    ExportForm,
    csv_lines,
    described_filters,
    given_filters,
    neutralise,
    streamed_csv,
)
from engagement.gds import too_long_message


def parsed(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def content_of(response: StreamingHttpResponse) -> bytes:
    return b"".join(response.streaming_content)


# The injection guard


@pytest.mark.parametrize(
    "dangerous",
    [
        '=HYPERLINK("http://evil.example","Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "-3",
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(dangerous):
    assert neutralise(dangerous) == "'" + dangerous


@pytest.mark.parametrize(
    "harmless",
    ["Northfield Mosque Committee", "", "a=b", "1-2", "email me@example.org", "50%", "3"],
)
def test_harmless_text_is_unchanged(harmless):
    assert neutralise(harmless) == harmless


def test_values_are_converted_to_text_first():
    class Shown:
        def __str__(self):
            return "=1+1"

    assert neutralise(Shown()) == "'=1+1"
    assert neutralise(None) == ""
    assert neutralise(True) == "True"
    assert neutralise(datetime.date(2026, 3, 5)) == "2026-03-05"


def test_numbers_the_service_computed_stay_numbers():
    # A number read as a formula is only that number; BI tools need it numeric.
    assert neutralise(-3) == "-3"
    assert neutralise(-12.5) == "-12.5"
    assert neutralise(Decimal("-0.1")) == "-0.1"
    assert neutralise(0) == "0"


# The streamed file


def test_the_file_is_streamed_as_an_attachment_in_utf8_with_a_bom():
    response = streamed_csv("meetings 2026.csv", ["Purpose"], [["Hello"]])
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="meetings 2026.csv"'
    assert response["Cache-Control"] == "no-store"
    assert content_of(response).startswith(BOM.encode("utf-8") + b"Purpose\r\n")


def test_the_file_parses_back_cell_for_cell_with_every_cell_neutralised():
    rows = [
        ['Quotes "here", and a comma', "Line one\nline two", 7],
        ["=1+1", "-3", -3],
        ["café – naïve", None, Decimal("12.5")],
    ]
    response = streamed_csv("x.csv", ["=Header", "Plain", "Number"], rows)
    assert parsed(content_of(response)) == [
        ["'=Header", "Plain", "Number"],
        ['Quotes "here", and a comma', "Line one\nline two", "7"],
        ["'=1+1", "'-3", "-3"],
        ["café – naïve", "", "12.5"],
    ]


def test_a_large_file_leaves_in_several_pieces_read_as_it_is_sent():
    pulled = 0

    def rows():
        nonlocal pulled
        for number in range(5000):
            pulled += 1
            yield [number, "A row of some length to fill the pieces of the file"]

    pieces = csv_lines(["Number", "Text"], rows())
    first = next(pieces)
    # The first piece went out before most rows were read.
    assert pulled < 5000
    rest = list(pieces)
    assert pulled == 5000
    assert len(rest) >= 5
    longest_row = 100
    assert all(len(piece) <= STREAM_CHUNK_CHARS + longest_row for piece in [first, *rest])
    lines = list(csv.reader(io.StringIO("".join([first, *rest]).removeprefix(BOM))))
    assert len(lines) == 5001
    assert lines[-1] == ["4999", "A row of some length to fill the pieces of the file"]


def test_an_empty_export_is_its_header_alone():
    assert parsed(content_of(streamed_csv("x.csv", ["A", "B"], []))) == [["A", "B"]]


# The form


def test_the_form_needs_a_reason_and_a_recipient():
    form = ExportForm({"reason": "  ", "recipient": ""})
    assert not form.is_valid()
    assert form.errors == {
        "reason_category": [REASON_CATEGORY_REQUIRED_ERROR],
        "reason": [REASON_REQUIRED_ERROR],
        "recipient": [RECIPIENT_REQUIRED_ERROR],
    }


def test_the_form_limits_reason_and_recipient():
    form = ExportForm(
        {
            "reason_category": "other",
            "reason": "x" * (REASON_MAX + 1),
            "recipient": "y" * (RECIPIENT_MAX + 1),
        }
    )
    assert not form.is_valid()
    assert form.errors == {
        "reason": [too_long_message(REASON_MAX)],
        "recipient": [too_long_message(RECIPIENT_MAX)],
    }
    form = ExportForm(
        {"reason_category": "other", "reason": "x" * REASON_MAX, "recipient": "y" * RECIPIENT_MAX}
    )
    assert form.is_valid()


def test_the_form_says_what_each_answer_is_for():
    form = ExportForm()
    assert "why you need this export" in form.fields["reason"].help_text.lower()
    assert "a person, team or organisation" in form.fields["recipient"].help_text
    # No maxlength cuts a paste short without a word.
    assert "maxlength" not in str(form["reason"]) and "maxlength" not in str(form["recipient"])


# The filters, for the audit and in words


def test_the_filters_as_given_keep_single_and_repeated_values_and_drop_empty_ones():
    query = QueryDict("status=submitted&q=&group=1&group=2&page=3&sort=-date")
    assert given_filters(query, ignore=["page"]) == {
        "status": "submitted",
        "group": ["1", "2"],
        "sort": "-date",
    }


class SampleFilters(forms.Form):
    start = forms.DateField(label="From", required=False)
    colour = forms.ChoiceField(choices=[("", "Any"), ("r", "Red"), ("g", "Green")], required=False)
    words = forms.CharField(label="Search", required=False)
    count = forms.IntegerField(required=False)


def test_the_filters_in_words_name_each_one_used_by_its_label():
    form = SampleFilters({"start": "2026-03-05", "colour": "g", "words": "bridge", "count": ""})
    assert form.is_valid()
    assert described_filters(form) == [
        ("From", "5 March 2026"),
        ("Colour", "Green"),
        ("Search", "“bridge”"),
    ]
