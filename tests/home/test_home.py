"""The home page, "my work", for each role, and an officer's own disclosure record."""

import datetime
import json
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagement.accounts.models import Role
from engagement.dashboards.templatetags.dashboard_figures import NO_DATA
from engagement.meetings.models import (
    Disclosure,
    DisclosureConfirmation,
    Dispute,
    FollowUpAction,
    Meeting,
)
from tests.factories import (
    ConfirmationFactory,
    DisclosureFactory,
    FollowUpFactory,
    MeetingFactory,
    ReportBackConfirmationFactory,
    ReviewFactory,
    UserFactory,
    make_officer,
)

PARTIAL = Disclosure.Level.PARTIAL
NONE = Disclosure.Level.NONE
YES = DisclosureConfirmation.Answer.YES

HOME = reverse("home")
SIGN_IN = reverse("accounts:sign-in")


def home_html(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_home_requires_sign_in(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_officer_home_lists_drafts_disputes_and_overdue_follow_ups(
    client, officer, unit, area, group
):
    draft = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], status=Meeting.Status.DRAFT,
        purpose="My unfinished draft",
    )  # fmt: skip
    disputed = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], status=Meeting.Status.DISPUTED,
        purpose="The disputed one",
    )  # fmt: skip
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    FollowUpFactory(meeting=disputed, owner=officer, owed_to=group, due_date=yesterday,
                    description="Late promise")  # fmt: skip
    html = home_html(client, officer)
    assert draft.purpose in html
    assert disputed.purpose in html
    assert "Late promise" in html
    assert 'govuk-tag--red">Overdue' in html


def test_officer_home_lists_partly_done_actions_but_not_done_ones(client, officer, meeting, group):
    FollowUpFactory(meeting=meeting, owner=officer, owed_to=group, description="Half way",
                    status=FollowUpAction.Status.PARTLY_DONE, remaining="The second leaflet")  # fmt: skip
    FollowUpFactory(meeting=meeting, owner=officer, owed_to=group, description="All finished",
                    status=FollowUpAction.Status.DONE, completed_on=timezone.localdate())  # fmt: skip
    html = home_html(client, officer)
    assert "Half way" in html
    assert "All finished" not in html


def test_untitled_draft_is_listed_by_its_date(client, officer, unit, area, group):
    MeetingFactory(author=officer, unit=unit, area=area, groups=[group],
                   status=Meeting.Status.DRAFT, purpose="")  # fmt: skip
    assert "Untitled draft" in home_html(client, officer)


def test_liaison_home_lists_meetings_awaiting_review_with_days_waiting(
    client, liaison, meeting, other_meeting
):
    Meeting.objects.filter(pk=meeting.pk).update(
        first_submitted_at=timezone.now() - datetime.timedelta(days=9)
    )
    html = home_html(client, liaison)
    assert meeting.purpose in html
    assert "waiting 9 days" in html
    assert reverse("meetings:review-create", args=[meeting.uuid]) in html
    assert other_meeting.purpose not in html


def test_liaison_home_leaves_out_meetings_already_reviewed_at_this_version(
    client, liaison, meeting
):
    ReviewFactory(meeting=meeting, liaison=liaison, meeting_version=meeting.version)
    html = home_html(client, liaison)
    assert "No meeting of your groups is waiting for your review." in html


def test_liaison_home_shows_disputes_they_raised_and_where_they_stand(client, liaison, meeting):
    review = ReviewFactory(meeting=meeting, liaison=liaison, accuracy="inaccurate")
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.DISPUTED)
    Dispute.objects.create(meeting=meeting, opened_by=review)
    html = home_html(client, liaison)
    assert "Meetings you disputed" in html
    assert f"{meeting.purpose}</a> – Awaiting the officer&#x27;s correction" in html


def test_liaison_home_asks_to_confirm_report_backs_until_answered(
    client, liaison, officer, meeting, group
):
    done = FollowUpFactory(
        meeting=meeting, owner=officer, owed_to=group, description="Leaflet sent",
        status=FollowUpAction.Status.DONE, completed_on=timezone.localdate(),
        reported_back_on=timezone.localdate(),
    )  # fmt: skip
    html = home_html(client, liaison)
    assert "Leaflet sent" in html.split("Report-backs to confirm")[1].split("<h2")[0]

    ReportBackConfirmationFactory(
        follow_up=done, liaison=liaison, reported_back_on=done.reported_back_on
    )
    html = home_html(client, liaison)
    assert "Nothing is waiting for your answer." in html


def test_liaison_home_lists_actions_owed_to_their_groups_only(
    client, liaison, officer, other_unit_officer, meeting, other_meeting, group, other_group
):
    FollowUpFactory(meeting=meeting, owner=officer, owed_to=group, description="Ours")
    FollowUpFactory(meeting=other_meeting, owner=other_unit_officer, owed_to=other_group,
                    description="Theirs")  # fmt: skip
    html = home_html(client, liaison)
    assert "Ours" in html
    assert "Theirs" not in html


def test_admin_home_lists_escalated_disputes(client, admin_user, liaison, meeting):
    review = ReviewFactory(meeting=meeting, liaison=liaison, accuracy="inaccurate")
    Dispute.objects.create(
        meeting=meeting, opened_by=review, status=Dispute.Status.ESCALATED,
        closed_at=timezone.now(), escalation_reason="Still wrong",
    )  # fmt: skip
    html = home_html(client, admin_user)
    assert meeting.purpose in html.split("Escalated disputes")[1]


def test_home_query_count_is_bounded(
    client, officer, liaison, unit, area, group, django_assert_max_num_queries
):
    for _ in range(10):
        m = MeetingFactory(author=officer, unit=unit, area=area, groups=[group], status="draft")
        FollowUpFactory(meeting=m, owner=officer, owed_to=group)
        s = MeetingFactory(author=officer, unit=unit, area=area, groups=[group], officers=[officer])
        FollowUpFactory(meeting=s, owner=officer, owed_to=group, status="done",
                        completed_on=timezone.localdate(), reported_back_on=timezone.localdate())  # fmt: skip
    # The officer's page also reads their unit (1), the meetings they attended outside it
    # (1), and their own record and their unit's (2 each: the whole period, then by month).
    for user, ceiling in ((officer, 17), (liaison, 15)):  # +1: the read log's insert
        client.force_login(user)
        with django_assert_max_num_queries(ceiling):
            assert client.get(HOME).status_code == 200


def test_home_shows_the_first_ten_drafts_and_links_to_the_rest(client, officer, unit, area, group):
    for _ in range(12):
        MeetingFactory(author=officer, unit=unit, area=area, groups=[group], status="draft")
    html = home_html(client, officer)
    assert html.count("Community meeting number") == 10
    assert "All drafts" in html


# --- An officer's own record ------------------------------------------------------------

# The last 12 months to 15 June 2026: 16 June 2025 to 15 June 2026.
TODAY = datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)


def cells(html: str) -> list[str]:
    """Each cell's text, its parts joined by a space ("50.0% 1 of 2")."""
    found = re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in found]


def row_of(html: str, start_marker: str) -> str:
    start = html.index(start_marker)
    return html[start : html.index("</tr>", start)]


def month_row(html: str, table: str, month: str) -> list[str]:
    """The cells of `month`'s row in the month table named `table`."""
    section = html[html.index(f'aria-label="{table} table"') :]
    section = section[: section.index("</table>")]
    return cells(row_of(section, f'<th scope="row" class="govuk-table__header">{month}</th>'))


def chart_spec(html: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html)
    assert found is not None, f"No chart {chart_id}"
    return json.loads(found[1])


@pytest.fixture
def record(officer, colleague, liaison, unit, area, group, other_unit, other_area, other_group):
    """In May: the officer's full disclosure, confirmed yes, and a colleague's none at
    another meeting of the unit. In June: the officer's partial. Not counted: the
    officer's draft, and another unit's meeting without the officer."""
    with time_machine.travel(TODAY, tick=False):
        may = MeetingFactory(unit=unit, area=area, groups=[group], officers=[officer],
                             date=datetime.date(2026, 5, 10), status=Meeting.Status.REVIEWED)  # fmt: skip
        review = ReviewFactory(meeting=may, liaison=liaison)
        ConfirmationFactory(review=review, disclosure=may.disclosures.get(), answer=YES)
        colleagues = MeetingFactory(unit=unit, area=area, groups=[group],
                                    date=datetime.date(2026, 5, 20))  # fmt: skip
        DisclosureFactory(meeting=colleagues, officer=colleague, level=NONE, reason="No.")
        june = MeetingFactory(unit=unit, area=area, groups=[group], date=datetime.date(2026, 6, 1))
        DisclosureFactory(meeting=june, officer=officer, level=PARTIAL, reason="Not asked.")
        MeetingFactory(unit=unit, area=area, groups=[group], officers=[officer],
                       date=datetime.date(2026, 6, 2), status=Meeting.Status.DRAFT)  # fmt: skip
        MeetingFactory(unit=other_unit, area=other_area, groups=[other_group],
                       officers=[make_officer(unit=other_unit)], date=datetime.date(2026, 5, 1))  # fmt: skip


@pytest.fixture
def on_the_day():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_officer_home_shows_their_record_beside_their_units(client, officer, record, on_the_day):
    html = home_html(client, officer)
    assert '<h2 class="govuk-heading-m" id="your-record">Your record</h2>' in html
    assert "from 16 June 2025 to 15 June 2026" in html
    # You: full (May), partial (June): 1 of 2 each, none 0 of 2; your one full disclosure
    # on a reviewed meeting was confirmed: 1 of 1.
    assert cells(row_of(html, 'id="record-you"')) == [
        "50.0% 1 of 2", "50.0% 1 of 2", "0.0% 0 of 2", "100.0% 1 of 1",
    ]  # fmt: skip
    # The unit: your full and partial and the colleague's none: a third each; the one
    # full disclosure on a reviewed meeting confirmed, 1 of 1.
    unit_row = row_of(html, 'id="record-unit"')
    assert "Your unit (Northfield Engagement Team)" in unit_row
    assert cells(unit_row) == ["33.3% 1 of 3", "33.3% 1 of 3", "33.3% 1 of 3", "100.0% 1 of 1"]


def test_officer_home_gives_each_month_as_a_table(client, officer, record, on_the_day):
    html = home_html(client, officer)
    mine, units = "Your disclosures by month", "Your unit’s disclosures by month"
    # Columns: full, partial, none.
    assert month_row(html, mine, "May 2026") == ["100.0% 1 of 1", "0.0% 0 of 1", "0.0% 0 of 1"]
    assert month_row(html, mine, "June 2026") == ["0.0% 0 of 1", "100.0% 1 of 1", "0.0% 0 of 1"]
    assert month_row(html, mine, "April 2026") == [NO_DATA, NO_DATA, NO_DATA]
    # May for the unit: the officer's full and the colleague's none, 1 of 2 each.
    assert month_row(html, units, "May 2026") == ["50.0% 1 of 2", "0.0% 0 of 2", "50.0% 1 of 2"]
    # Confirmed, you beside your unit: May 1 of 1 each; June nothing full: no data.
    confirmed = "Full disclosures the community confirmed, by month"
    assert month_row(html, confirmed, "May 2026") == ["100.0% 1 of 1", "100.0% 1 of 1"]
    assert month_row(html, confirmed, "June 2026") == [NO_DATA, NO_DATA]
    # Every month the period touches, oldest first: June 2025 (from the 16th) to June 2026.
    section = html[html.index(f'aria-label="{mine} table"') :]
    months = re.findall(r'<th scope="row" class="govuk-table__header">(\w+ \d{4})</th>',
                        section[: section.index("</table>")])  # fmt: skip
    assert len(months) == 13
    assert months[0] == "June 2025" and months[-1] == "June 2026"


def test_officer_home_draws_each_month_table_as_a_chart(client, officer, record, on_the_day):
    html = home_html(client, officer)
    levels = chart_spec(html, "chart-own-disclosures")
    assert levels["kind"] == "line"
    assert [series["label"] for series in levels["series"]] == ["Full", "Partial", "None"]
    # June 2025 ... June 2026: nothing until May (no data, a gap in the line, never 0).
    assert levels["series"][0]["values"] == [None] * 11 + [100.0, 0.0]
    assert levels["series"][1]["values"] == [None] * 11 + [0.0, 100.0]
    confirmed = chart_spec(html, "chart-own-confirmed")
    assert [series["label"] for series in confirmed["series"]] == ["You", "Your unit"]
    assert confirmed["series"][1]["values"] == [None] * 11 + [100.0, None]
    assert chart_spec(html, "chart-unit-disclosures")["series"][2]["values"][11] == 50.0
    # Each chart sits just above its table, and the page loads the scripts that draw them.
    assert html.index('data-chart="chart-own-disclosures"') < html.index(
        'aria-label="Your disclosures by month table"'
    )
    assert '<script src="/static/vendor/chart.js/chart.umd.min.js"></script>' in html
    assert '<script type="module" src="/static/js/charts.js"></script>' in html


def test_a_new_officer_reads_no_data_and_no_empty_charts(client, officer, on_the_day):
    html = home_html(client, officer)
    assert cells(row_of(html, 'id="record-you"')) == [NO_DATA] * 4
    assert month_row(html, "Your disclosures by month", "May 2026") == [NO_DATA] * 3
    assert "<figure" not in html


def test_liaisons_and_admins_have_no_record_of_their_own(client, liaison, admin_user, record):
    for user in (liaison, admin_user):
        html = home_html(client, user)
        assert "Your record" not in html
        assert "chart.umd.min.js" not in html


def test_an_officer_without_a_unit_sees_only_their_own_figures(client, record, on_the_day):
    loner = UserFactory(username="loner")
    loner.groups.add(Group.objects.get_or_create(name=Role.OFFICER)[0])
    html = home_html(client, loner)
    assert cells(row_of(html, 'id="record-you"')) == [NO_DATA] * 4
    assert 'id="record-unit"' not in html
    assert "Your unit’s disclosures by month" not in html


def test_the_record_costs_the_same_queries_however_many_meetings(
    client, officer, unit, area, group, liaison, record, on_the_day
):
    client.force_login(officer)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    for month in range(1, 13):
        more = MeetingFactory(unit=unit, area=area, groups=[group], officers=[officer],
                              date=datetime.date(2025, month, 20), status=Meeting.Status.REVIEWED)  # fmt: skip
        ReviewFactory(meeting=more, liaison=liaison)
    with CaptureQueriesContext(connection) as many:
        client.get(HOME)
    assert len(many) == len(few)
