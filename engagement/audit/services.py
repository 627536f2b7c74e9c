"""The one way to write to the audit log."""

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db import connection, models

from engagement import clock
from engagement.accounts.models import User
from engagement.accounts.queries import unit_id_of
from engagement.audit.models import AuditEvent, ExportedMeeting

if TYPE_CHECKING:  # the log points at a meeting; the audit app never imports meetings
    from engagement.meetings.models import Meeting


def display_value(value) -> str:
    """A value as a person reads it in a history: dates as dates, booleans as yes/no."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(sorted(display_value(item) for item in value))
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, str]:
    """The display values of `fields`, to diff before and after a change."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = display_value(getattr(instance, name).all()) if instance.pk else ""
        elif getattr(field, "choices", None) and getattr(instance, name) not in (None, ""):
            values[name] = display_value(getattr(instance, f"get_{name}_display")())
        else:
            values[name] = display_value(getattr(instance, name))
    return values


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {
        name: [before.get(name, ""), value]
        for name, value in after.items()
        if before.get(name, "") != value
    }


# PostgreSQL keeps no NUL character in text or jsonb, and refuses the whole insert: a
# NUL put in a URL (a read's query is logged) answered every page with a 500 there.
# Kept as U+FFFD, the replacement character, so the event says something was there.
NUL = "\x00"
REPLACEMENT = "\ufffd"


def storable(value):
    """`value` with every NUL in its strings (keys too) replaced, for the database."""
    if isinstance(value, str):
        return value.replace(NUL, REPLACEMENT)
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value


def record_event(
    *,
    actor: User | AnonymousUser | None,
    action: AuditEvent.Action,
    record: models.Model | None = None,
    record_kind: str = "",
    meeting: "Meeting | None" = None,
    changes: dict | None = None,
    reason: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    if record is not None:
        record_kind = record_kind or str(record._meta.model_name)
        record_id = str(getattr(record, "uuid", None) or record.pk)
    else:
        record_id = ""
    signed_in = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        at=clock.now(),
        actor=signed_in,
        actor_role=signed_in.role or "" if signed_in else "",
        actor_unit_id=unit_id_of(signed_in) if signed_in else None,
        action=action,
        record_kind=record_kind,
        record_id=record_id,
        meeting=meeting,
        changes=storable(changes or {}),
        reason=storable(reason),
        detail=storable(detail or {}),
    )


def record_exported_meetings(*, event: AuditEvent, meetings: models.QuerySet) -> None:
    """Link each meeting of an export to its event in one INSERT … SELECT: an export of
    every meeting is recorded without reading a meeting into Python."""
    exported = meetings.order_by().annotate(exported_id=models.F("pk")).values("exported_id")
    ids, params = exported.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(ExportedMeeting._meta.db_table)
    columns = f"{quote('event_id')}, {quote('meeting_id')}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT %s, exported_id FROM ({ids}) exported",
            [event.pk, *params],
        )
