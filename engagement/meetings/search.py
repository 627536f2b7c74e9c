"""The meetings list's search: which meetings match the words typed, and how well.

What is searched: the purpose, topics, summary and the names of the meeting's groups:
everything a community liaison also reads, never the police-only fields. Search only ever
narrows the queryset it is given (the viewer's visible meetings): it cannot widen what
anyone sees.

The words: letters and digits only (punctuation, quotes and symbols separate words and are
otherwise ignored), lower-cased, the first MAX_WORDS, each cut to MAX_WORD_LENGTH,
without one-letter words and PostgreSQL's English stop words ("the", "and", ...). Every
word must match, in any of the fields.

On PostgreSQL a word matches when
- the stored vector (`Meeting.search`, English stemming, GIN-indexed) has a word starting
  with its stem: "reporting" finds "report" and "reports", "mosq" finds "mosque", in any
  field including the group names; or
- it is part of the purpose or topics ("osque" finds "mosque"), served by the trigram
  indexes on UPPER(purpose) and UPPER(topics) that `icontains` uses.
Matches are ranked with ts_rank (purpose weighted A, group names and topics B, summary C).

On SQLite (development, small data) there is no vector: a word matches when its crude stem
(a few English suffixes taken off, see `_stem`) is part of any of the fields, group names
included, and the rank is the same weights summed over the fields each word is found in.
SQLite therefore finds at least what PostgreSQL finds, and a little more: parts of words in
the summary and group names ("osque" in a summary), and stems this crude stemmer and
PostgreSQL's Snowball stemmer disagree on. The tests hold both to the same cases.

The vector is stored, not generated, because a generated column cannot read the groups
(a many-to-many). `refresh_search_vectors` rewrites it in SQL: the meeting services call
it after every create and update, a renamed group refreshes its meetings (the receiver
below), and a bulk load calls it once at the end.
"""

import re
from collections.abc import Callable, Sequence

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, connections
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce
from django.db.models.signals import post_save
from django.dispatch import receiver

from engagement.community.models import CommunityGroup
from engagement.meetings.models import Meeting

CONFIG = "english"
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
# What is read of the search box at most: a pasted essay is cut, never refused.
MAX_TEXT_LENGTH = 1000
# The annotation that holds a meeting's rank when a search is given.
RANK = "search_rank"
# Meetings refreshed per UPDATE when refreshing them all (see refresh_search_vectors).
REFRESH_BATCH = 50_000

# PostgreSQL's English stop-word list (tsearch_data/english.stop): words its full-text
# search ignores, left out on both databases so both search for the same words.
_STOP_WORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_WORD = re.compile(r"[^\W_]+")

# The weight of a match in each field: ts_rank's defaults for the vector's weights
# (A 1.0, B 0.4, C 0.2), used as they are by the SQLite rank.
_WEIGHTS = {"purpose": 1.0, "groups": 0.4, "topics": 0.4, "summary": 0.2}

# Suffixes the SQLite fallback takes off, longest first; the stem keeps 4 letters or more.
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")
_MIN_STEM = 4


def search_words(text: str) -> list[str]:
    """The words searched for in what was typed: see the module's docstring."""
    words: list[str] = []
    for found in _WORD.findall(text[:MAX_TEXT_LENGTH].lower()):
        word = found[:MAX_WORD_LENGTH]
        if len(word) < 2 or word in STOP_WORDS or word in words:
            continue
        words.append(word)
        if len(words) == MAX_WORDS:
            break
    return words


def _on_postgresql(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def search_meetings(meetings: QuerySet[Meeting], words: Sequence[str]) -> QuerySet[Meeting]:
    """The meetings of `meetings` that match every word, annotated with their RANK (higher
    is better). No words: `meetings` unchanged, without a rank."""
    if not words:
        return meetings
    if _on_postgresql(meetings):
        return _search_postgresql(meetings, words)
    return _search_fallback(meetings, words)


def _prefix_query(words: Sequence[str], operator: str) -> SearchQuery:
    # Words are letters and digits only (search_words), so nothing in them is tsquery
    # syntax; ":*" makes each the prefix of a (stemmed) word.
    text = f" {operator} ".join(f"{word}:*" for word in words)
    return SearchQuery(text, search_type="raw", config=CONFIG)


def _search_postgresql(meetings: QuerySet[Meeting], words: Sequence[str]) -> QuerySet[Meeting]:
    for word in words:
        meetings = meetings.filter(
            Q(search=_prefix_query([word], "&"))
            | Q(purpose__icontains=word)
            | Q(topics__icontains=word)
        )
    # Ranked on every word, so a meeting matching some words in its vector (and the rest
    # only as parts of words) still ranks by them. No vector yet ranks 0.
    # ts_rank is a float4; as float8 its value reaches Python and comes back in a page's
    # cursor unchanged, so the next page starts exactly after the last row.
    rank = Cast(SearchRank(F("search"), _prefix_query(words, "|")), FloatField())
    return meetings.annotate(**{RANK: Coalesce(rank, Value(0.0), output_field=FloatField())})


def _stem(word: str) -> str:
    """A crude English stem for the SQLite fallback, always a prefix of the word:
    "reporting" → "report", "communities" → "communit", "hates" → "hate"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def _fallback_conditions(stem: str) -> dict[str, Q | Exists]:
    in_group_names = Exists(
        Meeting.groups.through.objects.filter(
            meeting_id=OuterRef("pk"), communitygroup__name__icontains=stem
        )
    )
    return {
        "purpose": Q(purpose__icontains=stem),
        "groups": in_group_names,
        "topics": Q(topics__icontains=stem),
        "summary": Q(summary__icontains=stem),
    }


def _search_fallback(meetings: QuerySet[Meeting], words: Sequence[str]) -> QuerySet[Meeting]:
    rank: Combinable = Value(0.0, output_field=FloatField())
    for word in words:
        conditions = _fallback_conditions(_stem(word))
        any_field = Q()
        for field, condition in conditions.items():
            any_field |= Q(condition)
            rank = rank + Case(
                When(condition, then=Value(_WEIGHTS[field])),
                default=Value(0.0),
                output_field=FloatField(),
            )
        meetings = meetings.filter(any_field)
    return meetings.annotate(**{RANK: rank})


# --- keeping the stored vector up to date -----------------------------------------------


def _refresh_sql(chosen_sql: str) -> str:
    """One UPDATE rewriting the vector of the meetings whose ids `chosen_sql` selects.

    The group names are aggregated once for the chosen meetings and joined (a hash join
    when the through table's index is missing, as in a bulk load, where a correlated
    subquery would scan it once per meeting). Migration 0004_meeting_search fills
    existing meetings with the same vector, frozen: the two must agree."""
    meeting = connection.ops.quote_name(Meeting._meta.db_table)
    through = connection.ops.quote_name(Meeting.groups.through._meta.db_table)
    group = connection.ops.quote_name(CommunityGroup._meta.db_table)
    config = f"'{CONFIG}'::regconfig"
    return f"""
        WITH chosen (id) AS ({chosen_sql}),
        names AS (
            SELECT mg.meeting_id, string_agg(g.name, ' ') AS names
            FROM chosen
            JOIN {through} AS mg ON mg.meeting_id = chosen.id
            JOIN {group} AS g ON g.id = mg.communitygroup_id
            GROUP BY mg.meeting_id
        )
        UPDATE {meeting} AS m SET search =
            setweight(to_tsvector({config}, COALESCE(m.purpose, '')), 'A')
            || setweight(to_tsvector({config}, COALESCE(names.names, '')), 'B')
            || setweight(to_tsvector({config}, COALESCE(m.topics, '')), 'B')
            || setweight(to_tsvector({config}, COALESCE(m.summary, '')), 'C')
        FROM chosen LEFT JOIN names ON names.meeting_id = chosen.id
        WHERE m.id = chosen.id
    """


def _refresh(meetings: QuerySet[Meeting]) -> int:
    chosen_sql, params = meetings.order_by().values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_refresh_sql(chosen_sql), params)
        return cursor.rowcount


def refresh_search_vectors(
    meetings: QuerySet[Meeting] | None = None,
    *,
    batch_size: int = REFRESH_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Rewrite the stored search vector of `meetings` (all meetings when None) from their
    text and groups, in SQL; the number of meetings refreshed. A no-op returning 0 where
    the database is not PostgreSQL.

    All meetings are refreshed `batch_size` at a time in order of id, one UPDATE each,
    calling `progress(done, total)` after each; inside a transaction they are all in it.
    After a bulk load, call it before the load rebuilds the table's indexes: each UPDATE
    writes a new version of every row, and so a new entry in every index.
    Call it after the last save of a meeting: `Meeting.save()` writes the vector the
    instance holds (None for one built in memory) back over the refreshed one.
    """
    if connection.vendor != "postgresql":
        return 0
    if meetings is not None:
        return _refresh(meetings)
    total = Meeting.objects.count()
    ids = Meeting.objects.order_by("pk").values_list("pk", flat=True)
    start = ids.first()
    done = 0
    while start is not None:
        # Batches of `batch_size` meetings whatever the gaps in the ids: each ends just
        # before the first id of the next, read by skipping along the primary key.
        end = ids.filter(pk__gte=start)[batch_size : batch_size + 1].first()
        batch = Meeting.objects.filter(pk__gte=start)
        if end is not None:
            batch = batch.filter(pk__lt=end)
        done += _refresh(batch)
        if progress is not None:
            progress(done, total)
        start = end
    return done


def refresh_search_vector(meeting: Meeting) -> None:
    """Refresh one meeting's vector, after its last save in a service's transaction.

    The instance's own copy of the vector is stale after it, so it is dropped (the field
    becomes deferred): a later `save()` of this instance then writes only its loaded
    fields and leaves the refreshed vector alone."""
    refresh_search_vectors(Meeting.objects.filter(pk=meeting.pk))
    meeting.__dict__.pop("search", None)


@receiver(post_save, sender=CommunityGroup, dispatch_uid="meetings-search-group-saved")
def refresh_group_meetings(sender, instance: CommunityGroup, created: bool, raw: bool, **kwargs):
    """A group renamed (in the Django admin, the only place groups are edited) changes the
    vector of each of its meetings. A receiver, because the community app, below the
    meetings app, must not call up into it; this is derived data, not a business rule.
    Every save of an existing group refreshes its meetings (a group has at most a few
    thousand): knowing whether the name changed would cost a query per save anyway.
    Bulk `CommunityGroup.objects.update(name=...)` sends no signal: refresh after it."""
    update_fields = kwargs.get("update_fields")
    if created or raw or (update_fields is not None and "name" not in update_fields):
        return
    refresh_search_vectors(Meeting.objects.filter(groups=instance))
