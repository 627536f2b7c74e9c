"""Tables with a row per group grow with the nation: the dashboard shows a page of their
rows and links to the measure's page, which has every row a page at a time. Tables by
month are shown whole."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from tests.factories import CommunityGroupFactory

URL = reverse("dashboards:dashboard")
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
KEY = "distinct_officers_per_group"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def thirty_groups(area):
    return CommunityGroupFactory.create_batch(30, area=area)


def rows_of(html: str, key: str) -> list[str]:
    table = html.split(f'id="breakdown-{key}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row" class="govuk-table__header">([^<]*)</th>', table)


def test_the_dashboard_shows_a_page_of_group_rows_and_links_to_them_all(
    client, admin_user, thirty_groups
):
    client.force_login(admin_user)
    html = client.get(URL).content.decode()
    assert len(rows_of(html, KEY)) == 25
    assert "The first 25 of 30 rows." in html
    assert f'href="{reverse("dashboards:measure", args=[KEY])}?' in html
    # A table by month is whole: the thirteen months the period touches, three rows each.
    assert len(rows_of(html, "trust_by_month")) == 39
    assert "of 39 rows" not in html


def test_the_measures_page_has_every_group_row_a_page_at_a_time(client, admin_user, thirty_groups):
    client.force_login(admin_user)
    url = reverse("dashboards:measure", args=[KEY])
    first = rows_of(client.get(url).content.decode(), KEY)
    second_html = client.get(url, {"page": 2}).content.decode()
    second = rows_of(second_html, KEY)
    assert (len(first), len(second)) == (25, 5)
    assert not set(first) & set(second)
    assert "Page 2 of 2" in second_html
    # Its JSON is every row at once.
    data = client.get(url, {"format": "json"}).json()
    assert len(data["figure"]["by"]) == 30


def test_a_table_by_month_is_one_page_on_its_measures_page(client, admin_user, thirty_groups):
    client.force_login(admin_user)
    html = client.get(reverse("dashboards:measure", args=["trust_by_month"])).content.decode()
    assert len(rows_of(html, "trust_by_month")) == 39
    assert "Page 1 of" not in html
