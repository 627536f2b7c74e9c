import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from django.db.models import Q, QuerySet

from engagement import pagination
from engagement.accounts.models import Role, User
from engagement.audit.models import AuditEvent, ExportedMeeting
from engagement.csv_export import ReasonCategory
from engagement.pagination import Key, SeekPage, seek_page

# Field names as a person reads them in a history.
FIELD_LABELS = {
    "duration_minutes": "Length in minutes",
    "venue_kind": "Venue",
    "initiated_by": "Who asked for the meeting",
    "attendee_count": "Community attendees",
    "under_25_count": "Attendees under 25",
    "under_18_count": "Attendees under 18",
    "responsible_adult_present": "Responsible adult present",
    "information_shared": "What the police shared",
    "concerns_raised": "Concerns raised",
    "passed_on": "Passed on",
    "passed_on_kind": "What kind was passed on",
    "passed_on_reason": "Why it was passed on",
    "community_told_passed_on": "Community told it would be passed on",
    "internal_notes": "Internal notes",
}


@dataclass
class HistoryEntry:
    event: AuditEvent
    changes: list[tuple[str, str, str]]

    @property
    def title(self) -> str:
        return self.event.get_action_display()

    @property
    def reason(self) -> str:
        return self.event.reason


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    if name.startswith("follow-up "):
        # Keyed by the action's id so two alike actions never share an entry.
        return "Follow-up"
    text = name.removeprefix("concern_").replace("_", " ")
    return text[:1].upper() + text[1:]


def meeting_history(*, meeting, police_only_fields: frozenset[str] | None) -> list[HistoryEntry]:
    """What happened to a meeting, newest first; reads are left out of the timeline.

    `police_only_fields` are hidden from the changes shown (pass the meeting's set for a
    liaison, None for police and admins).
    """
    events = (
        AuditEvent.objects.filter(meeting=meeting)
        .exclude(action=AuditEvent.Action.VIEW)
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    hidden = police_only_fields or frozenset()
    return [
        HistoryEntry(
            event=event,
            changes=[
                (field_label(name), old, new)
                for name, (old, new) in event.changes.items()
                if name not in hidden
            ],
        )
        for event in events
    ]


# --- the audit screens --------------------------------------------------------------------

# Newest first, one row in one place: each search walks an index of AuditEvent.Meta in
# this order (its equality column first, then at and id), so a page stops after a page.
LOG_ORDER = [Key("at", descending=True), Key("id", descending=True)]

# Record kinds as an admin reads them: record_event's kinds (a model's name, or the kind
# a service or export names). Any other kind is shown as it is written.
RECORD_KIND_LABELS = {
    "meeting": "Meeting",
    "followupaction": "Follow-up action",
    "communitygroup": "Community group",
    "user": "Account",
    "transparency-report": "Transparency report",
    "transparency-report-draft": "Transparency report draft",
    "meetings": "Meetings export",
    "dashboard": "Dashboard export",
    "audit events": "Audit log export",
    "page": "Page",
}
# The kinds whose events name one record by its id, to search by kind and id.
KINDS_WITH_IDS = ("meeting", "followupaction", "communitygroup", "user", "transparency-report")
# The reference of a record as an admin may paste it: its UUID, or any link holding it.
UUID_IN_TEXT = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
# Free text of the log shown on the page is cut to this many characters; the export
# holds it whole.
SHOWN_CHARS = 200
ROLE_LABELS = dict(Role.choices)
HELD_THE_MEETING = "(held the meeting searched for)"
REASON_CATEGORIES = {str(value): str(label) for value, label in ReasonCategory.choices}


def kind_label(kind: str) -> str:
    return RECORD_KIND_LABELS.get(kind, kind.replace("-", " ").replace("_", " ").capitalize())


def record_reference(text: str) -> str:
    """A record's id from what an admin typed or pasted: the UUID in a link or a
    reference (as record_event writes it: lower case, with hyphens), or else the text."""
    found = UUID_IN_TEXT.search(text)
    if found is None:
        return text.strip()
    return str(uuid.UUID(found[0]))


REMOVED_AT_RETENTION = "Values removed at retention review"
RETENTION_ACTIONS = (AuditEvent.Action.RETENTION_KEEP, AuditEvent.Action.RETENTION_DISPOSE)

# What a row of the log reads of the people, units and meetings it names: a meeting's
# long texts and search vector are never read for its name.
ROW_FIELDS = (
    *(field.name for field in AuditEvent._meta.concrete_fields),
    "actor__username",
    "actor__first_name",
    "actor__last_name",
    "actor_unit__name",
    "meeting__uuid",
    "meeting__date",
    "meeting__purpose",
    "meeting__disposed_at",
)


def audit_log() -> QuerySet[AuditEvent]:
    """Every event, with what a row of the log shows: who (and their unit at the time)
    and the meeting it is about, read in the same query."""
    return AuditEvent.objects.select_related("actor", "actor_unit", "meeting").only(*ROW_FIELDS)


def exports_holding(*, meeting_id: int) -> list[int]:
    """The export events that held one meeting (ExportedMeeting's index on the meeting):
    an export names no one meeting, so its event is found through this link."""
    return list(
        ExportedMeeting.objects.filter(meeting_id=meeting_id).values_list("event_id", flat=True)
    )


def events_of_meeting(
    queryset: QuerySet[AuditEvent], *, meeting_id: int, exports: Sequence[int]
) -> QuerySet[AuditEvent]:
    """Every event about one meeting: its reads and changes (the meeting's index), and
    the exports that held it (`exports`, from exports_holding)."""
    if not exports:
        return queryset.filter(meeting_id=meeting_id)
    return queryset.filter(Q(meeting_id=meeting_id) | Q(pk__in=exports))


def log_page(
    events: QuerySet[AuditEvent],
    *,
    cursor: str | None,
    per_page: int,
    meeting_id: int | None = None,
    exports: Sequence[int] = (),
) -> SeekPage:
    """A page of the log, newest first, after (or before) `cursor`.

    One meeting's events are two lists no one index holds in order: its own events (the
    meeting's index) and the exports that held it (by primary key). Asked as one query
    with OR, the planner may walk the whole log's newest-first index testing each row,
    reading the log back to the meeting's time to fill a page. So each list is paged on
    its own (the page's rows and one more, beyond the same cursor: a cursor is a place
    in the log's order, whatever the list), and the page is read from those rows alone;
    its count is the two lists' counts.

    `events` are those the other filters find, the meeting not yet among them.
    """
    if meeting_id is None:
        return seek_page(events, LOG_ORDER, cursor=cursor, per_page=per_page)
    branches = [events.filter(meeting_id=meeting_id)]
    if exports:
        branches.append(events.filter(pk__in=exports))
    windows = [
        seek_page(branch, LOG_ORDER, cursor=cursor, per_page=per_page + 1) for branch in branches
    ]
    window = [row.pk for each in windows for row in each.rows]
    page = seek_page(events.filter(pk__in=window), LOG_ORDER, cursor=cursor, per_page=per_page)
    counted = sum(each.count for each in windows)
    more = any(each.more_than_count for each in windows) or counted > pagination.COUNT_CAP
    return replace(page, count=min(counted, pagination.COUNT_CAP), more_than_count=more)


def accounts_matching(*, text: str, most: int) -> list[User]:
    """Accounts whose username is `text`, or else whose names or username start with
    each word of it ("sam ok" finds Sam Okafor): at most `most` + 1, to say "more than"."""
    text = text.strip()
    accounts = User.objects.prefetch_related("groups").order_by(
        "last_name", "first_name", "username"
    )
    exact = list(accounts.filter(username__iexact=text)[:1])
    if exact:
        return exact
    for word in text.split()[:5]:
        accounts = accounts.filter(
            Q(username__istartswith=word)
            | Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
        )
    return list(accounts[: most + 1])


def account_in_words(user: User) -> str:
    """ "Sam Okafor (officer, Officer)": enough to tell two people of one name apart."""
    role = f", {user.role.label}" if user.role else ""
    name = user.get_full_name()
    return f"{name} ({user.username}{role})" if name else f"{user.username}{role}"


@dataclass
class LogRow:
    """One event as a row of the audit log."""

    event: AuditEvent
    # Searching one meeting: this export held it (the event names no meeting itself).
    held_meeting: bool = False

    @property
    def who(self) -> str:
        return str(self.event.actor) if self.event.actor else "No one signed in"

    @property
    def role(self) -> str:
        return str(ROLE_LABELS.get(self.event.actor_role, self.event.actor_role))

    @property
    def kind(self) -> str:
        return kind_label(self.event.record_kind) if self.event.record_kind else ""

    @property
    def of_meeting(self) -> str:
        """What comes before the meeting's name: "" for the meeting itself, "Follow-up
        action of " for a record of it."""
        kind = self.kind
        return "" if kind in ("", "Meeting") else f"{kind} of "

    @property
    def record(self) -> str:
        """The record in words, for the export."""
        event = self.event
        if event.meeting is not None:
            return f"{self.of_meeting}{event.meeting}"
        held = f" {HELD_THE_MEETING}" if self.held_meeting else ""
        return f"{self.kind} {event.record_id}".strip() + held

    @cached_property
    def details(self) -> list[str]:
        return [shorten(line) for line in detail_in_words(self.event)]

    @property
    def reason(self) -> str:
        """The reason given, unless it was text of a meeting since disposed of (a
        withdrawal or an escalation says why in the words the disposal removed); the
        disposal's own rationale stays."""
        event = self.event
        if removed_at_retention(event) and event.action not in RETENTION_ACTIONS:
            return REMOVED_AT_RETENTION if event.reason else ""
        return event.reason


def held(event: AuditEvent, *, meeting_id: int | None) -> bool:
    """Whether, searching one meeting, this event is an export that held it (found
    through ExportedMeeting: the event itself names no meeting)."""
    return meeting_id is not None and event.meeting_id != meeting_id


def log_rows(events: list[AuditEvent], *, meeting_id: int | None = None) -> list[LogRow]:
    return [LogRow(event, held_meeting=held(event, meeting_id=meeting_id)) for event in events]


def shorten(text: str, most: int = SHOWN_CHARS) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def removed_at_retention(event: AuditEvent) -> bool:
    """The log keeps what it recorded (it is append-only), but once a meeting is disposed
    of, the values its events recorded are not shown or exported again."""
    return event.meeting is not None and event.meeting.disposed_at is not None


def detail_in_words(event: AuditEvent) -> list[str]:
    """What the event's changes and detail say, a line each: the fields changed (old →
    new, or only which, for a meeting since disposed of), an export's recipient, rows and
    filters, a list's filters, the page read."""
    if removed_at_retention(event):
        lines = [
            f"{field_label(name)}: changed ({REMOVED_AT_RETENTION.lower()})"
            for name, _ in _pairs(event.changes)
        ]
    else:
        lines = [
            f"{field_label(name)}: {_change(old)} → {_change(new)}"
            for name, (old, new) in _pairs(event.changes)
        ]
    detail = dict(event.detail) if isinstance(event.detail, dict) else {"detail": event.detail}
    if "reason_category" in detail:
        category = detail.pop("reason_category")
        lines.append(f"Kind of need: {REASON_CATEGORIES.get(category, _in_words(category))}")
    if "recipient" in detail:
        lines.append(f"Sent to: {_in_words(detail.pop('recipient'))}")
    if "rows" in detail:
        lines.append(f"Rows: {_in_words(detail.pop('rows'))}")
    for key, label in (("filters", "Filters"), ("query", "Filters")):
        if key in detail:
            filters = detail.pop(key)
            if filters:
                lines.append(f"{label}: {_in_words(filters)}")
    detail.pop("columns", None)  # the export's own headers: in the CSV, not in a row
    if event.record_id or event.meeting_id:
        # A read of a record: the record column names it; its page's address adds nothing.
        detail.pop("page", None)
        detail.pop("path", None)
    if "path" in detail:
        detail.pop("page", None)  # the path says it in fewer words
        lines.append(f"Page: {_in_words(detail.pop('path'))}")
    if "username" in detail:
        lines.append(f"Username tried: {_in_words(detail.pop('username'))}")
    lines += [f"{_label(key)}: {_in_words(value)}" for key, value in detail.items()]
    return lines


def _pairs(changes) -> list[tuple[str, tuple[str, str]]]:
    if not isinstance(changes, dict):
        return []
    pairs = []
    for name, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            pairs.append((name, (value[0], value[1])))
        else:
            pairs.append((name, ("", value)))
    return pairs


def _change(value) -> str:
    text = _in_words(value)
    return text if text else "(empty)"


def _label(key: str) -> str:
    text = str(key).replace("_", " ")
    return text[:1].upper() + text[1:]


def _in_words(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{key} = {_in_words(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_in_words(item) for item in value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
