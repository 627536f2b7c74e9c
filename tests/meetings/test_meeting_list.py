import datetime
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.meetings.filters import DATE_RANGE_ERROR, SEARCH_HINT
from engagement.meetings.models import Meeting
from tests.factories import CommunityGroupFactory, MeetingFactory

LIST_URL = reverse("meetings:meeting-list")


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def make_meetings(count, *, officer, unit, area, group, **fields):
    return [
        MeetingFactory(
            author=officer, unit=unit, area=area, groups=[group], officers=[officer], **fields
        )
        for _ in range(count)
    ]


def test_it_works(signed_in, meeting):
    response = signed_in.get(LIST_URL)
    assert response.status_code == 200
    assert meeting.purpose in response.content.decode()


def test_it_requires_sign_in(client, db):
    response = client.get(LIST_URL)
    assert response.status_code == 302


def test_search_finds_words_in_purpose_topics_and_summary(signed_in, officer, unit, area, group):
    bridge = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], purpose="After the bridge incident"
    )
    festival = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], topics="festival safety"
    )
    html = signed_in.get(LIST_URL, {"q": "BRIDGE"}).content.decode()
    assert bridge.purpose in html and festival.purpose not in html
    html = signed_in.get(LIST_URL, {"q": "festival"}).content.decode()
    assert festival.purpose in html and bridge.purpose not in html


def test_search_does_not_look_in_internal_notes(signed_in, meeting):
    html = signed_in.get(LIST_URL, {"q": "Secret"}).content.decode()
    assert "No meetings match" in html


def test_filters_by_date_status_focus_and_group(
    signed_in, officer, unit, area, group, second_group
):
    today = timezone.localdate()
    old = MeetingFactory(
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        date=today - datetime.timedelta(days=200),
    )
    targeted = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[second_group], focus=Meeting.Focus.TARGETED
    )
    draft = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], status=Meeting.Status.DRAFT
    )

    def purposes(**params):
        html = signed_in.get(LIST_URL, params).content.decode()
        return {m.purpose for m in (old, targeted, draft) if m.purpose in html}

    since = (today - datetime.timedelta(days=30)).isoformat()
    assert purposes(date_from=since) == {targeted.purpose, draft.purpose}
    assert purposes(date_to=since) == {old.purpose}
    assert purposes(focus="targeted") == {targeted.purpose}
    assert purposes(status="draft") == {draft.purpose}
    assert purposes(group=second_group.pk) == {targeted.purpose}
    assert purposes(area=area.pk) == {old.purpose, targeted.purpose, draft.purpose}


def test_withdrawn_meetings_drop_out_unless_asked_for(signed_in, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.WITHDRAWN, withdrawal_reason="Duplicate"
    )
    assert meeting.purpose not in signed_in.get(LIST_URL).content.decode()
    assert meeting.purpose in signed_in.get(LIST_URL, {"status": "withdrawn"}).content.decode()


def test_sort_oldest_first(signed_in, officer, unit, area, group):
    today = timezone.localdate()
    newer = MeetingFactory(author=officer, unit=unit, area=area, groups=[group], date=today)
    older = MeetingFactory(
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        date=today - datetime.timedelta(days=9),
    )
    html = signed_in.get(LIST_URL, {"sort": "date"}).content.decode()
    assert html.index(older.purpose) < html.index(newer.purpose)
    html = signed_in.get(LIST_URL).content.decode()
    assert html.index(newer.purpose) < html.index(older.purpose)


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "not-a-date"},
        {"area": "abc"},
        {"group": "99999999"},
        {"status": "deleted"},
        {"sort": "password"},
        {"page": "-4"},
        {"page": "lots"},
        {"q": "' OR 1=1 --" * 50},
        {"q": "\u202e\u200b<script>alert(1)</script>"},
    ],
)
def test_bad_filter_values_never_500(signed_in, meeting, params):
    response = signed_in.get(LIST_URL, params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_liaison_cannot_filter_by_a_group_they_do_not_speak_for(client, liaison, other_group):
    client.force_login(liaison)
    html = client.get(LIST_URL, {"group": other_group.pk}).content.decode()
    assert "Select a valid choice" in html
    assert other_group.name not in html


def _follow(signed_in, html: str, rel: str) -> str | None:
    link = re.search(rf'href="\?([^"]*)" rel="{rel}"', html)
    if link is None:
        return None
    return signed_in.get(f"{LIST_URL}?{unescape(link[1])}").content.decode()


def _titles(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/meetings/[0-9a-f-]+/">([^<]+)</a>', html)


def test_pagination_walks_every_meeting_once_forwards_and_back(
    signed_in, officer, unit, area, group, settings
):
    settings.PAGE_SIZE = 5
    make_meetings(12, officer=officer, unit=unit, area=area, group=group)
    newest_first = [m.title for m in Meeting.objects.order_by("-date", "-start_time", "-pk")]
    pages = [signed_in.get(LIST_URL).content.decode()]
    assert "12 meetings" in pages[0]
    while (following := _follow(signed_in, pages[-1], "next")) is not None:
        pages.append(following)
    assert [f"Page {n} of 3" in page for n, page in enumerate(pages, 1)] == [True] * 3
    assert [title for page in pages for title in _titles(page)] == newest_first
    # Back from the last page: the same pages, in reverse.
    back = [pages[-1]]
    while (previous := _follow(signed_in, back[-1], "prev")) is not None:
        back.append(previous)
    assert [_titles(page) for page in reversed(back)] == [_titles(page) for page in pages]


@pytest.mark.parametrize("rows", [1, 30])
def test_query_count_does_not_grow_with_rows(
    signed_in, officer, unit, area, group, rows, django_assert_max_num_queries
):
    make_meetings(rows, officer=officer, unit=unit, area=area, group=group)
    CommunityGroupFactory.create_batch(3, area=area)
    with django_assert_max_num_queries(13):  # +1: the read log's insert
        response = signed_in.get(LIST_URL)
    assert response.status_code == 200


def test_a_bad_filter_is_named_in_the_error_summary(signed_in, meeting):
    html = signed_in.get(LIST_URL, {"date_to": "31/31/2026"}).content.decode()
    assert "There is a problem with the filters" in html
    assert 'href="#id_date_to">To: Enter a valid date.' in html
    # The other filters still apply and the list still shows.
    assert meeting.purpose in html


class Attributes(HTMLParser):
    """Every element's attributes by id, and the text inside each element with an id."""

    def __init__(self, html: str):
        super().__init__()
        self.by_id: dict[str, dict[str, str]] = {}
        self.text: dict[str, str] = {}
        self._open: list[str | None] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        element_id = attributes.get("id")
        if element_id:
            self.by_id[element_id] = attributes
            self.text.setdefault(element_id, "")
        if tag not in {"input", "br", "img", "meta", "link"}:
            self._open.append(element_id)

    def handle_endtag(self, tag):
        if tag not in {"input", "br", "img", "meta", "link"} and self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in self._open:
            if element_id:
                self.text[element_id] += data


def test_the_search_box_is_described_by_its_hint(signed_in, meeting):
    page = Attributes(signed_in.get(LIST_URL).content.decode())
    assert page.by_id["id_q"]["aria-describedby"] == "id_q-hint"
    assert SEARCH_HINT in page.text["id_q-hint"]


def test_a_field_with_an_error_is_described_by_it(signed_in, meeting):
    page = Attributes(signed_in.get(LIST_URL, {"date_to": "31/31/2026"}).content.decode())
    assert page.by_id["id_date_to"]["aria-describedby"] == "id_date_to-error"
    assert "govuk-input--error" in page.by_id["id_date_to"]["class"]
    assert "Enter a valid date." in page.text["id_date_to-error"]
    # Every id the page points at exists.
    for attributes in page.by_id.values():
        for target in attributes.get("aria-describedby", "").split():
            assert target in page.by_id, f"aria-describedby points at missing #{target}"


def test_a_from_date_after_the_to_date_is_an_error_not_an_empty_list(signed_in, meeting):
    today = timezone.localdate()
    params = {
        "date_from": today.isoformat(),
        "date_to": (today - datetime.timedelta(days=30)).isoformat(),
    }
    response = signed_in.get(LIST_URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem with the filters" in html
    assert f'href="#id_date_to">To: {DATE_RANGE_ERROR}</a>' in html
    page = Attributes(html)
    assert DATE_RANGE_ERROR in page.text["id_date_to-error"]
    assert page.by_id["id_date_to"]["aria-describedby"] == "id_date_to-error"
    # Neither date applies until they make sense, so the meetings still show.
    assert meeting.purpose in html
    # The panel opens on a phone to show the error beside the fields.
    assert 'data-app-filter-toggle data-start-shown="true"' in html


def test_the_same_from_and_to_date_is_one_day(signed_in, officer, unit, area, group):
    today = timezone.localdate()
    on_the_day = MeetingFactory(author=officer, unit=unit, area=area, groups=[group], date=today)
    day = today.isoformat()
    html = signed_in.get(LIST_URL, {"date_from": day, "date_to": day}).content.decode()
    assert DATE_RANGE_ERROR not in html
    assert on_the_day.purpose in html


def test_the_list_is_a_filter_layout_that_collapses_on_a_phone(signed_in, meeting):
    html = signed_in.get(LIST_URL).content.decode()
    assert 'class="moj-filter-layout"' in html
    assert '<div class="moj-filter-layout__filter" data-app-filter-toggle>' in html
    assert '<div class="moj-action-bar__filter"></div>' in html
    assert '<script type="module" src="/static/js/filter-toggle.js"></script>' in html
    assert (
        '<div class="app-table-container" tabindex="0" role="region" '
        'aria-label="Meetings table">' in html
    )
    # The filters come before the list in the page, as MoJ's layout wants.
    assert html.index('id="id_q"') < html.index(meeting.purpose)


def test_each_row_shows_date_meeting_groups_area_and_status(signed_in, meeting, group, area):
    html = signed_in.get(LIST_URL).content.decode()
    row = re.search(r'<tr class="govuk-table__row">\s*<td.*?</tr>', html, flags=re.S).group(0)
    assert f">{meeting.purpose}</a>" in row
    assert f"{group.name} · {area.name}" in row
    assert "govuk-tag--blue" in row and "Submitted" in row


def test_a_draft_without_a_purpose_is_listed_as_untitled(signed_in, officer, unit, group):
    draft = MeetingFactory(
        author=officer, unit=unit, area=None, groups=[group], status="draft", purpose=""
    )
    html = signed_in.get(LIST_URL).content.decode()
    assert f'<a class="govuk-link" href="{draft.get_absolute_url()}">Untitled draft</a>' in html
