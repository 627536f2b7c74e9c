"""The meetings list's search, held to the same cases on SQLite and PostgreSQL.

Whole words, stems, parts of words, group names, several words (all must match), and
input that must never fail; ranking; visibility; the stored vector kept up to date by the
services, a group's rename and a bulk refresh. Assertions about PostgreSQL's own machinery
(the vector, its indexes, the migration's SQL) skip on SQLite, which has none of it.
"""

import datetime
import importlib
import re
from html import unescape

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from engagement.meetings import filters, search
from engagement.meetings.filters import BEST_MATCH_LABEL, MeetingFilter
from engagement.meetings.models import Meeting
from engagement.meetings.queries.meeting import (
    DEFAULT_LIST_ORDER,
    LIST_ORDERS,
    meeting_list,
    meetings_visible_to,
)
from engagement.meetings.services import meeting as services
from engagement.meetings.services.meeting import MeetingParts
from engagement.pagination import seek_page
from tests.factories import CommunityGroupFactory, MeetingFactory, UserFactory

LIST_URL = reverse("meetings:meeting-list")

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's full-text machinery (vector, GIN and trigram indexes); "
    "SQLite has none of it and searches the text directly",
)


@pytest.fixture
def meetings(officer, unit, area):
    """Three meetings of the officer's unit, each with its own words and group."""
    mosque = CommunityGroupFactory(name="Riverside Mosque", area=area)
    youth = CommunityGroupFactory(name="Eastfield Youth Club", area=area, kind="youth")
    residents = CommunityGroupFactory(name="Northgate Residents", area=area, kind="residents")

    def make(groups, **text):
        return MeetingFactory(author=officer, unit=unit, area=area, groups=groups, **text)

    found = {
        "hate": make(
            [mosque],
            purpose="Hate crime reporting surgery",
            topics="third-party centres",
            summary="Officers explained how reports reach the investigating team.",
        ),
        "festival": make(
            [youth],
            purpose="Summer festival planning",
            topics="parking, stewards",
            summary="The committee asked about road closures.",
        ),
        "imam": make(
            [residents],
            purpose="Introductions with the new imam",
            topics="community cohesion",
            summary="A friendly first meeting; the mosque trustees attended.",
        ),
    }
    # What a bulk load does after writing meetings directly (a no-op on SQLite).
    search.refresh_search_vectors()
    return found


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def _titles(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/meetings/[0-9a-f-]+/">([^<]+)</a>', html)


def found_by(client, q, **params) -> list[str]:
    """The titles the list shows for a search, in the list's order."""
    response = client.get(LIST_URL, {"q": q, **params})
    assert response.status_code == 200
    return _titles(response.content.decode())


def names(meetings, *keys) -> set[str]:
    return {meetings[key].purpose for key in keys}


@pytest.mark.parametrize(
    "q, expected",
    [
        # Whole words, in any case, in the purpose, topics or summary.
        ("festival", {"festival"}),
        ("FESTIVAL", {"festival"}),
        ("parking", {"festival"}),
        ("trustees", {"imam"}),
        # Stems: another form of the same word.
        ("reports", {"hate"}),
        ("reported", {"hate"}),
        ("closure", {"festival"}),
        ("communities", {"imam"}),
        # The start of a word.
        ("mosq", {"hate", "imam"}),
        ("festiv", {"festival"}),
        ("invest", {"hate"}),
        # A part from inside a word of the purpose or topics.
        ("estiv", {"festival"}),
        ("ohesion", {"imam"}),
        # Group names.
        ("Eastfield", {"festival"}),
        ("riverside", {"hate"}),
        ("youth club", {"festival"}),
        # Several words: every one must match, in any field.
        ("festival parking", {"festival"}),
        ("hate riverside", {"hate"}),
        ("festival mosque", set()),
        ("imam mosque", {"imam"}),
        # Words nobody wrote; police-only text is never searched.
        ("zebra", set()),
        ("secret", set()),
    ],
)
def test_search_finds_the_same_meetings_on_every_database(signed_in, meetings, q, expected):
    assert set(found_by(signed_in, q)) == names(meetings, *expected)


@pytest.mark.parametrize(
    "q, expected",
    [
        ("", {"hate", "festival", "imam"}),
        ("   ", {"hate", "festival", "imam"}),
        ("\"'!@#$%^&*()", {"hate", "festival", "imam"}),
        # Only common words ("the", "and", ...) and single letters: no search.
        ("the and of a", {"hate", "festival", "imam"}),
        # Punctuation separates words; quotes and full-text operators are plain text.
        ("hate-crime", {"hate"}),
        ('"summer festival"', {"festival"}),
        ("festival:*", {"festival"}),
        ("festival & !parking", {"festival"}),
        ("fest|ival", {"festival"}),
        ("(festival) | (imam)", set()),
        ("\\festival'; DROP TABLE meetings_meeting; --", set()),
        ("O'Brien's festival", set()),
        # Long input: cut, never refused.
        ("festival " * 500, {"festival"}),
        ("x" * 20_000, set()),
        # Words past the eighth are not searched for.
        ("festival parking stewards summer planning closures road committee zebra", {"festival"}),
        # Other scripts and symbols.
        ("مسجد", set()),
        ("🕌 festival", {"festival"}),
        ("\u202e\u200bfestival", {"festival"}),
    ],
)
def test_awkward_input_never_fails(signed_in, meetings, q, expected):
    assert set(found_by(signed_in, q)) == names(meetings, *expected)


def test_a_null_character_is_refused_not_a_500(signed_in, meetings):
    response = signed_in.get(LIST_URL, {"q": "festival\x00"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


def test_words_are_cut_and_counted():
    assert search.search_words("The Hate-Crime REPORTING, at: the mosque!") == [
        "hate",
        "crime",
        "reporting",
        "mosque",
    ]
    assert search.search_words("a b c d") == []
    assert search.search_words("one two one two") == ["one", "two"]
    assert len(search.search_words(" ".join(f"word{n}" for n in range(50)))) == search.MAX_WORDS
    assert search.search_words("y" * 500) == ["y" * search.MAX_WORD_LENGTH]
    assert search.search_words("snake_case") == ["snake", "case"]


def test_search_never_widens_what_a_user_sees(
    client, officer, liaison, other_liaison, admin_user, meetings, other_meeting, group
):
    # The other unit's meeting says "festival" too.
    Meeting.objects.filter(pk=other_meeting.pk).update(purpose="Festival of lights")
    MeetingFactory(
        author=officer, unit=officer.officer_profile.unit, groups=[group], purpose="Festival stalls"
    )
    search.refresh_search_vectors()
    expected = {
        officer: {"Summer festival planning", "Festival stalls"},
        liaison: {"Festival stalls"},
        other_liaison: {"Festival of lights"},
        admin_user: {"Summer festival planning", "Festival stalls", "Festival of lights"},
    }
    for user, titles in expected.items():
        client.force_login(user)
        assert set(found_by(client, "festival")) == titles, user
        visible = set(meetings_visible_to(user).values_list("purpose", flat=True))
        assert titles <= visible


def test_the_best_matches_come_first_and_a_chosen_sort_is_kept(
    officer, unit, area, group, meetings
):
    today = timezone.localdate()
    Meeting.objects.filter(pk=meetings["festival"].pk).update(
        date=today - datetime.timedelta(days=30)
    )
    # Newer, but with "festival" only in its summary.
    newer = MeetingFactory(
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        date=today - datetime.timedelta(days=1),
        purpose="Road briefing",
        summary="Mentioned the festival in passing.",
    )
    search.refresh_search_vectors()

    def ordered(**params) -> list[str]:
        filterset = MeetingFilter(
            {"q": "festival", **params},
            queryset=meeting_list(officer),
            user=officer,
        )
        return [m.purpose for m in filterset.qs]

    festival = meetings["festival"].purpose
    assert ordered() == [festival, newer.purpose]
    assert ordered(sort="-date") == [newer.purpose, festival]
    assert ordered(sort="date") == [festival, newer.purpose]


def test_too_many_matches_to_rank_are_shown_newest_first_and_the_hint_says_so(
    signed_in, officer, unit, area, group, meetings, monkeypatch
):
    today = timezone.localdate()
    Meeting.objects.filter(pk=meetings["festival"].pk).update(
        date=today - datetime.timedelta(days=30)
    )
    newer = MeetingFactory(
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        date=today - datetime.timedelta(days=1),
        purpose="Road briefing",
        summary="Mentioned the festival in passing.",
    )
    search.refresh_search_vectors()
    monkeypatch.setattr(filters, "RANK_CAP", 1)
    filterset = MeetingFilter({"q": "festival"}, queryset=meeting_list(officer), user=officer)
    assert [m.purpose for m in filterset.qs] == [newer.purpose, meetings["festival"].purpose]
    assert filterset.order_keys() == LIST_ORDERS[DEFAULT_LIST_ORDER]
    assert filterset.counted == (1, True)
    too_many = filters.TOO_MANY_TO_RANK.format(cap=1)
    assert too_many in signed_in.get(LIST_URL, {"q": "festival"}).content.decode()
    monkeypatch.setattr(filters, "RANK_CAP", 2)
    html = signed_in.get(LIST_URL, {"q": "festival"}).content.decode()
    assert filters.TOO_MANY_TO_RANK.format(cap=2) not in html
    assert filters.SEARCH_HINT in html


def test_ranked_matches_page_by_cursor_each_once_in_order(officer, unit, area, group):
    texts = [
        ("Festival stewards", "A quiet meeting."),
        ("Festival parking", "festival"),
        ("Road briefing", "festival"),
        ("Festival first aid", "A quiet meeting."),
        ("Market day", "Festival traders and festival parking."),
        ("Festival litter", "festival"),
        ("Bins", "festival"),
    ]
    for n, (purpose, summary) in enumerate(texts):
        MeetingFactory(
            author=officer,
            unit=unit,
            area=area,
            groups=[group],
            date=timezone.localdate() - datetime.timedelta(days=n % 3),
            purpose=purpose,
            summary=summary,
        )
    search.refresh_search_vectors()

    def filterset():
        return MeetingFilter({"q": "festival"}, queryset=meeting_list(officer), user=officer)

    in_order = [m.purpose for m in filterset().qs]
    assert len(in_order) == len(texts)
    keys = filterset().order_keys()
    assert keys[0].field == search.RANK
    pages = [seek_page(filterset().qs, keys, cursor=None, per_page=2)]
    while pages[-1].next_cursor and len(pages) <= len(texts):
        pages.append(seek_page(filterset().qs, keys, cursor=pages[-1].next_cursor, per_page=2))
    assert [m.purpose for page in pages for m in page.rows] == in_order
    back = seek_page(filterset().qs, keys, cursor=pages[-1].previous_cursor, per_page=2)
    assert [m.purpose for m in back.rows] == [m.purpose for m in pages[-2].rows]


def test_the_list_pages_through_the_best_matches_by_its_links(
    signed_in, officer, unit, area, group, settings
):
    settings.PAGE_SIZE = 2
    for n, (purpose, summary) in enumerate(
        [
            ("Bins", "festival"),
            ("Festival litter", "festival"),
            ("Road briefing", "festival"),
            ("Festival stewards", "Festival parking."),
            ("Market day", "Festival traders."),
        ]
    ):
        MeetingFactory(
            author=officer,
            unit=unit,
            area=area,
            groups=[group],
            date=timezone.localdate() - datetime.timedelta(days=n),
            purpose=purpose,
            summary=summary,
        )
    search.refresh_search_vectors()
    html = signed_in.get(LIST_URL, {"q": "festival"}).content.decode()
    titles = _titles(html)
    while (link := re.search(r'href="\?([^"]*)" rel="next"', html)) and len(titles) < 10:
        html = signed_in.get(f"{LIST_URL}?{unescape(link[1])}").content.decode()
        titles += _titles(html)
    # "Festival" in the purpose first (the newest first among equals), then the rest.
    assert titles[:2] == ["Festival litter", "Festival stewards"]
    assert sorted(titles[2:]) == ["Bins", "Market day", "Road briefing"]


def test_best_match_is_offered_only_when_searching(signed_in, meetings):
    assert (
        f">{BEST_MATCH_LABEL}</option>"
        in signed_in.get(LIST_URL, {"q": "festival"}).content.decode()
    )
    assert BEST_MATCH_LABEL not in signed_in.get(LIST_URL).content.decode()
    assert BEST_MATCH_LABEL not in signed_in.get(LIST_URL, {"q": "the"}).content.decode()


def test_query_count_does_not_grow_with_matches(
    signed_in, officer, unit, area, group, django_assert_max_num_queries
):
    for rows in (1, 30):
        MeetingFactory.create_batch(
            rows, author=officer, unit=unit, area=area, groups=[group], purpose="Festival stall"
        )
        # The list's queries and one more: whether there are few enough matches to rank.
        with django_assert_max_num_queries(14):  # +1: the read log's insert
            response = signed_in.get(LIST_URL, {"q": "festival stall"})
        assert response.status_code == 200


# --- the stored vector kept up to date ------------------------------------------------


def _parts(area, groups, officer, **fields) -> MeetingParts:
    values = {
        "date": timezone.localdate() - datetime.timedelta(days=2),
        "start_time": datetime.time(18, 0),
        "duration_minutes": 60,
        "venue_kind": Meeting.VenueKind.PLACE_OF_WORSHIP,
        "area": area,
        "initiated_by": Meeting.InitiatedBy.POLICE,
        "focus": Meeting.Focus.COMMUNITY_FOCUSED,
        "purpose": "Listening session",
        "attendee_count": 10,
        "under_25_count": 2,
        "under_18_count": 0,
        "information_shared": "Who we are",
        "summary": "Summary for liaisons",
        "passed_on": False,
        **fields,
    }
    disclosure = {"officer": officer, "level": "full", "method": "verbal", "timing": "start"}
    return MeetingParts(fields=values, groups=list(groups), disclosures=[disclosure])


def test_a_meeting_saved_through_the_services_is_found_by_its_new_words(
    signed_in, officer, area, group, second_group
):
    created = services.meeting_create(
        by=officer,
        parts=_parts(area, [group], officer, summary="We talked about allotments."),
        submit=True,
    )
    # Summary words and group names are found on PostgreSQL only through the vector.
    assert found_by(signed_in, "allotments") == ["Listening session"]
    assert found_by(signed_in, "Committee") == ["Listening session"]
    services.meeting_update(
        meeting=created,
        by=officer,
        parts=_parts(area, [second_group], officer, summary="We talked about libraries."),
        expected_version=created.version,
    )
    assert found_by(signed_in, "libraries") == ["Listening session"]
    assert found_by(signed_in, "Forum") == ["Listening session"]
    assert found_by(signed_in, "allotments") == []
    assert found_by(signed_in, "Committee") == []


def test_later_saves_of_the_meeting_keep_its_vector(signed_in, officer, area, group):
    created = services.meeting_create(
        by=officer,
        parts=_parts(area, [group], officer, summary="We talked about allotments."),
        submit=True,
    )
    # The instance the service returned is saved again by another service.
    services.meeting_withdraw(meeting=created, by=officer, reason="Logged twice")
    created.refresh_from_db()
    assert created.status == Meeting.Status.WITHDRAWN
    assert found_by(signed_in, "allotments", status="withdrawn") == ["Listening session"]


def test_a_group_renamed_in_the_admin_is_found_by_its_new_name(client, officer, meetings):
    mosque = meetings["hate"].groups.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:community_communitygroup_change", args=[mosque.pk]),
        {
            "name": "Riverbank Islamic Centre",
            "kind": mosque.kind,
            "area": mosque.area_id,
            "active": "on",
            "contact_cadence_days": "90",
            "declined_engagement_from": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:community_communitygroup_changelist")
    client.force_login(officer)
    assert found_by(client, "islamic") == [meetings["hate"].purpose]
    assert found_by(client, "riverside") == []


@postgresql_only
def test_services_write_the_vector(officer, area, group):
    created = services.meeting_create(
        by=officer, parts=_parts(area, [group], officer, summary="Allotments"), submit=False
    )
    assert Meeting.objects.filter(pk=created.pk, search=SearchQuery("allotment")).exists()
    assert Meeting.objects.filter(pk=created.pk, search=SearchQuery("committee")).exists()


@postgresql_only
def test_refreshing_all_meetings_goes_in_batches_and_reports_progress(meetings, officer, unit):
    # Gaps in the ids do not make batches smaller.
    gone = MeetingFactory.create_batch(3, author=officer, unit=unit)
    Meeting.objects.filter(pk__in=[m.pk for m in gone]).delete()
    MeetingFactory(author=officer, unit=unit, purpose="Allotments")
    Meeting.objects.update(search=None)
    calls = []
    refreshed = search.refresh_search_vectors(
        batch_size=2, progress=lambda done, total: calls.append((done, total))
    )
    assert refreshed == 4
    assert calls == [(2, 4), (4, 4)]
    assert not Meeting.objects.filter(search=None).exists()
    assert Meeting.objects.filter(search=SearchQuery("allotment")).count() == 1


@postgresql_only
def test_the_migration_fills_the_vector_as_the_code_does(meetings):
    migration = importlib.import_module("engagement.meetings.migrations.0004_meeting_search")
    search.refresh_search_vectors()
    by_code = dict(Meeting.objects.values_list("pk", "search"))
    Meeting.objects.update(search=None)
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL_SEARCH)
    assert dict(Meeting.objects.values_list("pk", "search")) == by_code


@postgresql_only
def test_the_search_is_served_by_its_indexes(meetings):
    # The search's own conditions, over every meeting: the list narrows by who may see
    # what first (an officer by their unit's index), and with three rows the planner would
    # rather read all of a small partial index than look the words up.
    matches = search.search_meetings(Meeting.objects.all(), search.search_words("festiv parking"))
    sql, params = matches.query.sql_with_params()
    with connection.cursor() as cursor:
        # Three rows are cheaper to scan than to look up: leave the planner only bitmap
        # scans, which need an index condition, so the plan shows which indexes the search
        # can use (a walk of another whole index would say nothing).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "meeting_search" in plan
    assert "meeting_purpose_trgm" in plan
    assert "meeting_topics_trgm" in plan


def test_refreshing_is_a_no_op_without_postgresql(meetings):
    refreshed = search.refresh_search_vectors()
    if connection.vendor == "postgresql":
        assert refreshed == 3
    else:
        assert refreshed == 0
        assert not Meeting.objects.exclude(search=None).exists()
