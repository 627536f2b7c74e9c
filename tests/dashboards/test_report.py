"""The transparency report: its figures on hand-worked data, every suppression on the
page, approval into frozen versions, and its pages.

The `world` fixture is one period, January to April 2026, seen on 1 June 2026. Every
meeting has one disclosure by one officer; "yes"/"unsure" is the community's answer in
a review made two days after the meeting was submitted (the meeting is then reviewed),
"-" a meeting still submitted.

    area (risk)     meetings by month (Jan Feb Mar Apr)  disclosures           answers
    standard        4 4 2 2   = 12                        12 full                9 yes, 1 unsure, 2 -
    elevated        2 3 2 0   =  7                        5 full, 2 partial      4 yes (full), 3 -
    high            0 1 1 1   =  3                        1 full, 2 none         1 yes (full), 2 -
    in total        6 8 5 3   = 22                        18 full, 2 partial, 2 none

    never counted: a draft and a withdrawn meeting in the high-risk area (each with a
    full disclosure) and a reviewed meeting of December 2025.

    follow-up actions on the first meeting, due in the period: 5 done a day early and
    reported back (no liaison has answered), 1 still open, due 20 April (overdue).

So, unrounded: review coverage 15 of 22 = 68.2 %; median days to first review 2 over
15; full 18/22 = 81.8 %, partial 2/22, none 2/22; confirmed 14 of the 15 full on
reviewed meetings = 93.3 %; gap: of 15 answered, 15 recorded full (100.0 %) minus 14
confirmed (93.3 %) = 6.7 points; follow-ups: 1 open, 1 overdue, on time 5/6 = 83.3 %,
reported back 5/5 = 100.0 %, confirmed 0/5; disputes none.
"""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from engagement.audit.models import AuditEvent
from engagement.community.models import Area
from engagement.dashboards import report as report_module
from engagement.dashboards import services
from engagement.dashboards.models import FROZEN_ERROR, TransparencyReport
from engagement.dashboards.queries.base import Period, Scope, in_scope_meetings
from engagement.dashboards.registry import measure_by_key
from engagement.dashboards.report import (
    MEASURE_KEYS,
    ReportInconsistent,
    count_figures,
    publish,
    report_for,
)
from engagement.dashboards.report_text import GROUP_THRESHOLD
from engagement.dashboards.report_views import APPROVED_MESSAGE
from engagement.dashboards.suppression import (
    COMPLEMENTARY,
    FEWER_THAN_THRESHOLD,
    PUBLISHED,
    ROUND_TO,
    SMALL,
    TOO_FEW,
    WITHHELD,
)
from engagement.meetings.models import Disclosure, DisclosureConfirmation, FollowUpAction, Meeting
from tests.factories import (
    AreaFactory,
    ConfirmationFactory,
    DisclosureFactory,
    FollowUpFactory,
    MeetingFactory,
    ReviewFactory,
    make_officer,
)
from tests.meetings.form_page import Element, parse

NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
PERIOD = Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 4, 30))
PERIOD_QUERY = {"start": "2026-01-01", "end": "2026-04-30"}
FULL, PARTIAL, NONE = Disclosure.Level.FULL, Disclosure.Level.PARTIAL, Disclosure.Level.NONE
YES, UNSURE = DisclosureConfirmation.Answer.YES, DisclosureConfirmation.Answer.UNSURE
LIST_URL = "/reports/"
DRAFT_URL = "/reports/draft/"
APPROVE_URL = "/reports/approve/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def day(month: int, day_of_month: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day_of_month)


class World:
    """The meetings of the docstring, and a way to add more."""

    def __init__(self, unit, group, liaison):
        self.unit, self.group, self.liaison = unit, group, liaison
        self.areas = {
            "standard": AreaFactory(name="Westbrook", code="WB", risk_level="standard"),
            "elevated": AreaFactory(name="Eastgate", code="EG", risk_level="elevated"),
            "high": AreaFactory(name="Northfield", code="NF", risk_level="high"),
        }
        self.meetings: list[Meeting] = []

    def meeting(self, on, risk, level=FULL, answer=None, status=None) -> Meeting:
        """A meeting with one disclosure at `level`, reviewed two days after it was
        submitted with `answer` when given."""
        submitted = datetime.datetime.combine(on, datetime.time(10), tzinfo=datetime.UTC)
        if status is None:
            status = Meeting.Status.REVIEWED if answer else Meeting.Status.SUBMITTED
        meeting = MeetingFactory(
            date=on,
            unit=self.unit,
            area=self.areas[risk],
            groups=[self.group],
            status=status,
            first_submitted_at=None if status == Meeting.Status.DRAFT else submitted,
            withdrawal_reason="Logged twice." if status == Meeting.Status.WITHDRAWN else "",
        )
        disclosure = DisclosureFactory(
            meeting=meeting,
            officer=make_officer(unit=self.unit),
            level=level,
            reason="" if level == FULL else "Not asked.",
        )
        if answer:
            review = ReviewFactory(
                meeting=meeting,
                liaison=self.liaison,
                created_at=submitted + datetime.timedelta(days=2),
            )
            ConfirmationFactory(review=review, disclosure=disclosure, answer=answer)
        self.meetings.append(meeting)
        return meeting


@pytest.fixture
def world(unit, group, liaison, officer):
    w = World(unit, group, liaison)
    for month, days in ((1, (5, 10, 15, 20)), (2, (5, 10, 15)), (3, (5, 10))):
        for d in days:
            w.meeting(day(month, d), "standard", answer=YES)
    w.meeting(day(2, 20), "standard", answer=UNSURE)
    w.meeting(day(4, 5), "standard")
    w.meeting(day(4, 10), "standard")
    for on in (day(1, 6), day(1, 11), day(2, 6), day(2, 11)):
        w.meeting(on, "elevated", answer=YES)
    w.meeting(day(2, 16), "elevated")
    w.meeting(day(3, 6), "elevated", level=PARTIAL)
    w.meeting(day(3, 11), "elevated", level=PARTIAL)
    w.meeting(day(2, 7), "high", answer=YES)
    w.meeting(day(3, 7), "high", level=NONE)
    w.meeting(day(4, 7), "high", level=NONE)
    # Never counted.
    w.meeting(day(2, 8), "high", status=Meeting.Status.DRAFT)
    w.meeting(day(2, 9), "high", answer=YES, status=Meeting.Status.WITHDRAWN)
    w.meeting(day(12, 20, year=2025), "standard", answer=YES)

    first = w.meetings[0]
    for due in range(1, 6):
        FollowUpFactory(
            meeting=first,
            owner=officer,
            owed_to=group,
            due_date=day(2, due),
            status=FollowUpAction.Status.DONE,
            completed_on=day(2, due) - datetime.timedelta(days=1),
            outcome="Leaflets sent.",
            reported_back_on=day(2, due),
        )
    FollowUpFactory(meeting=first, owner=officer, owed_to=group, due_date=day(4, 20))
    return w


def cells_of(document: Element, region: str) -> list[list[str]]:
    """Each row of the table in the region labelled `region`, as its cells' text."""
    (container,) = document.find_all("div", role="region", aria_label=region)
    return [
        [cell.text for cell in row.find_all() if cell.tag in ("th", "td")]
        for row in container.find_all("tr")
    ]


def draft(client, **params):
    return client.get(DRAFT_URL, {**PERIOD_QUERY, **params})


def approve(client, response_of_draft=None, **data):
    """Press "Approve and publish" on a draft (opened now unless given)."""
    page = parse((response_of_draft or draft(client)).content)
    (form,) = page.find_all("form", id="approve")
    fields = {i.attrs["name"]: i.attrs.get("value", "") for i in form.find_all("input")}
    return client.post(APPROVE_URL, {**fields, **data})


# --- The figures ----------------------------------------------------------------------------


def test_the_report_is_built_from_the_registered_measures(world, admin_user):
    counted = count_figures(Scope(user=admin_user, period=PERIOD))
    for key in MEASURE_KEYS:
        measure = measure_by_key(key)
        assert counted.measures[key] == measure.compute(Scope(user=admin_user, period=PERIOD))
    # The counts of its own tables: one grouped query each, by the in-scope meetings.
    assert counted.by_risk_level == {"standard": 12, "elevated": 7, "high": 3}
    assert counted.by_month == {"2026-01": 6, "2026-02": 8, "2026-03": 5, "2026-04": 3}
    assert counted.disclosures_by_risk_level == {
        "standard": {"full": 12, "confirmed": 9},
        "elevated": {"full": 5, "confirmed": 4},
        "high": {"full": 1, "confirmed": 1},
    }
    scope = Scope(user=admin_user, period=PERIOD)
    assert in_scope_meetings(scope).count() == 22


def test_the_draft_shows_each_figure_rounded_and_protected(client, world, admin_user):
    client.force_login(admin_user)
    response = draft(client)
    assert response.status_code == 200
    page = parse(response.content)
    header = ["Measure", "Figure", "Counted", "Out of"]
    assert cells_of(page, "Meetings and reviews table") == [
        header,
        ["Meetings", "20", "–", "–"],  # 22
        ["Review coverage", "68.2%", "15", "20"],  # 15 of 22
        ["Median days from submission to first review", "2 days", "–", "15"],
    ]
    assert cells_of(page, "Disclosure of the counter-terrorism role table") == [
        header,
        ["Disclosure rate: full", "81.8%", "20", "20"],  # 18 of 22
        ["Disclosure rate: partial", TOO_FEW, FEWER_THAN_THRESHOLD, "20"],  # 2 of 22
        ["Disclosure rate: none", TOO_FEW, FEWER_THAN_THRESHOLD, "20"],  # 2 of 22
        ["Confirmed disclosure rate", "93.3%", "15", "15"],  # 14 of 15
        ["Disclosure gap: recorded", "100.0%", "15", "15"],  # 15 of 15
        ["Disclosure gap: confirmed", "93.3%", "15", "15"],  # 14 of 15
        ["Disclosure gap", "6.7 points", "–", "–"],
    ]
    assert cells_of(page, "Follow-up actions table") == [
        header,
        ["Follow-up actions outstanding", FEWER_THAN_THRESHOLD, "–", "–"],  # 1
        ["Follow-up actions overdue", FEWER_THAN_THRESHOLD, "–", "–"],  # 1
        ["Follow-up actions done on time", "83.3%", "5", "5"],  # 5 of 6
        ["Follow-up outcomes reported back", "100.0%", "5", "5"],  # 5 of 5
        ["Reported-back gap: recorded", "100.0%", "5", "5"],
        ["Reported-back gap: confirmed", TOO_FEW, FEWER_THAN_THRESHOLD, "5"],  # 0 of 5
        ["Reported-back gap", TOO_FEW, "–", "–"],
    ]
    assert cells_of(page, "Disputes table") == [
        header,
        *(
            [label, FEWER_THAN_THRESHOLD, "–", "–"]
            for label in (
                "Disputes opened",
                "Disputes resolved",
                "Disputes escalated",
                "Disputes lapsed",
            )
        ),
    ]


def test_a_small_cell_and_the_cell_that_protects_it_in_each_table(client, world, admin_user):
    client.force_login(admin_user)
    page = parse(draft(client).content)
    # Meetings 12, 7, 3 of 22: the 3 is small, so the next smallest (7) is withheld,
    # else 22 - 12 - 7 gives it back. Full disclosures 12, 5, 1 of 18: likewise the 5.
    # Confirmed 9, 4, 1 of 14: two small cells already protect each other.
    assert cells_of(page, "Meetings by area risk level table") == [
        ["Area risk level", "Meetings", "Full disclosures", "Confirmed full disclosures"],
        ["Standard", "10", "10", "10"],
        ["Elevated", WITHHELD, WITHHELD, FEWER_THAN_THRESHOLD],
        ["High", FEWER_THAN_THRESHOLD, FEWER_THAN_THRESHOLD, FEWER_THAN_THRESHOLD],
        ["Total", "20", "20", "15"],
    ]
    # Months 6, 8, 5, 3 of 22: April's 3 is small; March's 5 is withheld with it.
    assert cells_of(page, "Meetings by month table") == [
        ["Month", "Meetings"],
        ["January 2026", "5"],
        ["February 2026", "10"],
        ["March 2026", WITHHELD],
        ["April 2026", FEWER_THAN_THRESHOLD],
        ["Total", "20"],
    ]


def test_a_difference_of_published_figures_gives_no_small_count_back(world, admin_user):
    """The attack of the issue on the report itself: the total of meetings is published
    three times (by risk level, by month, and as what review coverage is out of); in
    each table, the total minus the other published cells is never one hidden cell."""
    report = report_for(period=PERIOD, by=admin_user)
    for table in report.figures["tables"]:
        cells = [row["cells"] for row in table["rows"]]
        for column in range(len(table["columns"])):
            column_cells = [row[column] for row in cells]
            hidden = [cell for cell in column_cells if cell["value"] is None]
            assert len(hidden) != 1, (table["key"], column)


def test_without_complementary_suppression_the_difference_gives_it_back(
    world, admin_user, monkeypatch
):
    # Switch complementary suppression off (primary only) and the same subtraction
    # recovers the high-risk meetings: 22 - 12 - 7 = 3. So the test above guards it.
    monkeypatch.setattr(
        report_module.suppression,
        "protected",
        lambda counts, tables: report_module.suppression.primary_suppressed(counts),
    )
    counted = count_figures(Scope(user=admin_user, period=PERIOD))
    by_risk = publish(counted, PERIOD).figures["tables"][0]
    meetings = [row["cells"][0] for row in by_risk["rows"]]
    assert [cell["value"] for cell in meetings] == [10, 5, None]
    assert len([cell for cell in meetings if cell["value"] is None]) == 1


def test_the_published_json_holds_no_unprotected_count(world, admin_user):
    report = report_for(period=PERIOD, by=admin_user)
    cells = [
        cell
        for section in report.figures["sections"]
        for row in section["rows"]
        for cell in (row["figure"], row["numerator"], row["denominator"])
        if cell is not None
    ] + [
        cell
        for table in report.figures["tables"]
        for row in [*table["rows"], table["total"]]
        for cell in row["cells"]
    ]
    rules = {cell["rule"] for cell in cells}
    assert {PUBLISHED, SMALL, COMPLEMENTARY} <= rules
    for cell in cells:
        if cell["rule"] != PUBLISHED:
            assert cell["value"] is None, cell
        elif not cell["text"].endswith(("%", "points", "days", "day")):
            assert cell["value"] % ROUND_TO == 0, cell


def test_no_person_group_or_free_text_is_published(client, world, admin_user, officer, group):
    client.force_login(admin_user)
    response = draft(client)
    (main,) = parse(response.content).find_all("main")
    text = main.text
    meeting = world.meetings[0]
    for private in (
        officer.get_full_name(),
        admin_user.get_full_name(),
        world.liaison.get_full_name(),
        group.name,
        meeting.purpose,
        meeting.summary,
        meeting.internal_notes,
        "Leaflets sent.",
        "Not asked.",
        "Westbrook",
    ):
        assert private not in text
    assert f"{GROUP_THRESHOLD} meetings in the period" in text


def test_the_data_dictionary_defines_every_published_figure(client, world, admin_user):
    client.force_login(admin_user)
    response = draft(client)
    page = parse(response.content)
    report = report_for(period=PERIOD, by=admin_user)
    keys = [entry["key"] for entry in report.dictionary]
    assert keys == [
        "meetings_in_scope",
        *MEASURE_KEYS,
        "meetings_by_risk_level",
        "meetings_by_month",
    ]
    linked = {row["key"] for section in report.figures["sections"] for row in section["rows"]} | {
        table["key"] for table in report.figures["tables"]
    }
    assert linked == set(keys)
    for key in keys:
        heading = page.by_id(f"definition-{key}")
        assert heading.tag == "h3"
    coverage = page.by_id("definition-review_coverage")
    assert coverage.text == measure_by_key("review_coverage").label
    html = response.content.decode()
    assert measure_by_key("review_coverage").definition in html
    assert "A count, rounded to the nearest 5." in html


def test_figures_that_disagree_are_never_published(world, admin_user, monkeypatch):
    real = report_module.meetings_by_month
    monkeypatch.setattr(
        report_module,
        "meetings_by_month",
        lambda scope: {**real(scope), "2026-01": 7},  # one meeting too many
    )
    with pytest.raises(ReportInconsistent, match="meetings_by_month"):
        report_for(period=PERIOD, by=admin_user)


def test_records_changing_while_counted_are_counted_again(world, admin_user, monkeypatch):
    real = report_module.meetings_by_month
    calls = []

    def changing_then_settled(scope):
        calls.append(scope)
        counts = real(scope)
        return {**counts, "2026-01": 7} if len(calls) == 1 else counts

    monkeypatch.setattr(report_module, "meetings_by_month", changing_then_settled)
    report = report_for(period=PERIOD, by=admin_user)
    assert len(calls) == 2
    assert report.figures["tables"][1]["total"]["cells"][0]["text"] == "20"


# --- Approval and the frozen versions ----------------------------------------------------


def test_approving_freezes_the_draft_as_version_1(client, world, admin_user):
    client.force_login(admin_user)
    shown = draft(client)
    response = approve(client, shown)
    (report,) = TransparencyReport.objects.all()
    assert response.status_code == 302
    assert response.url == "/reports/2026-01-01_2026-04-30/v1/"
    assert report.get_absolute_url() == response.url
    assert (report.period_start, report.period_end, report.version) == (
        PERIOD.start,
        PERIOD.end,
        1,
    )
    assert report.approved_by == admin_user and report.approved_at == NOW
    # Exactly what the draft showed, as JSON.
    live = report_for(period=PERIOD, by=admin_user)
    assert report.figures == live.figures
    assert report.dictionary == live.dictionary
    snapshot = client.get(response.url)
    assert APPROVED_MESSAGE.format(version=1) in snapshot.content.decode()


def test_the_snapshot_never_changes_after_approval(client, world, admin_user):
    client.force_login(admin_user)
    url = approve(client).url
    client.get(url)  # the success message, once
    before = parse(client.get(url).content).find_all("main")[0].text
    frozen = TransparencyReport.objects.get().figures

    # Later: many more high-risk meetings, all confirmed.
    for d in range(1, 11):
        world.meeting(day(3, 15 + d), "high", answer=YES)
    after = parse(client.get(url).content).find_all("main")[0].text
    assert after == before
    assert TransparencyReport.objects.get().figures == frozen
    # The live draft did change: the high-risk cell is no longer small.
    rows = cells_of(parse(draft(client).content), "Meetings by area risk level table")
    assert rows[3] == ["High", "15", "10", "10"]  # 13, 11 and 11
    assert "Total" in rows[4][0] and rows[4][1] == "30"  # 32


def test_a_second_approval_is_version_2_and_both_stay_readable(client, world, admin_user, officer):
    client.force_login(admin_user)
    first = approve(client).url
    for d in range(1, 6):
        world.meeting(day(4, 10 + d), "elevated", answer=YES)
    second = approve(client).url
    assert (first, second) == (
        "/reports/2026-01-01_2026-04-30/v1/",
        "/reports/2026-01-01_2026-04-30/v2/",
    )
    v1, v2 = TransparencyReport.objects.order_by("version")
    assert v1.figures != v2.figures

    client.force_login(officer)  # any signed-in user reads approved versions
    for url, version, other in ((first, 1, second), (second, 2, first)):
        response = client.get(url)
        assert response.status_code == 200
        page = parse(response.content)
        (main,) = page.find_all("main")
        assert f"Version {version}. Approved by an administrator on 1 June 2026." in main.text
        assert [a.attrs["href"] for a in main.find_all("a") if "/v" in a.attrs["href"]] == [other]
    # Version 1 still shows its own figures: meetings 22 then, 27 by version 2.
    meetings_v1 = cells_of(parse(client.get(first).content), "Meetings and reviews table")[1]
    meetings_v2 = cells_of(parse(client.get(second).content), "Meetings and reviews table")[1]
    assert (meetings_v1[1], meetings_v2[1]) == ("20", "25")


def test_the_draft_names_the_version_it_would_publish(client, world, admin_user):
    client.force_login(admin_user)
    approve(client)
    page = parse(draft(client).content)
    (button,) = page.by_id("approve").find_all("button")
    assert button.text == "Approve and publish as version 2"
    assert "Version 1, approved 1 June 2026" in page.text


def test_figures_changed_since_the_draft_are_not_published(client, world, admin_user):
    client.force_login(admin_user)
    shown = draft(client)
    world.meeting(day(1, 25), "standard", answer=YES)
    response = approve(client, shown)
    assert response.status_code == 409
    assert not TransparencyReport.objects.exists()
    page = parse(response.content)
    assert services.FIGURES_CHANGED_ERROR in page.text
    # The draft as it is now, ready to approve again.
    assert "Approve and publish as version 1" in page.text
    assert approve(client, response).status_code == 302
    assert TransparencyReport.objects.get().version == 1


def test_the_model_refuses_changes_and_deletion(world, admin_user):
    report = services.report_approve(period=PERIOD, by=admin_user)
    report.figures = {"changed": True}
    with pytest.raises(PermissionError, match=FROZEN_ERROR):
        report.save()
    with pytest.raises(PermissionError, match=FROZEN_ERROR):
        report.delete()
    with pytest.raises(PermissionError, match=FROZEN_ERROR):
        TransparencyReport.objects.filter(pk=report.pk).update(version=9)
    with pytest.raises(PermissionError, match=FROZEN_ERROR):
        TransparencyReport.objects.all().delete()
    report.refresh_from_db()
    assert report.version == 1 and "changed" not in report.figures


def test_only_admins_may_approve_in_the_service(world, officer):
    with pytest.raises(PermissionDenied, match=services.NOT_ADMIN_ERROR):
        services.report_approve(period=PERIOD, by=officer)
    assert not TransparencyReport.objects.exists()


def test_versions_are_numbered_per_period(world, admin_user):
    other = Period(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 4, 30))
    versions = [
        services.report_approve(period=p, by=admin_user).version
        for p in (PERIOD, other, PERIOD, other, PERIOD)
    ]
    assert versions == [1, 1, 2, 2, 3]


def test_a_version_number_taken_meanwhile_is_not_reused(world, admin_user, monkeypatch):
    # Another approval of the period saved version 1 after this one counted the versions.
    real = services._next_version
    taken = services.report_approve(period=PERIOD, by=admin_user)
    calls = []

    def stale_then_real(period):
        calls.append(period)
        return taken.version if len(calls) == 1 else real(period)

    monkeypatch.setattr(services, "_next_version", stale_then_real)
    assert services.report_approve(period=PERIOD, by=admin_user).version == 2
    assert len(calls) == 2


# --- Audit ------------------------------------------------------------------------------


def test_approving_and_reading_are_audited(client, world, admin_user, officer):
    client.force_login(admin_user)
    draft(client)
    (viewed_draft,) = AuditEvent.objects.filter(record_kind=services.DRAFT_RECORD_KIND)
    assert (viewed_draft.actor, viewed_draft.action) == (admin_user, AuditEvent.Action.VIEW)
    assert viewed_draft.detail["period"] == PERIOD.as_json()

    url = approve(client).url
    report = TransparencyReport.objects.get()
    (approved,) = AuditEvent.objects.filter(action=AuditEvent.Action.APPROVE)
    assert (approved.actor, approved.record_kind, approved.record_id) == (
        admin_user,
        services.RECORD_KIND,
        str(report.uuid),
    )
    assert approved.detail == {"period": PERIOD.as_json(), "version": 1}

    client.force_login(officer)
    client.get(url)
    (read,) = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, record_kind=services.RECORD_KIND
    )
    assert (read.actor, read.record_id, read.detail["version"]) == (officer, str(report.uuid), 1)


# --- The pages: healthchecks pattern ------------------------------------------------------


def test_the_list_shows_every_version_newest_first(client, world, admin_user, liaison):
    first = services.report_approve(period=PERIOD, by=admin_user)
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        second = services.report_approve(period=PERIOD, by=admin_user)
    client.force_login(liaison)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    rows = cells_of(parse(response.content), "Approved reports table")
    assert rows == [
        ["Period", "Version", "Approved"],
        ["1 January 2026 to 30 April 2026", "2", "4 June 2026"],
        ["1 January 2026 to 30 April 2026", "1", "1 June 2026"],
    ]
    html = response.content.decode()
    assert f'href="{second.get_absolute_url()}"' in html
    assert f'href="{first.get_absolute_url()}"' in html
    assert DRAFT_URL not in html  # only admins prepare reports


def test_the_list_offers_admins_a_draft(client, admin_user):
    client.force_login(admin_user)
    response = client.get(LIST_URL)
    assert "No report has been approved yet." in response.content.decode()
    assert f'href="{DRAFT_URL}"' in response.content.decode()


@pytest.mark.parametrize("url", [LIST_URL, DRAFT_URL, "/reports/2026-01-01_2026-04-30/v1/"])
def test_it_requires_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize("role", ["officer", "liaison"])
def test_only_admins_see_a_draft_or_approve(client, request, world, role):
    client.force_login(request.getfixturevalue(role))
    assert draft(client).status_code == 404
    response = client.post(APPROVE_URL, {**PERIOD_QUERY, "digest": "anything"})
    assert response.status_code == 404
    assert not TransparencyReport.objects.exists()
    assert not AuditEvent.objects.filter(record_kind__startswith="transparency").exists()


def test_approve_rejects_get(client, admin_user):
    client.force_login(admin_user)
    assert client.get(APPROVE_URL, PERIOD_QUERY).status_code == 405


def test_the_draft_is_the_last_12_months_unless_asked(client, world, admin_user):
    client.force_login(admin_user)
    response = client.get(DRAFT_URL)
    assert response.status_code == 200
    assert "Figures for 2 June 2025 to 1 June 2026" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-02-30", "end": "2026-04-30"}, "From: Enter a valid date."),
        ({"start": "2026-05-01", "end": "2026-04-30"}, "To: "),
        ({"start": "1999-12-31", "end": "2026-04-30"}, "From: Enter a date from 2000 to 2099"),
    ],
)
def test_bad_dates_are_a_400_with_the_errors(client, world, admin_user, query, message):
    client.force_login(admin_user)
    response = client.get(DRAFT_URL, query)
    assert response.status_code == 400
    page = parse(response.content)
    summary = [a.text for a in page.find_all("a") if a.attrs.get("href", "").startswith("#id_")]
    assert any(text.startswith(message) for text in summary), summary
    assert page.find_all("form", id="approve") == []
    assert not AuditEvent.objects.filter(record_kind__startswith="transparency").exists()


def test_approving_bad_dates_saves_nothing(client, world, admin_user):
    client.force_login(admin_user)
    response = client.post(APPROVE_URL, {"start": "2026-13-01", "end": "2026-04-30"})
    assert response.status_code == 400
    assert "From: Enter a valid date." in parse(response.content).text
    assert not TransparencyReport.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/reports/2026-01-01_2026-04-30/v2/",  # no such version
        "/reports/2026-01-01_2026-04-29/v1/",  # no such period
        "/reports/2026-02-30_2026-04-30/v1/",  # no such date
        "/reports/2026-01-01_2026-04-30/v0/",
    ],
)
def test_a_report_that_does_not_exist_is_a_404(client, world, admin_user, url):
    services.report_approve(period=PERIOD, by=admin_user)
    client.force_login(admin_user)
    assert client.get(url).status_code == 404


# --- Bounded queries ------------------------------------------------------------------------


def more_of_everything(world):
    for month in (1, 2, 3, 4):
        for risk in ("standard", "elevated", "high"):
            for d in (21, 22, 23):
                world.meeting(day(month, d), risk, answer=YES)


def queries_of(client, url, django_assert_max_num_queries, limit, **params):
    with django_assert_max_num_queries(limit):
        response = client.get(url, params)
    assert response.status_code == 200


def test_the_pages_have_a_bounded_number_of_queries(
    client, world, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)
    services.report_approve(period=PERIOD, by=admin_user)
    snapshot = "/reports/2026-01-01_2026-04-30/v1/"
    # Every page: the session, the user and their role (3), and saving the session, as
    # on every request (3), and the read log's insert (1). The list: the reports (1). A version: it, the versions of
    # its period and the audit event (3). The draft: every measure once (a median is two
    # queries), three grouped counts, the versions of the period and the audit event:
    # fixed, however many records there are.
    limits = {LIST_URL: 8, snapshot: 9, DRAFT_URL: 28}
    for url, limit in limits.items():
        queries_of(client, url, django_assert_max_num_queries, limit, **PERIOD_QUERY)
    more_of_everything(world)
    services.report_approve(period=PERIOD, by=admin_user)
    for url, limit in limits.items():
        queries_of(client, url, django_assert_max_num_queries, limit, **PERIOD_QUERY)


def test_the_list_names_no_approver(client, world, admin_user):
    services.report_approve(period=PERIOD, by=admin_user)
    client.force_login(admin_user)
    (main,) = parse(client.get(LIST_URL).content).find_all("main")
    assert admin_user.get_full_name() not in main.text
    assert admin_user.username not in main.text
    assert re.search(r"1 June 2026", main.text)


def test_risk_levels_are_in_their_own_order(world, admin_user):
    report = report_for(period=PERIOD, by=admin_user)
    labels = [row["label"] for row in report.figures["tables"][0]["rows"]]
    assert labels == [level.label for level in Area.RiskLevel]


def test_a_report_of_no_meetings_publishes_nothing_small(admin_user):
    report = report_for(period=PERIOD, by=admin_user)
    texts = {
        row["figure"]["text"] for section in report.figures["sections"] for row in section["rows"]
    }
    assert texts == {FEWER_THAN_THRESHOLD, TOO_FEW}
