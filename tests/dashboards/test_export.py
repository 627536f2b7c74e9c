"""The dashboard's figures as a CSV file in long format: the same figures as the JSON for
the same viewer and filters, one table or measure when asked, audited with a reason
and a recipient, never a figure from meetings the viewer may not see."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagement.audit.models import AuditEvent
from engagement.csv_export import BAD_FILTERS_TITLE, RECIPIENT_REQUIRED_ERROR
from engagement.dashboards import registry
from engagement.dashboards.export import (
    BOTH_CHOSEN_ERROR,
    COLUMNS,
    UNKNOWN_MEASURE_ERROR,
    UNKNOWN_SECTION_ERROR,
)
from engagement.meetings.models import Disclosure, DisclosureConfirmation, Meeting
from tests.factories import (
    CommunityGroupFactory,
    ConfirmationFactory,
    DisclosureFactory,
    MeetingFactory,
    ReviewFactory,
    make_officer,
)

# Spelled out, so this module loads even before the route is wired in
# engagement/dashboards/urls.py; test_the_route_is_named says whether it is.
URL = "/dashboards/export/"
DASHBOARD_URL = reverse("dashboards:dashboard")
# Midday on 15 June 2026: the default period is 16 June 2025 to 15 June 2026.
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
PERIOD = {"start": "2025-06-16", "end": "2026-06-15"}
ANSWERS = {
    "reason_category": "statistics",
    "reason": "Board paper on transparency",
    "recipient": "Police and crime panel",
}
HEADERS = [column.header for column in COLUMNS]
FULL, PARTIAL, NONE = Disclosure.Level.FULL, Disclosure.Level.PARTIAL, Disclosure.Level.NONE


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def exports():
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)


def query(params: dict) -> str:
    return "&".join(f"{name}={value}" for name, value in params.items())


def exported(client, user, **params) -> list[dict[str, str]]:
    client.force_login(user)
    response = client.post(f"{URL}?{query(params)}", ANSWERS)
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    rows = list(reader)
    assert reader.fieldnames == HEADERS
    return rows


def dashboard_json(client, user, **params) -> dict:
    client.force_login(user)
    response = client.get(DASHBOARD_URL, {"format": "json", **params})
    assert response.status_code == 200
    return response.json()


def cell(value) -> str:
    """A JSON value as the file writes it."""
    return "" if value is None else str(value)


def as_in_json(rows: list[dict[str, str]]) -> dict[tuple[str, str], tuple[str, str, str]]:
    return {
        (row["measure_key"], row["row"]): (row["value"], row["numerator"], row["denominator"])
        for row in rows
    }


def expected_from_json(data: dict) -> dict[tuple[str, str], tuple[str, str, str]]:
    expected = {}
    for key, figure in data["measures"].items():
        parts = figure["by"].items() if "by" in figure else [("", figure)]
        for label, part in parts:
            expected[(key, label)] = (
                cell(part["value"]),
                cell(part["numerator"]),
                cell(part["denominator"]),
            )
    return expected


def meeting_with(*levels, group, unit, area, **fields) -> Meeting:
    """A meeting with one disclosure per level, each by a new officer of `unit`."""
    meeting = MeetingFactory(unit=unit, area=area, groups=[group], **fields)
    for level in levels:
        DisclosureFactory(
            meeting=meeting,
            officer=make_officer(unit=unit),
            level=level,
            reason="" if level == FULL else "Not the moment.",
        )
    return meeting


@pytest.fixture
def some_meetings(unit, area, group, other_unit, other_area, other_group):
    meeting_with(FULL, PARTIAL, group=group, unit=unit, area=area)
    meeting_with(NONE, FULL, FULL, group=other_group, unit=other_unit, area=other_area)


def test_the_route_is_named():
    assert reverse("dashboards:dashboard-export") == URL


# Healthchecks pattern


def test_it_works(client, admin_user, some_meetings):
    client.force_login(admin_user)
    response = client.get(URL, {"risk_level": "high"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Export dashboard figures</h1>' in html
    for words in ("From: 16 June 2025", "To: 15 June 2026", "Area risk level: High"):
        assert f"<li>{words}</li>" in html
    rows = len(exported(client, admin_user, risk_level="high"))
    assert f'id="export-rows">{rows} figures</dd>' in html
    for header in HEADERS:
        assert f"<li>{header}</li>" in html
    assert f'href="{DASHBOARD_URL}?risk_level=high&amp;end=2026-06-15&amp;start=2025-06-16"' in html


def test_it_requires_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))
    assert client.post(URL, ANSWERS).status_code == 302
    assert not exports().exists()


def test_it_answers_only_get_and_post(client, admin_user):
    client.force_login(admin_user)
    assert client.put(URL).status_code == 405
    assert not exports().exists()


def test_the_export_is_one_audit_event_with_reason_recipient_filters_and_rows(
    client, admin_user, some_meetings
):
    rows = exported(client, admin_user, risk_level="high", measure="disclosure_rate_full")
    assert len(rows) == 1
    event = exports().get()
    assert event.actor == admin_user
    assert event.record_kind == "dashboard"
    assert event.reason == ANSWERS["reason"]
    assert event.detail == {
        "reason_category": "statistics",
        "recipient": ANSWERS["recipient"],
        # As given, with the period the figures are for.
        "filters": {"risk_level": "high", "measure": "disclosure_rate_full", **PERIOD},
        "rows": 1,
        "columns": HEADERS,
    }


def test_no_recipient_re_displays_the_form_and_records_nothing(client, admin_user):
    client.force_login(admin_user)
    response = client.post(f"{URL}?section=transparency", {"reason": "For the board"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#id_recipient">{RECIPIENT_REQUIRED_ERROR}</a>' in html
    assert "For the board</textarea>" in html
    assert "<li>Section: Transparency</li>" in html
    assert not exports().exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"section": "secrets"}, UNKNOWN_SECTION_ERROR.format(key="secrets")),
        ({"measure": "nosuch"}, UNKNOWN_MEASURE_ERROR.format(key="nosuch")),
        ({"section": "transparency", "measure": "disclosure_gap"}, BOTH_CHOSEN_ERROR),
        ({"start": "yesterday"}, "From: Enter a valid date."),
        ({"risk_level": "extreme"}, "Area risk level: Select a valid choice."),
        ({"group": "00000000-0000-0000-0000-000000000000"}, "Group: Select a valid choice."),
    ],
)
def test_bad_filters_or_keys_are_a_400_naming_them_and_nothing_is_recorded(
    client, admin_user, params, message
):
    client.force_login(admin_user)
    for response in (client.get(URL, params), client.post(f"{URL}?{query(params)}", ANSWERS)):
        assert response.status_code == 400
        html = response.content.decode()
        assert BAD_FILTERS_TITLE in html
        assert message in html
        assert f'href="{DASHBOARD_URL}?' in html
    assert not exports().exists()


def test_a_liaison_may_not_filter_by_another_groups_figures(client, liaison, other_group):
    client.force_login(liaison)
    response = client.post(f"{URL}?group={other_group.uuid}", ANSWERS)
    assert response.status_code == 400
    assert not exports().exists()


# The same figures as the JSON


@pytest.mark.parametrize("role", ["admin_user", "officer", "liaison"])
def test_the_file_has_the_figures_of_the_json_for_the_same_viewer(
    client, request, role, some_meetings
):
    user = request.getfixturevalue(role)
    rows = exported(client, user)
    data = dashboard_json(client, user)
    assert as_in_json(rows) == expected_from_json(data)
    # Every measure of the registry, in its order; a measure without breakdown rows
    # (no months, no groups) has none in the file.
    keys = list(dict.fromkeys(row["measure_key"] for row in rows))
    assert keys == [key for key in data["measures"] if key in keys]
    assert {row["period_start"] for row in rows} == {PERIOD["start"]}
    assert {row["period_end"] for row in rows} == {PERIOD["end"]}
    sections = {m.key: s.key for s in registry.SECTIONS for m in s.measures}
    labels = {m.key: m.label for m in registry.ALL_MEASURES}
    for row in rows:
        assert row["section"] == sections[row["measure_key"]]
        assert row["measure"] == labels[row["measure_key"]]


def test_the_filters_narrow_the_figures_as_on_the_dashboard(client, admin_user, some_meetings):
    # `area` is high risk: its meeting's disclosures are full and partial, 1 of 2 full;
    # everywhere: full, partial, none, full, full, 3 of 5.
    def full_rate(rows):
        row = next(row for row in rows if row["measure_key"] == "disclosure_rate_full")
        return row["value"], row["numerator"], row["denominator"]

    high = exported(client, admin_user, risk_level="high")
    assert full_rate(high) == ("50.0", "1", "2")
    assert as_in_json(high) == expected_from_json(
        dashboard_json(client, admin_user, risk_level="high")
    )
    assert full_rate(exported(client, admin_user)) == ("60.0", "3", "5")


def test_a_liaisons_file_has_no_figure_from_another_groups_meetings(
    client, liaison, other_liaison, admin_user, unit, area, group, other_group
):
    meeting_with(FULL, PARTIAL, group=group, unit=unit, area=area)
    mine = exported(client, liaison)
    admin_before = exported(client, admin_user)
    rate = next(row for row in mine if row["measure_key"] == "disclosure_rate_full")
    # Theirs: 1 full of 2 disclosures.
    assert (rate["value"], rate["numerator"], rate["denominator"]) == ("50.0", "1", "2")

    # Another group's meeting, in the same unit and area, moves the admin's figures ...
    meeting_with(NONE, NONE, FULL, group=other_group, unit=unit, area=area)
    assert exported(client, admin_user) != admin_before
    # ... and none of the liaison's, whose file still matches their dashboard.
    assert exported(client, liaison) == mine
    assert as_in_json(mine) == expected_from_json(dashboard_json(client, liaison))
    theirs = exported(client, other_liaison)
    rate = next(row for row in theirs if row["measure_key"] == "disclosure_rate_full")
    assert (rate["value"], rate["numerator"], rate["denominator"]) == ("33.3", "1", "3")
    assert all(row["row"] != group.name for row in theirs)


# One table or one measure


def test_a_section_exports_its_measures_only(client, admin_user, some_meetings):
    rows = exported(client, admin_user, section="engagement")
    section = next(s for s in registry.SECTIONS if s.key == "engagement")
    keys = list(dict.fromkeys(row["measure_key"] for row in rows))
    assert keys == [m.key for m in section.measures if m.key in keys]
    assert {row["section"] for row in rows} == {"engagement"}


def test_a_gap_has_its_recorded_and_confirmed_counts(
    client, admin_user, liaison, unit, area, group
):
    # DESIGN.md's example: three disclosures, officers recorded two as full, the
    # community confirmed one: 2/3 = 66.7 % minus 1/3 = 33.3 % is a gap of 33.3 points.
    meeting = meeting_with(
        FULL, FULL, PARTIAL, group=group, unit=unit, area=area, status=Meeting.Status.REVIEWED
    )
    review = ReviewFactory(meeting=meeting, liaison=liaison)
    answers = [DisclosureConfirmation.Answer.YES, "no", "unsure"]
    for disclosure, answer in zip(meeting.disclosures.order_by("pk"), answers, strict=True):
        ConfirmationFactory(review=review, disclosure=disclosure, answer=answer)

    client.force_login(admin_user)
    response = client.post(f"{URL}?measure=disclosure_gap", ANSWERS)
    assert response["Content-Disposition"] == (
        'attachment; filename="dashboard-disclosure_gap-2025-06-16-to-2026-06-15.csv"'
    )
    [row] = exported(client, admin_user, measure="disclosure_gap")
    assert row == {
        "period_start": "2025-06-16",
        "period_end": "2026-06-15",
        "section": "transparency",
        "measure_key": "disclosure_gap",
        "measure": "Disclosure gap",
        "row": "",
        "value": "33.3",
        "unit": "points",
        # As the JSON gives it: recorded minus confirmed, over the disclosures answered.
        "numerator": "1",
        "denominator": "3",
        "recorded_numerator": "2",
        "recorded_denominator": "3",
        "confirmed_numerator": "1",
        "confirmed_denominator": "3",
    }


def test_a_breakdown_is_one_row_per_label_with_no_data_left_blank(client, admin_user):
    rows = exported(client, admin_user, measure="disclosure_gap_by_month")
    # Every month the period touches, June 2025 to June 2026: nothing recorded yet.
    assert [row["row"] for row in rows] == [
        f"{year}-{month:02d}" for year, month in [(2025, m) for m in range(6, 13)]
    ] + [f"2026-{month:02d}" for month in range(1, 7)]
    assert {(row["value"], row["unit"]) for row in rows} == {("", "points")}


def test_a_group_named_like_a_formula_is_neutralised(client, admin_user, unit, area):
    group = CommunityGroupFactory(name="=HYPERLINK(1)", area=area)
    meeting_with(FULL, group=group, unit=unit, area=area)
    rows = exported(client, admin_user, measure="distinct_officers_per_group")
    assert [(row["row"], row["value"]) for row in rows] == [("'=HYPERLINK(1)", "1")]


# Queries


def queries_to_export(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(URL, ANSWERS)
        b"".join(response.streaming_content)
    return len(captured)


def test_the_query_count_does_not_grow_with_meetings(client, admin_user, unit, area, group):
    client.force_login(admin_user)
    for _ in range(2):
        meeting_with(FULL, group=group, unit=unit, area=area)
    few = queries_to_export(client)
    for _ in range(10):
        meeting_with(PARTIAL, group=group, unit=unit, area=area)
    assert queries_to_export(client) == few
