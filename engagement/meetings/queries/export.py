"""The meetings export: which meetings (through meetings_visible_to, like the list), read
how, and which columns each role's file has.

Two column lists, each defined once: what a community liaison sees on a meeting's page
(LIAISON_COLUMNS), and the police view (POLICE_COLUMNS): the same columns and the
police-only ones after them. Which list a user gets is decided by the function that
decides it for the meeting page (`can_see_internal_notes`).
"""

from collections.abc import Callable, Iterator

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils.text import capfirst

from engagement.audit.services import display_value
from engagement.community.models import CommunityGroup
from engagement.csv_export import Column
from engagement.meetings.models import Disclosure, Meeting
from engagement.meetings.queries.meeting import AnyUser, can_see_internal_notes, meetings_visible_to

# Meetings read from the database this many at a time, each batch with its groups and
# disclosures in one query apiece: the query count grows with batches, never with rows.
CHUNK_SIZE = 500


def meetings_for_export(user: AnyUser) -> QuerySet[Meeting]:
    """Every meeting `user` may see, with what an export row reads."""
    return (
        meetings_visible_to(user)
        .defer("search")  # the search vector: never shown, and large
        .select_related("area", "unit", "author")
        .prefetch_related(
            Prefetch("groups", queryset=CommunityGroup.objects.order_by("name")),
            Prefetch(
                "disclosures", queryset=Disclosure.objects.select_related("officer").order_by("pk")
            ),
        )
    )


def export_rows(meetings: QuerySet[Meeting]) -> Iterator[Meeting]:
    """The meetings one batch at a time (prefetching per batch), never all at once."""
    return meetings.iterator(chunk_size=CHUNK_SIZE)


def _field(name: str, *, header: str = "") -> Column[Meeting]:
    """A column of one field of the meeting, headed by its verbose name (unless given),
    read as the meeting page shows it: choices by label, yes/no, dates, counts as numbers."""
    model_field = Meeting._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    header = header or capfirst(str(model_field.verbose_name))
    return Column(header, _reader(model_field), reads=frozenset({name}))


def _reader(model_field: models.Field) -> Callable[[Meeting], object]:
    name = model_field.name
    if getattr(model_field, "choices", None):
        return lambda meeting: getattr(meeting, f"get_{name}_display")()
    if model_field.many_to_many:
        return lambda meeting: ", ".join(str(item) for item in getattr(meeting, name).all())
    if model_field.get_internal_type() in ("PositiveIntegerField", "PositiveSmallIntegerField"):
        return lambda meeting: getattr(meeting, name)
    return lambda meeting: display_value(getattr(meeting, name))


def _start_time(meeting: Meeting) -> str:
    return f"{meeting.start_time:%H:%M}" if meeting.start_time else ""


def _risk_level(meeting: Meeting) -> str:
    return meeting.area.get_risk_level_display() if meeting.area else ""


def _concerns_needing_response(meeting: Meeting) -> str:
    return "; ".join(
        Meeting.ConcernTopic(topic).label for topic in meeting.concerns_needing_response
    )


def _disclosure(disclosure: Disclosure) -> str:
    said = (
        f"{disclosure.officer}: {disclosure.get_level_display()} "
        f"({disclosure.get_method_display()}, {disclosure.get_timing_display().lower()})"
    )
    return f"{said}. Reason: {disclosure.reason}" if disclosure.reason else said


def _disclosures(meeting: Meeting) -> str:
    """One line per officer, as the meeting page's table of disclosures reads."""
    return "\n".join(_disclosure(disclosure) for disclosure in meeting.disclosures.all())


CONCERN_FIELDS = frozenset(topic.value for topic in Meeting.ConcernTopic)

# What a community liaison sees on the meeting's page, in the page's order.
LIAISON_COLUMNS: list[Column[Meeting]] = [
    Column("Meeting id", lambda meeting: str(meeting.uuid), reads=frozenset({"uuid"})),
    _field("date"),
    Column("Start time", _start_time, reads=frozenset({"start_time"})),
    _field("duration_minutes"),
    _field("venue_kind"),
    _field("area"),
    Column("Area risk level", _risk_level, reads=frozenset({"area"})),
    _field("groups"),
    _field("unit"),
    _field("author", header="Logged by"),
    _field("status"),
    _field("initiated_by"),
    _field("focus"),
    _field("purpose"),
    _field("topics"),
    _field("attendee_count"),
    _field("under_25_count"),
    _field("under_18_count"),
    _field("responsible_adult_present"),
    _field("summary"),
    _field("information_shared"),
    _field("concerns_raised"),
    Column(
        "Topics of concern raised",
        lambda meeting: "; ".join(meeting.concern_topic_labels),
        reads=CONCERN_FIELDS,
    ),
    Column(
        "Concerns that need a response",
        _concerns_needing_response,
        reads=frozenset({"concerns_needing_response"}),
    ),
    _field("passed_on"),
    _field("community_told_passed_on"),
    Column("Officers and what they disclosed", _disclosures, reads=frozenset({"disclosures"})),
]

# The police view: everything a liaison sees, then what only the police see. Liaisons
# never see a withdrawn meeting, so its withdrawal is here too.
POLICE_COLUMNS: list[Column[Meeting]] = [
    *LIAISON_COLUMNS,
    _field("passed_on_kind", header="What kind was passed on"),
    _field("passed_on_reason"),
    _field("internal_notes"),
    _field("withdrawn_at", header="Withdrawn at"),
    _field("withdrawal_reason", header="Why it was withdrawn"),
]


def export_columns(user: AnyUser) -> list[Column[Meeting]]:
    return POLICE_COLUMNS if can_see_internal_notes(user) else LIAISON_COLUMNS
